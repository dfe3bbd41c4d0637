/* /api/v1/platforms: 儿童之家 and 儿童活动中心; village child counts;
 * the labelling words. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/platforms/platform.h"
#include "util/text.h"

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
		rc = platform_list(r->db, &who, req_query(r, "region"),
				   req_query(r, "kind"), req_query(r, "status"),
				   req_query(r, "compliant"), off, lim, &out, e);
	return done(r, 200, rc, out);
}

static int create_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = platform_create(r->db, &who, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int get_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = platform_get(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int patch_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = platform_update(r->db, &who, id, r->json, &out, e);
	return done(r, 200, rc, out);
}

static int name_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	const char *code = req_query(r, "region");
	int rc = code ? platform_name_proposal(r->db, &who, code,
					       req_query(r, "kind"), &out, e)
		      : err_field(e, ERR_INVALID, "invalid_query", "region",
				  "请给出区划代码");
	return done(r, 200, rc, out);
}

/* The rule-100 lists page together: `page` from 1, `page_size` 1–1000
 * (default 1000, so a county's villages come in one answer). */
static int rule_page(req *r, int64_t *offset, int *limit, err *e)
{
	const char *p = req_query(r, "page"), *ps = req_query(r, "page_size");
	long long page = 1, size = RULE100_PAGE_MAX;
	if (p && (!text_is_digits(p) || strlen(p) > 9 ||
		  (page = atoll(p)) < 1))
		return err_field(e, ERR_INVALID, "invalid_query", "page",
				 "页码应为正整数");
	if (ps && (!text_is_digits(ps) || strlen(ps) > 4 ||
		   (size = atoll(ps)) < 1 || size > RULE100_PAGE_MAX))
		return err_field(e, ERR_INVALID, "invalid_query", "page_size",
				 "每页条数应为1至1000");
	*offset = (page - 1) * size;
	*limit = (int)size;
	return 0;
}

static int rule_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int64_t off = 0;
	int lim = RULE100_PAGE_MAX;
	int rc = rule_page(r, &off, &lim, e);
	if (!rc)
		rc = platform_rule100(r->db, &who, req_query(r, "region"), off,
				      lim, &out, e);
	return done(r, 200, rc, out);
}

static int compliance_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = platform_compliance(r->db, &who, req_query(r, "region"), &out,
				     e);
	return done(r, 200, rc, out);
}

static int compliance_xlsx_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = platform_compliance_xlsx(r->db, &who, req_query(r, "region"),
					      &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

static int activity_post_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = platform_activity_add(r->db, &who, id, r->json, &out, e);
	return done(r, 201, rc, out);
}

static int activities_h(req *r, err *e)
{
	int64_t id;
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = platform_activities(r->db, &who, id, &out, e);
	return done(r, 200, rc, out);
}

static int stats_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = platform_activity_stats(r->db, &who, req_query(r, "region"),
					 req_query(r, "year"), &out, e);
	return done(r, 200, rc, out);
}

static int child_count_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = platform_set_child_count(r->db, &who, r->params[0], r->json,
					  &out, e);
	return done(r, 200, rc, out);
}

static int words_get_h(req *r, err *e)
{
	json_t *out = NULL;
	int rc = platform_label_words(r->db, &out, e);
	return done(r, 200, rc, out);
}

static int words_put_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = platform_set_label_words(r->db, &who, r->json, &out, e);
	return done(r, 200, rc, out);
}

const route api_platform_routes[] = {
	{ "GET", "/api/v1/platforms", list_h, 0, PERM_PLATFORM_READ },
	{ "POST", "/api/v1/platforms", create_h, R_BODY, PERM_PLATFORM_WRITE },
	{ "GET", "/api/v1/platforms/name-proposal", name_h, 0,
	  PERM_PLATFORM_READ },
	{ "GET", "/api/v1/platforms/rule100", rule_h, 0, PERM_PLATFORM_READ },
	{ "GET", "/api/v1/platforms/compliance", compliance_h, 0,
	  PERM_PLATFORM_READ },
	{ "GET", "/api/v1/platforms/compliance/export", compliance_xlsx_h, 0,
	  PERM_PLATFORM_READ },
	{ "GET", "/api/v1/platforms/activity-stats", stats_h, 0,
	  PERM_PLATFORM_READ },
	{ "GET", "/api/v1/platforms/{id}", get_h, 0, PERM_PLATFORM_READ },
	{ "PATCH", "/api/v1/platforms/{id}", patch_h, R_BODY,
	  PERM_PLATFORM_WRITE },
	{ "GET", "/api/v1/platforms/{id}/activities", activities_h, 0,
	  PERM_PLATFORM_READ },
	{ "POST", "/api/v1/platforms/{id}/activities", activity_post_h, R_BODY,
	  PERM_PLATFORM_WRITE },
	{ "PUT", "/api/v1/regions/{code}/child-count", child_count_h, R_BODY,
	  PERM_PLATFORM_WRITE },
	{ "GET", "/api/v1/settings/label-words", words_get_h, 0,
	  PERM_SETTINGS_READ },
	{ "PUT", "/api/v1/settings/label-words", words_put_h, R_BODY,
	  PERM_LABEL_WORDS_WRITE },
	{ 0 },
};
