/* audit_tally — events too many to log one by one, counted and written
 * to the audit log as a few chained summary entries.
 *
 * Denied requests (403, the 404 of a record outside the caller's scope,
 * CSRF failures) and list searches and reads of a child's history and
 * visits must leave a trace, but a flood of them must not fill the disk
 * nor turn every denied request into a write and its sync.  So the
 * server counts them here, in memory, keyed by (action, actor, ip, reason,
 * route, target), and the scheduler writes what was counted every tick
 * (and the server once more as it stops) as one `audit_log` entry per key
 * with the count and the first and last time seen, in one transaction.
 *
 * The number of keys between two writes is bounded: the first
 * AUDIT_TALLY_FINE distinct keys are kept whole; past that, a new key
 * counts under (action, actor, reason) with ip, route and target "*"
 * (AUDIT_TALLY_COARSE of those at most), and past that too under
 * (action, reason) alone, actor "*"; what would pass even that cap
 * counts in one last "*" entry.  So one write adds at most
 * AUDIT_TALLY_MAX entries, whatever arrives meanwhile.  A crash loses the
 * counts of one tick at most. */
#ifndef GUANAI_AUDIT_TALLY_H
#define GUANAI_AUDIT_TALLY_H

#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

enum {
	AUDIT_TALLY_FINE = 256,
	AUDIT_TALLY_COARSE = 64,
	AUDIT_TALLY_OVER = 32,
	AUDIT_TALLY_MAX = AUDIT_TALLY_FINE + AUDIT_TALLY_COARSE +
			  AUDIT_TALLY_OVER + 1,
};

typedef struct audit_tally audit_tally;

/* One event.  Strings are copied (cut to their column's size). */
typedef struct audit_tally_event {
	const char *action;	/* access_denied, child_search, … */
	const char *actor;	/* username */
	const char *region;	/* the actor's scope region */
	const char *ip;
	const char *reason;	/* e.g. "forbidden", "out_of_scope"; "" */
	const char *route;	/* "GET /api/v1/children/{id}" */
	const char *target;	/* "child:12", the path, or "" */
	int status;		/* the HTTP status answered, 0 for none */
	int64_t at;
} audit_tally_event;

audit_tally *audit_tally_new(void);
void audit_tally_free(audit_tally *t);

/* Counts one event: never touches the database, never fails. */
void audit_tally_add(audit_tally *t, const audit_tally_event *ev);

/* Appends one entry per key counted since the last write, in one
 * transaction on `s`, and starts counting afresh; *written (may be NULL)
 * gets the number of entries.  On failure the counts are kept for the
 * next write.  Errors: those of audit_append and the store. */
int audit_tally_flush(audit_tally *t, store *s, int64_t now, int *written,
		      err *e);

#endif
