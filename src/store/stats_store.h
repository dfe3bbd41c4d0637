/* stats_store — the aggregate SQL of the dashboard. */
#ifndef GUANAI_STATS_STORE_H
#define GUANAI_STATS_STORE_H

#include "store/store.h"

/* Active children of [lo, hi) grouped by the first `glen` characters of
 * their region: v[0] active, v[1..6] the categories under their age
 * limits (born after t16 for the first, t18 for the rest), v[7..12] the
 * flags. */
typedef struct stats_children_row {
	const char *group;
	int64_t v[13];
} stats_children_row;
extern const store_col stats_store_children_cols[];
int stats_store_children(store *s, const char *lo, const char *hi, int glen,
			 const char *t16, const char *t18, store_res **out,
			 err *e);
/* Snapshots of counties in [lo, hi). */
typedef struct stats_snapshot_row {
	const char *quarter;
	const char *figures;	/* a JSON object */
} stats_snapshot_row;
extern const store_col stats_store_snapshot_cols[];
int stats_store_snapshots(store *s, const char *lo, const char *hi,
			  store_res **out, err *e);
/* Active staff, trained in [from, to], with a valid certificate. */
typedef struct stats_workforce_row {
	int64_t staff, trained, certified;
} stats_workforce_row;
extern const store_col stats_store_workforce_cols[];
int stats_store_workforce(store *s, const char *lo, const char *hi,
			  const char *from, const char *to, store_res **out,
			  err *e);
/* Seconds to accept and to close of the cases reported in [lo, hi)
 * (accepted or closed ones), and open/overdue counts at `now`. */
typedef struct stats_case_time_row {
	int64_t accept_seconds, close_seconds;
	int open;	/* not closed yet: close_seconds is NULL */
} stats_case_time_row;
extern const store_col stats_store_case_time_cols[];
int stats_store_case_times(store *s, const char *lo, const char *hi,
			   store_res **times, err *e);
int stats_store_case_counts(store *s, const char *lo, const char *hi,
			    int64_t now, int64_t *open, int64_t *overdue,
			    err *e);

/* One figure of [lo, hi) summed: `col` 0 active, 1..6 c1..c6, 7..12
 * f1..f6; *stale > 0 when some village's row is not current for `today`
 * (or the range has no rows yet). */
int stats_store_total(store *s, const char *lo, const char *hi, int col,
		      const char *today, int64_t *total, int64_t *stale,
		      err *e);

/* Cases of [lo, hi) per first `glen` characters of their region: total,
 * open, overdue (open past due at `now`), closed, urgent, in v[0..4]. */
typedef struct stats_case_summary_row {
	const char *group;
	int64_t v[5];
} stats_case_summary_row;
extern const store_col stats_store_case_summary_cols[];
int stats_store_case_summary(store *s, const char *lo, const char *hi,
			     int glen, int64_t now, store_res **out, err *e);

/* The dashboard's per-village figures (table village_stats), kept
 * current lazily: a trigger bumps a village's `ver` on every write to its
 * children or their verifications; a row is current when it was computed
 * today at that version.  The figures are STATS_COLS numbers: active,
 * c1..c6, f1..f6 (as stats_store_children), Q01..Q11 counts, the
 * children failing an error-level rule and those failing any (qerr,
 * qany). */
#define STATS_COLS 26

/* Rows for the villages of [lo, hi) that have none yet. */
int stats_store_ensure(store *s, const char *lo, const char *hi, err *e);
/* Villages of [lo, hi) not current for `today`, with their version. */
typedef struct stats_stale_row {
	const char *code;
	int64_t ver;
} stats_stale_row;
extern const store_col stats_store_stale_cols[];
int stats_store_stale(store *s, const char *lo, const char *hi,
		      const char *today, store_res **out, err *e);
/* Stores a village's figures computed at version `ver`; a write that came
 * in since (ver moved on) wins and the row stays stale. */
int stats_store_save(store *s, const char *village, int64_t ver,
		     const char *today, const char *quarter,
		     const int64_t v[STATS_COLS], err *e);
/* The stored figures of [lo, hi) summed per first `glen` characters of
 * the village code. */
typedef struct stats_sum_row {
	const char *group;
	int64_t v[STATS_COLS];
} stats_sum_row;
extern const store_col stats_store_sum_cols[];
int stats_store_sum(store *s, const char *lo, const char *hi, int glen,
		    store_res **out, err *e);

#endif
