#include "store/staff_store.h"

#include <stdio.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

#define STAFF_COLS                                                          \
	"s.id, s.post, s.region_code, s.name, s.id_number, s.sex, s.phone,"  \
	" s.source, s.source_other, s.employment, s.appointed_on, s.left_on,"\
	" s.leave_reason, s.status, s.user_id, s.version, s.created_at,"     \
	" s.updated_at, s.created_by, s.updated_by, r.name, u.username"
#define STAFF_FROM                                                          \
	" FROM staff s LEFT JOIN regions r ON r.code = s.region_code"        \
	" LEFT JOIN users u ON u.id = s.user_id"

/* STAFF_COLS, in its order. */
static const store_col staff_cols[] = {
	STORE_I64(0, staff_row, id),
	STORE_BUF(1, staff_row, post),
	STORE_BUF(2, staff_row, region),
	STORE_BUF(3, staff_row, name),
	STORE_BUF(4, staff_row, id_number),
	STORE_INT(5, staff_row, sex),
	STORE_BUF(6, staff_row, phone),
	STORE_BUF(7, staff_row, source),
	STORE_BUF(8, staff_row, source_other),
	STORE_BUF(9, staff_row, employment),
	STORE_BUF(10, staff_row, appointed_on),
	STORE_BUF(11, staff_row, left_on),
	STORE_BUF(12, staff_row, leave_reason),
	STORE_BUF(13, staff_row, status),
	STORE_I64(14, staff_row, user_id),
	STORE_INT(15, staff_row, version),
	STORE_I64(16, staff_row, created_at),
	STORE_I64(17, staff_row, updated_at),
	STORE_BUF(18, staff_row, created_by),
	STORE_BUF(19, staff_row, updated_by),
	STORE_BUF(20, staff_row, region_name),
	STORE_BUF(21, staff_row, username),
	STORE_COLS_END,
};

static void staff_from(const store_res *r, int i, staff_row *o)
{
	memset(o, 0, sizeof *o);
	store_res_row(r, i, staff_cols, o);
}

/* "director:220122100207" while in post. */
static void active_post(const staff_row *r, char out[40])
{
	if (strcmp(r->status, "active") == 0)
		snprintf(out, 40, "%s:%s", r->post, r->region);
	else
		out[0] = '\0';
}

static store_param opt_text(const char *s)
{
	return s && *s ? SP_S(s) : SP_NULLV;
}

static int post_conflict(int rc, err *e)
{
	if (rc == ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "post_taken", "region_code",
				 "该岗位已有在岗人员，请先办理原人员离任");
	return rc;
}

int staff_store_insert(store *s, staff_row *r, err *e)
{
	char ap[40];
	active_post(r, ap);
	store_param p[] = {
		SP_S(r->post),		SP_S(r->region),     SP_S(r->name),
		SP_S(r->id_number),	SP_I(r->sex),	     SP_S(r->phone),
		SP_S(r->source),	SP_S(r->source_other), SP_S(r->employment),
		SP_S(r->appointed_on),	SP_S(r->status),     opt_text(ap),
		r->user_id ? SP_I(r->user_id) : SP_NULLV,
		SP_I(r->created_at),	SP_S(r->created_by), SP_I(r->created_at),
		SP_S(r->created_by),
		opt_text(*ap ? r->id_number : ""),
	};
	int64_t id;
	/* active_id: the ID number while in post, unique (migration 16), so
	 * that two registrations of one person racing each other cannot
	 * both succeed. */
	int rc = store_query_int(
		s,
		"INSERT INTO staff (post, region_code, name, id_number, sex,"
		" phone, source, source_other, employment, appointed_on, status,"
		" active_post, user_id, created_at, created_by, updated_at,"
		" updated_by, active_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
		" ?, ?, ?, ?, ?, ?, ?) RETURNING id",
		p, SP_COUNT(p), &id, e);
	if (rc)
		return post_conflict(rc, e);
	r->id = id;
	r->version = 1;
	return 0;
}

