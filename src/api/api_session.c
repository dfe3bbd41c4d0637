/* /api/v1/session: login, the current user, logout, password change. */
#include <sodium.h>
#include <stdio.h>

#include "api/api.h"
#include "domain/core/devicekey.h"
#include "util/jsonx.h"

static void set_cookie(req *r, const char *token, int64_t max_age)
{
	/* Secure whenever the client reached us over https (the public
	 * address is https, or a trusted proxy says so): then the browser
	 * never sends the cookie in clear.  Over plain http it would never
	 * send it back at all. */
	snprintf(r->set_cookie, sizeof r->set_cookie,
		 "guanai_session=%s; Path=/; HttpOnly; SameSite=Strict; "
		 "Max-Age=%lld%s",
		 token, (long long)max_age, r->https ? "; Secure" : "");
}

/* The user, the CSRF token, and what the user may do: the UI shows and
 * hides by `actions` and offers `grants` when creating users. */
static int session_reply(req *r, const session *se, int status)
{
	return req_reply(r, status,
			 json_pack("{s:o, s:s, s:o, s:o}", "user",
				   api_user_json(r->db, &se->u, r->now),
				   "csrf_token", se->csrf, "actions",
				   api_actions_json(se->u.role), "grants",
				   api_grants_json(se->u.role)));
}

static int session_create(req *r, err *e)
{
	static const char *const fields[] = { "username", "password", NULL };
	const char *u, *p;
	int rc;
	if ((rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str(r->json, "username", 1, 64, &u, e)) ||
	    (rc = jsonx_str_raw(r->json, "password", 1, 128, &p, e)))
		return rc;
	session se;
	if ((rc = account_login(r->db, &r->app->acfg, u, p, r->ip, r->now, &se,
				e)))
		return rc;
	/* The cookie lives as long as the session may; the idle timeout
	 * ends it sooner. */
	set_cookie(r, se.token, r->app->acfg.session_max);
	return session_reply(r, &se, 200);
}

static int session_get(req *r, err *e)
{
	(void)e;
	return session_reply(r, r->se, 200);
}

static int session_delete(req *r, err *e)
{
	session se = *r->se;
	snprintf(se.token, sizeof se.token, "%s", r->token);
	int rc = account_logout(r->db, &se, r->ip, r->now, e);
	if (rc)
		return rc;
	set_cookie(r, "", 0);
	return req_reply(r, 204, NULL);
}

static int password_put(req *r, err *e)
{
	static const char *const fields[] = { "old_password", "new_password",
					      NULL };
	const char *o, *n;
	int rc;
	if ((rc = jsonx_only(r->json, fields, e)) ||
	    (rc = jsonx_str_raw(r->json, "old_password", 1, 128, &o, e)) ||
	    (rc = jsonx_str_raw(r->json, "new_password", 1, 128, &n, e)))
		return rc;
	user u;
	if ((rc = account_change_password(r->db, &r->app->acfg, r->se, r->token,
					  o, n, r->ip, r->now, &u, e)))
		return rc;
	return req_reply(r, 200,
			 json_pack("{s:o}", "user",
				   api_user_json(r->db, &u, r->now)));
}

/* The key the UI encrypts its copy on the device with (domain/devicekey.h):
 * released to the user's own session only, never cached. */
static int device_key_get(req *r, err *e)
{
	actor who = req_actor(r);
	char key[DEVICEKEY_TEXT];
	int rc = devicekey_get(r->db, &who, key, e);
	if (rc)
		return rc;
	rc = req_reply(r, 200,
		       json_pack("{s:s, s:I}", "key", key, "user_id",
				 (json_int_t)r->se->u.id));
	sodium_memzero(key, sizeof key);
	return rc;
}

const route api_session_routes[] = {
	{ "POST", "/api/v1/session", session_create, R_BODY, PERM_PUBLIC },
	{ "GET", "/api/v1/session", session_get, R_PW_CHANGE, PERM_SESSION },
	{ "DELETE", "/api/v1/session", session_delete, R_PW_CHANGE,
	  PERM_SESSION },
	{ "PUT", "/api/v1/session/password", password_put, R_PW_CHANGE | R_BODY,
	  PERM_SESSION },
	{ "GET", "/api/v1/session/device-key", device_key_get, 0,
	  PERM_SESSION },
	{ 0 },
};
