/* /api/v1/dashboard: the statistics of a region, with drill-down. */
#include "api/api.h"
#include "domain/stats.h"

static int dashboard_h(req *r, err *e)
{
	actor who = req_actor(r);
	json_t *out = NULL;
	int rc = stats_dashboard(r->db, &who, req_query(r, "region"), &out, e);
	return rc ? rc : req_reply(r, 200, out);
}

const route api_stats_routes[] = {
	{ "GET", "/api/v1/dashboard", dashboard_h, 0,
	  ROLE_BIT(ROLE_PROVINCE) | ROLE_BIT(ROLE_CITY) | ROLE_BIT(ROLE_COUNTY) |
		  ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_DIRECTOR) |
		  ROLE_BIT(ROLE_AUDITOR) },
	{ 0 },
};
