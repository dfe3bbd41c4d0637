#include "store/child_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

#define CHILD_COLS_WITH(data)                                              \
	"c.id, c.region_code, c.status, c.name, c.sex, c.birth_date,"       \
	" c.id_number, c.cat_base, c.flags, c.confirmed, c.confirmed_by,"   \
	" c.confirmed_at, c.last_visit, c.exit_reason, c.exit_date,"        \
	" c.exit_note, " data ", c.version, c.created_at, c.created_by,"    \
	" c.updated_at, c.updated_by, r.name, c.guardian_name,"              \
	" c.contact_phone, c.open_cases, c.qflags"
#define CHILD_COLS CHILD_COLS_WITH("c.data")
/* Lists show columns only: the record's JSON is left where it is. */
#define CHILD_LIST_COLS CHILD_COLS_WITH("'{}'")

#define CHILD_FROM                                                         \
	" FROM children c LEFT JOIN regions r ON r.code = c.region_code"

/* Row_from's copy of text column `col` into the field `f`. */
#define COPY(f, col) text_copy(o->f, sizeof o->f, store_res_text(r, i, col))

static void row_from(const store_res *r, int i, child_row *o)
{
	memset(o, 0, sizeof *o);
	o->id = store_res_int(r, i, 0);
	COPY(region, 1);
	COPY(status, 2);
	COPY(name, 3);
	o->sex = (int)store_res_int(r, i, 4);
	COPY(birth_date, 5);
	COPY(id_number, 6);
	o->cat_base = (unsigned)store_res_int(r, i, 7);
	o->flags = (unsigned)store_res_int(r, i, 8);
	o->confirmed = store_res_isnull(r, i, 9) ? -1 : store_res_int(r, i, 9);
	COPY(confirmed_by, 10);
	o->confirmed_at = store_res_int(r, i, 11);
	COPY(last_visit, 12);
	COPY(exit_reason, 13);
	COPY(exit_date, 14);
	COPY(exit_note, 15);
	const char *d = store_res_text(r, i, 16);
	o->data = xstrdup(d ? d : "{}");
	o->version = (int)store_res_int(r, i, 17);
	o->created_at = store_res_int(r, i, 18);
	COPY(created_by, 19);
	o->updated_at = store_res_int(r, i, 20);
	COPY(updated_by, 21);
	COPY(region_name, 22);
	COPY(guardian_name, 23);
	COPY(contact_phone, 24);
	o->open_cases = (int)store_res_int(r, i, 25);
	o->qflags = (unsigned)store_res_int(r, i, 26);
}
#undef COPY

void child_row_clear(child_row *r)
{
	free(r->data);
	r->data = NULL;
}

static store_param text_or_null(const char *s)
{
	return s && *s ? SP_S(s) : SP_NULLV;
}

static int dup_conflict(int rc, err *e)
{
	if (rc == ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "duplicate_id_number",
				 "id_number", "该身份证号已有在册记录");
	return rc;
}

/* The columns of a new record, and its parameters in their order. */
#define CHILD_INSERT "INSERT" CHILD_INSERT_INTO
#define CHILD_INSERT_INTO                                                  \
	" INTO children (region_code, status, name, sex, birth_date,"        \
	" id_number, active_id, cat_base, flags, data, created_at,"          \
	" created_by, updated_at, updated_by, guardian_name, contact_phone," \
	" qflags) VALUES"
#define CHILD_VALUES " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
#define CHILD_VALUES2 CHILD_VALUES "," CHILD_VALUES
#define CHILD_VALUES4 CHILD_VALUES2 "," CHILD_VALUES2
#define CHILD_VALUES8 CHILD_VALUES4 "," CHILD_VALUES4
#define CHILD_VALUES16 CHILD_VALUES8 "," CHILD_VALUES8
enum { CHILD_NPARAMS = 17 };
_Static_assert(CHILD_STORE_BATCH == 16, "CHILD_VALUES16 has 16 rows");

static void insert_params(const child_row *r, store_param p[CHILD_NPARAMS])
{
	int active = strcmp(r->status, "active") == 0;
	const store_param v[CHILD_NPARAMS] = {
		SP_S(r->region),	   SP_S(r->status),
		SP_S(r->name),		   SP_I(r->sex),
		SP_S(r->birth_date),	   text_or_null(r->id_number),
		active ? text_or_null(r->id_number) : SP_NULLV,
		SP_I(r->cat_base),	   SP_I(r->flags),
		SP_S(r->data),		   SP_I(r->created_at),
		SP_S(r->created_by),	   SP_I(r->created_at),
		SP_S(r->created_by),	   text_or_null(r->guardian_name),
		text_or_null(r->contact_phone), SP_I(r->qflags),
	};
	memcpy(p, v, sizeof v);
}

