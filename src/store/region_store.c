#include "store/region_store.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

/* The columns region_from_row reads, of region `t`. */
#define REGION_COLS_OF(t)                                                  \
	t ".code, " t ".name, " t ".level, " t ".parent_code, "             \
	t ".statistical,"                                                    \
	" EXISTS (SELECT 1 FROM regions c WHERE c.parent_code = " t ".code),"\
	" " t ".exempt_reason"
#define REGION_COLS REGION_COLS_OF("r")
enum { REGION_NCOLS = 7 };

/* The region at columns col … col + REGION_NCOLS - 1 of a row. */
static void region_from_row(const store_res *r, int row, int col,
			    region *out)
{
	memset(out, 0, sizeof *out);
	text_copy(out->code, sizeof out->code, store_res_text(r, row, col));
	text_copy(out->name, sizeof out->name, store_res_text(r, row, col + 1));
	out->level = (int)store_res_int(r, row, col + 2);
	text_copy(out->parent, sizeof out->parent,
		  store_res_text(r, row, col + 3));
	out->statistical = (int)store_res_int(r, row, col + 4);
	out->has_children = (int)store_res_int(r, row, col + 5);
	out->exempt = !store_res_isnull(r, row, col + 6);
	if (out->exempt)
		text_copy(out->exempt_reason, sizeof out->exempt_reason,
			  store_res_text(r, row, col + 6));
}

/* A region r1 and its ancestors r2 … r5 by parent links (custom regions
 * need not follow the code prefix of every level), in one row: the
 * query selects each level's columns, top (r5) first, then this, the
 * parent of the topmost region found. */
#define CHAIN_TOP_PARENT                                                   \
	" CASE WHEN r5.code IS NOT NULL THEN r5.parent_code"                 \
	" WHEN r4.code IS NOT NULL THEN r4.parent_code"                      \
	" WHEN r3.code IS NOT NULL THEN r3.parent_code"                      \
	" WHEN r2.code IS NOT NULL THEN r2.parent_code"                      \
	" ELSE r1.parent_code END"
#define CHAIN_FROM                                                         \
	" FROM regions r1"                                                   \
	" LEFT JOIN regions r2 ON r2.code = r1.parent_code"                  \
	" LEFT JOIN regions r3 ON r3.code = r2.parent_code"                  \
	" LEFT JOIN regions r4 ON r4.code = r3.parent_code"                  \
	" LEFT JOIN regions r5 ON r5.code = r4.parent_code"                  \
	" WHERE r1.code = ?"

/* Runs a chain query of `width` columns a level for `code`: *out its
 * row, *n the levels found (the last *n of the five), *first the column
 * of the topmost.  ERR_NOTFOUND when there is no such region, or the
 * chain breaks off below five levels (a link is not in the table). */
static int chain(store *s, const char *sql, int width, const char *code,
		 store_res **out, int *n, int *first, err *e)
{
	store_param p[] = { SP_S(code) };
	store_res *r;
	int rc = store_query(s, sql, p, 1, &r, e);
	if (rc)
		return rc;
	int one = store_res_rows(r) == 1;
	*n = 0;
	for (int lvl = 0; one && lvl < 5; lvl++)
		*n += !store_res_isnull(r, 0, lvl * width);
	const char *up = one ? store_res_text(r, 0, 5 * width) : NULL;
	if (*n == 0 || (*n < 5 && up && *up)) {
		store_res_free(r);
		*n = 0;
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	}
	*first = (5 - *n) * width;
	*out = r;
	return 0;
}

int region_store_get(store *s, const char *code, region *out, err *e)
{
	store_param p[] = { SP_S(code) };
	store_res *r;
	int rc = store_query(
		s,
		"SELECT " REGION_COLS " FROM regions r WHERE code = ?",
		p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "region_not_found",
			       "行政区划不存在或不在您的管辖范围内");
	}
	region_from_row(r, 0, 0, out);
	store_res_free(r);
	return 0;
}

int region_store_path(store *s, const char *code, region out[5], int *n,
		      err *e)
{
	store_res *r;
	int first;
	int rc = chain(s,
		       "SELECT " REGION_COLS_OF("r5") ", " REGION_COLS_OF("r4")
		       ", " REGION_COLS_OF("r3") ", " REGION_COLS_OF("r2")
		       ", " REGION_COLS_OF("r1") "," CHAIN_TOP_PARENT CHAIN_FROM,
		       REGION_NCOLS, code, &r, n, &first, e);
	if (rc)
		return rc;
	for (int k = 0; k < *n; k++)
		region_from_row(r, 0, first + k * REGION_NCOLS, &out[k]);
	store_res_free(r);
	return 0;
}

int region_store_path_names(store *s, const char *code,
			    char names[5][REGION_NAME_MAX], int *n, err *e)
{
	store_res *r;
	int first;
	int rc = chain(s,
		       "SELECT r5.name, r4.name, r3.name, r2.name, r1.name,"
		       CHAIN_TOP_PARENT CHAIN_FROM,
		       1, code, &r, n, &first, e);
	if (rc)
		return rc;
	for (int k = 0; k < *n; k++)
		text_copy(names[k], REGION_NAME_MAX,
			  store_res_text(r, 0, first + k));
	store_res_free(r);
	return 0;
}

