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

/* --- past quarters, as the records were at the quarter's end ------- */

/* Each record's state at T: its child_states row valid then, else the
 * record itself when it was created by T and no state of it ends after
 * T.  Parameters lo, hi, T, T, lo, hi, T, T; then ASOF_WHERE's end. */
#define ASOF_FROM                                                           \
	" FROM (SELECT c0.id, c0.region_code, c0.status, c0.birth_date,"    \
	" c0.id_number, c0.cat_base, c0.flags, c0.qflags, c0.confirmed"     \
	" FROM children c0 WHERE c0.region_code >= ? AND c0.region_code < ?" \
	" AND c0.created_at <= ? AND NOT EXISTS (SELECT 1 FROM child_states" \
	" x WHERE x.child_id = c0.id AND x.valid_to > ?) UNION ALL SELECT"  \
	" h.child_id, h.region_code, h.status, h.birth_date, h.id_number,"  \
	" h.cat_base, h.flags, h.qflags, h.confirmed FROM child_states h"   \
	" WHERE h.region_code >= ? AND h.region_code < ? AND"               \
	" h.valid_from <= ? AND h.valid_to > ?) c"
#define ASOF_WHERE " WHERE c.status = 'active' AND c.birth_date <= ?"
/* Q09 at T: another record active at T with the number — one active now
 * and unchanged since T (active_id, or the legacy ones without it), or a
 * state valid at T.  Parameters T six times. */
#define UNCHANGED_SINCE(d)                                                  \
	" AND " d ".created_at <= ? AND NOT EXISTS (SELECT 1 FROM"          \
	" child_states x WHERE x.child_id = " d ".id AND x.valid_to > ?)"
#define Q09_AT                                                              \
	"c.id_number IS NOT NULL AND c.id_number <> '' AND (EXISTS (SELECT" \
	" 1 FROM children d WHERE d.active_id = c.id_number AND d.id <>"    \
	" c.id" UNCHANGED_SINCE("d") ") OR EXISTS (SELECT 1 FROM children"  \
	" d WHERE coalesce(d.active_id, '') = '' AND d.id_number ="         \
	" c.id_number AND d.status = 'active' AND d.id <> c.id"             \
	UNCHANGED_SINCE("d") ") OR EXISTS (SELECT 1 FROM child_states d"    \
	" WHERE d.id_number = c.id_number AND d.child_id <> c.id AND"       \
	" d.status = 'active' AND d.valid_from <= ? AND d.valid_to > ?))"
#define ANY_ERROR_AT                                                        \
	"(" Q01 ") OR (" Q02 ") OR (" Q03 ") OR (" Q04 ") OR (" Q09_AT ")"
#define ANY_RULE_AT                                                         \
	"(" Q01 ") OR (" Q02 ") OR (" Q03 ") OR (" Q04 ") OR (" Q05         \
	") OR (" Q06 ") OR (" Q07 ") OR (" Q08 ") OR (" Q09_AT ") OR ("     \
	Q10 ")"
#define CAT_C(bit, t)                                                       \
	"sum(CASE WHEN (c.cat_base & " bit ") <> 0 AND c.birth_date > " t   \
	" THEN 1 ELSE 0 END)"
#define FLAG_C(bit) "sum(CASE WHEN (c.flags & " bit ") <> 0 THEN 1 ELSE 0 END)"

static int asof_tail(const quality_args *a, store_param *p, int n)
{
	p[n++] = SP_S(a->lo);
	p[n++] = SP_S(a->hi);
	p[n++] = SP_I(a->at);
	p[n++] = SP_I(a->at);
	p[n++] = SP_S(a->lo);
	p[n++] = SP_S(a->hi);
	p[n++] = SP_I(a->at);
	p[n++] = SP_I(a->at);
	p[n++] = SP_S(a->end);
	return n;
}

static int q09_at(const quality_args *a, store_param *p, int n)
{
	for (int i = 0; i < 6; i++)
		p[n++] = SP_I(a->at);
	return n;
}

