/* audit_store — the SQL of the audit log. */
#ifndef GUANAI_AUDIT_STORE_H
#define GUANAI_AUDIT_STORE_H

#include "domain/audit.h"
#include "store/store.h"

/* The next seq and the previous entry's hash, from the head row (locked
 * on PostgreSQL).  Must run inside a write transaction, which then sets
 * the head with audit_store_set_head. */
int audit_store_next(store *s, int64_t *seq, char prev[AUDIT_HASH_HEX],
		     err *e);
int audit_store_insert(store *s, const audit_entry *a, const char *prev,
		       const char *hash, err *e);
int audit_store_set_head(store *s, int64_t seq, const char *hash, err *e);
/* The head row: last seq and hash. */
int audit_store_head(store *s, int64_t *seq, char hash[AUDIT_HASH_HEX],
		     err *e);
/* Entries with seq > after, in seq order, at most `limit`.  Columns: seq,
 * at, actor, action, target, region_code, ip, detail, prev_hash, hash. */
int audit_store_page(store *s, int64_t after, int limit, store_res **out,
		     err *e);
/* Entries whose region lies in [lo, hi), optionally one action (NULL: all),
 * newest first.  Columns: seq, at, actor, action, target, region_code, ip,
 * detail. */
int audit_store_list(store *s, const char *lo, const char *hi,
		     const char *action, int64_t offset, int limit,
		     store_res **out, int64_t *total, err *e);

#endif
