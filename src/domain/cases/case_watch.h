/* case_watch — the watch list (监测预防, SPEC §6.1): the children of the
 * caller's scope that prevention looks at first. */
#ifndef GUANAI_CASE_WATCH_H
#define GUANAI_CASE_WATCH_H

#include <jansson.h>

#include "domain/core/account.h"
#include "store/store.h"

/* The watch list (监测预防) of the caller's scope: flagged children,
 * overdue visits (no visit for `days`), left-behind children without a
 * guardian on record, and those whose last visit found high risk. */
int case_watchlist(store *s, const actor *who, const char *days,
		   json_t **out, err *e);

#endif
