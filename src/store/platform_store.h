/* platform_store — the SQL of service platforms, the villages they serve,
 * their activities, village child counts and the labelling words. */
#ifndef GUANAI_PLATFORM_STORE_H
#define GUANAI_PLATFORM_STORE_H

#include "store/region_store.h"
#include "store/store.h"

typedef struct platform_row {
	int64_t id;
	char kind[24];
	char region[REGION_CODE_MAX];
	char name[192];
	int regional;
	char host[32], host_other[128];
	char address[384];
	int64_t manager;	/* staff id, 0: none */
	char opened_on[11];
	char status[8];
	char *standard;		/* JSON text, malloc'd */
	unsigned failing;
	int version;
	int64_t created_at, updated_at;
	char created_by[33], updated_by[33];
	char region_name[128], manager_name[64], manager_status[8];
	char second_reason[512];	/* "" for none (migration 20) */
} platform_row;

void platform_row_clear(platform_row *r);
int platform_store_insert(store *s, platform_row *r, err *e);
/* Active platforms of `kind` in exactly region `code` (*n), and the name of
 * one of them (`name`, "" when none).  Takes the region's row lock first
 * (an update that changes nothing), so that two transactions creating in
 * one region count one after the other on PostgreSQL as on SQLite. */
int platform_store_count_here(store *s, const char *code, const char *kind,
			      int64_t *n, char name[192], err *e);
int platform_store_update(store *s, platform_row *r, err *e);
int platform_store_get(store *s, int64_t id, platform_row *out, err *e);
/* Rows of [lo, hi), optionally one kind, one status and only
 * (non-)compliant ones (compliant: -1 any, 0 failing, 1 compliant).
 * A row's `failing` is the verdict as of now: item 4 follows the
 * manager's staff record. */
int platform_store_list(store *s, const char *lo, const char *hi,
			const char *kind, const char *status, int compliant,
			int64_t offset, int limit, platform_row **out, int *n,
			int64_t *total, err *e);
/* Stores a recomputed verdict; not an edit (the version stays). */
int platform_store_set_failing(store *s, int64_t id, unsigned failing,
			       err *e);
/* Replaces the set of villages a platform serves. */
int platform_store_set_villages(store *s, int64_t id, const char *const *codes,
				int n, err *e);
/* The villages a platform serves. */
typedef struct platform_village_row {
	const char *code, *name;
} platform_village_row;
extern const store_col platform_store_village_cols[];
int platform_store_villages(store *s, int64_t id, store_res **out, err *e);

/* Villages of [lo, hi) with at least 100 children and no 儿童之家 of
 * their own; and villages under 100 (or not yet counted) that no
 * 儿童之家 serves.  At most `limit` rows from `offset`, by code; *total
 * receives the full count.  `uncounted` (`year_unknown`): the child
 * count (its year) is NULL. */
typedef struct platform_rule_row {
	const char *code, *name;
	int64_t child_count, child_count_year;
	int uncounted, year_unknown;
} platform_rule_row;
extern const store_col platform_store_rule_cols[];
int platform_store_rule_missing(store *s, const char *lo, const char *hi,
				int64_t offset, int limit, store_res **out,
				int64_t *total, err *e);
int platform_store_rule_uncovered(store *s, const char *lo, const char *hi,
				  int64_t offset, int limit, store_res **out,
				  int64_t *total, err *e);

/* Active platforms of [lo, hi): total, compliant, and how many fail each
 * of the five items (failing[0] the first). */
typedef struct platform_compliance_row {
	int64_t total, compliant;
	int64_t failing[5];
} platform_compliance_row;
extern const store_col platform_store_compliance_cols[];
int platform_store_compliance(store *s, const char *lo, const char *hi,
			      store_res **out, err *e);

int platform_store_activity_add(store *s, int64_t platform,
				const char *held_on, int function,
				const char *title, int children, int parents,
				const char *notes, int64_t at, const char *by,
				int64_t *id, err *e);
typedef struct platform_activity_row {
	int64_t id;
	const char *held_on;
	int function;
	const char *title;
	int64_t children, parents;
	const char *notes, *created_by;
} platform_activity_row;
extern const store_col platform_store_activity_cols[];
int platform_store_activities(store *s, int64_t platform, store_res **out,
			      err *e);
/* Per function and quarter in [lo, hi) for dates [from, to]. */
typedef struct platform_activity_stat_row {
	int function;
	const char *year;
	int64_t quarter, activities, children, parents;
} platform_activity_stat_row;
extern const store_col platform_store_activity_stat_cols[];
int platform_store_activity_stats(store *s, const char *lo, const char *hi,
				  const char *from, const char *to,
				  store_res **out, err *e);

int platform_store_set_child_count(store *s, const char *village, int count,
				   int year, err *e);
/* The settings value for `key` (a JSON text), malloc'd into *out. */
int platform_store_setting(store *s, const char *key, char **out, err *e);
int platform_store_set_setting(store *s, const char *key, const char *value,
			       err *e);

#endif
