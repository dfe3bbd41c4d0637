/* child_store — the SQL of children, their history, visits and transfers. */
#ifndef GUANAI_CHILD_STORE_H
#define GUANAI_CHILD_STORE_H

#include "store/region_store.h"
#include "store/store.h"

/* A row of the children table.  `data` is malloc'd JSON text owned by the
 * row (child_row_clear frees it). */
typedef struct child_row {
	int64_t id;
	char region[REGION_CODE_MAX];
	char status[12];		/* "active" or "exited" */
	char name[64];
	int sex;
	char birth_date[11];
	char id_number[19];		/* "" for NULL */
	unsigned cat_base, flags;
	int64_t confirmed;		/* -1 for NULL */
	char confirmed_by[33];
	int64_t confirmed_at;
	char last_visit[11];		/* "" for never */
	char exit_reason[24], exit_date[11];
	char exit_note[512];
	char *data;
	int version;
	int64_t created_at, updated_at;
	char created_by[33], updated_by[33];
	unsigned qflags;		/* quality rules failed by the facts */
	int open_cases;			/* open protection cases of abuse,
					 * abandonment or neglect */
	char guardian_name[64];		/* copies from data, for lists */
	char contact_phone[21];
	char region_name[128];		/* joined, for lists */
} child_row;

void child_row_clear(child_row *r);

/* Sets r->id.  ERR_CONFLICT when the ID number is active already.  Both
 * inserts mark the dashboard figures of the rows' villages stale
 * (village_stats.ver), in the caller's transaction. */
int child_store_insert(store *s, child_row *r, err *e);

/* Inserts n rows in their order, for bulk loads, and bumps their
 * villages' stats once.  CHILD_STORE_BATCH rows go in one statement (on
 * PostgreSQL one round trip).  On SQLite it is INSERT OR FAIL: a
 * statement of several rows that may abort (a row failing active_id's
 * UNIQUE after the others were written) needs a statement journal, which
 * at a million rows cost more than the statements saved; one that fails
 * instead leaves the rows before the failing one written, and the caller,
 * told ERR_CONFLICT, rolls its transaction back.  The ids are not read
 * back (r[i]->id is not to be relied on); the rows are numbered in their
 * order all the same.  ERR_CONFLICT as child_store_insert, for the
 * batch. */
enum { CHILD_STORE_BATCH = 16 };
int child_store_insert_batch(store *s, child_row *const *r, int n, err *e);
/* Writes every column from r but last_visit (which only a visit moves,
 * atomically, so an edit racing a visit cannot undo it) where the stored
 * version is r->version,
 * then r->version is the new one.  ERR_CONFLICT when someone else changed
 * the record meanwhile, or for a duplicate active ID number. */
int child_store_update(store *s, child_row *r, err *e);
/* ERR_NOTFOUND when absent. */
int child_store_get(store *s, int64_t id, child_row *out, err *e);
/* An active record other than `self` (0: none) with this ID number: *id
 * (0 if none) and its region.  The number is looked up in active_id, then
 * among legacy active records without that copy (migration 12), so that a
 * new record cannot take the number of one of those either. */
int child_store_find_active(store *s, const char *id_number, int64_t self,
			    int64_t *id,
			    char where[REGION_CODE_MAX], err *e);

/* child_store_find_active for n (1 … CHILD_FIND_MANY) ID numbers at once,
 * none of them a record's own: ids[i] and where[i] for nums[i]. */
enum { CHILD_FIND_MANY = 64 };
int child_store_find_active_many(store *s, const char *const *nums, int n,
				 int64_t *ids, char (*where)[REGION_CODE_MAX],
				 err *e);
/* The active record of a child without ID number: same name, birth date
 * and village.  *id is 0 when none. */
int child_store_find_same(store *s, const char *name, const char *birth,
			  const char *village, int64_t *id,
			  char where[REGION_CODE_MAX], err *e);

