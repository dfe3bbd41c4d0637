#include "store/stats_store.h"

#define CAT(bit, t)                                                         \
	"sum(CASE WHEN (cat_base & " bit ") <> 0 AND birth_date > " t        \
	" THEN 1 ELSE 0 END)"
#define FLAG(bit) "sum(CASE WHEN (flags & " bit ") <> 0 THEN 1 ELSE 0 END)"

const store_col stats_store_children_cols[] = {
	STORE_STR(0, stats_children_row, group),
	STORE_I64(1, stats_children_row, v[0]),
	STORE_I64(2, stats_children_row, v[1]),
	STORE_I64(3, stats_children_row, v[2]),
	STORE_I64(4, stats_children_row, v[3]),
	STORE_I64(5, stats_children_row, v[4]),
	STORE_I64(6, stats_children_row, v[5]),
	STORE_I64(7, stats_children_row, v[6]),
	STORE_I64(8, stats_children_row, v[7]),
	STORE_I64(9, stats_children_row, v[8]),
	STORE_I64(10, stats_children_row, v[9]),
	STORE_I64(11, stats_children_row, v[10]),
	STORE_I64(12, stats_children_row, v[11]),
	STORE_I64(13, stats_children_row, v[12]),
	STORE_COLS_END,
};

int stats_store_children(store *s, const char *lo, const char *hi, int glen,
			 const char *t16, const char *t18, store_res **out,
			 err *e)
{
	store_param p[] = { SP_I(glen), SP_S(t16), SP_S(t18), SP_S(t18),
			    SP_S(t18),	SP_S(t18), SP_S(t18), SP_S(lo),
			    SP_S(hi) };
	/* Every column comes from children_cover: the index alone answers. */
	return store_query(
		s,
		"SELECT substr(region_code, 1, CAST(? AS INTEGER)) AS g,"
		" count(*), " CAT("1", "?") ", " CAT("2", "?") ", " CAT("4", "?")
		", " CAT("8", "?") ", " CAT("16", "?") ", " CAT("32", "?") ", "
		FLAG("1") ", " FLAG("2") ", " FLAG("4") ", " FLAG("8") ", "
		FLAG("16") ", " FLAG("32")
		" FROM children WHERE region_code >= ? AND region_code < ?"
		" AND status = 'active' GROUP BY g ORDER BY g",
		p, SP_COUNT(p), out, e);
}

const store_col stats_store_snapshot_cols[] = {
	STORE_STR(0, stats_snapshot_row, quarter),
	STORE_STR(1, stats_snapshot_row, figures),
	STORE_COLS_END,
};

int stats_store_snapshots(store *s, const char *lo, const char *hi,
			  store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT quarter, figures FROM snapshots WHERE"
			   " region_code >= ? AND region_code < ?"
			   " ORDER BY quarter",
			   p, 2, out, e);
}

const store_col stats_store_workforce_cols[] = {
	STORE_I64(0, stats_workforce_row, staff),
	STORE_I64(1, stats_workforce_row, trained),
	STORE_I64(2, stats_workforce_row, certified),
	STORE_COLS_END,
};

int stats_store_workforce(store *s, const char *lo, const char *hi,
			  const char *from, const char *to, store_res **out,
			  err *e)
{
	store_param p[] = { SP_S(from), SP_S(to), SP_S(lo), SP_S(hi) };
	return store_query(
		s,
		"SELECT count(*), sum(CASE WHEN EXISTS (SELECT 1 FROM"
		" training_attendance a JOIN trainings t ON t.id = a.training_id"
		" WHERE a.staff_id = s.id AND t.held_on >= ? AND t.held_on <= ?)"
		" THEN 1 ELSE 0 END), sum(CASE WHEN EXISTS (SELECT 1 FROM"
		" certificates c WHERE c.staff_id = s.id AND c.status = 'valid')"
		" THEN 1 ELSE 0 END) FROM staff s WHERE s.status = 'active'"
		" AND s.region_code >= ? AND s.region_code < ?",
		p, SP_COUNT(p), out, e);
}

const store_col stats_store_case_time_cols[] = {
	STORE_I64(0, stats_case_time_row, accept_seconds),
	STORE_I64(1, stats_case_time_row, close_seconds),
	STORE_ISNULL(1, stats_case_time_row, open),
	STORE_COLS_END,
};

