/* staff — the grassroots child-welfare workforce (SPEC §3): real-name
 * registration of 儿童督导员 (one per township) and 儿童主任 (one per
 * village), their posts over time, and coverage.  Training (training.h),
 * certificates (cert.h) and deadline campaigns (campaign.h) beside it.
 *
 * What must stay true:
 *   - one person in post per township or village at a time (the store's
 *     active_post uniqueness); a post changing hands keeps both records;
 *   - every change is kept in staff_history and audited in the same
 *     transaction;
 *   - scope as everywhere: a record outside it reads as absent. */
#ifndef GUANAI_STAFF_H
#define GUANAI_STAFF_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "store/staff_store.h"
#include "store/store.h"

/* Register (appoint) a person to a post.  Body: post, region_code, name,
 * id_number, sex?, phone, source, source_other?, employment, appointed_on,
 * user_id?.  Errors: ERR_INVALID (field named), ERR_NOTFOUND (region),
 * ERR_CONFLICT "post_taken" (the post has someone in it). */
int staff_create(store *s, const actor *who, json_t *body, json_t **out,
		 err *e);
int staff_get(store *s, const actor *who, int64_t id, json_t **out, err *e);
/* Patch: name, phone, source, source_other, employment, user_id. */
int staff_update(store *s, const actor *who, int64_t id, json_t *patch,
		 json_t **out, err *e);
/* Leaving the post: date (not before appointment, not in the future) and
 * reason. */
int staff_leave(store *s, const actor *who, int64_t id, const char *date,
		const char *reason, json_t **out, err *e);

typedef struct staff_query {
	const char *region, *post, *status, *q;
	const char *untrained_year;	/* active, no training held that year */
	int64_t offset;
	int limit;
} staff_query;
int staff_list(store *s, const actor *who, const staff_query *q,
	       json_t **out, err *e);

/* Coverage at `date` (default today) under `region` (default scope):
 * per child region, townships and villages with someone in post. */
int staff_coverage(store *s, const actor *who, const char *region,
		   const char *date, json_t **out, err *e);
int staff_coverage_xlsx(store *s, const actor *who, const char *region,
			const char *date, const exportmark *mark, char **bytes,
			size_t *len, char filename[128], err *e);

/* ---- for the other modules of workforce/ ---- */

/* The person in post `id`, if inside the actor's scope.  Errors:
 * ERR_NOTFOUND (absent, or outside the scope: err.out_of_scope),
 * ERR_STORE. */
int staff__load(store *s, const actor *who, int64_t id, staff_row *r,
		err *e);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * staff_post (each with the "level" of its region and the "certificate"
 * its initial training earns), staff_source (each with its "post"),
 * staff_employment, staff_status, staff_action.  training.c, cert.c and
 * campaign.c add the rest of the workforce's. */
void staff_codes_json(json_t *out);

#endif