enum child_sort {
	CHILD_SORT_ID = 0,
	CHILD_SORT_NAME,
	CHILD_SORT_BIRTH,
	CHILD_SORT_VISIT,
	CHILD_SORT_REGION,
	CHILD_SORT_COUNT
};

typedef struct child_filter {
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	const char *status;		/* "active" (default) or "exited" */
	unsigned cat_bit;		/* 0: any */
	char cat_threshold[11];		/* birth_date must be after this */
	unsigned flag_bit;		/* 0: any */
	const char *birth_after;	/* birth_date > this; NULL: open */
	const char *birth_max;		/* birth_date <= this; NULL: open */
	const char *visit_before;	/* never visited or last before this */
	const char *name_like;		/* a LIKE pattern, escaped with \ */
	const char *id_lo, *id_hi;	/* an ID number prefix range */
	int no_guardian;		/* guardian_name is NULL */
	/* Exit due: born on or before `due_adult`, or holding none of the
	 * cat_base bits in `due_keep` (the categories still open after the
	 * birth_max threshold).  NULL: no such condition. */
	const char *due_adult;
	unsigned due_keep;
	enum child_sort sort;
	int desc;
	int64_t offset;
	int limit;
	/* The total when the caller knows it already (> 0; the count query
	 * is then skipped), else 0. */
	int64_t known_total;
	/* Leave each row's JSON out (data is "{}"): for lists built from
	 * the columns, which then read and copy a tenth as much. */
	int columns_only;
} child_filter;

/* Rows (data, unless columns_only, and region_name filled) into *out
 * (malloc'd, *n of them) and the total matching. */
int child_store_list(store *s, const child_filter *f, child_row **out,
		     int *n, int64_t *total, err *e);

int child_store_history_add(store *s, int64_t child_id, int version,
			    int64_t at, const char *who, const char *action,
			    const char *changes, const char *snapshot, err *e);
/* The record's first version (action "create"), unless already there. */
int child_store_history_first(store *s, int64_t child_id, int64_t at,
			      const char *who, const char *snapshot, err *e);
/* The versions of a record after its first, oldest first. */
typedef struct child_history_row {
	int64_t version, at;
	const char *actor, *action;
	const char *changes;	/* a JSON array */
} child_history_row;
extern const store_col child_store_history_cols[];
int child_store_history(store *s, int64_t child_id, store_res **out, err *e);

int child_store_visit_add(store *s, int64_t child_id, const char *code,
			  const char *date, const char *visitor,
			  const char *met, const char *findings,
			  const char *risk, const char *follow_up,
			  const char *by, int64_t at, int64_t *id, err *e);
/* A child's visits, newest first. */
typedef struct child_visit_row {
	int64_t id;
	const char *visit_date, *visitor, *met;
	const char *findings;	/* a JSON object */
	const char *risk_level, *follow_up, *created_by;
	int64_t created_at;
} child_visit_row;
extern const store_col child_store_visit_cols[];
int child_store_visits(store *s, int64_t child_id, store_res **out, err *e);

/* Transfers, with the child's name, birth date and sex; decided_by is
 * NULL until decided. */
typedef struct child_transfer_row {
	int64_t id, child_id;
	const char *from_region, *to_region, *state, *reason, *requested_by;
	int64_t requested_at;
	const char *decided_by;
	int64_t decided_at;
	const char *note, *child_name, *child_birth_date;
	int child_sex;
} child_transfer_row;
extern const store_col child_store_transfer_cols[];
int child_store_transfer_add(store *s, int64_t child_id, const char *from,
			     const char *to, const char *reason,
			     const char *by, int64_t at, int64_t *id, err *e);
int child_store_transfer_get(store *s, int64_t id, store_res **out, err *e);
int child_store_transfer_pending(store *s, int64_t child_id, int64_t *id,
				 err *e);
int child_store_transfer_decide(store *s, int64_t id, const char *state,
				const char *by, int64_t at, const char *note,
				err *e);
/* Transfers touching [lo, hi) either way, newest first. */
int child_store_transfers(store *s, const char *lo, const char *hi,
			  const char *state, store_res **out, err *e);

#endif
