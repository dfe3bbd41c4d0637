#include "store/platform_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* The 五有 verdict as of now: items 1, 2, 3 and 5 follow from the facts
 * recorded with the platform (stored at each write, and again when the
 * labelling words change); item 4 holds only while the manager is in
 * post, which the staff record says at the moment of reading. */
#define FAILING_NOW                                                         \
	"((p.failing & 23) | CASE WHEN st.status = 'active' THEN 0"          \
	" ELSE 8 END)"
#define PLATFORM_COLS                                                       \
	"p.id, p.kind, p.region_code, p.name, p.regional, p.host,"           \
	" p.host_other, p.address, p.manager_staff_id, p.opened_on,"         \
	" p.status, p.standard, " FAILING_NOW ", p.version, p.created_at,"   \
	" p.updated_at, p.created_by, p.updated_by, r.name, st.name,"        \
	" st.status, p.second_reason"
#define PLATFORM_FROM                                                       \
	" FROM platforms p LEFT JOIN regions r ON r.code = p.region_code"    \
	" LEFT JOIN staff st ON st.id = p.manager_staff_id"

/* PLATFORM_COLS, in its order; the standard (11) and the verdict (12)
 * are taken apart. */
static const store_col platform_cols[] = {
	STORE_I64(0, platform_row, id),
	STORE_BUF(1, platform_row, kind),
	STORE_BUF(2, platform_row, region),
	STORE_BUF(3, platform_row, name),
	STORE_INT(4, platform_row, regional),
	STORE_BUF(5, platform_row, host),
	STORE_BUF(6, platform_row, host_other),
	STORE_BUF(7, platform_row, address),
	STORE_I64(8, platform_row, manager),
	STORE_BUF(9, platform_row, opened_on),
	STORE_BUF(10, platform_row, status),
	STORE_INT(13, platform_row, version),
	STORE_I64(14, platform_row, created_at),
	STORE_I64(15, platform_row, updated_at),
	STORE_BUF(16, platform_row, created_by),
	STORE_BUF(17, platform_row, updated_by),
	STORE_BUF(18, platform_row, region_name),
	STORE_BUF(19, platform_row, manager_name),
	STORE_BUF(20, platform_row, manager_status),
	STORE_BUF(21, platform_row, second_reason),
	STORE_COLS_END,
};

static void row_from(const store_res *r, int i, platform_row *o)
{
	memset(o, 0, sizeof *o);
	store_res_row(r, i, platform_cols, o);
	const char *st = store_res_text(r, i, 11);
	o->standard = xstrdup(st ? st : "{}");
	o->failing = (unsigned)store_res_int(r, i, 12);
}

void platform_row_clear(platform_row *r)
{
	free(r->standard);
	r->standard = NULL;
}