int region_store_children(store *s, const char *parent, region **out, int *n,
			  err *e)
{
	store_param p[] = { SP_S(parent) };
	store_res *r;
	int rc = store_query(
		s,
		"SELECT " REGION_COLS
		" FROM regions r WHERE parent_code = ? ORDER BY code",
		p, 1, &r, e);
	if (rc)
		return rc;
	int rows = store_res_rows(r);
	region *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		region_from_row(r, i, 0, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int region_store_upsert(store *s, const region *r, err *e)
{
	store_param p[] = { SP_S(r->code), SP_S(r->name), SP_I(r->level),
			    r->parent[0] ? SP_S(r->parent) : SP_NULLV,
			    SP_I(r->statistical) };
	return store_exec(s,
			  "INSERT INTO regions (code, name, level, parent_code,"
			  " statistical) VALUES (?, ?, ?, ?, ?)"
			  " ON CONFLICT (code) DO UPDATE SET name = excluded.name",
			  p, SP_COUNT(p), NULL, e);
}

int region_store_child_codes(store *s, const char *parent, store_res **out,
			     err *e)
{
	store_param p[] = { SP_S(parent) };
	return store_query(s, "SELECT code FROM regions WHERE parent_code = ?",
			   p, 1, out, e);
}

int region_store_name_taken(store *s, const char *parent, const char *name,
			    int *taken, err *e)
{
	store_param p[] = { SP_S(parent), SP_S(name) };
	int64_t n = 0;
	int rc = store_query_int(s,
				 "SELECT count(*) FROM regions"
				 " WHERE parent_code = ? AND name = ?",
				 p, 2, &n, e);
	*taken = n > 0;
	return rc;
}

int region_store_villages(store *s, const char *lo, const char *hi,
			  store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT code FROM regions WHERE code >= ? AND"
			   " code < ? AND level = 5 ORDER BY code",
			   p, 2, out, e);
}

int region_store_exempt_set(store *s, const char *code, const char *reason,
			    const char *by, int64_t at, int *changed, err *e)
{
	store_param p[] = { reason ? SP_S(reason) : SP_NULLV,
			    reason ? SP_S(by) : SP_NULLV,
			    reason ? SP_I(at) : SP_NULLV, SP_S(code) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE regions SET exempt_reason = ?, exempt_by = ?,"
			    " exempt_at = ? WHERE code = ? AND level = 5",
			    p, SP_COUNT(p), &n, e);
	*changed = n > 0;
	return rc;
}

const store_col region_store_exempt_cols[] = {
	STORE_STR(0, region_exempt_row, code),
	STORE_STR(1, region_exempt_row, name),
	STORE_STR(2, region_exempt_row, parent_name),
	STORE_STR(3, region_exempt_row, reason),
	STORE_STR(4, region_exempt_row, by),
	STORE_I64(5, region_exempt_row, at),
	STORE_COLS_END,
};

#define EXEMPT_COLS                                                        \
	"r.code, r.name, t.name, r.exempt_reason, r.exempt_by, r.exempt_at"
#define EXEMPT_FROM                                                        \
	" FROM regions r LEFT JOIN regions t ON t.code = r.parent_code"      \
	" WHERE r.code >= ? AND r.code < ? AND r.level = 5"

int region_store_exempt_list(store *s, const char *lo, const char *hi,
			     int64_t offset, int limit, store_res **out,
			     int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_I(limit), SP_I(offset) };
	int rc = store_query_int(s,
				 "SELECT count(*)" EXEMPT_FROM
				 " AND r.exempt_reason IS NOT NULL",
				 p, 2, total, e);
	return rc ? rc
		  : store_query(s,
				"SELECT " EXEMPT_COLS EXEMPT_FROM
				" AND r.exempt_reason IS NOT NULL"
				" ORDER BY r.code LIMIT ? OFFSET ?",
				p, 4, out, e);
}

int region_store_exempt_count(store *s, const char *lo, const char *hi,
			      int64_t *n, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query_int(s,
			       "SELECT count(*) FROM regions r WHERE"
			       " r.code >= ? AND r.code < ? AND r.level = 5"
			       " AND r.exempt_reason IS NOT NULL",
			       p, 2, n, e);
}

/* substr(code, 10, 3): a village's own three digits (a 12-digit code). */
#define PROPOSAL_WHERE                                                     \
	EXEMPT_FROM " AND r.exempt_reason IS NULL AND (r.name LIKE ?"        \
	" OR r.name LIKE ? OR r.name LIKE ? OR r.name LIKE ?"                \
	" OR r.name LIKE ? OR (r.statistical = 1"                            \
	" AND substr(r.code, 10, 3) >= ? AND substr(r.code, 10, 3) <= ?))"

int region_store_exempt_proposals(store *s, const char *lo, const char *hi,
				  const char *const pats[REGION_EXEMPT_PATTERNS],
				  const char *seg_lo, const char *seg_hi,
				  int64_t offset, int limit, store_res **out,
				  int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo),	  SP_S(hi),	SP_S(pats[0]),
			    SP_S(pats[1]), SP_S(pats[2]), SP_S(pats[3]),
			    SP_S(pats[4]), SP_S(seg_lo), SP_S(seg_hi),
			    SP_I(limit),   SP_I(offset) };
	int rc = store_query_int(s, "SELECT count(*)" PROPOSAL_WHERE, p, 9,
				 total, e);
	return rc ? rc
		  : store_query(s,
				"SELECT " EXEMPT_COLS PROPOSAL_WHERE
				" ORDER BY r.code LIMIT ? OFFSET ?",
				p, 11, out, e);
}