/* Marks the dashboard figures of the villages of rows r[0..n) stale
 * (village_stats.ver), once per village: what the insert trigger did
 * before migration 12.  Only the rows' own villages: a new active record
 * shares its number with no other active one (child_store_find_active,
 * and active_id is unique), so no other village's Q09 moves. */
static int touch_villages(store *s, child_row *const *r, int n, err *e)
{
	for (int i = 0; i < n; i++) {
		int seen = 0;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(r[j]->region, r[i]->region) == 0;
		if (seen)
			continue;
		store_param p[] = { SP_S(r[i]->region) };
		int rc = store_exec(s,
				    "UPDATE village_stats SET ver = ver + 1"
				    " WHERE village_code = ?",
				    p, 1, NULL, e);
		/* and its past quarters' figures (migration 19): a record
		 * stamped before one ended, by a server whose clock is
		 * behind, is counted in it */
		if (rc == 0)
			rc = store_exec(s,
					"UPDATE quarter_stats SET ver = ver + 1"
					" WHERE village_code = ? AND frozen = 0",
					p, 1, NULL, e);
		if (rc)
			return rc;
	}
	return 0;
}

int child_store_insert(store *s, child_row *r, err *e)
{
	store_param p[CHILD_NPARAMS];
	insert_params(r, p);
	int64_t id;
	int rc = store_insert_id(s, CHILD_INSERT CHILD_VALUES " RETURNING id",
				 p, CHILD_NPARAMS, &id, e);
	if (rc)
		return dup_conflict(rc, e);
	r->id = id;
	r->version = 1;
	return touch_villages(s, &r, 1, e);
}

int child_store_insert_batch(store *s, child_row *const *r, int n, err *e)
{
	int rc = 0;
	if (n == CHILD_STORE_BATCH) {
		store_param p[CHILD_STORE_BATCH * CHILD_NPARAMS];
		for (int i = 0; i < n; i++)
			insert_params(r[i], p + i * CHILD_NPARAMS);
		rc = store_exec(s,
				store_kind_of(s) == STORE_PG
					? CHILD_INSERT CHILD_VALUES16
					: "INSERT OR FAIL" CHILD_INSERT_INTO
						  CHILD_VALUES16,
				p, SP_COUNT(p), NULL, e);
	} else {
		for (int i = 0; i < n && rc == 0; i++) {
			store_param p[CHILD_NPARAMS];
			insert_params(r[i], p);
			rc = store_exec(s, CHILD_INSERT CHILD_VALUES, p,
					SP_COUNT(p), NULL, e);
		}
	}
	if (rc)
		return dup_conflict(rc, e);
	for (int i = 0; i < n; i++)
		r[i]->version = 1;
	return touch_villages(s, r, n, e);
}

int child_store_update(store *s, child_row *r, err *e)
{
	store_param p[] = {
		SP_S(r->region),
		SP_S(r->status),
		SP_S(r->name),
		SP_I(r->sex),
		SP_S(r->birth_date),
		text_or_null(r->id_number),
		strcmp(r->status, "active") == 0 ? text_or_null(r->id_number)
						 : SP_NULLV,
		SP_I(r->cat_base),
		SP_I(r->flags),
		r->confirmed >= 0 ? SP_I(r->confirmed) : SP_NULLV,
		text_or_null(r->confirmed_by),
		SP_I(r->confirmed_at),
		text_or_null(r->exit_reason),
		text_or_null(r->exit_date),
		text_or_null(r->exit_note),
		SP_S(r->data),
		SP_I(r->updated_at),
		SP_S(r->updated_by),
		text_or_null(r->guardian_name),
		text_or_null(r->contact_phone),
		SP_I(r->open_cases),
		SP_I(r->qflags),
		SP_I(r->id),
		SP_I(r->version),
	};
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE children SET region_code = ?, status = ?,"
			    " name = ?, sex = ?, birth_date = ?, id_number = ?,"
			    " active_id = ?, cat_base = ?, flags = ?, confirmed = ?,"
			    " confirmed_by = ?, confirmed_at = ?,"
			    " exit_reason = ?, exit_date = ?, exit_note = ?,"
			    " data = ?, updated_at = ?, updated_by = ?,"
			    " guardian_name = ?, contact_phone = ?, open_cases = ?,"
			    " qflags = ?,"
			    " version = version + 1 WHERE id = ? AND version = ?",
			    p, SP_COUNT(p), &n, e);
	if (rc)
		return dup_conflict(rc, e);
	if (n != 1)
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该记录已被他人修改，请刷新后重试");
	r->version++;
	return 0;
}