int quality_store_asof(store *s, const quality_args *a, int glen,
		       store_res **out, err *e)
{
	store_param p[64];
	int n = 0;
	p[n++] = SP_I(glen);
	p[n++] = SP_S(a->t16);	/* categories */
	for (int i = 0; i < 5; i++)
		p[n++] = SP_S(a->t18);
	p[n++] = SP_S(a->t16);	/* Q01 */
	p[n++] = SP_S(a->t16);	/* Q05 */
	p[n++] = SP_S(a->t18);
	p[n++] = SP_S(a->t16);	/* Q06 */
	p[n++] = SP_S(a->t18);
	p[n++] = SP_S(a->start);	/* Q08 */
	p[n++] = SP_S(a->end);
	n = q09_at(a, p, n);	/* Q09 */
	p[n++] = SP_S(a->quarter);	/* Q11 */
	p[n++] = SP_S(a->t16);	/* ANY_ERROR_AT */
	n = q09_at(a, p, n);
	p[n++] = SP_S(a->t16);	/* ANY_RULE_AT */
	p[n++] = SP_S(a->t16);
	p[n++] = SP_S(a->t18);
	p[n++] = SP_S(a->t16);
	p[n++] = SP_S(a->t18);
	p[n++] = SP_S(a->start);
	p[n++] = SP_S(a->end);
	n = q09_at(a, p, n);
	n = asof_tail(a, p, n);
	return store_query(
		s,
		"SELECT substr(c.region_code, 1, CAST(? AS INTEGER)) AS g,"
		" count(*), " CAT_C("1", "?") ", " CAT_C("2", "?") ", "
		CAT_C("4", "?") ", " CAT_C("8", "?") ", " CAT_C("16", "?") ", "
		CAT_C("32", "?") ", " FLAG_C("1") ", " FLAG_C("2") ", "
		FLAG_C("4") ", " FLAG_C("8") ", " FLAG_C("16") ", "
		FLAG_C("32") ", " SUM(Q01) ", " SUM(Q02) ", " SUM(Q03) ", "
		SUM(Q04) ", " SUM(Q05) ", " SUM(Q06) ", " SUM(Q07) ", "
		SUM(Q08) ", " SUM(Q09_AT) ", " SUM(Q10) ", " SUM(Q11) ", "
		SUM(ANY_ERROR_AT) ", " SUM(ANY_RULE_AT) ASOF_FROM ASOF_WHERE
		" GROUP BY g ORDER BY g",
		p, n, out, e);
}

#define FAILING_AT(cond)                                                    \
	"SELECT c.id, n.name, c.region_code, r.name, c.birth_date" ASOF_FROM \
	" JOIN children n ON n.id = c.id LEFT JOIN regions r ON r.code ="   \
	" c.region_code" ASOF_WHERE " AND " cond                             \
	" ORDER BY c.region_code, c.id LIMIT ? OFFSET ?"

static int failing_at(store *s, const quality_args *a, int rule,
		      int64_t offset, int limit, store_res **out, err *e)
{
	static const char *const sql[] = {
		NULL,	       FAILING_AT(Q01), FAILING_AT(Q02),
		FAILING_AT(Q03), FAILING_AT(Q04), FAILING_AT(Q05),
		FAILING_AT(Q06), FAILING_AT(Q07), FAILING_AT(Q08),
		FAILING_AT(Q09_AT), FAILING_AT(Q10), FAILING_AT(Q11),
	};
	store_param p[24];
	int n = asof_tail(a, p, 0);
	switch (rule) {
	case 1:
		p[n++] = SP_S(a->t16);
		break;
	case 5:
	case 6:
		p[n++] = SP_S(a->t16);
		p[n++] = SP_S(a->t18);
		break;
	case 8:
		p[n++] = SP_S(a->start);
		p[n++] = SP_S(a->end);
		break;
	case 9:
		n = q09_at(a, p, n);
		break;
	case 11:
		p[n++] = SP_S(a->quarter);
		break;
	default:
		break;
	}
	p[n++] = SP_I(limit);
	p[n++] = SP_I(offset);
	return store_query(s, sql[rule], p, n, out, e);
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
	if (!a->current)
		return failing_at(s, a, rule, offset, limit, out, e);
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
				int64_t since, int64_t until, int64_t *n,
				err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_I(since), SP_I(until),
			    SP_S(lo), SP_S(hi), SP_I(since), SP_I(until) };
	/* The record as it is now, and the states it left (a record moved
	 * out of the range, or changed twice, is seen by its state). */
	return store_query_int(s,
			       "SELECT (SELECT count(*) FROM children WHERE"
			       " region_code >= ? AND region_code < ? AND"
			       " updated_at > ? AND updated_at <= ?) +"
			       " (SELECT count(*) FROM child_states WHERE"
			       " region_code >= ? AND region_code < ? AND"
			       " valid_to > ? AND valid_to <= ?)",
			       p, SP_COUNT(p), n, e);
}

/* --- quarter_stats: a past quarter's figures per village (migration 19) */

#define QS_COLS                                                             \
	"active, c1, c2, c3, c4, c5, c6, f1, f2, f3, f4, f5, f6, q01, q02,"  \
	" q03, q04, q05, q06, q07, q08, q09, q10, q11, qerr, qany"
#define QS_SUMS                                                             \
	"sum(active), sum(c1), sum(c2), sum(c3), sum(c4), sum(c5),"          \
	" sum(c6), sum(f1), sum(f2), sum(f3), sum(f4), sum(f5), sum(f6),"    \
	" sum(q01), sum(q02), sum(q03), sum(q04), sum(q05), sum(q06),"       \
	" sum(q07), sum(q08), sum(q09), sum(q10), sum(q11), sum(qerr),"      \
	" sum(qany)"

int quality_store_qs_ensure(store *s, const char *quarter, const char *lo,
			    const char *hi, err *e)
{
	store_param p[] = { SP_S(quarter), SP_S(lo), SP_S(hi) };
	/* "WHERE true" lets SQLite parse the upsert after a SELECT. */
	return store_exec(s,
			  "INSERT INTO quarter_stats (quarter, village_code)"
			  " SELECT ?, code FROM regions WHERE level = 5 AND"
			  " code >= ? AND code < ? AND true ON CONFLICT"
			  " (quarter, village_code) DO NOTHING",
			  p, 3, NULL, e);
}