int staff_store_update(store *s, staff_row *r, err *e)
{
	char ap[40];
	active_post(r, ap);
	store_param p[] = {
		SP_S(r->name),	       SP_S(r->phone),
		SP_S(r->source),       SP_S(r->source_other),
		SP_S(r->employment),   opt_text(r->left_on),
		SP_S(r->leave_reason), SP_S(r->status),
		opt_text(ap),	       r->user_id ? SP_I(r->user_id) : SP_NULLV,
		SP_I(r->updated_at),   SP_S(r->updated_by),
		SP_S(r->status),       SP_I(r->id),
		SP_I(r->version),
	};
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE staff SET name = ?, phone = ?, source = ?,"
			    " source_other = ?, employment = ?, left_on = ?,"
			    " leave_reason = ?, status = ?, active_post = ?,"
			    " user_id = ?, updated_at = ?, updated_by = ?,"
			    " version = version + 1,"
			    /* Leaving frees the ID number; nothing sets it
			     * again (a person back in post is a new record). */
			    " active_id = CASE WHEN ? = 'active' THEN"
			    " active_id END WHERE id = ? AND version = ?",
			    p, SP_COUNT(p), &n, e);
	if (rc)
		return post_conflict(rc, e);
	if (n != 1)
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该记录已被他人修改，请刷新后重试");
	r->version++;
	return 0;
}

int staff_store_in_post(store *s, const char *id_number, int64_t except,
			int64_t *id, char where[REGION_CODE_MAX], err *e)
{
	/* The ID number's index, not active_id: a person in post twice from
	 * before migration 16 holds it on one record only. */
	store_param p[] = { SP_S(id_number), SP_I(except) };
	store_res *r;
	int rc = store_query(s,
			     "SELECT id, region_code FROM staff WHERE"
			     " id_number = ? AND status = 'active' AND id <> ?"
			     " ORDER BY id LIMIT 1",
			     p, 2, &r, e);
	if (rc)
		return rc;
	*id = store_res_rows(r) ? store_res_int(r, 0, 0) : 0;
	text_copy(where, REGION_CODE_MAX, store_res_rows(r) ? store_res_text(r, 0, 1)
						     : "");
	store_res_free(r);
	return 0;
}

int staff_store_post_held(store *s, const char *post, const char *code,
			  int *held, err *e)
{
	char ap[40];
	snprintf(ap, sizeof ap, "%s:%s", post, code);
	store_param p[] = { opt_text(ap) };
	int64_t n = 0;
	int rc = store_query_int(s,
				 "SELECT count(*) FROM staff WHERE active_post = ?",
				 p, 1, &n, e);
	*held = n > 0;
	return rc;
}

int staff_store_get(store *s, int64_t id, staff_row *out, err *e)
{
	store_param p[] = { SP_I(id) };
	store_res *r;
	int rc = store_query(s, "SELECT " STAFF_COLS STAFF_FROM " WHERE s.id = ?",
			     p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "人员不存在或不在您的管辖范围内");
	}
	staff_from(r, 0, out);
	store_res_free(r);
	return 0;
}

int staff_store_last_left(store *s, const char *post, const char *code,
			  char out[11], err *e)
{
	store_param p[] = { SP_S(post), SP_S(code) };
	store_res *r;
	int rc = store_query(s,
			     "SELECT max(left_on) FROM staff WHERE post = ? AND"
			     " region_code = ? AND left_on IS NOT NULL",
			     p, 2, &r, e);
	if (rc)
		return rc;
	text_copy(out, 11, store_res_text(r, 0, 0));
	store_res_free(r);
	return 0;
}

int staff_store_history_add(store *s, int64_t id, int64_t at,
			    const char *who, const char *action,
			    const char *changes, err *e)
{
	store_param p[] = { SP_I(id), SP_I(at), SP_S(who), SP_S(action),
			    SP_S(changes) };
	return store_exec(s,
			  "INSERT INTO staff_history (staff_id, at, actor,"
			  " action, changes) VALUES (?, ?, ?, ?, ?)",
			  p, SP_COUNT(p), NULL, e);
}

const store_col staff_store_history_cols[] = {
	STORE_I64(0, staff_history_row, at),
	STORE_STR(1, staff_history_row, actor),
	STORE_STR(2, staff_history_row, action),
	STORE_STR(3, staff_history_row, changes),
	STORE_COLS_END,
};

int staff_store_history(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT at, actor, action, changes FROM staff_history"
			   " WHERE staff_id = ? ORDER BY id",
			   p, 1, out, e);
}

