/* export_store — the SQL of export requests awaiting, or given, approval
 * (exportreq.c).  Requests are read as export_row (store_res_row). */
#ifndef GUANAI_EXPORT_STORE_H
#define GUANAI_EXPORT_STORE_H

#include "store/store.h"

/* A request, with its region's name.  decided_by is NULL (undecided) until
 * it is decided; the instants are 0 while they have not happened. */
typedef struct export_row {
	int64_t id;
	const char *kind;
	const char *filters;	/* a JSON object */
	const char *purpose, *region, *scope;
	int64_t rows, requester_id;
	const char *requester, *requester_role, *state;
	int64_t requested_at;
	const char *decided_by;
	int undecided;
	int64_t decided_at;
	const char *reason;
	int64_t expires_at, downloaded_at;
	const char *region_name;
} export_row;
extern const store_col export_store_cols[];

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
