/* case_escalate — a report not accepted in time moves one level up,
 * exactly once per deadline (compare-and-set in the database), whatever
 * the number of servers or restarts; each level's deadline runs from the
 * one missed below it, up to the province. */
#ifndef GUANAI_CASE_ESCALATE_H
#define GUANAI_CASE_ESCALATE_H

#include "store/store.h"

/* Escalates every report past its acceptance deadline at `now`, level
 * by level while the deadline reached has passed too; *moved counts the
 * steps.  Run by the server's scheduler. */
int case_escalate_due(store *s, int64_t now, int *moved, err *e);

#endif
