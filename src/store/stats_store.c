#include "store/stats_store.h"

#define CAT(bit, t)                                                         \
	"sum(CASE WHEN (cat_base & " bit ") <> 0 AND birth_date > " t        \
	" THEN 1 ELSE 0 END)"
#define FLAG(bit) "sum(CASE WHEN (flags & " bit ") <> 0 THEN 1 ELSE 0 END)"

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
				    " state <> 'closed' AND due_at < ?",
				    q, 3, overdue, e);
}
