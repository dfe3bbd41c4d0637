/* training — the yearly training of the workforce (SPEC §3.2): sessions
 * organised by a county or above, attendance and results.  Passing an
 * initial training issues the certificate (cert.h). */
#ifndef GUANAI_TRAINING_H
#define GUANAI_TRAINING_H

#include <jansson.h>

#include "domain/core/account.h"
#include "store/store.h"

/* Training sessions. */
int training_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);
int training_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e);
int training_list(store *s, const actor *who, const char *region,
		  const char *year, json_t **out, err *e);
/* Records an attendee's result: {staff_id, result: attended|assessed,
 * score?, passed}.  Passing an initial training issues the certificate. */
int training_attend(store *s, const actor *who, int64_t id, json_t *body,
		    json_t **out, err *e);

/* Issues the certificate of initial training `training_id` to
 * `staff_id`, who passed it.  Errors: ERR_INVALID "not_passed",
 * ERR_CONFLICT "certificate_exists", ERR_NOTFOUND, ERR_FORBIDDEN. */
int training_certify(store *s, const actor *who, int64_t staff_id,
		     int64_t training_id, json_t **out, err *e);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * training_mode, training_topic (the five core contents; code and label
 * both the name), attendance_result. */
void training_codes_json(json_t *out);

#endif
