/* staff_store — the SQL of the workforce: staff, their history, training
 * sessions and attendance, certificates and campaigns.  A query that
 * answers a store_res has a row struct and a column table (store.h:
 * store_res_row) declared above it. */
#ifndef GUANAI_STAFF_STORE_H
#define GUANAI_STAFF_STORE_H

#include "store/region_store.h"
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
typedef struct staff_history_row {
	int64_t at;
	const char *actor, *action, *changes;
} staff_history_row;
extern const store_col staff_store_history_cols[];
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
 * of the region code: per group and level (4 or 5), the posts and how
 * many have someone in post. */
typedef struct staff_coverage_row {
	const char *group;
	int level;
	int64_t posts, covered;
	int64_t exempt;		/* units marked as needing no post, not in posts */
} staff_coverage_row;
extern const store_col staff_store_coverage_cols[];
int staff_store_coverage(store *s, const char *lo, const char *hi, int glen,
			 const char *date, store_res **out, err *e);
/* Townships and villages without anyone in post at `date` (at most
 * 500). */
typedef struct staff_uncovered_row {
	const char *code, *name;
	int level;
} staff_uncovered_row;
extern const store_col staff_store_uncovered_cols[];
int staff_store_uncovered(store *s, const char *lo, const char *hi,
			  const char *date, store_res **out, err *e);

/* Trainings. */
typedef struct staff_training_row {
	int64_t id;
	const char *region, *title, *held_on;
	int64_t hours_tenths;
	const char *mode, *organiser, *trainer;
	const char *topics;	/* a JSON array */
	int initial;
	const char *created_by;
	int64_t attendees;
} staff_training_row;
extern const store_col staff_store_training_cols[];
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
/* The attendees of a training (score_null: no score given). */
typedef struct staff_attendee_row {
	int64_t staff_id;
	const char *name, *post, *region, *result;
	int64_t score;
	int score_null, passed;
} staff_attendee_row;
extern const store_col staff_store_attendee_cols[];
int staff_store_attendees(store *s, int64_t training, store_res **out,
			  err *e);
/* The trainings a person attended. */
typedef struct staff_attended_row {
	int64_t training_id;
	const char *title, *held_on;
	int initial;
	const char *result;
	int64_t score;
	int score_null, passed;
} staff_attended_row;
extern const store_col staff_store_attended_cols[];
int staff_store_trainings_of(store *s, int64_t staff, store_res **out,
			     err *e);
/* 1 when the staff passed training `training` and it is an initial one. */
int staff_store_passed_initial(store *s, int64_t staff, int64_t training,
			       int *yes, err *e);

/* Certificates, with their holder's name and region and the issuing
 * county's name (NULL when unknown); revoked_on is NULL until revoked. */
typedef struct staff_cert_row {
	int64_t id;
	const char *number;
	int64_t staff_id;
	const char *kind, *county_code;
	int64_t training_id;
	const char *issued_on, *status, *revoked_on, *revoke_reason;
	const char *holder, *region, *county_name, *check_code;
} staff_cert_row;
extern const store_col staff_store_cert_cols[];
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

/* Campaigns. */
typedef struct staff_campaign_row {
	int64_t id;
	const char *name, *measure, *region, *due_on, *created_by;
} staff_campaign_row;
extern const store_col staff_store_campaign_cols[];
int staff_store_campaign_add(store *s, const char *name, const char *measure,
			     const char *code, const char *due, int64_t at,
			     const char *by, int64_t *id, err *e);
int staff_store_campaign_get(store *s, int64_t id, store_res **out, err *e);
int staff_store_campaigns(store *s, const char *lo, const char *hi,
			  store_res **out, err *e);
/* A campaign's progress in [lo, hi), grouped by the first `glen`
 * characters of the region: `target` and `done` as they stood on `at` (the
 * due date, or today while it is still ahead), and `later` of the rest
 * made good in (at, today], the first and last day of it in
 * later_from/later_to (NULL when none).
 * staff_store_campaign_posts: the townships' and villages' posts (units marked as needing no 儿童主任 left out), done
 * when someone was in post on `at`; made good when someone is in post
 * today, on the day the first one after `at` was appointed.
 * staff_store_progress: the staff in post on `at` (whoever was appointed
 * later is not part of the campaign), done when trained in [from, at]
 * (trained) or holding a valid certificate issued on or before `at`
 * (certified); made good on the first such training or certificate after
 * `at`. */
typedef struct staff_progress_row {
	const char *group;
	int64_t staff, done, later;
	const char *later_from, *later_to;
} staff_progress_row;
extern const store_col staff_store_progress_cols[];
int staff_store_campaign_posts(store *s, const char *lo, const char *hi,
			       int glen, const char *at, const char *today,
			       store_res **out, err *e);
int staff_store_progress(store *s, const char *lo, const char *hi, int glen,
			 const char *from, const char *at, const char *today,
			 int certified, store_res **out, err *e);

#endif
