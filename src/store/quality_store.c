#include "store/quality_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_backend.h"
#include "util/mem.h"

/* The rules as SQL conditions on a child `c`; parameters in the order
 * each condition names them. */
#define Q01 "(c.qflags & 1) <> 0 AND (c.cat_base & 1) <> 0 AND c.birth_date > ?"
#define Q02 "(c.qflags & 2) <> 0"
#define Q03 "(c.qflags & 4) <> 0"
#define Q04 "(c.qflags & 8) <> 0"
#define Q05                                                                 \
	"c.confirmed IS NOT NULL AND (((c.confirmed & 1) <> 0 AND"          \
	" c.birth_date <= ?) OR ((c.confirmed & 62) <> 0 AND"              \
	" c.birth_date <= ?))"
#define Q06                                                                 \
	"c.confirmed IS NOT NULL AND c.confirmed <> ((CASE WHEN"            \
	" c.birth_date > ? THEN c.cat_base & 1 ELSE 0 END) + (CASE WHEN"    \
	" c.birth_date > ? THEN c.cat_base & 62 ELSE 0 END))"
#define Q07 "(c.qflags & 64) <> 0"
#define Q08                                                                 \
	"NOT EXISTS (SELECT 1 FROM visits v WHERE v.child_id = c.id AND"    \
	" v.visit_date >= ? AND v.visit_date <= ?)"
/* Q09 looks across the whole province, not the report's range: a record
 * whose number is also active in another village fails in its own
 * village's report (where its director verifies it), while the other
 * record stays out of that report.  Two probes per record: active_id
 * (the number of every record created active), then children_id_rest
 * (the others, among them the legacy active records without the copy;
 * migration 12 says why it is asked with coalesce). */
#define Q09                                                                 \
	"c.id_number IS NOT NULL AND c.id_number <> '' AND (EXISTS (SELECT" \
	" 1 FROM children d WHERE d.active_id = c.id_number AND d.id <>"    \
	" c.id) OR EXISTS (SELECT 1 FROM children d WHERE"                  \
	" coalesce(d.active_id, '') = '' AND d.id_number = c.id_number AND" \
	" d.status = 'active' AND d.id <> c.id))"
#define Q10 "(c.qflags & 512) <> 0"
#define Q11                                                                 \
	"NOT EXISTS (SELECT 1 FROM verifications w WHERE w.child_id = c.id" \
	" AND w.quarter = ?)"
#define SUM(cond) "sum(CASE WHEN " cond " THEN 1 ELSE 0 END)"
#define IN_RANGE                                                            \
	" FROM children c WHERE c.region_code >= ? AND c.region_code < ?"  \
	" AND c.status = 'active'"

#define Q08_NOW "(c.last_visit IS NULL OR c.last_visit < ?)"
/* A child failing an error-level rule; failing any rule at all. */
#define ANY_ERROR "(" Q01 ") OR (" Q02 ") OR (" Q03 ") OR (" Q04 ") OR (" Q09 ")"
#define ANY_RULE(q08)                                                       \
	"(" Q01 ") OR (" Q02 ") OR (" Q03 ") OR (" Q04 ") OR (" Q05         \
	") OR (" Q06 ") OR (" Q07 ") OR (" q08 ") OR (" Q09 ") OR (" Q10 ")"
#define COUNTS(q08)                                                         \
	"SELECT count(*), " SUM(Q01) ", " SUM(Q02) ", " SUM(Q03) ", "        \
	SUM(Q04) ", " SUM(Q05) ", " SUM(Q06) ", " SUM(Q07) ", " SUM(q08)     \
	", " SUM(Q09) ", " SUM(Q10) ", 0, " SUM(ANY_ERROR) ", "              \
	SUM(ANY_RULE(q08)) IN_RANGE

