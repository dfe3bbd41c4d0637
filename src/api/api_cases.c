/* /api/v1/cases: the 五位一体 protection chain; /api/v1/watchlist. */
#include <string.h>

#include "api/api.h"
#include "domain/cases/case.h"
#include "domain/cases/case_limits.h"
#include "domain/cases/case_pdf.h"
#include "domain/cases/case_watch.h"

static int done(req *r, int status, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, status, out);
}

static int report_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = case_report(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int list_h(req *r, err *e)
{
	int64_t off;
	int lim;
	actor who = req_actor(r);
	json_t *out = NULL;
	const char *overdue = req_query(r, "overdue");
	const char *todo = req_query(r, "todo");
	if ((overdue && strcmp(overdue, "true") && strcmp(overdue, "false")) ||
	    (todo && strcmp(todo, "true") && strcmp(todo, "false")))
		return err_field(e, ERR_INVALID, "invalid_query",
				 overdue && strcmp(overdue, "true") &&
						 strcmp(overdue, "false")
					 ? "overdue"
					 : "todo",
				 "应为 true 或 false");
	int rc = req_page(r, &off, &lim, e);
	if (!rc)
		rc = case_list(r->db, &who, req_query(r, "state"),
			       overdue && !strcmp(overdue, "true"),
			       todo && !strcmp(todo, "true"), off, lim, &out, e);
	return done(r, 200, rc, out);
}

static int get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = case_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int step_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = case_step(r->db, &who, id, r->params[1], r->json, &out, e);
	return done(r, 200, rc, out);
}

static int pdf_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = case_pdf(r->db, &who, id, &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, "application/pdf", name);
}

static int watch_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = case_watchlist(r->db, &who, req_query(r, "days"), &out, e);
	return done(r, 200, rc, out);
}

static int limits_h(req *r, err *e)
{
	json_t *out = NULL;
	int rc = case_limits(r->db, &out, e);
	return done(r, 200, rc, out);
}

static int limits_put_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = case_limits_set(r->db, &who, r->json, &out, e);
	return done(r, 200, rc, out);
}

const route api_case_routes[] = {
	{ "POST", "/api/v1/cases", report_h, R_BODY, PERM_CASE_REPORT },
	{ "GET", "/api/v1/cases", list_h, 0, PERM_CASE_READ },
	{ "GET", "/api/v1/cases/{id}", get_h, 0, PERM_CASE_READ },
	{ "GET", "/api/v1/cases/{id}/timeline.pdf", pdf_h, 0, PERM_CASE_READ },
	{ "POST", "/api/v1/cases/{id}/{step}", step_h, R_BODY,
	  PERM_CASE_HANDLE },
	{ "GET", "/api/v1/watchlist", watch_h, 0, PERM_CASE_READ },
	{ "GET", "/api/v1/settings/case-limits", limits_h, 0,
	  PERM_SETTINGS_READ },
	{ "PUT", "/api/v1/settings/case-limits", limits_put_h, R_BODY,
	  PERM_CASE_LIMITS_WRITE },
	{ 0 },
};