int platform_store_insert(store *s, platform_row *r, err *e)
{
	store_param p[] = {
		SP_S(r->kind),	     SP_S(r->region),	SP_S(r->name),
		SP_I(r->regional),   SP_S(r->host),	SP_S(r->host_other),
		SP_S(r->address),    r->manager ? SP_I(r->manager) : SP_NULLV,
		SP_S(r->opened_on),  SP_S(r->status),	SP_S(r->standard),
		SP_I(r->failing),    SP_I(r->created_at), SP_S(r->created_by),
		SP_I(r->created_at), SP_S(r->created_by),
		*r->second_reason ? SP_S(r->second_reason) : SP_NULLV,
	};
	int64_t id;
	int rc = store_query_int(
		s,
		"INSERT INTO platforms (kind, region_code, name, regional, host,"
		" host_other, address, manager_staff_id, opened_on, status,"
		" standard, failing, created_at, created_by, updated_at,"
		" updated_by, second_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		p, SP_COUNT(p), &id, e);
	if (rc == 0) {
		r->id = id;
		r->version = 1;
	}
	return rc;
}

int platform_store_count_here(store *s, const char *code, const char *kind,
			      int64_t *n, char name[192], err *e)
{
	store_param g[] = { SP_S(code) };
	store_param p[] = { SP_S(code), SP_S(kind) };
	store_res *r;
	int rc = store_exec(s, "UPDATE regions SET name = name WHERE code = ?",
			    g, 1, NULL, e);
	if (rc || (rc = store_query(s,
				    "SELECT name FROM platforms WHERE"
				    " region_code = ? AND kind = ? AND"
				    " status = 'active' ORDER BY id",
				    p, 2, &r, e)))
		return rc;
	*n = store_res_rows(r);
	name[0] = '\0';
	if (*n > 0) {
		const char *v = store_res_text(r, 0, 0);
		snprintf(name, 192, "%s", v ? v : "");
	}
	store_res_free(r);
	return 0;
}

int platform_store_update(store *s, platform_row *r, err *e)
{
	store_param p[] = {
		SP_S(r->name),	     SP_I(r->regional), SP_S(r->host),
		SP_S(r->host_other), SP_S(r->address),
		r->manager ? SP_I(r->manager) : SP_NULLV,
		SP_S(r->opened_on),  SP_S(r->status),	SP_S(r->standard),
		SP_I(r->failing),    SP_I(r->updated_at), SP_S(r->updated_by),
		SP_I(r->id),	     SP_I(r->version),
	};
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE platforms SET name = ?, regional = ?,"
			    " host = ?, host_other = ?, address = ?,"
			    " manager_staff_id = ?, opened_on = ?, status = ?,"
			    " standard = ?, failing = ?, updated_at = ?,"
			    " updated_by = ?, version = version + 1"
			    " WHERE id = ? AND version = ?",
			    p, SP_COUNT(p), &n, e);
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该记录已被他人修改，请刷新后重试");
	if (rc == 0)
		r->version++;
	return rc;
}

int platform_store_get(store *s, int64_t id, platform_row *out, err *e)
{
	store_param p[] = { SP_I(id) };
	store_res *r;
	int rc = store_query(s,
			     "SELECT " PLATFORM_COLS PLATFORM_FROM
			     " WHERE p.id = ?",
			     p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "服务阵地不存在或不在您的管辖范围内");
	}
	row_from(r, 0, out);
	store_res_free(r);
	return 0;
}

#define PLATFORM_WHERE                                                      \
	" WHERE p.region_code >= ? AND p.region_code < ?"                    \
	" AND (CAST(? AS TEXT) IS NULL OR p.kind = ?)"                       \
	" AND (CAST(? AS TEXT) IS NULL OR p.status = ?)"                     \
	" AND (? < 0 OR (? = 1 AND " FAILING_NOW " = 0) OR (? = 0 AND "      \
	FAILING_NOW " <> 0))"

int platform_store_list(store *s, const char *lo, const char *hi,
			const char *kind, const char *status, int compliant,
			int64_t offset, int limit, platform_row **out, int *n,
			int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo),	     SP_S(hi),	       SP_S(kind),
			    SP_S(kind),	     SP_S(status),     SP_S(status),
			    SP_I(compliant), SP_I(compliant), SP_I(compliant),
			    SP_I(limit),     SP_I(offset) };
	int rc = store_query_int(s,
				 "SELECT count(*)" PLATFORM_FROM PLATFORM_WHERE,
				 p, 9, total, e);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = store_query(s,
			      "SELECT " PLATFORM_COLS PLATFORM_FROM
				      PLATFORM_WHERE
			      " ORDER BY p.region_code, p.id LIMIT ? OFFSET ?",
			      p, 11, &r, e)))
		return rc;
	int rows = store_res_rows(r);
	platform_row *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		row_from(r, i, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int platform_store_set_failing(store *s, int64_t id, unsigned failing,
				err *e)
{
	store_param p[] = { SP_I(failing), SP_I(id) };
	return store_exec(s, "UPDATE platforms SET failing = ? WHERE id = ?", p,
			  2, NULL, e);
}

int platform_store_set_villages(store *s, int64_t id, const char *const *codes,
				int n, err *e)
{
	store_param p[] = { SP_I(id) };
	int rc = store_exec(s, "DELETE FROM platform_villages WHERE"
			       " platform_id = ?",
			    p, 1, NULL, e);
	for (int i = 0; i < n && rc == 0; i++) {
		store_param q[] = { SP_I(id), SP_S(codes[i]) };
		rc = store_exec(s,
				"INSERT INTO platform_villages (platform_id,"
				" village_code) VALUES (?, ?)"
				" ON CONFLICT DO NOTHING",
				q, 2, NULL, e);
	}
	return rc;
}

const store_col platform_store_village_cols[] = {
	STORE_STR(0, platform_village_row, code),
	STORE_STR(1, platform_village_row, name),
	STORE_COLS_END,
};

int platform_store_villages(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT r.code, r.name FROM platform_villages v"
			   " JOIN regions r ON r.code = v.village_code"
			   " WHERE v.platform_id = ? ORDER BY r.code",
			   p, 1, out, e);
}

