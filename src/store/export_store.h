/* export_store — the SQL of export requests awaiting, or given, approval
 * (exportreq.c).  Rows are returned as store_res with the columns:
 *   0 id, 1 kind, 2 filters, 3 purpose, 4 region_code, 5 scope_code,
 *   6 row_count, 7 requester_id, 8 requester, 9 requester_role, 10 state,
 *   11 requested_at, 12 decided_by, 13 decided_at, 14 reason,
 *   15 expires_at, 16 downloaded_at, 17 region name. */
#ifndef GUANAI_EXPORT_STORE_H
#define GUANAI_EXPORT_STORE_H

#include "store/store.h"

typedef struct export_store_new {
	const char *kind, *filters, *purpose, *region, *scope;
	int64_t rows, requester_id;
	const char *requester, *requester_role;
	int64_t at;
} export_store_new;

/* A pending request; *id its number. */
int export_store_insert(store *s, const export_store_new *n, int64_t *id,
			err *e);
/* One request (no row when absent). */
int export_store_get(store *s, int64_t id, store_res **out, err *e);
/* The last 200 requests of `requester`, newest first. */
int export_store_mine(store *s, int64_t requester, store_res **out, err *e);
/* The last 200 requests by `role` from a scope in [lo, hi), newest first:
 * what an approver one level up may decide. */
int export_store_for(store *s, const char *lo, const char *hi,
		     const char *role, store_res **out, err *e);
/* pending → `state` (approved or rejected) with who, when, why and until
 * when it may be downloaded (0: never).  *changed is 0 when it was no
 * longer pending. */
int export_store_decide(store *s, int64_t id, const char *state,
			const char *by, int64_t at, const char *reason,
			int64_t expires_at, int64_t *changed, err *e);
/* approved and not expired at `at` → downloaded; *changed 0 otherwise. */
int export_store_downloaded(store *s, int64_t id, int64_t at,
			    int64_t *changed, err *e);

#endif
