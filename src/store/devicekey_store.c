#include "store/devicekey_store.h"

#include <stdio.h>

int devicekey_store_get(store *s, int64_t user, const char *fresh,
			int64_t now, char *out, size_t n, err *e)
{
	store_param p[] = { SP_I(user), SP_S(fresh), SP_I(now) };
	int rc = store_exec(s,
			    "INSERT INTO device_keys (user_id, dkey, created_at)"
			    " VALUES (?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
			    p, SP_COUNT(p), NULL, e);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = store_query(s,
			      "SELECT dkey FROM device_keys WHERE user_id = ?",
			      p, 1, &r, e)))
		return rc;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 设备密钥缺失");
	}
	snprintf(out, n, "%s", store_res_text(r, 0, 0));
	store_res_free(r);
	return 0;
}