/* A unit marked as needing no 儿童之家 (issue #19) breaks no rule. */
#define MISSING_WHERE                                                       \
	" FROM regions r WHERE r.code >= ? AND r.code < ? AND r.level = 5"   \
	" AND r.exempt_reason IS NULL AND r.child_count >= 100 AND NOT EXISTS (SELECT 1 FROM platforms p"\
	" WHERE p.region_code = r.code AND p.kind = 'children_home'"         \
	" AND p.status = 'active')"
#define UNCOVERED_WHERE                                                     \
	" FROM regions r WHERE r.code >= ? AND r.code < ? AND r.level = 5"   \
	" AND r.exempt_reason IS NULL AND (r.child_count IS NULL OR r.child_count < 100) AND NOT EXISTS"\
	" (SELECT 1 FROM platform_villages v JOIN platforms p"              \
	" ON p.id = v.platform_id WHERE v.village_code = r.code"            \
	" AND p.kind = 'children_home' AND p.status = 'active')"

const store_col platform_store_rule_cols[] = {
	STORE_STR(0, platform_rule_row, code),
	STORE_STR(1, platform_rule_row, name),
	STORE_I64(2, platform_rule_row, child_count),
	STORE_ISNULL(2, platform_rule_row, uncounted),
	STORE_I64(3, platform_rule_row, child_count_year),
	STORE_ISNULL(3, platform_rule_row, year_unknown),
	STORE_COLS_END,
};

int platform_store_rule_missing(store *s, const char *lo, const char *hi,
				int64_t offset, int limit, store_res **out,
				int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_I(limit), SP_I(offset) };
	int rc = store_query_int(s, "SELECT count(*)" MISSING_WHERE, p, 2,
				 total, e);
	return rc ? rc
		  : store_query(s,
				"SELECT r.code, r.name, r.child_count,"
				" r.child_count_year" MISSING_WHERE
				" ORDER BY r.code LIMIT ? OFFSET ?",
				p, 4, out, e);
}

int platform_store_rule_uncovered(store *s, const char *lo, const char *hi,
				  int64_t offset, int limit, store_res **out,
				  int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_I(limit), SP_I(offset) };
	int rc = store_query_int(s, "SELECT count(*)" UNCOVERED_WHERE, p, 2,
				 total, e);
	return rc ? rc
		  : store_query(s,
				"SELECT r.code, r.name, r.child_count,"
				" r.child_count_year" UNCOVERED_WHERE
				" ORDER BY r.code LIMIT ? OFFSET ?",
				p, 4, out, e);
}

const store_col platform_store_compliance_cols[] = {
	STORE_I64(0, platform_compliance_row, total),
	STORE_I64(1, platform_compliance_row, compliant),
	STORE_I64(2, platform_compliance_row, failing[0]),
	STORE_I64(3, platform_compliance_row, failing[1]),
	STORE_I64(4, platform_compliance_row, failing[2]),
	STORE_I64(5, platform_compliance_row, failing[3]),
	STORE_I64(6, platform_compliance_row, failing[4]),
	STORE_COLS_END,
};

int platform_store_compliance(store *s, const char *lo, const char *hi,
			      store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(
		s,
		"SELECT count(*), sum(CASE WHEN f = 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN (f & 1) <> 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN (f & 2) <> 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN (f & 4) <> 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN (f & 8) <> 0 THEN 1 ELSE 0 END),"
		" sum(CASE WHEN (f & 16) <> 0 THEN 1 ELSE 0 END)"
		" FROM (SELECT " FAILING_NOW " AS f FROM platforms p"
		" LEFT JOIN staff st ON st.id = p.manager_staff_id"
		" WHERE p.region_code >= ? AND p.region_code < ?"
		" AND p.status = 'active') AS a",
		p, 2, out, e);
}

