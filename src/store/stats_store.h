/* stats_store — the aggregate SQL of the dashboard. */
#ifndef GUANAI_STATS_STORE_H
#define GUANAI_STATS_STORE_H

#include "store/store.h"

/* Active children of [lo, hi) grouped by the first `glen` characters of
 * their region.  Columns: group, active, c1..c6 (categories under their
 * age limits: born after t16 for the first, t18 for the rest), f1..f6. */
int stats_store_children(store *s, const char *lo, const char *hi, int glen,
			 const char *t16, const char *t18, store_res **out,
			 err *e);
/* Snapshots of counties in [lo, hi).  Columns: quarter, figures. */
int stats_store_snapshots(store *s, const char *lo, const char *hi,
			  store_res **out, err *e);
/* Active staff, trained in [from, to], with a valid certificate.
 * Columns: staff, trained, certified. */
int stats_store_workforce(store *s, const char *lo, const char *hi,
			  const char *from, const char *to, store_res **out,
			  err *e);
/* Seconds to accept and to close of the cases reported in [lo, hi)
 * (accepted or closed ones), and open/overdue counts at `now`.
 * Columns of *times: accept_seconds, close_seconds (NULL when not yet). */
int stats_store_case_times(store *s, const char *lo, const char *hi,
			   store_res **times, err *e);
int stats_store_case_counts(store *s, const char *lo, const char *hi,
			    int64_t now, int64_t *open, int64_t *overdue,
			    err *e);

#endif
