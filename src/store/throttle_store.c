#include "store/throttle_store.h"

#include <stdio.h>

const store_col throttle_store_cols[] = {
	STORE_STR(0, throttle_row, key),
	STORE_I64(1, throttle_row, fails),
	STORE_I64(2, throttle_row, last_fail),
	STORE_I64(3, throttle_row, hold_until),
	STORE_COLS_END,
};

int throttle_store_get(store *s, const char *const keys[], int n,
		       store_res **out, err *e)
{
	/* Always four parameters: one constant statement (cached by its
	 * address) for every count of keys; a NULL matches nothing. */
	store_param p[4];
	for (int i = 0; i < 4; i++)
		p[i] = SP_S(i < n ? keys[i] : NULL);
	return store_query(s,
			   "SELECT tkey, fails, last_fail, hold_until FROM throttle"
			   " WHERE tkey IN (?, ?, ?, ?)",
			   p, 4, out, e);
}

int throttle_store_fail(store *s, const char *key, const char *acct,
			int64_t now, int64_t window, int64_t *fails, err *e)
{
	/* Every SET reads the row as it was, on both engines. */
	store_param p[] = { SP_S(key),	     SP_S(acct),	 SP_I(now),
			    SP_I(now + window), SP_I(now - window),
			    SP_I(now + window) };
	return store_query_int(
		s,
		"INSERT INTO throttle (tkey, acct, fails, last_fail, hold_until,"
		" expires_at) VALUES (?, ?, 1, ?, 0, ?)"
		" ON CONFLICT (tkey) DO UPDATE SET"
		" fails = CASE WHEN throttle.last_fail > ? THEN throttle.fails + 1"
		" ELSE 1 END,"
		" last_fail = excluded.last_fail,"
		" expires_at = CASE WHEN throttle.hold_until > ?"
		" THEN throttle.hold_until ELSE excluded.expires_at END"
		" RETURNING fails",
		p, SP_COUNT(p), fails, e);
}

int throttle_store_hold(store *s, const char *key, int64_t until, err *e)
{
	store_param p[] = { SP_I(until), SP_I(until), SP_I(until), SP_I(until),
			    SP_S(key) };
	return store_exec(s,
			  "UPDATE throttle SET"
			  " hold_until = CASE WHEN hold_until > ? THEN hold_until"
			  " ELSE ? END,"
			  " expires_at = CASE WHEN expires_at > ? THEN expires_at"
			  " ELSE ? END"
			  " WHERE tkey = ?",
			  p, SP_COUNT(p), NULL, e);
}

int throttle_store_clear(store *s, const char *key, err *e)
{
	store_param p[] = { SP_S(key) };
	return store_exec(s, "DELETE FROM throttle WHERE tkey = ?", p, 1, NULL,
			  e);
}

int throttle_store_forget(store *s, const char *acct, err *e)
{
	store_param p[] = { SP_S(acct) };
	return store_exec(s, "DELETE FROM throttle WHERE acct = ?", p, 1, NULL,
			  e);
}

int throttle_store_purge(store *s, int64_t now, int64_t *n, err *e)
{
	store_param p[] = { SP_I(now) };
	return store_exec(s, "DELETE FROM throttle WHERE expires_at < ?", p, 1,
			  n, e);
}

int throttle_store_server_key(store *s, const char *name, const char *fresh,
			      char *out, size_t n, err *e)
{
	store_param p[] = { SP_S(name), SP_S(fresh) };
	int rc = store_exec(s,
			    "INSERT INTO server_keys (name, value) VALUES (?, ?)"
			    " ON CONFLICT (name) DO NOTHING",
			    p, 2, NULL, e);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = store_query(s, "SELECT value FROM server_keys WHERE name = ?",
			      p, 1, &r, e)))
		return rc;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return err_set(e, ERR_STORE, "internal", "服务器密钥读取失败");
	}
	snprintf(out, n, "%s", store_res_text(r, 0, 0));
	store_res_free(r);
	return 0;
}
