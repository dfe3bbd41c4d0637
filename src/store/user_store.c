#include "store/user_store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

static const struct {
	role r;
	const char *name;
} role_names[] = {
	{ ROLE_ADMIN, "admin" },
	{ ROLE_PROVINCE, "province" },
	{ ROLE_CITY, "city" },
	{ ROLE_COUNTY, "county" },
	{ ROLE_SUPERVISOR, "supervisor" },
	{ ROLE_DIRECTOR, "director" },
	{ ROLE_AUDITOR, "auditor" },
	{ ROLE_SECURITY_ADMIN, "security_admin" },
	{ ROLE_AUDIT_ADMIN, "audit_admin" },
};

const char *user_store_role_name(role r)
{
	for (size_t i = 0; i < sizeof role_names / sizeof *role_names; i++)
		if (role_names[i].r == r)
			return role_names[i].name;
	return "";
}

role user_store_role_parse(const char *name)
{
	for (size_t i = 0; name && i < sizeof role_names / sizeof *role_names;
	     i++)
		if (strcmp(name, role_names[i].name) == 0)
			return role_names[i].r;
	return ROLE_NONE;
}

#define USER_COLS                                                           \
	"u.id, u.username, u.display_name, u.role, u.region_code,"           \
	" u.must_change, u.failed_count, u.locked_until, u.disabled,"        \
	" u.created_at, u.pw_hash"

static void user_from_row(const store_res *r, int row, int c0, user *u,
			  char *pw, size_t pwsz)
{
	memset(u, 0, sizeof *u);
	u->id = store_res_int(r, row, c0 + 0);
	snprintf(u->username, sizeof u->username, "%s",
		 store_res_text(r, row, c0 + 1));
	snprintf(u->display_name, sizeof u->display_name, "%s",
		 store_res_text(r, row, c0 + 2));
	u->role = user_store_role_parse(store_res_text(r, row, c0 + 3));
	snprintf(u->region, sizeof u->region, "%s",
		 store_res_text(r, row, c0 + 4));
	u->must_change = (int)store_res_int(r, row, c0 + 5);
	u->failed = (int)store_res_int(r, row, c0 + 6);
	u->locked_until = store_res_int(r, row, c0 + 7);
	u->disabled = (int)store_res_int(r, row, c0 + 8);
	u->created_at = store_res_int(r, row, c0 + 9);
	if (pw)
		snprintf(pw, pwsz, "%s", store_res_text(r, row, c0 + 10));
}

static int user_one(store *s, const char *sql, store_param p, user *out,
		    char *pw, size_t pwsz, err *e)
{
	store_res *r;
	int rc = store_query(s, sql, &p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "用户不存在");
	}
	user_from_row(r, 0, 0, out, pw, pwsz);
	store_res_free(r);
	return 0;
}

int user_store_by_name(store *s, const char *username, user *out, char *pw,
		       size_t pwsz, err *e)
{
	return user_one(s,
			"SELECT " USER_COLS " FROM users u WHERE username = ?",
			SP_S(username), out, pw, pwsz, e);
}

int user_store_by_id(store *s, int64_t id, user *out, char *pw, size_t pwsz,
		     err *e)
{
	return user_one(s, "SELECT " USER_COLS " FROM users u WHERE id = ?",
			SP_I(id), out, pw, pwsz, e);
}

int user_store_insert(store *s, user *u, const char *pw_hash, err *e)
{
	store_param p[] = { SP_S(u->username),	  SP_S(u->display_name),
			    SP_S(user_store_role_name(u->role)),
			    SP_S(u->region),	  SP_S(pw_hash),
			    SP_I(u->must_change), SP_I(u->created_at),
			    SP_I(u->created_at) };
	int64_t id;
	int rc = store_query_int(s,
				 "INSERT INTO users (username, display_name, role,"
				 " region_code, pw_hash, must_change, created_at,"
				 " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
				 " RETURNING id",
				 p, SP_COUNT(p), &id, e);
	if (rc == ERR_CONFLICT)
		return err_field(e, ERR_CONFLICT, "username_taken", "username",
				 "用户名已被使用");
	if (rc == 0)
		u->id = id;
	return rc;
}

int user_store_update(store *s, const user *u, int64_t now, err *e)
{
	store_param p[] = { SP_S(u->display_name),
			    SP_S(user_store_role_name(u->role)),
			    SP_S(u->region),
			    SP_I(u->disabled),
			    SP_I(u->must_change),
			    SP_I(u->failed),
			    SP_I(u->locked_until),
			    SP_I(now),
			    SP_I(u->id) };
	return store_exec(s,
			  "UPDATE users SET display_name = ?, role = ?,"
			  " region_code = ?, disabled = ?, must_change = ?,"
			  " failed_count = ?, locked_until = ?, updated_at = ?"
			  " WHERE id = ?",
			  p, SP_COUNT(p), NULL, e);
}

int user_store_set_password(store *s, int64_t id, const char *pw_hash,
			    int must_change, int64_t now, err *e)
{
	store_param p[] = { SP_S(pw_hash), SP_I(must_change), SP_I(now),
			    SP_I(id) };
	return store_exec(s,
			  "UPDATE users SET pw_hash = ?, must_change = ?,"
			  " failed_count = 0, locked_until = 0, updated_at = ?"
			  " WHERE id = ?",
			  p, SP_COUNT(p), NULL, e);
}

int user_store_mark_held(store *s, int64_t id, int64_t until, err *e)
{
	store_param p[] = { SP_I(until), SP_I(id), SP_I(until) };
	return store_exec(s,
			  "UPDATE users SET locked_until = ?"
			  " WHERE id = ? AND locked_until < ?",
			  p, 3, NULL, e);
}

