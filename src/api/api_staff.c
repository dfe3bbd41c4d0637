/* /api/v1/staff, /trainings, /certificates, /campaigns: the workforce. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/workforce/campaign.h"
#include "domain/workforce/cert.h"
#include "domain/workforce/staff.h"
#include "domain/workforce/training.h"
#include "util/jsonx.h"

static int done(req *r, int status, int rc, json_t *out)
{
	return rc ? rc : req_reply(r, status, out);
}

static int staff_list_h(req *r, err *e)
{
	staff_query q = { .region = req_query(r, "region"),
			  .post = req_query(r, "post"),
			  .status = req_query(r, "status"),
			  .q = req_query(r, "q"),
			  .untrained_year = req_query(r, "untrained_year") };
	int rc = req_page(r, &q.offset, &q.limit, e);
	actor who = req_actor(r);
	json_t *out = NULL;
	if (!rc)
		rc = staff_list(r->db, &who, &q, &out, e);
	return done(r, 200, rc, out);
}

static int staff_post_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = staff_create(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int staff_get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = staff_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int staff_patch_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = staff_update(r->db, &who, id, r->json, &out, e);
	return done(r, 200, rc, out);
}

static int staff_leave_h(req *r, err *e)
{
	static const char *const fields[] = { "left_on", "reason", NULL };
	int64_t id;
	const char *date, *reason;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "left_on", 1, 10, &date, e)) ||
	    (rc = jsonx_str(r->json, "reason", 1, 100, &reason, e)))
		return rc;
	rc = staff_leave(r->db, &who, id, date, reason, &out, e);
	return done(r, 200, rc, out);
}

static int coverage_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = staff_coverage(r->db, &who, req_query(r, "region"),
				req_query(r, "date"), &out, e);
	return done(r, 200, rc, out);
}

static int coverage_xlsx_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = staff_coverage_xlsx(r->db, &who, req_query(r, "region"),
					 req_query(r, "date"), &m, &bytes, &len,
					 name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

static int trainings_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = training_list(r->db, &who, req_query(r, "region"),
			       req_query(r, "year"), &out, e);
	return done(r, 200, rc, out);
}

static int training_post_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = training_create(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int training_get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = training_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int attend_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = training_attend(r->db, &who, id, r->json, &out, e);
	return done(r, 200, rc, out);
}

static int certs_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = cert_list(r->db, &who, req_query(r, "region"), &out, e);
	return done(r, 200, rc, out);
}

static int cert_post_h(req *r, err *e)
{
	static const char *const fields[] = { "staff_id", "training_id", NULL };
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = jsonx_only(r->json, fields, e);
	if (rc)
		return rc;
	json_t *s = json_object_get(r->json, "staff_id");
	json_t *t = json_object_get(r->json, "training_id");
	if (!s || !t)
		return err_field(e, ERR_INVALID, "missing_field",
				 s ? "training_id" : "staff_id",
				 "请填写人员编号和培训编号");
	if (!json_is_integer(s) || !json_is_integer(t))
		return err_field(e, ERR_INVALID, "invalid_field",
				 json_is_integer(s) ? "training_id" : "staff_id",
				 "人员编号和培训编号应为整数");
	rc = training_certify(r->db, &who, json_integer_value(s),
			      json_integer_value(t), &out, e);
	return done(r, 201, rc, out);
}

static int cert_revoke_h(req *r, err *e)
{
	static const char *const fields[] = { "reason", NULL };
	int64_t id;
	const char *reason;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "reason", 1, 100, &reason, e)))
		return rc;
	rc = cert_revoke(r->db, &who, id, reason, &out, e);
	return done(r, 200, rc, out);
}

static int cert_pdf_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	const char *layout = req_query(r, "layout");
	if (layout && strcmp(layout, "a4") && strcmp(layout, "card"))
		return err_field(e, ERR_INVALID, "invalid_query", "layout",
				 "版式应为 a4 或 card");
	/* The QR code leads to the public check: the configured address, or
	 * the one this request came to (a Host of plain name characters). */
	char base[300] = "";
	const char *host = req_header(r, "Host");
	if (r->app && r->app->public_url)
		snprintf(base, sizeof base, "%s", r->app->public_url);
	else if (host && *host && strlen(host) < 256 &&
		 strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			      "0123456789.-:[]") == strlen(host))
		snprintf(base, sizeof base, "http://%s", host);
	exportmark m;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = cert_pdf(r->db, &who, id, layout && !strcmp(layout, "card"),
			      base, &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, "application/pdf", name);
}

/* Public: a printed number and its check code can be checked without an
 * account. */
static int cert_verify_h(req *r, err *e)
{
	json_t *out = NULL;
	int rc = cert_verify(r->db, &r->app->acfg.thr, r->params[0],
			     req_query(r, "code"), r->ip, r->now, &out, e);
	return done(r, 200, rc, out);
}

static int campaigns_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = campaign_list(r->db, &who, &out, e);
	return done(r, 200, rc, out);
}

static int campaign_post_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = campaign_create(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int campaign_get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = campaign_progress(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

const route api_staff_routes[] = {
	{ "GET", "/api/v1/staff", staff_list_h, 0, PERM_STAFF_READ },
	{ "POST", "/api/v1/staff", staff_post_h, R_BODY, PERM_STAFF_REGISTER },
	{ "GET", "/api/v1/staff/coverage", coverage_h, 0, PERM_STATS_READ },
	{ "GET", "/api/v1/staff/coverage/export", coverage_xlsx_h, 0,
	  PERM_STATS_READ },
	{ "GET", "/api/v1/staff/{id}", staff_get_h, 0, PERM_STAFF_READ },
	{ "PATCH", "/api/v1/staff/{id}", staff_patch_h, R_BODY,
	  PERM_STAFF_REGISTER },
	{ "POST", "/api/v1/staff/{id}/leave", staff_leave_h, R_BODY,
	  PERM_STAFF_REGISTER },
	{ "GET", "/api/v1/trainings", trainings_h, 0, PERM_STAFF_READ },
	{ "POST", "/api/v1/trainings", training_post_h, R_BODY,
	  PERM_TRAINING_WRITE },
	{ "GET", "/api/v1/trainings/{id}", training_get_h, 0, PERM_STAFF_READ },
	{ "POST", "/api/v1/trainings/{id}/attendance", attend_h, R_BODY,
	  PERM_TRAINING_WRITE },
	{ "GET", "/api/v1/certificates", certs_h, 0, PERM_STAFF_READ },
	{ "POST", "/api/v1/certificates", cert_post_h, R_BODY,
	  PERM_TRAINING_WRITE },
	{ "GET", "/api/v1/certificates/verify/{number}", cert_verify_h, 0,
	  PERM_PUBLIC },
	{ "GET", "/api/v1/certificates/{id}/pdf", cert_pdf_h, 0,
	  PERM_STAFF_READ },
	{ "POST", "/api/v1/certificates/{id}/revoke", cert_revoke_h, R_BODY,
	  PERM_TRAINING_WRITE },
	{ "GET", "/api/v1/campaigns", campaigns_h, 0, PERM_STATS_READ },
	{ "POST", "/api/v1/campaigns", campaign_post_h, R_BODY,
	  PERM_TRAINING_WRITE },
	{ "GET", "/api/v1/campaigns/{id}", campaign_get_h, 0, PERM_STATS_READ },
	{ 0 },
};
