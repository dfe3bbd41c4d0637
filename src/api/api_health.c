#include "api/api.h"

static int health_get(req *r, err *e)
{
	(void)e;
	return req_reply(r, 200,
			 json_pack("{s:s, s:s, s:s}", "status", "ok", "db",
				   store_kind_of(r->db) == STORE_PG ? "postgresql"
								    : "sqlite",
				   "version", app_version()));
}

const route api_health_routes[] = {
	{ "GET", "/api/v1/health", health_get, R_PUBLIC, ROLES_ALL },
	{ 0 },
};
