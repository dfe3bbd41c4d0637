/* /api/v1/dashboard: the statistics of a region, with drill-down. */
#include "api/api.h"
#include "domain/figures/report.h"
#include "domain/figures/stats.h"


static int dashboard_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = stats_dashboard(r->db, &who, req_query(r, "region"), &out, e);
	return rc ? rc : req_reply(r, 200, out);
}

static int export_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = report_dashboard_xlsx(r->db, &who, req_query(r, "region"),
					   &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

static int report_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	exportmark m;
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = report_xlsx(r->db, &who, r->params[0],
				 req_query(r, "region"), req_query(r, "year"),
				 &m, &bytes, &len, name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

static int campaign_h(req *r, err *e)
{
	actor who = req_actor(r);
	char *bytes, name[128];
	size_t len;
	int64_t id;
	exportmark m;
	int rc = req_id(r, 0, &id, e);
	if (!rc)
		rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = report_campaign_xlsx(r->db, &who, id, &m, &bytes, &len,
					  name, e);
	return rc ? rc : req_reply_file(r, bytes, len, XLSX_TYPE, name);
}

const route api_stats_routes[] = {
	{ "GET", "/api/v1/dashboard", dashboard_h, 0, PERM_STATS_READ },
	{ "GET", "/api/v1/dashboard/export", export_h, 0, PERM_STATS_READ },
	{ "GET", "/api/v1/reports/{kind}", report_h, 0, PERM_STATS_READ },
	{ "GET", "/api/v1/campaigns/{id}/export", campaign_h, 0,
	  PERM_STATS_READ },
	{ 0 },
};