int child_store_get(store *s, int64_t id, child_row *out, err *e)
{
	store_param p[] = { SP_I(id) };
	store_res *r;
	int rc = store_query(s, "SELECT " CHILD_COLS CHILD_FROM " WHERE c.id = ?",
			     p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "儿童档案不存在或不在您的管辖范围内");
	}
	row_from(r, 0, out);
	store_res_free(r);
	return 0;
}

int child_store_find_active(store *s, const char *id_number, int64_t self,
			    int64_t *id, char where[REGION_CODE_MAX], err *e)
{
	store_param p[] = { SP_S(id_number), SP_I(self), SP_S(id_number),
			    SP_I(self) };
	store_res *r;
	*id = 0;
	where[0] = '\0';
	int rc = store_query(s,
			     "SELECT id, region_code FROM children"
			     " WHERE active_id = ? AND id <> ?"
			     " UNION ALL SELECT id, region_code FROM children"
			     " WHERE coalesce(active_id, '') = '' AND id_number = ?"
			     " AND status = 'active' AND id <> ? LIMIT 1",
			     p, SP_COUNT(p), &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) > 0) {
		*id = store_res_int(r, 0, 0);
		text_copy(where, REGION_CODE_MAX, store_res_text(r, 0, 1));
	}
	store_res_free(r);
	return 0;
}

#define Q8 "?, ?, ?, ?, ?, ?, ?, ?"
#define Q64 Q8 ", " Q8 ", " Q8 ", " Q8 ", " Q8 ", " Q8 ", " Q8 ", " Q8

int child_store_find_active_many(store *s, const char *const *nums, int n,
				 int64_t *ids, char (*where)[REGION_CODE_MAX],
				 err *e)
{
	_Static_assert(CHILD_FIND_MANY == 64, "Q64 has 64 places");
	if (n < 1 || n > CHILD_FIND_MANY)
		return err_set(e, ERR_INTERNAL, "internal", "查重数量无效");
	store_param p[2 * CHILD_FIND_MANY];
	for (int i = 0; i < CHILD_FIND_MANY; i++)
		p[i] = p[CHILD_FIND_MANY + i] = SP_S(nums[i < n ? i : 0]);
	for (int i = 0; i < n; i++) {
		ids[i] = 0;
		where[i][0] = '\0';
	}
	store_res *r;
	int rc = store_query(s,
			     "SELECT active_id, id, region_code FROM children"
			     " WHERE active_id IN (" Q64 ")"
			     " UNION ALL SELECT id_number, id, region_code"
			     " FROM children WHERE coalesce(active_id, '') = ''"
			     " AND id_number IN (" Q64 ") AND status = 'active'",
			     p, SP_COUNT(p), &r, e);
	if (rc)
		return rc;
	for (int k = 0; k < store_res_rows(r); k++) {
		const char *num = store_res_text(r, k, 0);
		for (int i = 0; i < n; i++)
			if (ids[i] == 0 && strcmp(nums[i], num) == 0) {
				ids[i] = store_res_int(r, k, 1);
				text_copy(where[i], REGION_CODE_MAX,
					  store_res_text(r, k, 2));
			}
	}
	store_res_free(r);
	return 0;
}

int child_store_find_same(store *s, const char *name, const char *birth,
			  const char *village, int64_t *id,
			  char where[REGION_CODE_MAX], err *e)
{
	store_param p[] = { SP_S(name), SP_S(birth), SP_S(village) };
	store_res *r;
	*id = 0;
	where[0] = '\0';
	int rc = store_query(s,
			     "SELECT id, region_code FROM children WHERE"
			     " name = ? AND birth_date = ? AND region_code = ?"
			     " AND status = 'active' AND id_number IS NULL",
			     p, 3, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) > 0) {
		*id = store_res_int(r, 0, 0);
		text_copy(where, REGION_CODE_MAX, store_res_text(r, 0, 1));
	}
	store_res_free(r);
	return 0;
}

