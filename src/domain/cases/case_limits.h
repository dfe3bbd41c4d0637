/* case_limits — the time limits of the protection chain (SPEC §6), a
 * setting the province may change. */
#ifndef GUANAI_CASE_LIMITS_H
#define GUANAI_CASE_LIMITS_H

#include <jansson.h>

#include "domain/core/account.h"
#include "store/store.h"

/* Time limits of the chain, in hours or days as named. */
typedef struct case_time_limits {
	int accept_hours, urgent_hours, assess_days, plan_days, referral_days;
} case_time_limits;

/* The limits in force: the setting, else 24 h, 2 h, 7, 15 and 30 days. */
void case_limits_load(store *s, case_time_limits *l);

/* The configured time limits: {"accept_hours", "urgent_hours",
 * "assess_days", "plan_days", "referral_days"}. */
int case_limits(store *s, json_t **out, err *e);
int case_limits_set(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);

#endif
