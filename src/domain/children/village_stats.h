/* village_stats — the figures kept per village (table village_stats): its
 * active children, categories and flags, and the counts of the quality
 * rules Q01–Q11 for the current quarter.  The dashboard, the quarter's
 * report and the lists' totals sum them instead of counting records.
 *
 * What must stay true: a figure is never stale when read.  Writes bump a
 * village's version (triggers, and child_store for new records); a reader
 * recomputes the villages whose version or day has moved and stores them
 * compare-and-set on the version read, so a write in between leaves a
 * village stale rather than wrong.  A new day makes every village stale
 * (ages and quarters move on). */
#ifndef GUANAI_VILLAGE_STATS_H
#define GUANAI_VILLAGE_STATS_H

#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

/* Brings the figures of the villages in the region range [lo, hi) up to
 * date for the day of `now`; *refreshed (may be NULL) is the number of
 * villages recomputed.  The dashboard calls it for its range; the
 * server's scheduler for everything, every tick.  Errors: ERR_STORE. */
int village_stats_refresh(store *s, const char *lo, const char *hi,
			  int64_t now, int *refreshed, err *e);

#endif
