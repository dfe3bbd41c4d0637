/* campaign — deadline campaigns (工作任务) over the workforce: a measure
 * to reach in a region by a date, and its progress per child region. */
#ifndef GUANAI_CAMPAIGN_H
#define GUANAI_CAMPAIGN_H

#include <jansson.h>

#include "domain/core/account.h"
#include "store/store.h"

/* Campaigns (工作任务): measure is staff_registered, staff_trained or
 * certificate_issued. */
int campaign_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);
int campaign_list(store *s, const actor *who, json_t **out, err *e);
/* As campaign_list, seen from `at` (a region inside the caller's scope,
 * already checked; NULL: the caller's scope): the dashboard of a region. */
int campaign_list_at(store *s, const actor *who, const char *at,
		     json_t **out, err *e);
int campaign_progress(store *s, const actor *who, int64_t id, json_t **out,
		      err *e);

/* Adds table campaign_measure of GET /api/v1/codes to `out`. */
void campaign_codes_json(json_t *out);

#endif
