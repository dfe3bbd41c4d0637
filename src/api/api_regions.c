/* /api/v1/regions: browse the divisions inside the caller's scope; admins
 * add non-statistical ones; county officers and above mark the units that
 * need no posts or platforms (issue #19). */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/jsonx.h"
#include "util/text.h"

static const char *scope_of(const req *r)
{
	/* An admin's scope region bounds what it browses like anyone's. */
	return r->se->u.region;
}

static int regions_list(req *r, err *e)
{
	const char *parent = req_query(r, "parent");
	region g;
	int rc;
	if (!parent) {
		if ((rc = region_resolve(r->db, NULL, scope_of(r), &g, e)))
			return rc;
		json_t *items = json_array();
		json_array_append_new(items, api_region_json(&g));
		return req_reply(r, 200, json_pack("{s:o}", "items", items));
	}
	if ((rc = region_resolve(r->db, scope_of(r), parent, &g, e)))
		return rc;
	region *kids;
	int n;
	if ((rc = region_children(r->db, g.code, &kids, &n, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, api_region_json(&kids[i]));
	free(kids);
	return req_reply(r, 200, json_pack("{s:o}", "items", items));
}

static int region_get(req *r, err *e)
{
	region g, path[5];
	int n, rc;
	if ((rc = region_resolve(r->db, scope_of(r), r->params[0], &g, e)) ||
	    (rc = region_path(r->db, g.code, path, &n, e)))
		return rc;
	json_t *out = api_region_json(&g);
	json_t *pj = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(
			pj, json_pack("{s:s, s:s, s:s}", "code", path[i].code,
				      "name", path[i].name, "level",
				      region_level_name(path[i].level)));
	json_object_set_new(out, "parent_code", json_string(g.parent));
	json_object_set_new(out, "path", pj);
	return req_reply(r, 200, out);
}

static int regions_post(req *r, err *e)
{
	static const char *const fields[] = { "parent_code", "name", NULL };
	const char *pc, *name;
	region out;
	int rc;
	actor who = req_actor(r);
	if ((rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "parent_code", 1, 64, &pc, e)) ||
	    (rc = jsonx_str(r->json, "name", 1, 60, &name, e)) ||
	    (rc = region_create(r->db, &who, pc, name, &out, e)))
		return rc;
	return req_reply(r, 201, api_region_json(&out));
}

/* `page` from 1, `page_size` 1–200 (default 200). */
static int exempt_page(req *r, int64_t *offset, int *limit, err *e)
{
	const char *p = req_query(r, "page"), *ps = req_query(r, "page_size");
	long long page = 1, size = 200;
	if (p && (!text_is_digits(p) || strlen(p) > 9 ||
		  (page = atoll(p)) < 1))
		return err_field(e, ERR_INVALID, "invalid_query", "page",
				 "页码应为正整数");
	if (ps && (!text_is_digits(ps) || strlen(ps) > 3 ||
		   (size = atoll(ps)) < 1 || size > 200))
		return err_field(e, ERR_INVALID, "invalid_query", "page_size",
				 "每页条数应为1至200");
	*offset = (page - 1) * size;
	*limit = (int)size;
	return 0;
}

static int exempt_listing(req *r, int proposals, err *e)
{
	actor who = req_actor(r);
	json_t *out;
	int64_t off = 0;
	int lim = 200, rc;
	if ((rc = exempt_page(r, &off, &lim, e)) ||
	    (rc = region_exempt_list(r->db, &who, req_query(r, "region"),
				     proposals, off, lim, &out, e)))
		return rc;
	return req_reply(r, 200, out);
}

static int exempt_list(req *r, err *e)
{
	return exempt_listing(r, 0, e);
}

static int exempt_proposals(req *r, err *e)
{
	return exempt_listing(r, 1, e);
}

static int exempt_post(req *r, err *e)
{
	static const char *const fields[] = { "exempt", "reason", NULL };
	const char *reason;
	region out;
	int rc;
	actor who = req_actor(r);
	json_t *x = json_object_get(r->json, "exempt");
	if ((rc = jsonx_only(r->json, fields, e)))
		return rc;
	if (!x)
		return err_field(e, ERR_INVALID, "missing_field", "exempt",
				 "请说明标记（true）还是取消（false）");
	if (!json_is_boolean(x))
		return err_field(e, ERR_INVALID, "invalid_field", "exempt",
				 "exempt 应为 true（标记）或 false（取消）");
	if ((rc = jsonx_str(r->json, "reason", 1, 100, &reason, e)) ||
	    (rc = region_exempt_set(r->db, &who, r->params[0],
				    json_is_true(x), reason, &out, e)))
		return rc;
	return req_reply(r, 200, api_region_json(&out));
}

const route api_region_routes[] = {
	{ "GET", "/api/v1/regions/exempt", exempt_list, 0, PERM_REGION_EXEMPT },
	{ "GET", "/api/v1/regions/exempt-proposals", exempt_proposals, 0,
	  PERM_REGION_EXEMPT },
	{ "POST", "/api/v1/regions/{code}/exempt", exempt_post, R_BODY,
	  PERM_REGION_EXEMPT },
	{ "GET", "/api/v1/regions", regions_list, 0, PERM_REGION_READ },
	{ "GET", "/api/v1/regions/{code}", region_get, 0, PERM_REGION_READ },
	{ "POST", "/api/v1/regions", regions_post, R_BODY, PERM_REGION_WRITE },
	{ 0 },
};
