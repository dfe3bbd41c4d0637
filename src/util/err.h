/* err — error codes and the error detail every fallible function fills.
 *
 * Functions return 0 on success or one of the negative ERR_* codes below.
 * The human detail travels in an `err`: a stable machine key (the API's
 * "code") and a Chinese message for the UI.  One table in http/ maps the
 * ERR_* code to an HTTP status; nothing else needs to know about HTTP. */
#ifndef GUANAI_ERR_H
#define GUANAI_ERR_H

enum {
	ERR_OK = 0,
	ERR_INVALID = -1,	/* bad input: 400 */
	ERR_UNAUTH = -2,	/* not logged in, wrong credentials: 401 */
	ERR_FORBIDDEN = -3,	/* logged in but not allowed: 403 */
	ERR_NOTFOUND = -4,	/* absent or outside the caller's scope: 404 */
	ERR_CONFLICT = -5,	/* unique constraint, state conflict: 409 */
	ERR_TOOBIG = -6,	/* a cap was exceeded: 413 */
	ERR_LOCKED = -7,	/* account locked: 423 */
	ERR_METHOD = -8,	/* method not allowed: 405 */
	ERR_MEDIA = -9,		/* unsupported media type: 415 */
	ERR_STORE = -10,	/* database failure: 500 */
	ERR_INTERNAL = -11,	/* anything else that is our fault: 500 */
	ERR_UNAVAILABLE = -12,	/* temporarily unavailable (busy): 503 */
	ERR_RATE = -13,		/* too many attempts, try later: 429 */
};

typedef struct err {
	int code;		/* one of ERR_* (0 when unset) */
	char key[48];		/* stable API code, e.g. "invalid_region" */
	char field[64];		/* the offending input field, or "" */
	char msg[320];		/* Chinese message, UTF-8 */
	long retry_after;	/* seconds to wait (Retry-After), or 0 */
	/* Set with ERR_NOTFOUND when the record exists outside the caller's
	 * scope (err_out_of_scope), with the record's region.  Never shown
	 * to the caller, whose answer is that of an absent record: the
	 * server only counts it in the audit log's tally of denied requests,
	 * under a region that holds both the caller and the record. */
	int out_of_scope;
	char scope_region[16];
} err;

/* Fills `e` (when not NULL) and returns `code`, so callers can write
 * `return err_set(e, ERR_INVALID, "bad_x", "……");`.  The message is a
 * printf format.  Truncates silently at the buffer sizes.  retry_after
 * goes back to 0: whoever sets it does so after this. */
int err_set(err *e, int code, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* As err_set, naming the input field that was wrong. */
int err_field(err *e, int code, const char *key, const char *field,
	      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ERR_NOTFOUND "not_found" with the message, as for an absent record,
 * marked out_of_scope: for a record of region `region` that exists
 * outside the caller's scope. */
int err_out_of_scope(err *e, const char *region, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Clears `e` to the "no error" state. */
void err_clear(err *e);

#endif