const store_col quality_store_counts_cols[] = {
	STORE_I64(0, quality_counts_row, active),
	STORE_I64(1, quality_counts_row, q[0]),
	STORE_I64(2, quality_counts_row, q[1]),
	STORE_I64(3, quality_counts_row, q[2]),
	STORE_I64(4, quality_counts_row, q[3]),
	STORE_I64(5, quality_counts_row, q[4]),
	STORE_I64(6, quality_counts_row, q[5]),
	STORE_I64(7, quality_counts_row, q[6]),
	STORE_I64(8, quality_counts_row, q[7]),
	STORE_I64(9, quality_counts_row, q[8]),
	STORE_I64(10, quality_counts_row, q[9]),
	STORE_I64(11, quality_counts_row, q[10]),
	STORE_I64(12, quality_counts_row, with_error),
	STORE_I64(13, quality_counts_row, with_any),
	STORE_COLS_END,
};

int quality_store_counts(store *s, const quality_args *a, store_res **out,
			 err *e)
{
	/* The parameters in the order the text names them: the counts
	 * Q01–Q10 and ANY_ERROR, then ANY_RULE, then the range. */
	store_param p[24];
	int n = 0;
	for (int pass = 0; pass < 2; pass++) {
		p[n++] = SP_S(a->t16);	/* Q01 */
		p[n++] = SP_S(a->t16);	/* Q05 */
		p[n++] = SP_S(a->t18);
		p[n++] = SP_S(a->t16);	/* Q06 */
		p[n++] = SP_S(a->t18);
		p[n++] = SP_S(a->start);	/* Q08 */
		if (!a->current)
			p[n++] = SP_S(a->end);
		if (pass == 0)
			p[n++] = SP_S(a->t16);	/* ANY_ERROR's Q01 */
	}
	p[n++] = SP_S(a->lo);
	p[n++] = SP_S(a->hi);
	int rc = store_query(s, a->current ? COUNTS(Q08_NOW) : COUNTS(Q08), p,
			     n, out, e);
	if (rc)
		return rc;
	/* Q11 is the active records less the verified ones, counted from
	 * the quarter's verifications rather than probed once per record. */
	int64_t active = store_res_int(*out, 0, 0), verified = 0;
	store_param q[] = { SP_S(a->quarter), SP_S(a->lo), SP_S(a->hi) };
	if ((rc = store_query_int(s,
				  "SELECT count(*) FROM verifications w JOIN"
				  " children c ON c.id = w.child_id WHERE"
				  " w.quarter = ? AND c.region_code >= ? AND"
				  " c.region_code < ? AND c.status = 'active'",
				  q, 3, &verified, e))) {
		store_res_free(*out);
		*out = NULL;
		return rc;
	}
	char unverified[24];
	snprintf(unverified, sizeof unverified, "%lld",
		 (long long)(active - verified));
	store__res_set(*out, 0, 11, unverified);
	return 0;
}

#define FAILING(cond)                                                       \
	"SELECT c.id, c.name, c.region_code, r.name, c.birth_date"           \
	" FROM children c LEFT JOIN regions r ON r.code = c.region_code"     \
	" WHERE c.region_code >= ? AND c.region_code < ?"                    \
	" AND c.status = 'active' AND " cond                                 \
	" ORDER BY c.region_code, c.id LIMIT ? OFFSET ?"

const store_col quality_store_failing_cols[] = {
	STORE_I64(0, quality_failing_row, id),
	STORE_STR(1, quality_failing_row, name),
	STORE_STR(2, quality_failing_row, region),
	STORE_STR(3, quality_failing_row, region_name),
	STORE_STR(4, quality_failing_row, birth_date),
	STORE_COLS_END,
};