/* The filter, in the order of the WHERE clause below.  The name search is
 * a separate statement: SQLite re-plans a statement whose LIKE pattern is
 * a parameter every time that parameter is bound, which would cost every
 * list a full re-prepare. */
#define CHILD_WHERE_BASE                                                     \
	" WHERE c.region_code >= ? AND c.region_code < ? AND c.status = ?"   \
	" AND (? = 0 OR ((c.cat_base & ?) <> 0 AND c.birth_date > ?))"       \
	" AND (? = 0 OR (c.flags & ?) <> 0)"                                 \
	" AND (CAST(? AS TEXT) IS NULL OR c.birth_date > ?)"                 \
	" AND (CAST(? AS TEXT) IS NULL OR c.birth_date <= ?)"                \
	" AND (CAST(? AS TEXT) IS NULL OR c.last_visit IS NULL"              \
	" OR c.last_visit < ?)"                                              \
	" AND (CAST(? AS TEXT) IS NULL OR (c.id_number >= ?"                 \
	" AND c.id_number < ?))"                                             \
	" AND (? = 0 OR c.guardian_name IS NULL)"                           \
	" AND (CAST(? AS TEXT) IS NULL OR c.birth_date <= ?"                 \
	" OR (c.cat_base & ?) = 0)"
#define CHILD_NBASE 21
#define CHILD_WHERE_NAME CHILD_WHERE_BASE " AND c.name LIKE ? ESCAPE '\\'"

/* The page is chosen on the covering index first, then only its rows are
 * read: otherwise the planner may filter on the index, read every
 * matching row's JSON, and sort them all for twenty. */
#define CHILD_LIST(cols, where, order)                                       \
	"SELECT " cols CHILD_FROM " WHERE c.id IN (SELECT c.id FROM"           \
	" children c" where " ORDER BY " order " LIMIT ? OFFSET ?)"          \
	" ORDER BY " order
#define CHILD_SORTS(cols, where)                                             \
	{ { CHILD_LIST(cols, where, "c.id"),                                 \
	    CHILD_LIST(cols, where, "c.id DESC") },                          \
	  { CHILD_LIST(cols, where, "c.name, c.id"),                         \
	    CHILD_LIST(cols, where, "c.name DESC, c.id DESC") },             \
	  { CHILD_LIST(cols, where, "c.birth_date, c.id"),                   \
	    CHILD_LIST(cols, where, "c.birth_date DESC, c.id DESC") },       \
	  { CHILD_LIST(cols, where, "c.last_visit, c.id"),                   \
	    CHILD_LIST(cols, where, "c.last_visit DESC, c.id DESC") },       \
	  { CHILD_LIST(cols, where, "c.region_code, c.id"),                  \
	    CHILD_LIST(cols, where, "c.region_code DESC, c.id DESC") } }

/* One constant statement per row shape, sort order and name filter: SQL
 * is never assembled from input, and each order can use its own index. */
static const char *const list_sql[2][2][CHILD_SORT_COUNT][2] = {
	{ CHILD_SORTS(CHILD_COLS, CHILD_WHERE_BASE),
	  CHILD_SORTS(CHILD_COLS, CHILD_WHERE_NAME) },
	{ CHILD_SORTS(CHILD_LIST_COLS, CHILD_WHERE_BASE),
	  CHILD_SORTS(CHILD_LIST_COLS, CHILD_WHERE_NAME) },
};

