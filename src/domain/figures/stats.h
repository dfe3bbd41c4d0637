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

#endif
