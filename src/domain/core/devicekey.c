#include "domain/core/devicekey.h"

#include <sodium.h>

#include "domain/core/account.h"
#include "store/devicekey_store.h"

int devicekey_get(store *s, const actor *who, char out[DEVICEKEY_TEXT],
		  err *e)
{
	if (!who->u)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "命令行没有设备密钥");
	unsigned char k[32];
	char fresh[DEVICEKEY_TEXT];
	randombytes_buf(k, sizeof k);
	sodium_bin2base64(fresh, sizeof fresh, k, sizeof k,
			  sodium_base64_VARIANT_ORIGINAL);
	sodium_memzero(k, sizeof k);
	int rc = devicekey_store_get(s, who->u->id, fresh, who->now, out,
				     DEVICEKEY_TEXT, e);
	sodium_memzero(fresh, sizeof fresh);
	return rc;
}
