/* childrec_transfer — a child handed over from one village to another:
 * the holding side asks, the receiving side accepts or rejects. */
#ifndef GUANAI_CHILDREC_TRANSFER_H
#define GUANAI_CHILDREC_TRANSFER_H

#include <jansson.h>

#include "domain/children/childrec.h"

/* Transfers: the holding side hands a child over to a village; the
 * receiving side (whose scope holds that village) accepts or rejects. */
int childrec_transfer(store *s, const actor *who, int64_t id,
		      const char *to_region, const char *reason, json_t **out,
		      err *e);
int childrec_transfer_decide(store *s, const actor *who, int64_t tid,
			     int accept, const char *note, json_t **out,
			     err *e);
int childrec_transfers(store *s, const actor *who, const char *state,
		       json_t **out, err *e);

#endif
