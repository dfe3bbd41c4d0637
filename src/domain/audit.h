/* audit — the append-only, hash-chained audit log (SPEC §10).
 *
 * Entry n stores hash_n = SHA-256(hash_{n-1} ‖ fields of n), each field
 * length-prefixed so no two different entries encode alike.  A one-row
 * head table holds the last seq and hash: appends read it inside their
 * write transaction (locking the row on PostgreSQL; SQLite's write
 * transactions are serial) and write it once, and verification compares
 * against it, so a truncated tail is caught as well as an edited,
 * deleted, inserted or reordered row.  Triggers refuse UPDATE and DELETE on the log;
 * the chain is what catches someone who removes them. */
#ifndef GUANAI_AUDIT_H
#define GUANAI_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "domain/actor.h"
#include "store/store.h"
#include "util/err.h"

enum { AUDIT_HASH_HEX = 65 };

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

/* Appends `a` (seq is assigned; `at` taken as given).  The caller holds the
 * transaction the audited change is written in, so both commit or neither
 * does.  Errors: ERR_STORE. */
int audit_append(store *s, const audit_entry *a, err *e);

/* SPEC §10: every export is audited.  Appends `action` by `who` about
 * region `code` with `detail` (a JSON object as text, NULL for {}) in a
 * transaction of its own; on failure the caller withholds the file. */
int audit_export(store *s, const actor *who, const char *action,
		 const char *code, const char *detail, err *e);

/* Computes the hex hash of an entry given the previous hash. */
void audit_hash(const audit_entry *a, const char *prev_hex,
		char out[AUDIT_HASH_HEX]);

/* Walks the whole chain.  Sets *broken = 0 when intact; otherwise
 * *broken = 1, *bad_seq the first entry that does not hold (or the seq
 * after the last for a truncated tail) and the reason in Chinese in `why`.
 * *checked receives the number of entries read.
 * Errors: ERR_STORE only; a broken chain is not an error of the call. */
int audit_verify(store *s, int64_t *checked, int *broken, int64_t *bad_seq,
		 char *why, size_t whysz, err *e);

/* Entries concerning regions inside `scope` (all entries when `all`,
 * for the administrator), optionally one action, newest first.  Columns of
 * *out: seq, at, actor, action, target, region_code, ip, detail.
 * Errors: ERR_STORE. */
int audit_list_scope(store *s, const char *scope, int all, const char *action,
		     int64_t offset, int limit, store_res **out,
		     int64_t *total, err *e);

#endif
