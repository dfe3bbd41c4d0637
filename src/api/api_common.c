/* Renderers shared by the API modules. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "util/jsonx.h"
#include "util/text.h"

int api_if_match(req *r, int *version, err *e)
{
	const char *im = req_header(r, "If-Match");
	*version = 0;
	if (!im)
		return 0;
	const char *v = im[0] == '"' ? im + 1 : im;
	char buf[16];
	size_t n = strcspn(v, "\"");
	if (n == 0 || n >= 10)
		return err_set(e, ERR_INVALID, "invalid_header",
			       "If-Match 应为记录的版本号");
	memcpy(buf, v, n);
	buf[n] = '\0';
	if (!text_is_digits(buf))
		return err_set(e, ERR_INVALID, "invalid_header",
			       "If-Match 应为记录的版本号");
	*version = atoi(buf);
	return 0;
}

int api_export_mark(req *r, exportmark *m, err *e)
{
	return exportmark_init(m, req_query(r, "purpose"), e);
}

json_t *api_time_json(int64_t t)
{
	return jsonx_time(t);
}

json_t *api_region_json(const region *g)
{
	return json_pack("{s:s, s:s, s:s, s:b, s:b}", "code", g->code, "name",
			 g->name, "level", region_level_name(g->level),
			 "statistical", g->statistical, "has_children",
			 g->has_children);
}

json_t *api_user_json(store *s, const user *u, int64_t now)
{
	region g;
	char path[512] = "";
	const char *rname = "";
	if (region_resolve(s, NULL, u->region, &g, NULL) == 0) {
		rname = g.name;
		region_path_text(s, u->region, path, sizeof path, NULL);
	}
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:o}",
		"id", (json_int_t)u->id, "username", u->username,
		"display_name", u->display_name, "role",
		account_role_name(u->role), "role_label",
		account_role_label(u->role), "region_code", u->region,
		"region_name", rname, "region_path", path,
		"must_change_password", u->must_change, "locked",
		u->locked_until > now, "disabled", u->disabled,
		"created_at", api_time_json(u->created_at));
}
