/* staff_store — the SQL of the workforce: staff, their history, training
 * sessions and attendance, certificates and campaigns.  Results are
 * returned as store_res with the columns listed above each function. */
#ifndef GUANAI_STAFF_STORE_H
#define GUANAI_STAFF_STORE_H

#include "domain/core/region.h"
#include "store/store.h"

typedef struct staff_row {
	int64_t id;
	char post[12];
	char region[REGION_CODE_MAX];
	char name[64];
	char id_number[19];
	int sex;
	char phone[21];
	char source[32];
	char source_other[128];
	char employment[12];
	char appointed_on[11], left_on[11];
	char leave_reason[256];
	char status[8];
	int64_t user_id;	/* 0: none */
	int version;
	int64_t created_at, updated_at;
	char created_by[33], updated_by[33];
	char region_name[128], username[33];
} staff_row;

/* ERR_CONFLICT "post_taken" when the post has someone active, or when
 * the ID number is in post already (the unique active_id: the caller
 * tells the two apart with staff_store_post_held). */
int staff_store_insert(store *s, staff_row *r, err *e);
/* The record in post (status active) holding `id_number`, other than
 * `except`: *id (0 when none) and its region. */
int staff_store_in_post(store *s, const char *id_number, int64_t except,
			int64_t *id, char where[REGION_CODE_MAX], err *e);
/* Whether someone is in post `post` ("director"/"supervisor") at `code`. */
int staff_store_post_held(store *s, const char *post, const char *code,
			  int *held, err *e);
int staff_store_update(store *s, staff_row *r, err *e);
int staff_store_get(store *s, int64_t id, staff_row *out, err *e);
/* The latest leaving date of anyone who held post `post` at `code`
 * ("" when nobody left it yet). */
int staff_store_last_left(store *s, const char *post, const char *code,
			  char out[11], err *e);
int staff_store_history_add(store *s, int64_t id, int64_t at,
			    const char *who, const char *action,
			    const char *changes, err *e);
/* Columns: at, actor, action, changes. */
int staff_store_history(store *s, int64_t id, store_res **out, err *e);

typedef struct staff_filter {
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	const char *post, *status, *name_like;
	const char *year_from, *year_to;	/* untrained in this range */
	int64_t offset;
	int limit;
} staff_filter;
int staff_store_list(store *s, const staff_filter *f, staff_row **out,
		     int *n, int64_t *total, err *e);

/* Coverage at `date` in [lo, hi), grouped by the first `glen` characters
 * of the region code.  Columns: group, level (4 or 5), posts, covered. */
int staff_store_coverage(store *s, const char *lo, const char *hi, int glen,
			 const char *date, store_res **out, err *e);
/* Townships and villages without anyone in post at `date` (at most 500).
 * Columns: code, name, level. */
int staff_store_uncovered(store *s, const char *lo, const char *hi,
			  const char *date, store_res **out, err *e);

/* Trainings.  Row columns: id, region_code, title, held_on, hours_tenths,
 * mode, organiser, trainer, topics, initial, created_by, attendees. */
int staff_store_training_add(store *s, const char *code, const char *title,
			     const char *held_on, int hours_tenths,
			     const char *mode, const char *organiser,
			     const char *trainer, const char *topics,
			     int initial, int64_t at, const char *by,
			     int64_t *id, err *e);
int staff_store_training_get(store *s, int64_t id, store_res **out, err *e);
int staff_store_trainings(store *s, const char *lo, const char *hi,
			  const char *from, const char *to, store_res **out,
			  err *e);
int staff_store_attend(store *s, int64_t training, int64_t staff,
		       const char *result, int score, int passed, err *e);
/* Columns: staff_id, name, post, region_code, result, score, passed. */
int staff_store_attendees(store *s, int64_t training, store_res **out,
			  err *e);
/* Columns: training id, title, held_on, initial, result, score, passed. */
int staff_store_trainings_of(store *s, int64_t staff, store_res **out,
			     err *e);
/* 1 when the staff passed training `training` and it is an initial one. */
int staff_store_passed_initial(store *s, int64_t staff, int64_t training,
			       int *yes, err *e);

/* Certificates.  Columns: id, number, staff_id, kind, county_code,
 * training_id, issued_on, status, revoked_on, revoke_reason, staff name,
 * staff region, county name, check code. */
int staff_store_cert_add(store *s, const char *number,
			 const char *check_code, int64_t staff,
			 const char *kind, const char *county,
			 int64_t training, const char *issued_on, int64_t at,
			 const char *by, int64_t *id, err *e);
int staff_store_cert_get(store *s, int64_t id, store_res **out, err *e);
int staff_store_cert_by_number(store *s, const char *number, store_res **out,
			       err *e);
int staff_store_certs_of(store *s, int64_t staff, store_res **out, err *e);
int staff_store_certs(store *s, const char *lo, const char *hi,
		      store_res **out, err *e);
int staff_store_cert_revoke(store *s, int64_t id, const char *date,
			    const char *reason, err *e);
/* The next sequence number for `prefix` (1, 2, …), taken atomically. */
int staff_store_cert_count(store *s, const char *prefix, int64_t *n, err *e);

/* Campaigns.  Columns: id, name, measure, region_code, due_on, created_by. */
int staff_store_campaign_add(store *s, const char *name, const char *measure,
			     const char *code, const char *due, int64_t at,
			     const char *by, int64_t *id, err *e);
int staff_store_campaign_get(store *s, int64_t id, store_res **out, err *e);
int staff_store_campaigns(store *s, const char *lo, const char *hi,
			  store_res **out, err *e);
/* Progress of active staff in [lo, hi), grouped by the first `glen`
 * characters of their region: staff in post and how many of them were
 * trained in [from, to] (trained) or hold a valid certificate issued on or
 * before `to` (certified).  Columns: group, staff, done. */
int staff_store_progress(store *s, const char *lo, const char *hi, int glen,
			 const char *from, const char *to, int certified,
			 store_res **out, err *e);

#endif