int stats_store_case_times(store *s, const char *lo, const char *hi,
			   store_res **times, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT accepted_at - reported_at, closed_at -"
			   " reported_at FROM cases WHERE region_code >= ?"
			   " AND region_code < ? AND accepted_at IS NOT NULL"
			   " ORDER BY id DESC LIMIT 20000",
			   p, 2, times, e);
}

int stats_store_case_counts(store *s, const char *lo, const char *hi,
			    int64_t now, int64_t *open, int64_t *overdue,
			    err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	store_param q[] = { SP_S(lo), SP_S(hi), SP_I(now) };
	int rc = store_query_int(s,
				 "SELECT count(*) FROM cases WHERE region_code >= ?"
				 " AND region_code < ? AND state <> 'closed'",
				 p, 2, open, e);
	return rc ? rc
		  : store_query_int(s,
				    "SELECT count(*) FROM cases WHERE"
				    " region_code >= ? AND region_code < ? AND"
				    " state <> 'closed' AND (due_at < ? OR"
				    " (state = 'reported' AND escalations > 0))",
				    q, 3, overdue, e);
}

/* --- village_stats: the dashboard's per-village figures (migration 9) */

int stats_store_ensure(store *s, const char *lo, const char *hi, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	/* "WHERE true" lets SQLite parse the upsert after a SELECT. */
	return store_exec(s,
			  "INSERT INTO village_stats (village_code) SELECT code"
			  " FROM regions WHERE level = 5 AND code >= ? AND"
			  " code < ? AND true ON CONFLICT (village_code) DO NOTHING",
			  p, 2, NULL, e);
}

const store_col stats_store_stale_cols[] = {
	STORE_STR(0, stats_stale_row, code),
	STORE_I64(1, stats_stale_row, ver),
	STORE_COLS_END,
};

int stats_store_stale(store *s, const char *lo, const char *hi,
		      const char *today, store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(today) };
	return store_query(s,
			   "SELECT village_code, ver FROM village_stats WHERE"
			   " village_code >= ? AND village_code < ? AND"
			   " (done_ver <> ver OR as_of <> ?) ORDER BY village_code",
			   p, 3, out, e);
}

int stats_store_save(store *s, const char *village, int64_t ver,
		     const char *today, const char *quarter,
		     const int64_t v[STATS_COLS], err *e)
{
	store_param p[3 + STATS_COLS + 2];
	int n = 0;
	p[n++] = SP_S(today);
	p[n++] = SP_S(quarter);
	p[n++] = SP_I(ver);
	for (int i = 0; i < STATS_COLS; i++)
		p[n++] = SP_I(v[i]);
	p[n++] = SP_S(village);
	p[n++] = SP_I(ver);
	return store_exec(
		s,
		"UPDATE village_stats SET as_of = ?, quarter = ?, done_ver = ?,"
		" active = ?, c1 = ?, c2 = ?, c3 = ?, c4 = ?, c5 = ?, c6 = ?,"
		" f1 = ?, f2 = ?, f3 = ?, f4 = ?, f5 = ?, f6 = ?,"
		" q01 = ?, q02 = ?, q03 = ?, q04 = ?, q05 = ?, q06 = ?,"
		" q07 = ?, q08 = ?, q09 = ?, q10 = ?, q11 = ?, qerr = ?,"
		" qany = ? WHERE village_code = ? AND ver = ?",
		p, n, NULL, e);
}

const store_col stats_store_sum_cols[] = {
	STORE_STR(0, stats_sum_row, group),
	STORE_I64(1, stats_sum_row, v[0]),
	STORE_I64(2, stats_sum_row, v[1]),
	STORE_I64(3, stats_sum_row, v[2]),
	STORE_I64(4, stats_sum_row, v[3]),
	STORE_I64(5, stats_sum_row, v[4]),
	STORE_I64(6, stats_sum_row, v[5]),
	STORE_I64(7, stats_sum_row, v[6]),
	STORE_I64(8, stats_sum_row, v[7]),
	STORE_I64(9, stats_sum_row, v[8]),
	STORE_I64(10, stats_sum_row, v[9]),
	STORE_I64(11, stats_sum_row, v[10]),
	STORE_I64(12, stats_sum_row, v[11]),
	STORE_I64(13, stats_sum_row, v[12]),
	STORE_I64(14, stats_sum_row, v[13]),
	STORE_I64(15, stats_sum_row, v[14]),
	STORE_I64(16, stats_sum_row, v[15]),
	STORE_I64(17, stats_sum_row, v[16]),
	STORE_I64(18, stats_sum_row, v[17]),
	STORE_I64(19, stats_sum_row, v[18]),
	STORE_I64(20, stats_sum_row, v[19]),
	STORE_I64(21, stats_sum_row, v[20]),
	STORE_I64(22, stats_sum_row, v[21]),
	STORE_I64(23, stats_sum_row, v[22]),
	STORE_I64(24, stats_sum_row, v[23]),
	STORE_I64(25, stats_sum_row, v[24]),
	STORE_I64(26, stats_sum_row, v[25]),
	STORE_COLS_END,
};

