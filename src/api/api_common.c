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

static void tally(req *r, const char *action, const char *reason,
		  const char *filed, const char *where, const char *target,
		  int status)
{
	if (!r->se || !r->app->tally)
		return;
	audit_tally_event ev = { .action = action,
				 .actor = r->se->u.username,
				 .region = filed,
				 .ip = r->ip,
				 .reason = reason,
				 .route = where,
				 .target = target,
				 .status = status,
				 .at = r->now };
	audit_tally_add(r->app->tally, &ev);
}

void api_note_denial(req *r, const route *rt, const err *e)
{
	int status = e->code == ERR_FORBIDDEN ? 403
		     : e->code == ERR_NOTFOUND && e->out_of_scope ? 404
								  : 0;
	/* Only a caller with a session is counted: a denial before there is
	 * one (no session, a bad CSRF token at login) names nobody. */
	if (!status || !r->se)
		return;
	char where[96], filed[REGION_CODE_MAX];
	snprintf(where, sizeof where, "%s %s", rt->method, rt->pattern);
	/* Filed under a region holding both the caller and the record:
	 * whoever may read the entry may know of both. */
	if (status == 404)
		region_common(r->se->u.region, e->scope_region, filed);
	else
		snprintf(filed, sizeof filed, "%s", r->se->u.region);
	tally(r, "access_denied", status == 404 ? "out_of_scope" : e->key,
	      filed, where, r->path, status);
}

void api_tally(req *r, const char *action, const char *where,
	       const char *target)
{
	tally(r, action, "", r->se ? r->se->u.region : "", where, target, 0);
}

int api_export_mark(req *r, exportmark *m, err *e)
{
	return exportmark_init(m, req_query(r, "purpose"), e);
}

json_t *api_time_json(int64_t t)
{
	return jsonx_time(t);
}

json_t *api_actions_json(role r)
{
	json_t *a = json_array();
	for (int i = PERM_PUBLIC + 1; i < PERM_COUNT; i++)
		if (perm_role_may(r, (perm_action)i))
			json_array_append_new(a, json_string(perm_name(i)));
	return a;
}

json_t *api_grants_json(role r)
{
	json_t *a = json_array();
	/* highest first, as a form lists them */
	for (int i = ROLE_COUNT - 1; i > ROLE_NONE; i--)
		if (perm_may_grant(r, (role)i))
			json_array_append_new(a,
					      json_string(account_role_name(i)));
	return a;
}

json_t *api_region_json(const region *g)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:b, s:b}", "code", g->code,
			      "name", g->name, "level",
			      region_level_name(g->level), "statistical",
			      g->statistical, "has_children", g->has_children,
			      "exempt", g->exempt);
	if (g->exempt)
		json_object_set_new(o, "exempt_reason",
				    json_string(g->exempt_reason));
	return o;
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