const store_col quality_store_qs_stale_cols[] = {
	STORE_STR(0, quality_qs_stale_row, village),
	STORE_I64(1, quality_qs_stale_row, ver),
	STORE_COLS_END,
};

int quality_store_qs_stale(store *s, const char *quarter, const char *lo,
			   const char *hi, store_res **out, err *e)
{
	store_param p[] = { SP_S(quarter), SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT village_code, ver FROM quarter_stats WHERE"
			   " quarter = ? AND village_code >= ? AND"
			   " village_code < ? AND frozen = 0 AND done_ver <> ver"
			   " ORDER BY village_code",
			   p, 3, out, e);
}

int quality_store_qs_save(store *s, const char *quarter, const char *village,
			  int64_t ver, const int64_t v[26], err *e)
{
	store_param p[1 + 26 + 3];
	int n = 0;
	p[n++] = SP_I(ver);
	for (int i = 0; i < 26; i++)
		p[n++] = SP_I(v[i]);
	p[n++] = SP_S(quarter);
	p[n++] = SP_S(village);
	p[n++] = SP_I(ver);
	return store_exec(
		s,
		"UPDATE quarter_stats SET done_ver = ?,"
		" active = ?, c1 = ?, c2 = ?, c3 = ?, c4 = ?, c5 = ?, c6 = ?,"
		" f1 = ?, f2 = ?, f3 = ?, f4 = ?, f5 = ?, f6 = ?,"
		" q01 = ?, q02 = ?, q03 = ?, q04 = ?, q05 = ?, q06 = ?,"
		" q07 = ?, q08 = ?, q09 = ?, q10 = ?, q11 = ?, qerr = ?,"
		" qany = ? WHERE quarter = ? AND village_code = ? AND ver = ?"
		" AND frozen = 0",
		p, n, NULL, e);
}

int quality_store_qs_sum(store *s, const char *quarter, int current,
			 const char *lo, const char *hi, int glen,
			 store_res **out, err *e)
{
	if (!current) {
		store_param p[] = { SP_I(glen), SP_S(quarter), SP_S(lo),
				    SP_S(hi) };
		return store_query(
			s,
			"SELECT substr(village_code, 1, CAST(? AS INTEGER)) AS"
			" g, " QS_SUMS " FROM quarter_stats WHERE quarter = ?"
			" AND village_code >= ? AND village_code < ?"
			" GROUP BY g ORDER BY g",
			p, SP_COUNT(p), out, e);
	}
	store_param p[] = { SP_I(glen), SP_S(lo), SP_S(hi), SP_S(quarter),
			    SP_S(quarter), SP_S(lo), SP_S(hi) };
	return store_query(
		s,
		"SELECT substr(village_code, 1, CAST(? AS INTEGER)) AS g, "
		QS_SUMS " FROM (SELECT village_code, " QS_COLS " FROM"
		" village_stats v WHERE village_code >= ? AND village_code < ?"
		" AND NOT EXISTS (SELECT 1 FROM quarter_stats f WHERE"
		" f.quarter = ? AND f.village_code = v.village_code AND"
		" f.frozen = 1) UNION ALL SELECT village_code, " QS_COLS
		" FROM quarter_stats WHERE quarter = ? AND frozen = 1 AND"
		" village_code >= ? AND village_code < ?) t"
		" GROUP BY g ORDER BY g",
		p, SP_COUNT(p), out, e);
}

int quality_store_qs_freeze(store *s, const char *quarter, int current,
			    const char *lo, const char *hi, err *e)
{
	store_param p[] = { SP_S(quarter), SP_S(lo), SP_S(hi) };
	if (!current)
		return store_exec(s,
				  "UPDATE quarter_stats SET frozen = 1 WHERE"
				  " quarter = ? AND village_code >= ? AND"
				  " village_code < ?",
				  p, 3, NULL, e);
	return store_exec(
		s,
		"INSERT INTO quarter_stats (quarter, village_code, done_ver,"
		" frozen, " QS_COLS ") SELECT ?, village_code, 0, 1, " QS_COLS
		" FROM village_stats WHERE village_code >= ? AND"
		" village_code < ? AND true ON CONFLICT (quarter, village_code)"
		" DO UPDATE SET frozen = 1, active = excluded.active,"
		" c1 = excluded.c1, c2 = excluded.c2, c3 = excluded.c3,"
		" c4 = excluded.c4, c5 = excluded.c5, c6 = excluded.c6,"
		" f1 = excluded.f1, f2 = excluded.f2, f3 = excluded.f3,"
		" f4 = excluded.f4, f5 = excluded.f5, f6 = excluded.f6,"
		" q01 = excluded.q01, q02 = excluded.q02, q03 = excluded.q03,"
		" q04 = excluded.q04, q05 = excluded.q05, q06 = excluded.q06,"
		" q07 = excluded.q07, q08 = excluded.q08, q09 = excluded.q09,"
		" q10 = excluded.q10, q11 = excluded.q11, qerr = excluded.qerr,"
		" qany = excluded.qany",
		p, 3, NULL, e);
}