#define STAFF_WHERE                                                         \
	" WHERE s.region_code >= ? AND s.region_code < ?"                    \
	" AND (CAST(? AS TEXT) IS NULL OR s.post = ?)"                       \
	" AND (CAST(? AS TEXT) IS NULL OR s.status = ?)"                     \
	" AND (CAST(? AS TEXT) IS NULL OR s.status = 'active' AND NOT EXISTS"\
	" (SELECT 1 FROM training_attendance a JOIN trainings t"             \
	" ON t.id = a.training_id WHERE a.staff_id = s.id"                   \
	" AND t.held_on >= ? AND t.held_on <= ?))"

int staff_store_list(store *s, const staff_filter *f, staff_row **out,
		     int *n, int64_t *total, err *e)
{
	store_param p[] = { SP_S(f->lo),	SP_S(f->hi),
			    SP_S(f->post),	SP_S(f->post),
			    SP_S(f->status),	SP_S(f->status),
			    SP_S(f->year_from), SP_S(f->year_from),
			    SP_S(f->year_to),	SP_S(f->name_like),
			    SP_I(f->limit),	SP_I(f->offset) };
	int rc;
	store_res *r;
	/* The name search is its own statement, as for children: a LIKE
	 * parameter makes SQLite re-plan on every binding. */
	if (f->name_like) {
		rc = store_query_int(s,
				     "SELECT count(*) FROM staff s" STAFF_WHERE
				     " AND s.name LIKE ? ESCAPE '\\'",
				     p, 10, total, e);
		if (!rc)
			rc = store_query(s,
					 "SELECT " STAFF_COLS STAFF_FROM STAFF_WHERE
					 " AND s.name LIKE ? ESCAPE '\\'"
					 " ORDER BY s.region_code, s.post, s.id"
					 " LIMIT ? OFFSET ?",
					 p, 12, &r, e);
	} else {
		p[9] = p[10];
		p[10] = p[11];
		rc = store_query_int(s, "SELECT count(*) FROM staff s" STAFF_WHERE,
				     p, 9, total, e);
		if (!rc)
			rc = store_query(s,
					 "SELECT " STAFF_COLS STAFF_FROM STAFF_WHERE
					 " ORDER BY s.region_code, s.post, s.id"
					 " LIMIT ? OFFSET ?",
					 p, 11, &r, e);
	}
	if (rc)
		return rc;
	int rows = store_res_rows(r);
	staff_row *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		staff_from(r, i, &v[i]);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

#define IN_POST(date_a, date_b)                                             \
	"EXISTS (SELECT 1 FROM staff s WHERE s.region_code = r.code"        \
	" AND s.post = CASE WHEN r.level = 4 THEN 'supervisor'"             \
	" ELSE 'director' END AND s.appointed_on <= " date_a                \
	" AND (s.left_on IS NULL OR s.left_on > " date_b "))"

/* A unit marked as needing no 儿童主任 (issue #19, domain/core/region.h)
 * is no post to fill: counted apart, never uncovered. */
#define NOT_EXEMPT "r.exempt_reason IS NULL"

const store_col staff_store_coverage_cols[] = {
	STORE_STR(0, staff_coverage_row, group),
	STORE_INT(1, staff_coverage_row, level),
	STORE_I64(2, staff_coverage_row, posts),
	STORE_I64(3, staff_coverage_row, covered),
	STORE_I64(4, staff_coverage_row, exempt),
	STORE_COLS_END,
};

int staff_store_coverage(store *s, const char *lo, const char *hi, int glen,
			 const char *date, store_res **out, err *e)
{
	store_param p[] = { SP_I(glen), SP_S(date), SP_S(date), SP_S(lo),
			    SP_S(hi) };
	return store_query(s,
			   "SELECT substr(r.code, 1, CAST(? AS INTEGER)) AS g,"
			   " r.level, sum(CASE WHEN " NOT_EXEMPT " THEN 1 ELSE 0"
			   " END), sum(CASE WHEN " NOT_EXEMPT " AND "
			   IN_POST("?", "?") " THEN 1 ELSE 0 END),"
			   " sum(CASE WHEN " NOT_EXEMPT " THEN 0 ELSE 1 END)"
			   " FROM regions r"
			   " WHERE r.code >= ? AND r.code < ? AND r.level >= 4"
			   " GROUP BY g, r.level ORDER BY g, r.level",
			   p, SP_COUNT(p), out, e);
}

const store_col staff_store_uncovered_cols[] = {
	STORE_STR(0, staff_uncovered_row, code),
	STORE_STR(1, staff_uncovered_row, name),
	STORE_INT(2, staff_uncovered_row, level),
	STORE_COLS_END,
};

int staff_store_uncovered(store *s, const char *lo, const char *hi,
			  const char *date, store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(date), SP_S(date) };
	return store_query(s,
			   "SELECT r.code, r.name, r.level FROM regions r"
			   " WHERE r.code >= ? AND r.code < ? AND r.level >= 4"
			   " AND " NOT_EXEMPT " AND NOT " IN_POST("?", "?")
			   " ORDER BY r.code LIMIT 500",
			   p, SP_COUNT(p), out, e);
}

