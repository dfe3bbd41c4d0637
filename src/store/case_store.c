#include "store/case_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define CASE_COLS                                                           \
	"c.id, c.region_code, c.child_id, c.child_name, c.reporter_type,"    \
	" c.reporter_name, c.reporter_phone, c.place, c.situation,"          \
	" c.description, c.urgent, c.state, c.level, c.escalations,"         \
	" c.reported_at, c.due_at, c.accepted_at, c.closed_at, c.outcome,"   \
	" c.data, c.version, c.created_by, c.updated_at, r.name"
#define CASE_FROM " FROM cases c LEFT JOIN regions r ON r.code = c.region_code"

/* CASE_COLS, in its order; the data (19) is copied apart. */
static const store_col case_cols[] = {
	STORE_I64(0, case_row, id),
	STORE_BUF(1, case_row, region),
	STORE_I64(2, case_row, child_id),
	STORE_BUF(3, case_row, child_name),
	STORE_BUF(4, case_row, reporter_type),
	STORE_BUF(5, case_row, reporter_name),
	STORE_BUF(6, case_row, reporter_phone),
	STORE_BUF(7, case_row, place),
	STORE_BUF(8, case_row, situation),
	STORE_BUF(9, case_row, description),
	STORE_INT(10, case_row, urgent),
	STORE_BUF(11, case_row, state),
	STORE_INT(12, case_row, level),
	STORE_INT(13, case_row, escalations),
	STORE_I64(14, case_row, reported_at),
	STORE_I64(15, case_row, due_at),
	STORE_I64(16, case_row, accepted_at),
	STORE_I64(17, case_row, closed_at),
	STORE_BUF(18, case_row, outcome),
	STORE_INT(20, case_row, version),
	STORE_BUF(21, case_row, created_by),
	STORE_I64(22, case_row, updated_at),
	STORE_BUF(23, case_row, region_name),
	STORE_COLS_END,
};

static void row_from(const store_res *r, int i, case_row *o)
{
	memset(o, 0, sizeof *o);
	store_res_row(r, i, case_cols, o);
	const char *d = store_res_text(r, i, 19);
	o->data = xstrdup(d ? d : "{}");
}

const store_col case_store_event_cols[] = {
	STORE_I64(0, case_event_row, at),
	STORE_STR(1, case_event_row, actor),
	STORE_STR(2, case_event_row, step),
	STORE_STR(3, case_event_row, detail),
	STORE_COLS_END,
};

const store_col case_store_referral_cols[] = {
	STORE_I64(0, case_referral_row, id),
	STORE_STR(1, case_referral_row, kind),
	STORE_STR(2, case_referral_row, institution),
	STORE_I64(3, case_referral_row, sent_at),
	STORE_STR(4, case_referral_row, due_on),
	STORE_I64(5, case_referral_row, answered_at),
	STORE_ISNULL(5, case_referral_row, open),
	STORE_STR(6, case_referral_row, answer),
	STORE_COLS_END,
};

const store_col case_store_due_cols[] = {
	STORE_I64(0, case_due_row, id),
	STORE_INT(1, case_due_row, escalations),
	STORE_COLS_END,
};

void case_row_clear(case_row *r)
{
	free(r->data);
	r->data = NULL;
}

static store_param opt_time(int64_t t)
{
	return t ? SP_I(t) : SP_NULLV;
}

int case_store_insert(store *s, case_row *r, err *e)
{
	store_param p[] = {
		SP_S(r->region),	 r->child_id ? SP_I(r->child_id) : SP_NULLV,
		SP_S(r->child_name),	 SP_S(r->reporter_type),
		SP_S(r->reporter_name),	 SP_S(r->reporter_phone),
		SP_S(r->place),		 SP_S(r->situation),
		SP_S(r->description),	 SP_I(r->urgent),
		SP_S(r->state),		 SP_I(r->level),
		SP_I(r->reported_at),	 opt_time(r->due_at),
		SP_S(r->data),		 SP_S(r->created_by),
		SP_I(r->updated_at),
	};
	int64_t id;
	int rc = store_query_int(
		s,
		"INSERT INTO cases (region_code, child_id, child_name,"
		" reporter_type, reporter_name, reporter_phone, place,"
		" situation, description, urgent, state, level, reported_at,"
		" due_at, data, created_by, updated_at) VALUES (?, ?, ?, ?, ?,"
		" ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		p, SP_COUNT(p), &id, e);
	if (rc == 0) {
		r->id = id;
		r->version = 1;
	}
	return rc;
}

int case_store_update(store *s, case_row *r, err *e)
{
	store_param p[] = { SP_S(r->state),	      SP_I(r->level),
			    SP_I(r->escalations),     opt_time(r->due_at),
			    opt_time(r->accepted_at), opt_time(r->closed_at),
			    SP_S(r->outcome),	      SP_S(r->data),
			    SP_I(r->updated_at),      SP_I(r->id),
			    SP_I(r->version) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE cases SET state = ?, level = ?,"
			    " escalations = ?, due_at = ?, accepted_at = ?,"
			    " closed_at = ?, outcome = ?, data = ?,"
			    " updated_at = ?, version = version + 1"
			    " WHERE id = ? AND version = ?",
			    p, SP_COUNT(p), &n, e);
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该案件已被他人处理，请刷新后重试");
	if (rc == 0)
		r->version++;
	return rc;
}

int case_store_get(store *s, int64_t id, case_row *out, err *e)
{
	store_param p[] = { SP_I(id) };
	store_res *r;
	int rc = store_query(s, "SELECT " CASE_COLS CASE_FROM " WHERE c.id = ?",
			     p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "案件不存在或不在您的管辖范围内");
	}
	row_from(r, 0, out);
	store_res_free(r);
	return 0;
}

