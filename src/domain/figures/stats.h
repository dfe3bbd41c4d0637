/* stats — the dashboard (SPEC §9): every figure for the caller's scope
 * (or a region inside it), with one row per child region to drill down
 * from province to village. */
#ifndef GUANAI_STATS_H
#define GUANAI_STATS_H

#include <jansson.h>

#include "domain/core/account.h"
#include "store/store.h"

int stats_dashboard(store *s, const actor *who, const char *region,
		    json_t **out, err *e);

/* The dashboard's children part alone — region_code, region_name, level,
 * as_of, children, drilldown, quality — for what needs no more (the
 * children report): the same figures, without the other sections' work. */
int stats_children(store *s, const actor *who, const char *region,
		   json_t **out, err *e);

/* Brings the per-village figures of the region range [lo, hi) up to date
 * for the day of `now` (see stats_store.h); *refreshed (may be NULL) is
 * the number of villages recomputed.  The dashboard calls it for its
 * range; the scheduler for everything, every tick. */
int stats_refresh(store *s, const char *lo, const char *hi, int64_t now,
		  int *refreshed, err *e);

#endif