#define TRAINING_COLS                                                       \
	"t.id, t.region_code, t.title, t.held_on, t.hours_tenths, t.mode,"   \
	" t.organiser, t.trainer, t.topics, t.initial, t.created_by,"       \
	" (SELECT count(*) FROM training_attendance a"                       \
	" WHERE a.training_id = t.id)"

const store_col staff_store_training_cols[] = {
	STORE_I64(0, staff_training_row, id),
	STORE_STR(1, staff_training_row, region),
	STORE_STR(2, staff_training_row, title),
	STORE_STR(3, staff_training_row, held_on),
	STORE_I64(4, staff_training_row, hours_tenths),
	STORE_STR(5, staff_training_row, mode),
	STORE_STR(6, staff_training_row, organiser),
	STORE_STR(7, staff_training_row, trainer),
	STORE_STR(8, staff_training_row, topics),
	STORE_INT(9, staff_training_row, initial),
	STORE_STR(10, staff_training_row, created_by),
	STORE_I64(11, staff_training_row, attendees),
	STORE_COLS_END,
};

int staff_store_training_add(store *s, const char *code, const char *title,
			     const char *held_on, int hours_tenths,
			     const char *mode, const char *organiser,
			     const char *trainer, const char *topics,
			     int initial, int64_t at, const char *by,
			     int64_t *id, err *e)
{
	store_param p[] = { SP_S(code),      SP_S(title),   SP_S(held_on),
			    SP_I(hours_tenths), SP_S(mode), SP_S(organiser),
			    SP_S(trainer),   SP_S(topics),  SP_I(initial),
			    SP_I(at),	     SP_S(by) };
	return store_query_int(s,
			       "INSERT INTO trainings (region_code, title,"
			       " held_on, hours_tenths, mode, organiser, trainer,"
			       " topics, initial, created_at, created_by)"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			       " RETURNING id",
			       p, SP_COUNT(p), id, e);
}

int staff_store_training_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT " TRAINING_COLS " FROM trainings t WHERE t.id = ?",
			   p, 1, out, e);
}

int staff_store_trainings(store *s, const char *lo, const char *hi,
			  const char *from, const char *to, store_res **out,
			  err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(from), SP_S(to) };
	return store_query(s,
			   "SELECT " TRAINING_COLS " FROM trainings t"
			   " WHERE t.region_code >= ? AND t.region_code < ?"
			   " AND t.held_on >= ? AND t.held_on <= ?"
			   " ORDER BY t.held_on DESC, t.id DESC LIMIT 500",
			   p, SP_COUNT(p), out, e);
}

int staff_store_attend(store *s, int64_t training, int64_t staff,
		       const char *result, int score, int passed, err *e)
{
	store_param p[] = { SP_I(training), SP_I(staff), SP_S(result),
			    score >= 0 ? SP_I(score) : SP_NULLV, SP_I(passed) };
	return store_exec(s,
			  "INSERT INTO training_attendance (training_id,"
			  " staff_id, result, score, passed) VALUES (?, ?, ?,"
			  " ?, ?) ON CONFLICT (training_id, staff_id) DO UPDATE"
			  " SET result = excluded.result, score = excluded.score,"
			  " passed = excluded.passed",
			  p, SP_COUNT(p), NULL, e);
}

const store_col staff_store_attendee_cols[] = {
	STORE_I64(0, staff_attendee_row, staff_id),
	STORE_STR(1, staff_attendee_row, name),
	STORE_STR(2, staff_attendee_row, post),
	STORE_STR(3, staff_attendee_row, region),
	STORE_STR(4, staff_attendee_row, result),
	STORE_I64(5, staff_attendee_row, score),
	STORE_ISNULL(5, staff_attendee_row, score_null),
	STORE_INT(6, staff_attendee_row, passed),
	STORE_COLS_END,
};

