/* quality_store — the SQL of quarterly verification: rule counts and
 * failing records, verifications, sign-offs and frozen snapshots. */
#ifndef GUANAI_QUALITY_STORE_H
#define GUANAI_QUALITY_STORE_H

#include "store/store.h"

/* The thresholds and dates a quarter's rules are evaluated with. */
typedef struct quality_args {
	const char *lo, *hi;		/* region range */
	const char *t16, *t18;		/* born after: under 16 / 18 */
	const char *start, *end;	/* the quarter's days */
	const char *quarter;		/* "2026Q4" */
	int current;			/* the quarter holds today */
	int64_t at;			/* a past quarter: its last second */
} quality_args;

/* One row: active, Q01..Q11 (Q09 counts records in the range whose ID
 * number is also active anywhere else, inside the range or not).  For
 * the current quarter, Q08 reads last_visit (visits are never dated in
 * the future, so a last visit before the quarter's start means none in
 * it); for a past quarter it looks at the visits themselves. */
typedef struct quality_counts_row {
	int64_t active;
	int64_t q[11];	/* Q01 .. Q11 */
	/* Children failing at least one error-level rule (Q01–Q04, Q09),
	 * and at least one error- or warning-level rule (Q01–Q10; Q11,
	 * not yet verified, is information and counted apart). */
	int64_t with_error, with_any;
} quality_counts_row;
extern const store_col quality_store_counts_cols[];
int quality_store_counts(store *s, const quality_args *a, store_res **out,
			 err *e);
/* A past quarter's figures as they were at a->at (issue #19 item 2):
 * each record's state then (child_states, else the record when it has
 * not changed since and was created by then), active and born by the
 * quarter's end, grouped by the first `glen` characters of the region it
 * was in.  The columns are those of stats_store_sum_cols: group, active,
 * c1..c6, f1..f6, Q01..Q11, qerr, qany.  Q09 compares the states then. */
int quality_store_asof(store *s, const quality_args *a, int glen,
		       store_res **out, err *e);
/* Records failing rule `rule` (1..11), at most `limit` from `offset`;
 * for a past quarter, the records as they were at its end. */
typedef struct quality_failing_row {
	int64_t id;
	const char *name, *region, *region_name, *birth_date;
} quality_failing_row;
extern const store_col quality_store_failing_cols[];
int quality_store_failing(store *s, const quality_args *a, int rule,
			  int64_t offset, int limit, store_res **out, err *e);
/* Category and flag counts: active, c[b] of category bit 1<<b under its
 * age limit, f[b] of flag bit 1<<b, and the records verified. */
typedef struct quality_figures_row {
	int64_t active, c[6], f[6], verified;
} quality_figures_row;
extern const store_col quality_store_figures_cols[];
int quality_store_figures(store *s, const quality_args *a, store_res **out,
			  err *e);

int quality_store_verify(store *s, int64_t child, const char *quarter,
			 const char *outcome, const char *by, int64_t at,
			 err *e);

/* Quarter due date override: *due "" when none. */
int quality_store_due(store *s, const char *quarter, char due[11], err *e);
int quality_store_set_due(store *s, const char *quarter, const char *start,
			  const char *end, const char *due, err *e);

/* Sign-offs. */
typedef struct quality_signoff_row {
	const char *region, *state, *by;
	int64_t at;
	const char *comment;
} quality_signoff_row;
extern const store_col quality_store_signoff_cols[];
int quality_store_signoff(store *s, const char *region, const char *quarter,
			  store_res **out, err *e);
int quality_store_signoffs(store *s, const char *lo, const char *hi,
			   const char *quarter, store_res **out, err *e);
/* *n: the children of [lo, hi) created or changed after `since` (a
 * submission's time) and by `until` (the quarter's last second): a
 * submission they came after is stale; a change after the quarter ended
 * is not in its figures, so it leaves the submission alone. */
int quality_store_changed_since(store *s, const char *lo, const char *hi,
				int64_t since, int64_t until, int64_t *n,
				err *e);
int quality_store_set_signoff(store *s, const char *region,
			      const char *quarter, const char *state,
			      const char *by, int64_t at, const char *comment,
			      err *e);
/* quarter_stats: a past quarter's figures per village (migration 19),
 * the same STATS_COLS numbers as village_stats.  Rows for the villages of
 * [lo, hi) that have none; the ones not current (not frozen, computed
 * at another version); storing one compare-and-set on `ver`. */
int quality_store_qs_ensure(store *s, const char *quarter, const char *lo,
			    const char *hi, err *e);
typedef struct quality_qs_stale_row {
	const char *village;
	int64_t ver;
} quality_qs_stale_row;
extern const store_col quality_store_qs_stale_cols[];
int quality_store_qs_stale(store *s, const char *quarter, const char *lo,
			   const char *hi, store_res **out, err *e);
int quality_store_qs_save(store *s, const char *quarter, const char *village,
			  int64_t ver, const int64_t v[26], err *e);
/* The figures of `quarter` in [lo, hi) summed per first `glen`
 * characters (rows as stats_store_sum_cols): a past quarter's from
 * quarter_stats; the current one's from village_stats, but a frozen
 * village's from its frozen row. */
int quality_store_qs_sum(store *s, const char *quarter, int current,
			 const char *lo, const char *hi, int glen,
			 store_res **out, err *e);
/* Freezes the figures of [lo, hi) for `quarter` (a county's approval):
 * the current quarter's copied from village_stats, a past one's rows
 * marked. */
int quality_store_qs_freeze(store *s, const char *quarter, int current,
			    const char *lo, const char *hi, err *e);
/* Snapshot figures (JSON text) of a county's approved quarter. */
int quality_store_snapshot(store *s, const char *region, const char *quarter,
			   char **figures, err *e);
int quality_store_save_snapshot(store *s, const char *region,
				const char *quarter, int64_t at,
				const char *figures, err *e);

#endif
