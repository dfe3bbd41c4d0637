/* idem_store — the SQL of stored answers to writes sent with an
 * Idempotency-Key (domain/idem.h).
 *
 * An answer is one row per (user, key): the hash of the request it
 * answered, its status and body, and when it was made.  A row is claimed
 * (status 0) and filled in the same transaction as the write it
 * answers, so that no other connection ever sees a claimed row: a
 * concurrent claim of the same key waits for that transaction (the
 * primary key) and then finds it filled, or free again. */
#ifndef GUANAI_IDEM_STORE_H
#define GUANAI_IDEM_STORE_H

#include <stdint.h>

#include "store/store.h"

/* Claims (user, key) for a request of hash `hash` at `now`.  *claimed = 1
 * when this call inserted the row; 0 when a row was there (read it with
 * idem_store_get).  Errors: ERR_STORE. */
int idem_store_claim(store *s, int64_t user, const char *key,
		     const char *hash, int64_t now, int *claimed, err *e);

/* The row of (user, key), read through idem_store_cols; no row when
 * there is none.  Errors: ERR_STORE. */
typedef struct idem_row {
	const char *req_hash;
	int64_t status;	/* 0: claimed, not yet filled */
	const char *body;
	int64_t created_at;
} idem_row;
extern const store_col idem_store_cols[];
int idem_store_get(store *s, int64_t user, const char *key, store_res **out,
		   err *e);

/* Deletes the row of (user, key) if it was made before `before`. */
int idem_store_drop_old(store *s, int64_t user, const char *key,
			int64_t before, err *e);

/* Fills the claimed row of (user, key) with the answer. */
int idem_store_fill(store *s, int64_t user, const char *key, int status,
		    const char *body, err *e);

/* Deletes every row made before `before`; *n (may be NULL) how many. */
int idem_store_purge(store *s, int64_t before, int64_t *n, err *e);

#endif
