/* /api/v1/quality and /api/v1/quarters: quarterly verification. */
#include "api/api.h"
#include "domain/quarterly/quality.h"

static int done(req *r, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, 200, out);
}

static int report_h(req *r, err *e)
{
	int64_t off;
	int lim;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_page(r, &off, &lim, e);
	if (!rc)
		rc = quality_report(r->db, &who, req_query(r, "region"),
				    req_query(r, "quarter"), req_query(r, "rule"),
				    off, lim, &out, e);
	return done(r, rc, out);
}

static int verify_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = quality_verify(r->db, &who, id, r->json, &out, e);
	return done(r, rc, out);
}

static int progress_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = quality_progress(r->db, &who, req_query(r, "region"),
				  r->params[0], &out, e);
	return done(r, rc, out);
}

static int signoff_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = quality_signoff(r->db, &who, r->params[0], r->json, &out, e);
	return done(r, rc, out);
}

static int figures_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = quality_figures(r->db, &who, req_query(r, "region"),
				 r->params[0], &out, e);
	return done(r, rc, out);
}

static int due_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = quality_set_due(r->db, &who, r->params[0], r->json, &out, e);
	return done(r, rc, out);
}

const route api_quality_routes[] = {
	{ "GET", "/api/v1/quality", report_h, 0, PERM_QUALITY_READ },
	{ "POST", "/api/v1/children/{id}/verify", verify_h, R_BODY,
	  PERM_QUALITY_VERIFY },
	{ "GET", "/api/v1/quarters/{quarter}/progress", progress_h, 0,
	  PERM_QUALITY_READ },
	{ "GET", "/api/v1/quarters/{quarter}/figures", figures_h, 0,
	  PERM_QUALITY_READ },
	{ "POST", "/api/v1/quarters/{quarter}/signoffs", signoff_h, R_BODY,
	  PERM_QUARTER_SIGNOFF },
	{ "PUT", "/api/v1/quarters/{quarter}", due_h, R_BODY,
	  PERM_QUARTER_SET_DUE },
	{ 0 },
};
