/* case_store — the SQL of protection cases, their events and referrals. */
#ifndef GUANAI_CASE_STORE_H
#define GUANAI_CASE_STORE_H

#include "store/region_store.h"
#include "store/store.h"

typedef struct case_row {
	int64_t id;
	char region[REGION_CODE_MAX];
	int64_t child_id;		/* 0: none */
	char child_name[64];
	char reporter_type[24], reporter_name[64], reporter_phone[21];
	char place[256];
	char situation[32];
	char description[2048];
	int urgent;
	char state[16];
	int level;
	int escalations;
	int64_t reported_at, due_at, accepted_at, closed_at;	/* 0: none */
	char outcome[512];
	char *data;			/* JSON, malloc'd */
	int version;
	char created_by[33];
	int64_t updated_at;
	char region_name[128];
} case_row;

void case_row_clear(case_row *r);
int case_store_insert(store *s, case_row *r, err *e);
/* Writes state, level, escalations, due_at, accepted_at, closed_at,
 * outcome and data where the version matches. */
int case_store_update(store *s, case_row *r, err *e);
int case_store_get(store *s, int64_t id, case_row *out, err *e);

/* Cases of [lo, hi): state filter (NULL any, "open" all but closed),
 * overdue only (due before `now`), responsible level at least
 * `min_level` (0 any).  Newest first. */
int case_store_list(store *s, const char *lo, const char *hi,
		    const char *state, int overdue, int64_t now, int min_level,
		    int max_level, int64_t offset, int limit, case_row **out,
		    int *n, int64_t *total, err *e);

int case_store_event(store *s, int64_t id, int64_t at, const char *who,
		     const char *step, const char *detail, err *e);
/* A case's timeline. */
typedef struct case_event_row {
	int64_t at;
	const char *actor, *step;
	const char *detail;	/* a JSON object */
} case_event_row;
extern const store_col case_store_event_cols[];
int case_store_events(store *s, int64_t id, store_res **out, err *e);

int case_store_referral_add(store *s, int64_t id, const char *kind,
			    const char *institution, int64_t at,
			    const char *due_on, int64_t *rid, err *e);
/* A case's referrals; `open` while unanswered (answered_at NULL). */
typedef struct case_referral_row {
	int64_t id;
	const char *kind, *institution;
	int64_t sent_at;
	const char *due_on;
	int64_t answered_at;
	int open;
	const char *answer;
} case_referral_row;
extern const store_col case_store_referral_cols[];
int case_store_referrals(store *s, int64_t id, store_res **out, err *e);
int case_store_referral_answer(store *s, int64_t case_id, int64_t rid,
			       const char *answer, int64_t at, err *e);

/* Reports not accepted by their deadline, with their escalation count
 * as read (case_store_escalate compares and sets it). */
typedef struct case_due_row {
	int64_t id;
	int escalations;
} case_due_row;
extern const store_col case_store_due_cols[];
int case_store_due_reports(store *s, int64_t now, store_res **out, err *e);
/* Moves a report one level up if nobody did it first: the update holds
 * only while escalations still equals `seen`.  *moved tells. */
int case_store_escalate(store *s, int64_t id, int seen, int64_t new_due,
			int64_t now, int *moved, err *e);

#endif