int platform_store_activity_add(store *s, int64_t platform,
				const char *held_on, int function,
				const char *title, int children, int parents,
				const char *notes, int64_t at, const char *by,
				int64_t *id, err *e)
{
	store_param p[] = { SP_I(platform), SP_S(held_on), SP_I(function),
			    SP_S(title),    SP_I(children), SP_I(parents),
			    SP_S(notes),    SP_I(at),	    SP_S(by) };
	return store_query_int(s,
			       "INSERT INTO platform_activities (platform_id,"
			       " held_on, function, title, children, parents,"
			       " notes, created_at, created_by) VALUES (?, ?, ?,"
			       " ?, ?, ?, ?, ?, ?) RETURNING id",
			       p, SP_COUNT(p), id, e);
}

const store_col platform_store_activity_cols[] = {
	STORE_I64(0, platform_activity_row, id),
	STORE_STR(1, platform_activity_row, held_on),
	STORE_INT(2, platform_activity_row, function),
	STORE_STR(3, platform_activity_row, title),
	STORE_I64(4, platform_activity_row, children),
	STORE_I64(5, platform_activity_row, parents),
	STORE_STR(6, platform_activity_row, notes),
	STORE_STR(7, platform_activity_row, created_by),
	STORE_COLS_END,
};

int platform_store_activities(store *s, int64_t platform, store_res **out,
			      err *e)
{
	store_param p[] = { SP_I(platform) };
	return store_query(s,
			   "SELECT id, held_on, function, title, children,"
			   " parents, notes, created_by FROM platform_activities"
			   " WHERE platform_id = ? ORDER BY held_on DESC, id DESC"
			   " LIMIT 500",
			   p, 1, out, e);
}

const store_col platform_store_activity_stat_cols[] = {
	STORE_INT(0, platform_activity_stat_row, function),
	STORE_STR(1, platform_activity_stat_row, year),
	STORE_I64(2, platform_activity_stat_row, quarter),
	STORE_I64(3, platform_activity_stat_row, activities),
	STORE_I64(4, platform_activity_stat_row, children),
	STORE_I64(5, platform_activity_stat_row, parents),
	STORE_COLS_END,
};

int platform_store_activity_stats(store *s, const char *lo, const char *hi,
				  const char *from, const char *to,
				  store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(from), SP_S(to) };
	return store_query(
		s,
		"SELECT a.function, substr(a.held_on, 1, 4) AS y,"
		" (CAST(substr(a.held_on, 6, 2) AS INTEGER) + 2) / 3 AS q,"
		" count(*), sum(a.children), sum(a.parents)"
		" FROM platform_activities a JOIN platforms p"
		" ON p.id = a.platform_id WHERE p.region_code >= ?"
		" AND p.region_code < ? AND a.held_on >= ? AND a.held_on <= ?"
		" GROUP BY a.function, y, q ORDER BY y, q, a.function",
		p, 4, out, e);
}

int platform_store_set_child_count(store *s, const char *village, int count,
				   int year, err *e)
{
	store_param p[] = { SP_I(count), SP_I(year), SP_S(village) };
	return store_exec(s,
			  "UPDATE regions SET child_count = ?,"
			  " child_count_year = ? WHERE code = ? AND level = 5",
			  p, 3, NULL, e);
}

int platform_store_setting(store *s, const char *key, char **out, err *e)
{
	store_param p[] = { SP_S(key) };
	store_res *r;
	int rc = store_query(s, "SELECT value FROM settings WHERE key = ?", p,
			     1, &r, e);
	if (rc)
		return rc;
	*out = xstrdup(store_res_rows(r) ? store_res_text(r, 0, 0) : "[]");
	store_res_free(r);
	return 0;
}

int platform_store_set_setting(store *s, const char *key, const char *value,
			       err *e)
{
	store_param p[] = { SP_S(key), SP_S(value) };
	return store_exec(s,
			  "INSERT INTO settings (key, value) VALUES (?, ?)"
			  " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			  p, 2, NULL, e);
}
