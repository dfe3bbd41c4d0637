/* throttle_store — the SQL of failure counters and of the server's key.
 *
 * A counter is one row of `throttle` under a key the caller has already
 * hashed: the store never sees a typed name or an address. */
#ifndef GUANAI_THROTTLE_STORE_H
#define GUANAI_THROTTLE_STORE_H

#include <stdint.h>

#include "store/store.h"

/* The counters of `keys` (n at most 4) that exist.  Errors: ERR_STORE. */
typedef struct throttle_row {
	const char *key;
	int64_t fails, last_fail, hold_until;
} throttle_row;
extern const store_col throttle_store_cols[];
int throttle_store_get(store *s, const char *const keys[], int n,
		       store_res **out, err *e);

/* One more failure of `key` at `now`.  The count starts again at 1 when
 * the last failure is `window` seconds old or more.  `acct` groups rows
 * for throttle_store_forget ("" for none).  *fails receives the count.
 * The row expires `window` seconds after its last failure, or at the end
 * of its hold if that is later.  Errors: ERR_STORE. */
int throttle_store_fail(store *s, const char *key, const char *acct,
			int64_t now, int64_t window, int64_t *fails, err *e);

/* Holds `key` back until `until` (and keeps the row until then). */
int throttle_store_hold(store *s, const char *key, int64_t until, err *e);

/* Deletes the counter of `key`. */
int throttle_store_clear(store *s, const char *key, err *e);

/* Deletes every counter whose acct is `acct`. */
int throttle_store_forget(store *s, const char *acct, err *e);

/* Deletes the counters that expired before `now`; *n (may be NULL)
 * receives how many. */
int throttle_store_purge(store *s, int64_t now, int64_t *n, err *e);

/* The value of the server key `name`: the one stored, or `fresh` stored
 * now when there is none (the first of several servers to ask wins, and
 * every one gets the same answer).  out: at least 129 bytes.  Errors:
 * ERR_STORE. */
int throttle_store_server_key(store *s, const char *name, const char *fresh,
			      char *out, size_t n, err *e);

#endif