int stats_store_sum(store *s, const char *lo, const char *hi, int glen,
		    store_res **out, err *e)
{
	store_param p[] = { SP_I(glen), SP_S(lo), SP_S(hi) };
	return store_query(
		s,
		"SELECT substr(village_code, 1, CAST(? AS INTEGER)) AS g,"
		" sum(active), sum(c1), sum(c2), sum(c3), sum(c4), sum(c5),"
		" sum(c6), sum(f1), sum(f2), sum(f3), sum(f4), sum(f5),"
		" sum(f6), sum(q01), sum(q02), sum(q03), sum(q04), sum(q05),"
		" sum(q06), sum(q07), sum(q08), sum(q09), sum(q10), sum(q11),"
		" sum(qerr), sum(qany) FROM village_stats WHERE village_code >= ? AND"
		" village_code < ? GROUP BY g ORDER BY g",
		p, SP_COUNT(p), out, e);
}

const store_col stats_store_case_summary_cols[] = {
	STORE_STR(0, stats_case_summary_row, group),
	STORE_I64(1, stats_case_summary_row, v[0]),
	STORE_I64(2, stats_case_summary_row, v[1]),
	STORE_I64(3, stats_case_summary_row, v[2]),
	STORE_I64(4, stats_case_summary_row, v[3]),
	STORE_I64(5, stats_case_summary_row, v[4]),
	STORE_COLS_END,
};

int stats_store_case_summary(store *s, const char *lo, const char *hi,
			     int glen, int64_t now, store_res **out, err *e)
{
	store_param p[] = { SP_I(glen), SP_I(now), SP_S(lo), SP_S(hi) };
	return store_query(
		s,
		"SELECT substr(region_code, 1, CAST(? AS INTEGER)) AS g,"
		" count(*), sum(CASE WHEN state <> 'closed' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN state <> 'closed' AND (due_at < ? OR"
		" (state = 'reported' AND escalations > 0)) THEN 1 ELSE 0 END), sum(CASE WHEN state = 'closed' THEN 1 ELSE 0 END),"
		" sum(urgent) FROM cases WHERE region_code >= ? AND"
		" region_code < ? GROUP BY g ORDER BY g",
		p, SP_COUNT(p), out, e);
}

#define TOTAL(col)                                                          \
	"SELECT sum(" col "), sum(CASE WHEN done_ver <> ver OR as_of <> ?"  \
	" THEN 1 ELSE 0 END), count(*) FROM village_stats WHERE"            \
	" village_code >= ? AND village_code < ?"

int stats_store_total(store *s, const char *lo, const char *hi, int col,
		      const char *today, int64_t *total, int64_t *stale,
		      err *e)
{
	static const char *const sql[13] = {
		TOTAL("active"), TOTAL("c1"), TOTAL("c2"), TOTAL("c3"),
		TOTAL("c4"),	 TOTAL("c5"), TOTAL("c6"), TOTAL("f1"),
		TOTAL("f2"),	 TOTAL("f3"), TOTAL("f4"), TOTAL("f5"),
		TOTAL("f6"),
	};
	if (col < 0 || col > 12)
		return err_set(e, ERR_INTERNAL, "internal", "统计列无效");
	store_param p[] = { SP_S(today), SP_S(lo), SP_S(hi) };
	store_res *r;
	int rc = store_query(s, sql[col], p, 3, &r, e);
	if (rc)
		return rc;
	*total = store_res_int(r, 0, 0);
	/* no row yet for a village counts as stale */
	*stale = store_res_int(r, 0, 1) + (store_res_int(r, 0, 2) ? 0 : 1);
	store_res_free(r);
	return 0;
}
