/* Fuzzes the request-body reader: any bytes must give either a parsed
 * object whose fields read back within their caps, or a clean error. */
#include <stdint.h>
#include <string.h>

#include "util/jsonx.h"
#include "util/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fields[] = { "username", "password", "role",
					      "region_code", "disabled", NULL };
	json_t *obj;
	err e;
	if (jsonx_parse_object((const char *)data, size, &obj, &e) != 0) {
		if (e.key[0] == '\0')
			__builtin_trap();
		return 0;
	}
	const char *s;
	int b;
	if (jsonx_only(obj, fields, &e) == 0) {
		if (jsonx_str(obj, "username", 0, 32, &s, &e) == 0 && s &&
		    (text_utf8_len(s) > 32 || !text_is_utf8(s, strlen(s))))
			__builtin_trap();
		jsonx_bool(obj, "disabled", 0, &b, &e);
	}
	json_decref(obj);
	return 0;
}