int staff_store_attendees(store *s, int64_t training, store_res **out,
			  err *e)
{
	store_param p[] = { SP_I(training) };
	return store_query(s,
			   "SELECT a.staff_id, s.name, s.post, s.region_code,"
			   " a.result, a.score, a.passed"
			   " FROM training_attendance a JOIN staff s"
			   " ON s.id = a.staff_id WHERE a.training_id = ?"
			   " ORDER BY s.region_code, s.id",
			   p, 1, out, e);
}

const store_col staff_store_attended_cols[] = {
	STORE_I64(0, staff_attended_row, training_id),
	STORE_STR(1, staff_attended_row, title),
	STORE_STR(2, staff_attended_row, held_on),
	STORE_INT(3, staff_attended_row, initial),
	STORE_STR(4, staff_attended_row, result),
	STORE_I64(5, staff_attended_row, score),
	STORE_ISNULL(5, staff_attended_row, score_null),
	STORE_INT(6, staff_attended_row, passed),
	STORE_COLS_END,
};

int staff_store_trainings_of(store *s, int64_t staff, store_res **out,
			     err *e)
{
	store_param p[] = { SP_I(staff) };
	return store_query(s,
			   "SELECT t.id, t.title, t.held_on, t.initial, a.result,"
			   " a.score, a.passed FROM training_attendance a"
			   " JOIN trainings t ON t.id = a.training_id"
			   " WHERE a.staff_id = ? ORDER BY t.held_on DESC",
			   p, 1, out, e);
}

int staff_store_passed_initial(store *s, int64_t staff, int64_t training,
			       int *yes, err *e)
{
	store_param p[] = { SP_I(staff), SP_I(training) };
	int64_t n = 0;
	int rc = store_query_int(s,
				 "SELECT count(*) FROM training_attendance a"
				 " JOIN trainings t ON t.id = a.training_id"
				 " WHERE a.staff_id = ? AND a.training_id = ?"
				 " AND a.passed = 1 AND t.initial = 1",
				 p, 2, &n, e);
	*yes = n > 0;
	return rc;
}

#define CERT_COLS                                                           \
	"c.id, c.number, c.staff_id, c.kind, c.county_code, c.training_id,"  \
	" c.issued_on, c.status, c.revoked_on, c.revoke_reason, s.name,"     \
	" s.region_code, r.name, c.check_code"
#define CERT_FROM                                                           \
	" FROM certificates c JOIN staff s ON s.id = c.staff_id"             \
	" LEFT JOIN regions r ON r.code = c.county_code"

const store_col staff_store_cert_cols[] = {
	STORE_I64(0, staff_cert_row, id),
	STORE_STR(1, staff_cert_row, number),
	STORE_I64(2, staff_cert_row, staff_id),
	STORE_STR(3, staff_cert_row, kind),
	STORE_STR(4, staff_cert_row, county_code),
	STORE_I64(5, staff_cert_row, training_id),
	STORE_STR(6, staff_cert_row, issued_on),
	STORE_STR(7, staff_cert_row, status),
	STORE_STR(8, staff_cert_row, revoked_on),
	STORE_STR(9, staff_cert_row, revoke_reason),
	STORE_STR(10, staff_cert_row, holder),
	STORE_STR(11, staff_cert_row, region),
	STORE_STR(12, staff_cert_row, county_name),
	STORE_STR(13, staff_cert_row, check_code),
	STORE_COLS_END,
};

int staff_store_cert_add(store *s, const char *number,
			 const char *check_code, int64_t staff,
			 const char *kind, const char *county,
			 int64_t training, const char *issued_on, int64_t at,
			 const char *by, int64_t *id, err *e)
{
	store_param p[] = { SP_S(number),   SP_S(check_code), SP_I(staff),
			    SP_S(kind),	    SP_S(county),     SP_I(training),
			    SP_S(issued_on), SP_I(at),	      SP_S(by),
			    SP_I(staff) };
	int rc = store_query_int(s,
				 "INSERT INTO certificates (number, check_code,"
				 " staff_id, kind, county_code, training_id,"
				 " issued_on, created_at, created_by, valid_staff)"
				 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
				 p, SP_COUNT(p), id, e);
	if (rc == ERR_CONFLICT)
		return err_set(e, ERR_CONFLICT, "certificate_exists",
			       "该人员已持有有效的培训合格证");
	return rc;
}