int child_store_list(store *s, const child_filter *f, child_row **out,
		     int *n, int64_t *total, err *e)
{
	const char *vb = f->visit_before, *il = f->id_lo;
	int named = f->name_like != NULL;
	store_param p[CHILD_NBASE + 3] = {
		SP_S(f->lo),
		SP_S(f->hi),
		SP_S(f->status ? f->status : "active"),
		SP_I(f->cat_bit),
		SP_I(f->cat_bit),
		SP_S(f->cat_threshold),
		SP_I(f->flag_bit),
		SP_I(f->flag_bit),
		SP_S(f->birth_after),
		SP_S(f->birth_after),
		SP_S(f->birth_max),
		SP_S(f->birth_max),
		SP_S(vb),
		SP_S(vb),
		SP_S(il),
		SP_S(il),
		SP_S(f->id_hi),
		SP_I(f->no_guardian),
		SP_S(f->due_adult),
		SP_S(f->due_adult),
		SP_I(f->due_keep),
	};
	int np = CHILD_NBASE;
	if (named)
		p[np++] = SP_S(f->name_like);
	int rc = 0;
	if (f->known_total > 0)
		*total = f->known_total;
	else
		rc = store_query_int(
			s,
			named ? "SELECT count(*) FROM children c" CHILD_WHERE_NAME
			      : "SELECT count(*) FROM children c" CHILD_WHERE_BASE,
			p, np, total, e);
	if (rc)
		return rc;
	p[np] = SP_I(f->limit);
	p[np + 1] = SP_I(f->offset);
	store_res *r;
	int sort = f->sort >= 0 && f->sort < CHILD_SORT_COUNT ? f->sort : 0;
	if ((rc = store_query(s,
			      list_sql[f->columns_only ? 1 : 0][named][sort]
				      [f->desc ? 1 : 0],
			      p, np + 2, &r, e)))
		return rc;
	int rows = store_res_rows(r);
	child_row *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		row_from(r, i, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int child_store_history_add(store *s, int64_t child_id, int version,
			    int64_t at, const char *who, const char *action,
			    const char *changes, const char *snapshot, err *e)
{
	store_param p[] = { SP_I(child_id), SP_I(version), SP_I(at),
			    SP_S(who),      SP_S(action),  SP_S(changes),
			    SP_S(snapshot) };
	return store_exec(s,
			  "INSERT INTO child_history (child_id, version, at,"
			  " actor, action, changes, snapshot)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?)",
			  p, SP_COUNT(p), NULL, e);
}

int child_store_history_first(store *s, int64_t child_id, int64_t at,
			      const char *who, const char *snapshot, err *e)
{
	store_param p[] = { SP_I(child_id), SP_I(at), SP_S(who),
			    SP_S(snapshot), SP_I(child_id) };
	return store_exec(s,
			  "INSERT INTO child_history (child_id, version, at,"
			  " actor, action, changes, snapshot)"
			  " SELECT ?, 1, ?, ?, 'create', '[]', ?"
			  " WHERE NOT EXISTS (SELECT 1 FROM child_history"
			  " WHERE child_id = ? AND version = 1)",
			  p, SP_COUNT(p), NULL, e);
}

const store_col child_store_history_cols[] = {
	STORE_I64(0, child_history_row, version),
	STORE_I64(1, child_history_row, at),
	STORE_STR(2, child_history_row, actor),
	STORE_STR(3, child_history_row, action),
	STORE_STR(4, child_history_row, changes),
	STORE_COLS_END,
};

int child_store_history(store *s, int64_t child_id, store_res **out, err *e)
{
	store_param p[] = { SP_I(child_id) };
	return store_query(s,
			   "SELECT version, at, actor, action, changes"
			   " FROM child_history WHERE child_id = ?"
			   " ORDER BY id",
			   p, 1, out, e);
}

int child_store_visit_add(store *s, int64_t child_id, const char *code,
			  const char *date, const char *visitor,
			  const char *met, const char *findings,
			  const char *risk, const char *follow_up,
			  const char *by, int64_t at, int64_t *id, err *e)
{
	/* The child's row first, every time (the newest visit date, whatever
	 * order visits are entered in): the triggers of the visit and of an
	 * edit of the record both mark the village's figures stale, and an
	 * edit holds the row while it does; taking the row before those
	 * marks, as an edit does, keeps the two in one order (PostgreSQL
	 * broke the deadlock of the other order with "busy"). */
	store_param q[] = { SP_S(date), SP_S(date), SP_I(child_id) };
	int rc = store_exec(s,
			    "UPDATE children SET last_visit = CASE WHEN"
			    " last_visit IS NULL OR last_visit < ? THEN ?"
			    " ELSE last_visit END WHERE id = ?",
			    q, 3, NULL, e);
	if (rc)
		return rc;
	store_param p[] = { SP_I(child_id), SP_S(code),      SP_S(date),
			    SP_S(visitor),  SP_S(met),	     SP_S(findings),
			    SP_S(risk),	    SP_S(follow_up), SP_S(by),
			    SP_I(at) };
	return store_query_int(s,
			       "INSERT INTO visits (child_id, region_code,"
			       " visit_date, visitor, met, findings,"
			       " risk_level, follow_up, created_by, created_at)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			       " RETURNING id",
			       p, SP_COUNT(p), id, e);
}

const store_col child_store_visit_cols[] = {
	STORE_I64(0, child_visit_row, id),
	STORE_STR(1, child_visit_row, visit_date),
	STORE_STR(2, child_visit_row, visitor),
	STORE_STR(3, child_visit_row, met),
	STORE_STR(4, child_visit_row, findings),
	STORE_STR(5, child_visit_row, risk_level),
	STORE_STR(6, child_visit_row, follow_up),
	STORE_STR(7, child_visit_row, created_by),
	STORE_I64(8, child_visit_row, created_at),
	STORE_COLS_END,
};

int child_store_visits(store *s, int64_t child_id, store_res **out, err *e)
{
	store_param p[] = { SP_I(child_id) };
	return store_query(s,
			   "SELECT id, visit_date, visitor, met, findings,"
			   " risk_level, follow_up, created_by, created_at"
			   " FROM visits WHERE child_id = ?"
			   " ORDER BY visit_date DESC, id DESC",
			   p, 1, out, e);
}

#define TRANSFER_COLS                                                      \
	"t.id, t.child_id, t.from_region, t.to_region, t.state, t.reason,"  \
	" t.requested_by, t.requested_at, t.decided_by, t.decided_at,"      \
	" t.note, c.name, c.birth_date, c.sex"

const store_col child_store_transfer_cols[] = {
	STORE_I64(0, child_transfer_row, id),
	STORE_I64(1, child_transfer_row, child_id),
	STORE_STR(2, child_transfer_row, from_region),
	STORE_STR(3, child_transfer_row, to_region),
	STORE_STR(4, child_transfer_row, state),
	STORE_STR(5, child_transfer_row, reason),
	STORE_STR(6, child_transfer_row, requested_by),
	STORE_I64(7, child_transfer_row, requested_at),
	STORE_STR(8, child_transfer_row, decided_by),
	STORE_I64(9, child_transfer_row, decided_at),
	STORE_STR(10, child_transfer_row, note),
	STORE_STR(11, child_transfer_row, child_name),
	STORE_STR(12, child_transfer_row, child_birth_date),
	STORE_INT(13, child_transfer_row, child_sex),
	STORE_COLS_END,
};

int child_store_transfer_add(store *s, int64_t child_id, const char *from,
			     const char *to, const char *reason,
			     const char *by, int64_t at, int64_t *id, err *e)
{
	store_param p[] = { SP_I(child_id), SP_S(from), SP_S(to),
			    SP_S(reason),   SP_S(by),	SP_I(at) };
	return store_query_int(s,
			       "INSERT INTO transfers (child_id, from_region,"
			       " to_region, state, reason, requested_by,"
			       " requested_at) VALUES (?, ?, ?, 'pending', ?,"
			       " ?, ?) RETURNING id",
			       p, SP_COUNT(p), id, e);
}

int child_store_transfer_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT " TRANSFER_COLS " FROM transfers t"
			   " JOIN children c ON c.id = t.child_id"
			   " WHERE t.id = ?",
			   p, 1, out, e);
}

