/* /api/v1/women: rural left-behind women and their services. */
#include "api/api.h"
#include "domain/women/women.h"

static int done(req *r, int status, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, status, out);
}

static int list_h(req *r, err *e)
{
	int64_t off;
	int lim;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_page(r, &off, &lim, e);
	if (!rc)
		rc = women_list(r->db, &who, req_query(r, "region"),
				req_query(r, "service"), off, lim, &out, e);
	return done(r, 200, rc, out);
}

static int create_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = women_create(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = women_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int patch_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int version;
	/* If-Match carries the version the client edited, so two people
	 * editing one record cannot silently overwrite each other. */
	int rc = api_if_match(r, &version, e);
	if (!rc)
		rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = women_update(r->db, &who, id, r->json, version, &out, e);
	return done(r, 200, rc, out);
}

static int service_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = women_service_add(r->db, &who, id, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int stats_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = women_stats(r->db, &who, req_query(r, "region"), &out, e);
	return done(r, 200, rc, out);
}

static int export_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = women_xlsx(r->db, &who, req_query(r, "region"), &m, &bytes,
				&len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

const route api_women_routes[] = {
	{ "GET", "/api/v1/women", list_h, 0, PERM_WOMEN_READ },
	{ "POST", "/api/v1/women", create_h, R_BODY, PERM_WOMEN_WRITE },
	/* Counts only: the auditor reads statistics, never identities. */
	{ "GET", "/api/v1/women/stats", stats_h, 0, PERM_STATS_READ },
	{ "GET", "/api/v1/women/export", export_h, 0, PERM_WOMEN_READ },
	{ "GET", "/api/v1/women/{id}", get_h, 0, PERM_WOMEN_READ },
	{ "PATCH", "/api/v1/women/{id}", patch_h, R_BODY, PERM_WOMEN_WRITE },
	{ "POST", "/api/v1/women/{id}/services", service_h, R_BODY,
	  PERM_WOMEN_WRITE },
	{ 0 },
};