#define CASE_WHERE                                                          \
	" WHERE c.region_code >= ? AND c.region_code < ?"                    \
	" AND (CAST(? AS TEXT) IS NULL OR (? = 'open' AND c.state <>"        \
	" 'closed') OR c.state = ?)"                                         \
	" AND (? = 0 OR (c.state <> 'closed' AND (c.due_at < ?"             \
	" OR (c.state = 'reported' AND c.escalations > 0))))"                 \
	" AND c.level >= ? AND c.level <= ?"

int case_store_list(store *s, const char *lo, const char *hi,
		    const char *state, int overdue, int64_t now, int min_level,
		    int max_level, int64_t offset, int limit, case_row **out,
		    int *n, int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo),	    SP_S(hi),	   SP_S(state),
			    SP_S(state),    SP_S(state),   SP_I(overdue),
			    SP_I(now),	    SP_I(min_level), SP_I(max_level),
			    SP_I(limit),    SP_I(offset) };
	int rc = store_query_int(s, "SELECT count(*) FROM cases c" CASE_WHERE,
				 p, 9, total, e);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = store_query(s,
			      "SELECT " CASE_COLS CASE_FROM CASE_WHERE
			      " ORDER BY c.id DESC LIMIT ? OFFSET ?",
			      p, 11, &r, e)))
		return rc;
	int rows = store_res_rows(r);
	case_row *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		row_from(r, i, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int case_store_event(store *s, int64_t id, int64_t at, const char *who,
		     const char *step, const char *detail, err *e)
{
	store_param p[] = { SP_I(id), SP_I(at), SP_S(who), SP_S(step),
			    SP_S(detail) };
	return store_exec(s,
			  "INSERT INTO case_events (case_id, at, actor, step,"
			  " detail) VALUES (?, ?, ?, ?, ?)",
			  p, SP_COUNT(p), NULL, e);
}

int case_store_events(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT at, actor, step, detail FROM case_events"
			   " WHERE case_id = ? ORDER BY id",
			   p, 1, out, e);
}

int case_store_referral_add(store *s, int64_t id, const char *kind,
			    const char *institution, int64_t at,
			    const char *due_on, int64_t *rid, err *e)
{
	store_param p[] = { SP_I(id), SP_S(kind), SP_S(institution), SP_I(at),
			    SP_S(due_on) };
	return store_query_int(s,
			       "INSERT INTO referrals (case_id, kind,"
			       " institution, sent_at, due_on) VALUES (?, ?, ?,"
			       " ?, ?) RETURNING id",
			       p, SP_COUNT(p), rid, e);
}

int case_store_referrals(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT id, kind, institution, sent_at, due_on,"
			   " answered_at, answer FROM referrals"
			   " WHERE case_id = ? ORDER BY id",
			   p, 1, out, e);
}

int case_store_referral_answer(store *s, int64_t case_id, int64_t rid,
			       const char *answer, int64_t at, err *e)
{
	store_param p[] = { SP_I(at), SP_S(answer), SP_I(rid), SP_I(case_id) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE referrals SET answered_at = ?, answer = ?"
			    " WHERE id = ? AND case_id = ? AND answered_at IS NULL",
			    p, 4, &n, e);
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "referral_answered",
			       "该转介不存在或已有回复");
	return rc;
}

int case_store_due_reports(store *s, int64_t now, store_res **out, err *e)
{
	store_param p[] = { SP_I(now) };
	return store_query(s,
			   "SELECT id, escalations FROM cases WHERE"
			   " state = 'reported' AND due_at < ? AND level > 1"
			   " ORDER BY id LIMIT 500",
			   p, 1, out, e);
}

int case_store_escalate(store *s, int64_t id, int seen, int64_t new_due,
			int64_t now, int *moved, err *e)
{
	store_param p[] = { SP_I(new_due), SP_I(now), SP_I(id), SP_I(seen) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE cases SET level = level - 1,"
			    " escalations = escalations + 1, due_at = ?,"
			    " updated_at = ?, version = version + 1"
			    " WHERE id = ? AND escalations = ?"
			    " AND state = 'reported' AND level > 1",
			    p, 4, &n, e);
	*moved = n == 1;
	return rc;
}