int child_store_transfer_pending(store *s, int64_t child_id, int64_t *id,
				 err *e)
{
	store_param p[] = { SP_I(child_id) };
	int rc = store_query_int(s,
				 "SELECT id FROM transfers WHERE child_id = ?"
				 " AND state = 'pending'",
				 p, 1, id, e);
	if (rc == ERR_NOTFOUND) {
		*id = 0;
		return 0;
	}
	return rc;
}

int child_store_transfer_decide(store *s, int64_t id, const char *state,
				const char *by, int64_t at, const char *note,
				err *e)
{
	store_param p[] = { SP_S(state), SP_S(by), SP_I(at), SP_S(note),
			    SP_I(id) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE transfers SET state = ?, decided_by = ?,"
			    " decided_at = ?, note = ? WHERE id = ?"
			    " AND state = 'pending'",
			    p, SP_COUNT(p), &n, e);
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "transfer_decided",
			       "该迁移已处理");
	return rc;
}

int child_store_transfers(store *s, const char *lo, const char *hi,
			  const char *state, store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(lo), SP_S(hi),
			    SP_S(state), SP_S(state) };
	return store_query(s,
			   "SELECT " TRANSFER_COLS " FROM transfers t"
			   " JOIN children c ON c.id = t.child_id"
			   " WHERE ((t.from_region >= ? AND t.from_region < ?)"
			   " OR (t.to_region >= ? AND t.to_region < ?))"
			   " AND (CAST(? AS TEXT) IS NULL OR t.state = ?)"
			   " ORDER BY t.id DESC LIMIT 500",
			   p, SP_COUNT(p), out, e);
}
