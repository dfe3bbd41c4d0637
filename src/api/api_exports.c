/* /api/v1/exports: exports that need an approval first (exportreq.h), and
 * the setting of when they do. */
#include "api/api.h"
#include "domain/exports/exportreq.h"
#include "domain/core/perm.h"
#include "util/jsonx.h"

static int done(req *r, int status, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, status, out);
}

static int create_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = exportreq_create(r->db, &who, r->json, &out, e);
	return done(r, 202, rc, out);
}

static int list_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = exportreq_list(r->db, &who, &out, e);
	return done(r, 200, rc, out);
}

static int get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = exportreq_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int decide(req *r, err *e, int approve)
{
	static const char *const fields[] = { "reason", NULL };
	int64_t id;
	const char *reason = NULL;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc && r->json &&
	    ((rc = jsonx_only(r->json, fields, e)) ||
	     (rc = jsonx_str(r->json, "reason", 0, 100, &reason, e))))
		return rc;
	if (!rc)
		rc = exportreq_decide(r->db, &who, id, approve, reason, &out, e);
	return done(r, 200, rc, out);
}

static int approve_h(req *r, err *e)
{
	return decide(r, e, 1);
}

static int reject_h(req *r, err *e)
{
	return decide(r, e, 0);
}

static int file_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	char *bytes = NULL, name[128];
	size_t len = 0;
	const char *type = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = exportreq_file(r->db, &who, id, &bytes, &len, &type, name,
				    e);
	return rc ? rc : req_reply_file(r, bytes, len, type, name);
}

static int settings_h(req *r, err *e)
{
	json_t *out = NULL;
	int rc = exportreq_settings(r->db, &out, e);
	return done(r, 200, rc, out);
}

static int settings_put_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = exportreq_settings_set(r->db, &who, r->json, &out, e);
	return done(r, 200, rc, out);
}

const route api_export_routes[] = {
	{ "GET", "/api/v1/exports", list_h, 0, PERM_EXPORT_READ },
	/* Anyone who reads may ask: a masked role is answered that its
	 * exports need no approval (exportreq.c). */
	{ "POST", "/api/v1/exports", create_h, R_BODY, PERM_EXPORT_READ },
	{ "GET", "/api/v1/exports/{id}", get_h, 0, PERM_EXPORT_READ },
	{ "POST", "/api/v1/exports/{id}/approve", approve_h, R_OPTBODY,
	  PERM_EXPORT_APPROVE },
	{ "POST", "/api/v1/exports/{id}/reject", reject_h, R_OPTBODY,
	  PERM_EXPORT_APPROVE },
	{ "GET", "/api/v1/exports/{id}/file", file_h, 0, PERM_EXPORT_REQUEST },
	{ "GET", "/api/v1/settings/export-approval", settings_h, 0,
	  PERM_SETTINGS_READ },
	{ "PUT", "/api/v1/settings/export-approval", settings_put_h, R_BODY,
	  PERM_EXPORT_POLICY_WRITE },
	{ 0 },
};
