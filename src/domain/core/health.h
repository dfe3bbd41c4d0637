/* health — whether the service can do its work: its database answers. */
#ifndef GUANAI_HEALTH_H
#define GUANAI_HEALTH_H

#include "store/store.h"
#include "util/err.h"

/* How long the database may take to answer a health check. */
#define HEALTH_TIMEOUT_MS 2000

/* Reads from the database through `s` within HEALTH_TIMEOUT_MS.  Errors:
 * ERR_UNAVAILABLE "db_unavailable" with a short message that says
 * nothing of the database (the cause goes to the log). */
int health_check(store *s, err *e);

#endif
