/* user_store — the SQL of users and sessions. */
#ifndef GUANAI_USER_STORE_H
#define GUANAI_USER_STORE_H

#include <stdint.h>

#include "store/region_store.h"
#include "store/store.h"

/* The roles of SPEC §1, and the administrator split in three (等保2.0
 * level 3, 三权分立): admin runs the system (users, regions, settings),
 * security_admin grants the administrators' accounts, audit_admin reads
 * the whole audit log.  Who may grant whom is domain/core/perm.c's grant
 * table, not this order. */
typedef enum role {
	ROLE_NONE = 0,
	ROLE_AUDITOR,
	ROLE_DIRECTOR,
	ROLE_SUPERVISOR,
	ROLE_COUNTY,
	ROLE_CITY,
	ROLE_PROVINCE,
	ROLE_ADMIN,
	ROLE_SECURITY_ADMIN,
	ROLE_AUDIT_ADMIN,
	ROLE_COUNT
} role;

enum {
	ACCOUNT_USERNAME_MAX = 33,
	ACCOUNT_DISPLAY_MAX = 128,
	ACCOUNT_TOKEN_MAX = 64,
};

typedef struct user {
	int64_t id;
	char username[ACCOUNT_USERNAME_MAX];
	char display_name[ACCOUNT_DISPLAY_MAX];
	role role;
	char region[REGION_CODE_MAX];
	int must_change;
	int failed;
	/* Until then failed logins hold some address back from this account,
	 * or the account is slow (domain/core/throttle.h); shown as
	 * "locked", it locks
	 * nothing. */
	int64_t locked_until;
	int disabled;
	int64_t created_at;
} user;

/* A logged-in session. */
typedef struct session {
	char token[ACCOUNT_TOKEN_MAX];	/* only set at login */
	char csrf[ACCOUNT_TOKEN_MAX];
	user u;
} session;

/* A role as a user row stores it, and as the API names it ("county"),
 * "" for none; and back, ROLE_NONE for a name that is no role. */
const char *user_store_role_name(role r);
role user_store_role_parse(const char *name);

/* A user and its password hash (pw may be NULL).  ERR_NOTFOUND if none. */
int user_store_by_name(store *s, const char *username, user *out, char *pw,
		       size_t pwsz, err *e);
int user_store_by_id(store *s, int64_t id, user *out, char *pw, size_t pwsz,
		     err *e);
/* Inserts; sets u->id.  ERR_CONFLICT on a taken username. */
int user_store_insert(store *s, user *u, const char *pw_hash, err *e);
/* Writes display_name, role, region, disabled, must_change. */
int user_store_update(store *s, const user *u, int64_t now, err *e);
int user_store_set_password(store *s, int64_t id, const char *pw_hash,
			    int must_change, int64_t now, err *e);
/* Shows the user as held back (User.locked) until `until`, unless it
 * already is for longer. */
int user_store_mark_held(store *s, int64_t id, int64_t until, err *e);
int user_store_clear_fails(store *s, int64_t id, err *e);
/* The hashes of the `limit` passwords the user chose last, newest first
 * (rows of store_text_cols). */
int user_store_pw_history(store *s, int64_t id, int limit, store_res **out,
			  err *e);
/* Adds a chosen password's hash and keeps only the `keep` newest. */
int user_store_pw_history_add(store *s, int64_t id, const char *pw_hash,
			      int64_t now, int keep, err *e);
/* Users with region in [lo, hi) under the filters, ordered by username. */
int user_store_list(store *s, const char *lo, const char *hi, const char *q,
		    int64_t offset, int limit, user **out, int *n,
		    int64_t *total, err *e);

int session_store_insert(store *s, const char *token_hash, int64_t user_id,
			 const char *csrf, int64_t now, const char *ip,
			 err *e);
/* The session and its user; ERR_NOTFOUND if none.  *created and
 * *last_seen receive its start and its last activity time. */
int session_store_get(store *s, const char *token_hash, session *out,
		      int64_t *created, int64_t *last_seen, err *e);
int session_store_touch(store *s, const char *token_hash, int64_t now,
			err *e);
int session_store_delete(store *s, const char *token_hash, err *e);
/* Ends every session of a user except `keep_hash` (NULL: all). */
int session_store_delete_user(store *s, int64_t user_id,
			      const char *keep_hash, err *e);

#endif
