/* account — users, roles, passwords, sessions (SPEC §1, §10).
 *
 * What must stay true:
 *   - a user acts only inside its scope region, and grants only the roles
 *     domain/core/perm.c's grant table lists for its own (never its own role:
 *     strictly below; auditor only by admin; the administrators only by
 *     security_admin or the command line); it manages only users whose
 *     role it may grant;
 *   - a role fixes the level of its scope region (supervisor: township …);
 *   - passwords are stored only as argon2id hashes; session tokens only as
 *     SHA-256 hashes, so a copy of the database logs nobody in;
 *   - failed logins slow the address that fails down (domain/core/throttle.h)
 *     and never lock the account: nobody can lock another out;
 *   - a known and an unknown username get the same answer, in about the
 *     same time, and an unknown one is never written down as typed;
 *   - a session ends after its idle time and, used or not, after
 *     session_max (at most 12 hours);
 *   - every change to a user, every login, failed login and logout is
 *     audited in the same transaction as the change. */
#ifndef GUANAI_ACCOUNT_H
#define GUANAI_ACCOUNT_H

#include <jansson.h>
#include <stdint.h>

#include "domain/core/actor.h"
#include "domain/core/pwpolicy.h"
#include "domain/core/region.h"
#include "domain/core/throttle.h"
#include "store/store.h"
#include "store/user_store.h"
#include "util/err.h"

/* The roles, a user and a session are as user_store.h stores them. */
enum {
	ACCOUNT_OTP_LEN = 12,
	ACCOUNT_SESSION_MAX = 12 * 3600,	/* the longest a session may last */
	ACCOUNT_PW_HISTORY = 5,		/* passwords a user may not choose again */
};

/* Settings that tests and deployments change. */
typedef struct account_cfg {
	int64_t session_idle;	/* seconds of idleness that end a session */
	int64_t session_max;	/* seconds a session lasts at most, used or not */
	throttle_cfg thr;	/* failed logins and wrong old passwords */
	/* A real argon2id hash of a random password, checked for unknown
	 * usernames so that they cost as much time as known ones. */
	char dummy_hash[128];
	pwpolicy *pw;		/* owned */
} account_cfg;

/* Fills the defaults (30 minutes idle, 12 hours at most, throttle_cfg's
 * defaults), the dummy hash and the password policy.  Errors:
 * ERR_INTERNAL when hashing fails (out of memory) or cracklib's dictionary
 * cannot be read ("password_dictionary"). */
int account_cfg_init(account_cfg *cfg, err *e);
void account_cfg_free(account_cfg *cfg);

/* Takes what every server on the database shares (the throttle key).
 * Errors: ERR_STORE. */
int account_cfg_load(account_cfg *cfg, store *s, err *e);


role account_role_parse(const char *s);
const char *account_role_name(role r);
const char *account_role_label(role r);
/* The region level a role's scope must have, or 0 for any level. */
int account_role_level(role r);
/* Adds table "role" of GET /api/v1/codes to `out`: every role with its
 * label and the "level" its scope region must have (null: any). */
void account_codes_json(json_t *out);

/* Checks the shape of a password: at least 8 characters and 3 of upper,
 * lower, digit, symbol; at most 128 bytes.  A password a user chooses
 * passes pwpolicy_check as well.  Errors: ERR_INVALID "weak_password". */
int account_password_check(const char *pw, err *e);

/* A random one-time password that passes account_password_check. */
void account_otp(char out[ACCOUNT_OTP_LEN + 1]);

/* Creates a user with a one-time password (written to otp).  With a user
 * in `who`, the scope and rank rules apply.  Errors: ERR_INVALID
 * (username, role, level mismatch), ERR_FORBIDDEN (rank), ERR_NOTFOUND
 * (region outside scope), ERR_CONFLICT "username_taken", ERR_STORE. */
int account_create(store *s, const actor *who, const char *username,
		   const char *role_name, const char *region_in,
		   const char *display, user *out,
		   char otp[ACCOUNT_OTP_LEN + 1], err *e);

/* Fields of a PATCH; NULL / -1 mean "leave as is". */
typedef struct account_patch {
	const char *display_name;
	const char *role;
	const char *region;
	int disabled;		/* -1, 0 or 1 */
} account_patch;

int account_update(store *s, const actor *who, int64_t id,
		   const account_patch *p, user *out, err *e);
/* Both also forget the failed logins on the user (every address's). */
int account_reset_password(store *s, const account_cfg *cfg,
			   const actor *who, int64_t id,
			   char otp[ACCOUNT_OTP_LEN + 1], err *e);
int account_unlock(store *s, const account_cfg *cfg, const actor *who,
		   int64_t id, user *out, err *e);

/* A user by id, if inside the actor's scope and the actor may manage
 * users.  Errors: ERR_FORBIDDEN, ERR_NOTFOUND "not_found". */
int account_get(store *s, const actor *who, int64_t id, user *out, err *e);

/* Users inside the actor's scope (optionally under `region`, matching `q`
 * in username or display name).  *out: malloc'd array. */
int account_list(store *s, const actor *who, const char *region_in,
		 const char *q, int64_t offset, int limit, user **out, int *n,
		 int64_t *total, err *e);

/* Checks the credentials; on success opens a session.  A wrong password,
 * an unknown or a disabled user are one answer.  Errors: ERR_UNAUTH
 * "invalid_credentials", ERR_RATE "too_many_attempts" (this address
 * failed too often on this name, or on any: e->retry_after says how long
 * to wait; the password was not even checked), ERR_STORE. */
int account_login(store *s, const account_cfg *cfg, const char *username,
		  const char *password, const char *ip, int64_t now,
		  session *out, err *e);

/* Finds the session of a cookie token and refreshes its idle timer.
 * Errors: ERR_UNAUTH "unauthenticated" (unknown, idle too long, older than
 * session_max, user disabled). */
int account_session(store *s, const account_cfg *cfg, const char *token,
		    int64_t now, session *out, err *e);

int account_logout(store *s, const session *se, const char *ip, int64_t now,
		   err *e);

/* Changes the session user's password and ends the user's other sessions.
 * A wrong old password counts as a failed login of the user from `ip`,
 * and is audited as one (login_failed, reason wrong_old_password).
 * Errors: ERR_FORBIDDEN "wrong_password", ERR_INVALID "weak_password"
 * (pwpolicy_check), ERR_INVALID "password_reused" (one of the last
 * ACCOUNT_PW_HISTORY passwords the user chose, or the current one),
 * ERR_RATE "too_many_attempts". */
int account_change_password(store *s, const account_cfg *cfg,
			    const session *se, const char *token,
			    const char *old_pw, const char *new_pw,
			    const char *ip, int64_t now, user *out, err *e);

/* For the command line and demo data: sets a known password without the
 * one-time-password step (must_change stays 0) and without the policy's
 * guessability checks (the demo accounts' Guanai@2018 would fail them;
 * it goes into their history, so that their users cannot keep it).
 * Audited. */
int account_set_password(store *s, const actor *who, int64_t id,
			 const char *pw, err *e);

/* For the command line: finds a user by name. */
int account_by_username(store *s, const char *username, user *out, err *e);

#endif