int user_store_clear_fails(store *s, int64_t id, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_exec(s,
			  "UPDATE users SET failed_count = 0, locked_until = 0"
			  " WHERE id = ? AND (failed_count <> 0 OR locked_until <> 0)",
			  p, 1, NULL, e);
}

int user_store_pw_history(store *s, int64_t id, int limit, store_res **out,
			  err *e)
{
	store_param p[] = { SP_I(id), SP_I(limit) };
	return store_query(s,
			   "SELECT pw_hash FROM password_history WHERE user_id = ?"
			   " ORDER BY id DESC LIMIT ?",
			   p, 2, out, e);
}

int user_store_pw_history_add(store *s, int64_t id, const char *pw_hash,
			      int64_t now, int keep, err *e)
{
	store_param p[] = { SP_I(id), SP_S(pw_hash), SP_I(now) };
	int rc = store_exec(s,
			    "INSERT INTO password_history (user_id, pw_hash,"
			    " created_at) VALUES (?, ?, ?)",
			    p, 3, NULL, e);
	if (rc)
		return rc;
	store_param q[] = { SP_I(id), SP_I(id), SP_I(keep) };
	return store_exec(s,
			  "DELETE FROM password_history WHERE user_id = ? AND id"
			  " NOT IN (SELECT id FROM password_history WHERE user_id = ?"
			  " ORDER BY id DESC LIMIT ?)",
			  q, 3, NULL, e);
}

int user_store_list(store *s, const char *lo, const char *hi, const char *q,
		    int64_t offset, int limit, user **out, int *n,
		    int64_t *total, err *e)
{
	/* q is matched as a substring; LIKE's wildcards in it are escaped
	 * by the caller-independent ESCAPE clause below. */
	char like[200] = "";
	if (q)
		text_like_pattern(q, like, sizeof like);
	const char *lk = q ? like : NULL;
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(lk), SP_S(lk), SP_S(lk),
			    SP_I(limit), SP_I(offset) };
	int rc = store_query_int(
		s,
		"SELECT count(*) FROM users u"
		" WHERE region_code >= ? AND region_code < ?"
		" AND (CAST(? AS TEXT) IS NULL OR lower(username) LIKE lower(?) ESCAPE '\\'"
		" OR display_name LIKE ? ESCAPE '\\')",
		p, 5, total, e);
	if (rc)
		return rc;
	store_res *r;
	rc = store_query(s,
			 "SELECT " USER_COLS " FROM users u"
			 " WHERE region_code >= ? AND region_code < ?"
			 " AND (CAST(? AS TEXT) IS NULL OR lower(username) LIKE lower(?) ESCAPE '\\'"
			 " OR display_name LIKE ? ESCAPE '\\')"
			 " ORDER BY username LIMIT ? OFFSET ?",
			 p, 7, &r, e);
	if (rc)
		return rc;
	int rows = store_res_rows(r);
	user *v = xcalloc((size_t)(rows ? rows : 1), sizeof *v);
	for (int i = 0; i < rows; i++)
		user_from_row(r, i, 0, &v[i], NULL, 0);
	store_res_free(r);
	*out = v;
	*n = rows;
	return 0;
}

int session_store_insert(store *s, const char *token_hash, int64_t user_id,
			 const char *csrf, int64_t now, const char *ip,
			 err *e)
{
	store_param p[] = { SP_S(token_hash), SP_I(user_id), SP_S(csrf),
			    SP_I(now),	      SP_I(now),     SP_S(ip) };
	return store_exec(s,
			  "INSERT INTO sessions (token_hash, user_id, csrf,"
			  " created_at, last_seen, ip) VALUES (?, ?, ?, ?, ?, ?)",
			  p, SP_COUNT(p), NULL, e);
}

int session_store_get(store *s, const char *token_hash, session *out,
		      int64_t *created, int64_t *last_seen, err *e)
{
	store_param p[] = { SP_S(token_hash) };
	store_res *r;
	int rc = store_query(s,
			     "SELECT s.csrf, s.last_seen, s.created_at, " USER_COLS
			     " FROM sessions s JOIN users u ON u.id = s.user_id"
			     " WHERE s.token_hash = ?",
			     p, 1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) == 0) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "会话不存在");
	}
	memset(out, 0, sizeof *out);
	snprintf(out->csrf, sizeof out->csrf, "%s", store_res_text(r, 0, 0));
	*last_seen = store_res_int(r, 0, 1);
	*created = store_res_int(r, 0, 2);
	user_from_row(r, 0, 3, &out->u, NULL, 0);
	store_res_free(r);
	return 0;
}

int session_store_touch(store *s, const char *token_hash, int64_t now,
			err *e)
{
	store_param p[] = { SP_I(now), SP_S(token_hash) };
	return store_exec(s,
			  "UPDATE sessions SET last_seen = ? WHERE token_hash = ?",
			  p, 2, NULL, e);
}

int session_store_delete(store *s, const char *token_hash, err *e)
{
	store_param p[] = { SP_S(token_hash) };
	return store_exec(s, "DELETE FROM sessions WHERE token_hash = ?", p, 1,
			  NULL, e);
}

int session_store_delete_user(store *s, int64_t user_id,
			      const char *keep_hash, err *e)
{
	store_param p[] = { SP_I(user_id), SP_S(keep_hash), SP_S(keep_hash) };
	return store_exec(s,
			  "DELETE FROM sessions WHERE user_id = ?"
			  " AND (CAST(? AS TEXT) IS NULL OR token_hash <> ?)",
			  p, 3, NULL, e);
}