int staff_store_cert_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s, "SELECT " CERT_COLS CERT_FROM " WHERE c.id = ?",
			   p, 1, out, e);
}

int staff_store_cert_by_number(store *s, const char *number, store_res **out,
			       err *e)
{
	store_param p[] = { SP_S(number) };
	return store_query(s,
			   "SELECT " CERT_COLS CERT_FROM " WHERE c.number = ?",
			   p, 1, out, e);
}

int staff_store_certs_of(store *s, int64_t staff, store_res **out, err *e)
{
	store_param p[] = { SP_I(staff) };
	return store_query(s,
			   "SELECT " CERT_COLS CERT_FROM
			   " WHERE c.staff_id = ? ORDER BY c.id",
			   p, 1, out, e);
}

int staff_store_certs(store *s, const char *lo, const char *hi,
		      store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi) };
	return store_query(s,
			   "SELECT " CERT_COLS CERT_FROM
			   " WHERE s.region_code >= ? AND s.region_code < ?"
			   " ORDER BY c.id DESC LIMIT 1000",
			   p, 2, out, e);
}

int staff_store_cert_revoke(store *s, int64_t id, const char *date,
			    const char *reason, err *e)
{
	store_param p[] = { SP_S(date), SP_S(reason), SP_I(id) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "UPDATE certificates SET status = 'revoked',"
			    " revoked_on = ?, revoke_reason = ?, valid_staff = NULL"
			    " WHERE id = ? AND status = 'valid'",
			    p, 3, &n, e);
	if (rc == 0 && n != 1)
		return err_set(e, ERR_CONFLICT, "already_revoked",
			       "该证书已被撤销");
	return rc;
}

int staff_store_cert_count(store *s, const char *prefix, int64_t *n, err *e)
{
	store_param p[] = { SP_S(prefix) };
	return store_query_int(s,
			       "INSERT INTO cert_seq (prefix, n) VALUES (?, 1)"
			       " ON CONFLICT (prefix) DO UPDATE SET"
			       " n = cert_seq.n + 1 RETURNING n",
			       p, 1, n, e);
}

int staff_store_campaign_add(store *s, const char *name, const char *measure,
			     const char *code, const char *due, int64_t at,
			     const char *by, int64_t *id, err *e)
{
	store_param p[] = { SP_S(name), SP_S(measure), SP_S(code),
			    SP_S(due),	SP_I(at),      SP_S(by) };
	return store_query_int(s,
			       "INSERT INTO campaigns (name, measure,"
			       " region_code, due_on, created_at, created_by)"
			       " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
			       p, SP_COUNT(p), id, e);
}

const store_col staff_store_campaign_cols[] = {
	STORE_I64(0, staff_campaign_row, id),
	STORE_STR(1, staff_campaign_row, name),
	STORE_STR(2, staff_campaign_row, measure),
	STORE_STR(3, staff_campaign_row, region),
	STORE_STR(4, staff_campaign_row, due_on),
	STORE_STR(5, staff_campaign_row, created_by),
	STORE_COLS_END,
};

int staff_store_campaign_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s,
			   "SELECT id, name, measure, region_code, due_on,"
			   " created_by FROM campaigns WHERE id = ?",
			   p, 1, out, e);
}

int staff_store_campaigns(store *s, const char *lo, const char *hi,
			  store_res **out, err *e)
{
	/* Campaigns set above the caller apply to its scope too. */
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(lo) };
	return store_query(s,
			   "SELECT id, name, measure, region_code, due_on,"
			   " created_by FROM campaigns WHERE (region_code >= ?"
			   " AND region_code < ?) OR substr(?, 1,"
			   " length(region_code)) = region_code"
			   " ORDER BY due_on, id",
			   p, 3, out, e);
}

const store_col staff_store_progress_cols[] = {
	STORE_STR(0, staff_progress_row, group),
	STORE_I64(1, staff_progress_row, staff),
	STORE_I64(2, staff_progress_row, done),
	STORE_I64(3, staff_progress_row, later),
	STORE_STR(4, staff_progress_row, later_from),
	STORE_STR(5, staff_progress_row, later_to),
	STORE_COLS_END,
};

