/* staff — the grassroots child-welfare workforce (SPEC §3): real-name
 * registration of 儿童督导员 (one per township) and 儿童主任 (one per
 * village), their posts over time, coverage, yearly training, numbered
 * certificates and deadline campaigns.
 *
 * What must stay true:
 *   - one person in post per township or village at a time (the store's
 *     active_post uniqueness); a post changing hands keeps both records;
 *   - every change is kept in staff_history and audited in the same
 *     transaction;
 *   - a certificate is issued only to someone who passed an initial
 *     training, has a unique number, and is revoked, never deleted;
 *   - scope as everywhere: a record outside it reads as absent. */
#ifndef GUANAI_STAFF_H
#define GUANAI_STAFF_H

#include <jansson.h>

#include "domain/account.h"
#include "domain/throttle.h"
#include "domain/exportmark.h"
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

/* Certificates.  Each has a number (sequential, so guessable) and a
 * check code of CERT_CODE_LEN characters drawn at random when it is
 * issued: printed on it, shown where its issuer lists it, asked by the
 * public check. */
enum { CERT_CODE_LEN = 6 };
int cert_issue(store *s, const actor *who, int64_t staff_id,
	       int64_t training_id, json_t **out, err *e);
int cert_revoke(store *s, const actor *who, int64_t id, const char *reason,
		json_t **out, err *e);
int cert_list(store *s, const actor *who, const char *region, json_t **out,
	      err *e);
/* Public check of a printed number and its check code (any case, spaces
 * and hyphens ignored): never more than validity, kind, the holder's
 * masked name, issuing county and date.  A wrong or missing code is
 * answered exactly like an unknown number, and counts as a failure of
 * `ip` (throttle.h, kind "cert").  Errors: ERR_NOTFOUND "not_found",
 * ERR_RATE "too_many_attempts", ERR_STORE. */
int cert_verify(store *s, const throttle_cfg *thr, const char *number,
		const char *code, const char *ip, int64_t now, json_t **out,
		err *e);
/* The certificate as a PDF (A4 or card) with its check code and a QR code
 * of the public check at `base` (e.g. "https://host"; "" for none: the QR
 * holds the number and the code). */
int cert_pdf(store *s, const actor *who, int64_t id, int card,
	     const char *base, const exportmark *mark, char **bytes,
	     size_t *len, char filename[128], err *e);

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

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * staff_post (each with the "level" of its region and the "certificate"
 * its initial training earns), staff_source (each with its "post"),
 * staff_employment, staff_status, staff_action, training_mode,
 * training_topic (the five core contents; code and label both the
 * name), attendance_result, certificate_status, campaign_measure. */
void staff_codes_json(json_t *out);

#endif
