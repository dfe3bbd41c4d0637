#include "util/jsonx.h"

#include <string.h>

#include "util/date.h"
#include "util/text.h"

int jsonx_parse_object(const char *data, size_t len, json_t **out, err *e)
{
	json_error_t je;
	*out = NULL;
	json_t *v = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!v)
		return err_set(e, ERR_INVALID, "invalid_json",
			       "请求内容不是有效的JSON（第%d行第%d列）", je.line,
			       je.column);
	if (!json_is_object(v)) {
		json_decref(v);
		return err_set(e, ERR_INVALID, "invalid_json",
			       "请求内容应为JSON对象");
	}
	*out = v;
	return 0;
}

int jsonx_only(json_t *obj, const char *const *allowed, err *e)
{
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val) {
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok)
			return err_field(e, ERR_INVALID, "unknown_field", key,
					 "不支持的字段: %.40s", key);
	}
	return 0;
}

/* jsonx_str without the check for forbidden characters. */
static int str_field(json_t *obj, const char *key, int required, size_t max,
		     const char **out, err *e)
{
	json_t *v = json_object_get(obj, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return err_field(e, ERR_INVALID, "missing_field", key,
					 "缺少必填字段: %s", key);
		return 0;
	}
	if (!json_is_string(v))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 应为字符串", key);
	const char *s = json_string_value(v);
	if (text_utf8_len(s) > max)
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 过长（最多%zu个字符）", key, max);
	*out = s;
	return 0;
}

int jsonx_bool(json_t *obj, const char *key, int required, int *out, err *e)
{
	json_t *v = json_object_get(obj, key);
	*out = -1;
	if (!v) {
		if (required)
			return err_field(e, ERR_INVALID, "missing_field", key,
					 "缺少必填字段: %s", key);
		return 0;
	}
	if (!json_is_boolean(v))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 应为true或false", key);
	*out = json_is_true(v);
	return 0;
}

char *jsonx_dump(const json_t *v)
{
	return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

json_t *jsonx_time(int64_t t)
{
	if (!t)
		return json_null();
	char buf[21];
	date_instant(t, buf);
	return json_string(buf);
}

int jsonx_str(json_t *obj, const char *key, int required, size_t max,
	      const char **out, err *e)
{
	int rc = str_field(obj, key, required, max, out, e);
	/* Every string of a body passes here first, so a bidi override or a
	 * zero-width character is refused with the field named whatever the
	 * endpoint; the validators refuse them again (text_valid_name), for
	 * the paths that do not read JSON. */
	unsigned long bad = rc || !*out ? 0 : text_forbidden(*out, 1);
	if (bad) {
		*out = NULL;
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "字段 %s 含有%s（U+%04lX），请删除后重新输入",
				 key, text_forbidden_label(bad), bad);
	}
	return rc;
}

int jsonx_str_raw(json_t *obj, const char *key, int required, size_t max,
		 const char **out, err *e)
{
	return str_field(obj, key, required, max, out, e);
}