/* Over rows x(g, done, later): later is the day a target not done on the
 * campaign's date was made good, NULL when it was not. */
#define PROGRESS_SUMS                                                       \
	"SELECT x.g, count(*), sum(x.done), sum(CASE WHEN x.done = 0 AND"   \
	" x.later IS NOT NULL THEN 1 ELSE 0 END), min(CASE WHEN x.done = 0" \
	" THEN x.later END), max(CASE WHEN x.done = 0 THEN x.later END)"    \
	" FROM "

int staff_store_campaign_posts(store *s, const char *lo, const char *hi,
			       int glen, const char *at, const char *today,
			       store_res **out, err *e)
{
	store_param p[] = { SP_I(glen),	 SP_S(at),    SP_S(at),
			    SP_S(at),	 SP_S(today), SP_S(today),
			    SP_S(today), SP_S(lo),    SP_S(hi) };
	return store_query(
		s,
		PROGRESS_SUMS
		"(SELECT substr(r.code, 1, CAST(? AS INTEGER)) AS g,"
		" CASE WHEN " IN_POST("?", "?") " THEN 1 ELSE 0 END AS done,"
		" (SELECT min(s.appointed_on) FROM staff s"
		" WHERE s.region_code = r.code AND s.post = CASE WHEN"
		" r.level = 4 THEN 'supervisor' ELSE 'director' END"
		" AND s.appointed_on > ? AND s.appointed_on <= ?"
		" AND " IN_POST("?", "?") ") AS later"
		" FROM regions r WHERE r.code >= ? AND r.code < ?"
		" AND r.level >= 4 AND " NOT_EXEMPT ") x"
		" GROUP BY x.g ORDER BY x.g",
		p, SP_COUNT(p), out, e);
}

/* In post on a day: appointed by then and not yet gone. */
#define STAFF_ON(d) \
	"s.appointed_on <= " d " AND (s.left_on IS NULL OR s.left_on > " d ")"

int staff_store_progress(store *s, const char *lo, const char *hi, int glen,
			 const char *from, const char *at, const char *today,
			 int certified, store_res **out, err *e)
{
	if (certified) {
		store_param q[] = { SP_I(glen), SP_S(at),    SP_S(at),
				    SP_S(today), SP_S(at),   SP_S(at),
				    SP_S(lo),	 SP_S(hi) };
		return store_query(
			s,
			PROGRESS_SUMS
			"(SELECT substr(s.region_code, 1, CAST(? AS INTEGER))"
			" AS g, CASE WHEN EXISTS (SELECT 1 FROM certificates c"
			" WHERE c.staff_id = s.id AND c.status = 'valid'"
			" AND c.issued_on <= ?) THEN 1 ELSE 0 END AS done,"
			" (SELECT min(c.issued_on) FROM certificates c"
			" WHERE c.staff_id = s.id AND c.status = 'valid'"
			" AND c.issued_on > ? AND c.issued_on <= ?) AS later"
			" FROM staff s WHERE " STAFF_ON("?")
			" AND s.region_code >= ? AND s.region_code < ?) x"
			" GROUP BY x.g ORDER BY x.g",
			q, SP_COUNT(q), out, e);
	}
	store_param p[] = { SP_I(glen), SP_S(from), SP_S(at), SP_S(at),
			    SP_S(today), SP_S(at),  SP_S(at), SP_S(lo),
			    SP_S(hi) };
	return store_query(
		s,
		PROGRESS_SUMS
		"(SELECT substr(s.region_code, 1, CAST(? AS INTEGER)) AS g,"
		" CASE WHEN EXISTS (SELECT 1 FROM training_attendance a"
		" JOIN trainings t ON t.id = a.training_id WHERE"
		" a.staff_id = s.id AND t.held_on >= ? AND t.held_on <= ?)"
		" THEN 1 ELSE 0 END AS done,"
		" (SELECT min(t.held_on) FROM training_attendance a"
		" JOIN trainings t ON t.id = a.training_id WHERE"
		" a.staff_id = s.id AND t.held_on > ? AND t.held_on <= ?)"
		" AS later FROM staff s WHERE " STAFF_ON("?")
		" AND s.region_code >= ? AND s.region_code < ?) x"
		" GROUP BY x.g ORDER BY x.g",
		p, SP_COUNT(p), out, e);
}
