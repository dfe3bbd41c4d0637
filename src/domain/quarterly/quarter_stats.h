/* quarter_stats — a quarter's figures per village, summed for reports
 * (issue #19 item 2).
 *
 * The current quarter's come from the dashboard's village_stats, kept
 * current as today's; a past quarter's are the records as they were at
 * its end (their states in child_states), counted once per village into
 * quarter_stats and summed from there, so a province's past quarter
 * costs what the current one does.  A county's approval freezes its
 * villages' rows: what was approved is what every later read sums.
 *
 * What must stay true: a past quarter's figures change only through what
 * may still be recorded about it — a visit dated in it, a verification of
 * it — and not at all once approved. */
#ifndef GUANAI_QUARTER_STATS_H
#define GUANAI_QUARTER_STATS_H

#include "store/quality_store.h"
#include "store/store.h"
#include "util/err.h"

/* The figures of the quarter of `a` in [a->lo, a->hi) summed per first
 * `glen` characters of the village code, rows as stats_store_sum_cols
 * (caller frees).  Brings stale rows up to date first, so it runs
 * outside a transaction.  Errors: ERR_STORE. */
int quarter_stats_sums(store *s, int64_t now, const quality_args *a,
		       int glen, store_res **out, err *e);

/* Counts the previous quarter's stale villages of [lo, hi) at `now` (the
 * scheduler, each tick: the first read of a quarter just ended then sums
 * kept figures instead of counting every record).  Errors: ERR_STORE. */
int quarter_stats_refresh_previous(store *s, int64_t now, const char *lo,
				   const char *hi, err *e);

/* Freezes the figures of [a->lo, a->hi) as quarter_stats_sums last gave
 * them; inside the approval's transaction.  Errors: ERR_STORE. */
int quarter_stats_freeze(store *s, const quality_args *a, err *e);

#endif
