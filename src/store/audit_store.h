/* audit_store — the SQL of the audit log. */
#ifndef GUANAI_AUDIT_STORE_H
#define GUANAI_AUDIT_STORE_H

#include "store/store.h"

enum { AUDIT_HASH_HEX = 65, AUDIT_KEY_ID_HEX = 65, AUDIT_SIG_HEX = 129 };

/* An entry of the log (domain/core/audit.h says what it means). */
typedef struct audit_entry {
	int64_t seq;
	int64_t at;			/* unix seconds */
	const char *actor;		/* username, or "system" */
	const char *action;		/* e.g. "login", "user_create" */
	const char *target;		/* e.g. "user:12", "" */
	const char *region_code;	/* region the entry concerns */
	const char *ip;			/* client address, "" for the CLI */
	const char *detail;		/* a JSON object as text */
} audit_entry;
/* The entry's fields, as audit_store_list gives them. */
extern const store_col audit_store_entry_cols[];

/* An entry as stored, with the links that chain it. */
typedef struct audit_link_row {
	audit_entry a;
	const char *prev_hash, *hash;
} audit_link_row;
extern const store_col audit_store_link_cols[];

/* The head row as appends and verification read it. */
typedef struct audit_store_head_row {
	int64_t seq;			/* the last entry's seq, 0 for none */
	char hash[AUDIT_HASH_HEX];	/* its hash */
	char key_id[AUDIT_KEY_ID_HEX];	/* "" when the chain is not keyed */
	char mac[AUDIT_HASH_HEX];	/* the head's MAC, "" when not keyed */
} audit_store_head_row;

/* The head row (locked on PostgreSQL until the transaction ends).  Must
 * run inside a write transaction, which then sets the head with
 * audit_store_set_head.  Errors: ERR_STORE (also when the row is gone). */
int audit_store_next(store *s, audit_store_head_row *h, err *e);
int audit_store_insert(store *s, const audit_entry *a, const char *prev,
		       const char *hash, err *e);
int audit_store_set_head(store *s, int64_t seq, const char *hash,
			 const char *mac, err *e);
/* Records the key the chain is keyed with from now on, and the head's
 * MAC under it.  Inside a write transaction. */
int audit_store_set_key(store *s, const char *key_id, const char *mac,
			err *e);
/* The head row, read without a lock.  h->seq = -1 when the row is gone. */
int audit_store_head(store *s, audit_store_head_row *h, err *e);
/* Entries with seq > after, in seq order, at most `limit` (rows of
 * audit_store_link_cols). */
int audit_store_page(store *s, int64_t after, int limit, store_res **out,
		     err *e);
/* The hash of entry `seq`: 0, or ERR_NOTFOUND when there is none. */
int audit_store_hash_of(store *s, int64_t seq, char hash[AUDIT_HASH_HEX],
			err *e);
/* Entries whose region lies in [lo, hi), optionally one action (NULL: all),
 * newest first (rows of audit_store_entry_cols). */
/* A filter of the log: region range [lo, hi), and each of the others
 * when set (NULL or 0: any): one action, one actor (username), entries
 * at or after `from` and before `to` (unix seconds). */
typedef struct audit_filter {
	const char *lo, *hi;
	const char *action, *actor;
	int64_t from, to;
} audit_filter;
/* An entry as the log's readers see it: with the name of its region and
 * the display name of its actor ("" when none). */
typedef struct audit_view_row {
	audit_entry a;
	const char *region_name, *actor_name;
} audit_view_row;
extern const store_col audit_store_view_cols[];
/* The filtered entries, newest first, as audit_store_view_cols. */
int audit_store_view(store *s, const audit_filter *f, int64_t offset,
		     int limit, store_res **out, int64_t *total, err *e);
int audit_store_list(store *s, const char *lo, const char *hi,
		     const char *action, int64_t offset, int limit,
		     store_res **out, int64_t *total, err *e);

#endif
