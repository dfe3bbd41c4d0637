/* idem — writes done once however often they are sent (issue #23).
 *
 * A phone that queues writes while offline sends each again until it
 * gets an answer: the answer to the first may be lost on the way back.
 * Each write carries an Idempotency-Key chosen by the client; the first
 * request with a key does the write and stores its answer, in the same
 * transaction (store_hold), and every later request of the same user with
 * the same key and the same request gets that answer again instead of
 * writing again.
 *
 * What must stay true:
 *   - a key is the user's own: another user's key of the same text is
 *     another key;
 *   - the same key with another request (method, path, If-Match or body)
 *     is refused (409 idempotency_key_reused), never answered with the
 *     other request's answer;
 *   - a write and its stored answer commit together: a crash leaves both
 *     or neither, and two requests with one key at once do the write
 *     once (the second waits for the first's transaction, then replays);
 *   - only answers of writes that succeeded are kept: a refused write
 *     changed nothing and is simply tried again;
 *   - answers are kept IDEM_TTL seconds (a day), then purged. */
#ifndef GUANAI_IDEM_H
#define GUANAI_IDEM_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

enum { IDEM_TTL = 24 * 3600, IDEM_KEY_MAX = 64, IDEM_HASH_HEX = 64 };

/* Whether `key` is a well-formed key: 8 to 64 of [A-Za-z0-9_-] (a UUID
 * is one).  ERR_INVALID "invalid_header" (field Idempotency-Key). */
int idem_key_check(const char *key, err *e);

/* The request's hash (hex, IDEM_HASH_HEX + 1 bytes): method, path, the
 * If-Match header ("" when absent) and the body. */
void idem_request_hash(const char *method, const char *path,
		       const char *if_match, const char *body, size_t len,
		       char out[IDEM_HASH_HEX + 1]);

/* What idem_claim found. */
typedef struct idem_claim {
	int replay;	/* 1: answer with status and body below */
	int status;
	char *body;	/* malloc'd (replay only); the caller frees it */
} idem_claim;

/* Within store_hold: claims (user, key) for the request of `hash`.
 * c->replay = 0: the caller does the write, then idem_fill; 1: the
 * stored answer to the same request, to send again.  Errors:
 * ERR_CONFLICT "idempotency_key_reused" (the key answered another
 * request), ERR_STORE. */
int idem_claim_key(store *s, int64_t user, const char *key,
		   const char *hash, int64_t now, idem_claim *c, err *e);

/* Within the same hold: stores the answer of the write just done. */
int idem_fill(store *s, int64_t user, const char *key, int status,
	      const char *body, err *e);

/* Deletes the answers older than IDEM_TTL; *n (may be NULL) how many. */
int idem_purge(store *s, int64_t now, int64_t *n, err *e);

#endif
