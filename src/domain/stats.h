/* stats — the dashboard (SPEC §9): every figure for the caller's scope
 * (or a region inside it), with one row per child region to drill down
 * from province to village. */
#ifndef GUANAI_STATS_H
#define GUANAI_STATS_H

#include <jansson.h>

#include "domain/account.h"
#include "store/store.h"

int stats_dashboard(store *s, const actor *who, const char *region,
		    json_t **out, err *e);

#endif
