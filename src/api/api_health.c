#include "api/api.h"
#include "domain/core/health.h"

/* Public: says whether the service and its database answer, and nothing
 * else (no version, no engine) — /metrics tells those to whoever may see
 * it. */
static int health_get(req *r, err *e)
{
	int rc = health_check(r->db, e);
	if (rc)
		return rc;
	return req_reply(r, 200, json_pack("{s:s}", "status", "ok"));
}

const route api_health_routes[] = {
	{ "GET", "/api/v1/health", health_get, 0, PERM_PUBLIC },
	{ 0 },
};
