/* /api/v1/users: user management inside the caller's scope. */
#include <stdlib.h>

#include "api/api.h"
#include "util/jsonx.h"

static int users_list(req *r, err *e)
{
	int64_t offset, total;
	int limit, n, rc;
	user *v;
	actor who = req_actor(r);
	if ((rc = req_page(r, &offset, &limit, e)) ||
	    (rc = account_list(r->db, &who, req_query(r, "region"),
			       req_query(r, "q"), offset, limit, &v, &n, &total,
			       e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, api_user_json(r->db, &v[i], r->now));
	free(v);
	return req_reply(r, 200,
			 json_pack("{s:o, s:I}", "items", items, "total",
				   (json_int_t)total));
}

static int users_create(req *r, err *e)
{
	static const char *const fields[] = { "username", "role",
					      "region_code", "display_name",
					      NULL };
	const char *un, *rolename, *regcode, *dn;
	int rc;
	if ((rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "username", 1, 32, &un, e)) ||
	    (rc = jsonx_str(r->json, "role", 1, 16, &rolename, e)) ||
	    (rc = jsonx_str(r->json, "region_code", 1, 64, &regcode, e)) ||
	    (rc = jsonx_str(r->json, "display_name", 0, 40, &dn, e)))
		return rc;
	actor who = req_actor(r);
	user u;
	char otp[ACCOUNT_OTP_LEN + 1];
	if ((rc = account_create(r->db, &who, un, rolename, regcode, dn, &u, otp,
				 e)))
		return rc;
	return req_reply(r, 201,
			 json_pack("{s:o, s:s}", "user",
				   api_user_json(r->db, &u, r->now),
				   "one_time_password", otp));
}

static int user_get(req *r, err *e)
{
	int64_t id;
	user u;
	actor who = req_actor(r);
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = account_get(r->db, &who, id, &u, e)))
		return rc;
	return req_reply(r, 200, api_user_json(r->db, &u, r->now));
}

static int user_patch(req *r, err *e)
{
	static const char *const fields[] = { "display_name", "role",
					      "region_code", "disabled", NULL };
	account_patch p;
	int64_t id;
	user u;
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "display_name", 0, 40, &p.display_name,
			    e)) ||
	    (rc = jsonx_str(r->json, "role", 0, 16, &p.role, e)) ||
	    (rc = jsonx_str(r->json, "region_code", 0, 64, &p.region, e)) ||
	    (rc = jsonx_bool(r->json, "disabled", 0, &p.disabled, e)))
		return rc;
	actor who = req_actor(r);
	if ((rc = account_update(r->db, &who, id, &p, &u, e)))
		return rc;
	return req_reply(r, 200, api_user_json(r->db, &u, r->now));
}

static int user_reset(req *r, err *e)
{
	int64_t id;
	char otp[ACCOUNT_OTP_LEN + 1];
	actor who = req_actor(r);
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = account_reset_password(r->db, &r->app->acfg, &who, id, otp,
					 e)))
		return rc;
	return req_reply(r, 200, json_pack("{s:s}", "one_time_password", otp));
}

static int user_unlock(req *r, err *e)
{
	int64_t id;
	user u;
	actor who = req_actor(r);
	int rc;
	if ((rc = req_id(r, 0, &id, e)) ||
	    (rc = account_unlock(r->db, &r->app->acfg, &who, id, &u,
				 e)))
		return rc;
	return req_reply(r, 200, api_user_json(r->db, &u, r->now));
}

const route api_user_routes[] = {
	{ "GET", "/api/v1/users", users_list, 0, PERM_USER_MANAGE },
	{ "POST", "/api/v1/users", users_create, R_BODY, PERM_USER_MANAGE },
	{ "GET", "/api/v1/users/{id}", user_get, 0, PERM_USER_MANAGE },
	{ "PATCH", "/api/v1/users/{id}", user_patch, R_BODY, PERM_USER_MANAGE },
	{ "POST", "/api/v1/users/{id}/password-reset", user_reset, 0,
	  PERM_USER_MANAGE },
	{ "POST", "/api/v1/users/{id}/unlock", user_unlock, 0,
	  PERM_USER_MANAGE },
	{ 0 },
};
