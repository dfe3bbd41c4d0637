#include "store/idem_store.h"

#include <stdio.h>

int idem_store_claim(store *s, int64_t user, const char *key,
		     const char *hash, int64_t now, int *claimed, err *e)
{
	store_param p[] = { SP_I(user), SP_S(key), SP_S(hash), SP_I(now) };
	int64_t n = 0;
	int rc = store_exec(s,
			    "INSERT INTO idempotency (user_id, idem_key, req_hash,"
			    " status, body, created_at) VALUES (?, ?, ?, 0, '', ?)"
			    " ON CONFLICT (user_id, idem_key) DO NOTHING",
			    p, SP_COUNT(p), &n, e);
	*claimed = rc == 0 && n == 1;
	return rc;
}

const store_col idem_store_cols[] = {
	STORE_STR(0, idem_row, req_hash),
	STORE_I64(1, idem_row, status),
	STORE_STR(2, idem_row, body),
	STORE_I64(3, idem_row, created_at),
	STORE_COLS_END,
};

int idem_store_get(store *s, int64_t user, const char *key, store_res **out,
		   err *e)
{
	store_param p[] = { SP_I(user), SP_S(key) };
	return store_query(s,
			   "SELECT req_hash, status, body, created_at FROM"
			   " idempotency WHERE user_id = ? AND idem_key = ?",
			   p, SP_COUNT(p), out, e);
}

int idem_store_drop_old(store *s, int64_t user, const char *key,
			int64_t before, err *e)
{
	store_param p[] = { SP_I(user), SP_S(key), SP_I(before) };
	return store_exec(s,
			  "DELETE FROM idempotency WHERE user_id = ? AND"
			  " idem_key = ? AND created_at < ?",
			  p, SP_COUNT(p), NULL, e);
}

int idem_store_fill(store *s, int64_t user, const char *key, int status,
		    const char *body, err *e)
{
	store_param p[] = { SP_I(status), SP_S(body), SP_I(user), SP_S(key) };
	return store_exec(s,
			  "UPDATE idempotency SET status = ?, body = ? WHERE"
			  " user_id = ? AND idem_key = ?",
			  p, SP_COUNT(p), NULL, e);
}

int idem_store_purge(store *s, int64_t before, int64_t *n, err *e)
{
	store_param p[] = { SP_I(before) };
	return store_exec(s, "DELETE FROM idempotency WHERE created_at < ?", p,
			  1, n, e);
}