int quality_store_failing(store *s, const quality_args *a, int rule,
			  int64_t offset, int limit, store_res **out, err *e)
{
	static const char *const sql[] = {
		NULL,	       FAILING(Q01), FAILING(Q02), FAILING(Q03),
		FAILING(Q04),  FAILING(Q05), FAILING(Q06), FAILING(Q07),
		FAILING(Q08),  FAILING(Q09), FAILING(Q10), FAILING(Q11),
	};
	store_param p[8] = { SP_S(a->lo), SP_S(a->hi) };
	int n = 2;
	switch (rule) {
	case 1:
		p[n++] = SP_S(a->t16);
		break;
	case 5:
		p[n++] = SP_S(a->t16);
		p[n++] = SP_S(a->t18);
		break;
	case 6:
		p[n++] = SP_S(a->t16);
		p[n++] = SP_S(a->t18);
		break;
	case 8:
		p[n++] = SP_S(a->start);
		p[n++] = SP_S(a->end);
		break;
	case 11:
		p[n++] = SP_S(a->quarter);
		break;
	default:
		break;
	}
	p[n++] = SP_I(limit);
	p[n++] = SP_I(offset);
	if (rule < 1 || rule > 11)
		return err_set(e, ERR_INVALID, "invalid_query", "规则代码无效");
	return store_query(s, sql[rule], p, n, out, e);
}

#define CAT(bit, t) "sum(CASE WHEN (c.cat_base & " bit ") <> 0 AND c.birth_date > " t " THEN 1 ELSE 0 END)"
#define FLAG(bit) "sum(CASE WHEN (c.flags & " bit ") <> 0 THEN 1 ELSE 0 END)"

const store_col quality_store_figures_cols[] = {
	STORE_I64(0, quality_figures_row, active),
	STORE_I64(1, quality_figures_row, c[0]),
	STORE_I64(2, quality_figures_row, c[1]),
	STORE_I64(3, quality_figures_row, c[2]),
	STORE_I64(4, quality_figures_row, c[3]),
	STORE_I64(5, quality_figures_row, c[4]),
	STORE_I64(6, quality_figures_row, c[5]),
	STORE_I64(7, quality_figures_row, f[0]),
	STORE_I64(8, quality_figures_row, f[1]),
	STORE_I64(9, quality_figures_row, f[2]),
	STORE_I64(10, quality_figures_row, f[3]),
	STORE_I64(11, quality_figures_row, f[4]),
	STORE_I64(12, quality_figures_row, f[5]),
	STORE_I64(13, quality_figures_row, verified),
	STORE_COLS_END,
};

int quality_store_figures(store *s, const quality_args *a, store_res **out,
			  err *e)
{
	store_param p[] = { SP_S(a->t16), SP_S(a->t18), SP_S(a->t18),
			    SP_S(a->t18), SP_S(a->t18), SP_S(a->t18),
			    SP_S(a->quarter), SP_S(a->lo), SP_S(a->hi) };
	return store_query(
		s,
		"SELECT count(*), " CAT("1", "?") ", " CAT("2", "?") ", "
		CAT("4", "?") ", " CAT("8", "?") ", " CAT("16", "?") ", "
		CAT("32", "?") ", " FLAG("1") ", " FLAG("2") ", " FLAG("4")
		", " FLAG("8") ", " FLAG("16") ", " FLAG("32") ", sum(CASE"
		" WHEN EXISTS (SELECT 1 FROM verifications w WHERE w.child_id ="
		" c.id AND w.quarter = ?) THEN 1 ELSE 0 END)" IN_RANGE,
		p, SP_COUNT(p), out, e);
}

int quality_store_verify(store *s, int64_t child, const char *quarter,
			 const char *outcome, const char *by, int64_t at,
			 err *e)
{
	store_param p[] = { SP_I(child), SP_S(quarter), SP_S(outcome), SP_S(by),
			    SP_I(at) };
	return store_exec(s,
			  "INSERT INTO verifications (child_id, quarter, outcome,"
			  " verified_by, verified_at) VALUES (?, ?, ?, ?, ?)"
			  " ON CONFLICT (child_id, quarter) DO UPDATE SET"
			  " outcome = excluded.outcome, verified_by ="
			  " excluded.verified_by, verified_at = excluded.verified_at",
			  p, SP_COUNT(p), NULL, e);
}

int quality_store_due(store *s, const char *quarter, char due[11], err *e)
{
	store_param p[] = { SP_S(quarter) };
	store_res *r;
	int rc = store_query(s, "SELECT due_on FROM quarters WHERE code = ?", p,
			     1, &r, e);
	if (rc)
		return rc;
	snprintf(due, 11, "%s", store_res_rows(r) ? store_res_text(r, 0, 0) : "");
	store_res_free(r);
	return 0;
}

