/* The API's routes: one table per resource, in the order the router tries
 * them.  A new resource adds its table here. */
#include "api/api.h"

static const route *const tables[] = {
	api_health_routes, api_session_routes, api_region_routes,
	api_user_routes,   api_audit_routes,	api_child_routes,
	api_staff_routes,  api_platform_routes, api_case_routes,
	api_quality_routes, api_stats_routes, api_women_routes,
	api_export_routes, api_codes_routes,
};

http_routes api_routes(void)
{
	return (http_routes){ tables, sizeof tables / sizeof *tables };
}
