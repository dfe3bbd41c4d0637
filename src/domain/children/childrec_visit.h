/* childrec_visit — home visits (家庭走访) of a child, audited. */
#ifndef GUANAI_CHILDREC_VISIT_H
#define GUANAI_CHILDREC_VISIT_H

#include <jansson.h>

#include "domain/children/childrec.h"

/* Visits (家庭走访). */
int childrec_visit_add(store *s, const actor *who, int64_t id, json_t *body,
		       json_t **out, err *e);
int childrec_visits(store *s, const actor *who, int64_t id, json_t **out,
		    err *e);

#endif