int quality_store_set_due(store *s, const char *quarter, const char *start,
			  const char *end, const char *due, err *e)
{
	store_param p[] = { SP_S(quarter), SP_S(start), SP_S(end), SP_S(due) };
	return store_exec(s,
			  "INSERT INTO quarters (code, starts_on, ends_on, due_on)"
			  " VALUES (?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET"
			  " due_on = excluded.due_on",
			  p, 4, NULL, e);
}

const store_col quality_store_signoff_cols[] = {
	STORE_STR(0, quality_signoff_row, region),
	STORE_STR(1, quality_signoff_row, state),
	STORE_STR(2, quality_signoff_row, by),
	STORE_I64(3, quality_signoff_row, at),
	STORE_STR(4, quality_signoff_row, comment),
	STORE_COLS_END,
};

int quality_store_signoff(store *s, const char *region, const char *quarter,
			  store_res **out, err *e)
{
	store_param p[] = { SP_S(region), SP_S(quarter) };
	return store_query(s,
			   "SELECT region_code, state, by_user, at, comment"
			   " FROM signoffs WHERE region_code = ? AND quarter = ?",
			   p, 2, out, e);
}

int quality_store_signoffs(store *s, const char *lo, const char *hi,
			   const char *quarter, store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(quarter) };
	return store_query(s,
			   "SELECT region_code, state, by_user, at, comment"
			   " FROM signoffs WHERE region_code >= ? AND"
			   " region_code < ? AND quarter = ?",
			   p, 3, out, e);
}

int quality_store_set_signoff(store *s, const char *region,
			      const char *quarter, const char *state,
			      const char *by, int64_t at, const char *comment,
			      err *e)
{
	store_param p[] = { SP_S(region), SP_S(quarter), SP_S(state), SP_S(by),
			    SP_I(at),	  SP_S(comment) };
	int rc = store_exec(s,
			    "INSERT INTO signoffs (region_code, quarter, state,"
			    " by_user, at, comment) VALUES (?, ?, ?, ?, ?, ?)"
			    " ON CONFLICT (region_code, quarter) DO UPDATE SET"
			    " state = excluded.state, by_user = excluded.by_user,"
			    " at = excluded.at, comment = excluded.comment",
			    p, SP_COUNT(p), NULL, e);
	if (rc)
		return rc;
	return store_exec(s,
			  "INSERT INTO signoff_events (region_code, quarter,"
			  " state, by_user, at, comment) VALUES (?, ?, ?, ?, ?,"
			  " ?)",
			  p, SP_COUNT(p), NULL, e);
}

int quality_store_snapshot(store *s, const char *region, const char *quarter,
			   char **figures, err *e)
{
	store_param p[] = { SP_S(region), SP_S(quarter) };
	store_res *r;
	*figures = NULL;
	int rc = store_query(s,
			     "SELECT figures FROM snapshots WHERE region_code = ?"
			     " AND quarter = ?",
			     p, 2, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r))
		*figures = xstrdup(store_res_text(r, 0, 0));
	store_res_free(r);
	return 0;
}

int quality_store_save_snapshot(store *s, const char *region,
				const char *quarter, int64_t at,
				const char *figures, err *e)
{
	store_param p[] = { SP_S(region), SP_S(quarter), SP_I(at),
			    SP_S(figures) };
	return store_exec(s,
			  "INSERT INTO snapshots (region_code, quarter, taken_at,"
			  " figures) VALUES (?, ?, ?, ?) ON CONFLICT"
			  " (region_code, quarter) DO UPDATE SET taken_at ="
			  " excluded.taken_at, figures = excluded.figures",
			  p, 4, NULL, e);
}

int quality_store_changed_since(store *s, const char *lo, const char *hi,
				int64_t since, int64_t *n, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_I(since) };
	return store_query_int(s,
			       "SELECT count(*) FROM children WHERE"
			       " region_code >= ? AND region_code < ? AND"
			       " updated_at > ?",
			       p, SP_COUNT(p), n, e);
}
