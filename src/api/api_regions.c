/* /api/v1/regions: browse the divisions inside the caller's scope; admins
 * add non-statistical ones. */
#include <stdlib.h>

#include "api/api.h"
#include "util/jsonx.h"

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

const route api_region_routes[] = {
	{ "GET", "/api/v1/regions", regions_list, 0, PERM_REGION_READ },
	{ "GET", "/api/v1/regions/{code}", region_get, 0, PERM_REGION_READ },
	{ "POST", "/api/v1/regions", regions_post, R_BODY, PERM_REGION_WRITE },
	{ 0 },
};
