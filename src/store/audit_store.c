#include "store/audit_store.h"

#include <stdio.h>
#include <string.h>

static void head_from(const store_res *r, audit_store_head_row *h)
{
	h->seq = store_res_int(r, 0, 0);
	snprintf(h->hash, sizeof h->hash, "%s", store_res_text(r, 0, 1));
	snprintf(h->key_id, sizeof h->key_id, "%s", store_res_text(r, 0, 2));
	snprintf(h->mac, sizeof h->mac, "%s", store_res_text(r, 0, 3));
}

int audit_store_next(store *s, audit_store_head_row *h, err *e)
{
	/* Read, not bumped with UPDATE … RETURNING: RETURNING costs SQLite
	 * a temporary table per statement, and every read of a record
	 * appends an entry.  The head is written once, by
	 * audit_store_set_head.  SQLite's write transactions are already
	 * serial (BEGIN IMMEDIATE); PostgreSQL's wait on the row lock. */
	store_res *r;
	int rc = store_query(s,
			     store_kind_of(s) == STORE_PG
				     ? "SELECT seq, hash, key_id, mac"
				       " FROM audit_head WHERE id = 1 FOR UPDATE"
				     : "SELECT seq, hash, key_id, mac"
				       " FROM audit_head WHERE id = 1",
			     NULL, 0, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return err_set(e, ERR_STORE, "store_error", "审计日志头缺失");
	}
	head_from(r, h);
	store_res_free(r);
	return 0;
}

const store_col audit_store_entry_cols[] = {
	STORE_I64(0, audit_entry, seq),
	STORE_I64(1, audit_entry, at),
	STORE_STR(2, audit_entry, actor),
	STORE_STR(3, audit_entry, action),
	STORE_STR(4, audit_entry, target),
	STORE_STR(5, audit_entry, region_code),
	STORE_STR(6, audit_entry, ip),
	STORE_STR(7, audit_entry, detail),
	STORE_COLS_END,
};

const store_col audit_store_link_cols[] = {
	STORE_I64(0, audit_link_row, a.seq),
	STORE_I64(1, audit_link_row, a.at),
	STORE_STR(2, audit_link_row, a.actor),
	STORE_STR(3, audit_link_row, a.action),
	STORE_STR(4, audit_link_row, a.target),
	STORE_STR(5, audit_link_row, a.region_code),
	STORE_STR(6, audit_link_row, a.ip),
	STORE_STR(7, audit_link_row, a.detail),
	STORE_STR(8, audit_link_row, prev_hash),
	STORE_STR(9, audit_link_row, hash),
	STORE_COLS_END,
};

int audit_store_insert(store *s, const audit_entry *a, const char *prev,
		       const char *hash, err *e)
{
	store_param p[] = { SP_I(a->seq),	SP_I(a->at),
			    SP_S(a->actor),	SP_S(a->action),
			    SP_S(a->target),	SP_S(a->region_code),
			    SP_S(a->ip),	SP_S(a->detail),
			    SP_S(prev),		SP_S(hash) };
	return store_exec(s,
			  "INSERT INTO audit_log (seq, at, actor, action, target,"
			  " region_code, ip, detail, prev_hash, hash)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			  p, SP_COUNT(p), NULL, e);
}

int audit_store_set_head(store *s, int64_t seq, const char *hash,
			 const char *mac, err *e)
{
	store_param p[] = { SP_I(seq), SP_S(hash), SP_S(mac) };
	return store_exec(s,
			  "UPDATE audit_head SET seq = ?, hash = ?, mac = ?"
			  " WHERE id = 1",
			  p, 3, NULL, e);
}

int audit_store_set_key(store *s, const char *key_id, const char *mac,
			err *e)
{
	store_param p[] = { SP_S(key_id), SP_S(mac) };
	return store_exec(s,
			  "UPDATE audit_head SET key_id = ?, mac = ? WHERE id = 1",
			  p, 2, NULL, e);
}

int audit_store_head(store *s, audit_store_head_row *h, err *e)
{
	store_res *r;
	int rc = store_query(s,
			     "SELECT seq, hash, key_id, mac FROM audit_head"
			     " WHERE id = 1",
			     NULL, 0, &r, e);
	if (rc)
		return rc;
	memset(h, 0, sizeof *h);
	if (store_res_rows(r) != 1)
		h->seq = -1;
	else
		head_from(r, h);
	store_res_free(r);
	return 0;
}

int audit_store_hash_of(store *s, int64_t seq, char hash[AUDIT_HASH_HEX],
			err *e)
{
	store_param p[] = { SP_I(seq) };
	store_res *r;
	int rc = store_query(s, "SELECT hash FROM audit_log WHERE seq = ?", p,
			     1, &r, e);
	if (rc)
		return rc;
	if (store_res_rows(r) != 1) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "记录不存在");
	}
	snprintf(hash, AUDIT_HASH_HEX, "%s", store_res_text(r, 0, 0));
	store_res_free(r);
	return 0;
}

int audit_store_page(store *s, int64_t after, int limit, store_res **out,
		     err *e)
{
	store_param p[] = { SP_I(after), SP_I(limit) };
	return store_query(s,
			   "SELECT seq, at, actor, action, target, region_code,"
			   " ip, detail, prev_hash, hash FROM audit_log"
			   " WHERE seq > ? ORDER BY seq LIMIT ?",
			   p, 2, out, e);
}

const store_col audit_store_view_cols[] = {
	STORE_I64(0, audit_view_row, a.seq),
	STORE_I64(1, audit_view_row, a.at),
	STORE_STR(2, audit_view_row, a.actor),
	STORE_STR(3, audit_view_row, a.action),
	STORE_STR(4, audit_view_row, a.target),
	STORE_STR(5, audit_view_row, a.region_code),
	STORE_STR(6, audit_view_row, a.ip),
	STORE_STR(7, audit_view_row, a.detail),
	STORE_STR(8, audit_view_row, region_name),
	STORE_STR(9, audit_view_row, actor_name),
	STORE_COLS_END,
};

#define AUDIT_VIEW_WHERE                                                    \
	" WHERE l.region_code >= ? AND l.region_code < ?"                    \
	" AND (CAST(? AS TEXT) IS NULL OR l.action = ?)"                     \
	" AND (CAST(? AS TEXT) IS NULL OR l.actor = ?)"                      \
	" AND (? = 0 OR l.at >= ?) AND (? = 0 OR l.at < ?)"

int audit_store_view(store *s, const audit_filter *f, int64_t offset,
		     int limit, store_res **out, int64_t *total, err *e)
{
	store_param p[] = { SP_S(f->lo),     SP_S(f->hi),     SP_S(f->action),
			    SP_S(f->action), SP_S(f->actor),  SP_S(f->actor),
			    SP_I(f->from),   SP_I(f->from),   SP_I(f->to),
			    SP_I(f->to),     SP_I(limit),     SP_I(offset) };
	int rc = store_query_int(s,
				 "SELECT count(*) FROM audit_log l"
				 AUDIT_VIEW_WHERE,
				 p, 10, total, e);
	if (rc)
		return rc;
	return store_query(s,
			   "SELECT l.seq, l.at, l.actor, l.action, l.target,"
			   " l.region_code, l.ip, l.detail,"
			   " coalesce(r.name, ''), coalesce(u.display_name, '')"
			   " FROM audit_log l"
			   " LEFT JOIN regions r ON r.code = l.region_code"
			   " LEFT JOIN users u ON u.username = l.actor"
			   AUDIT_VIEW_WHERE " ORDER BY l.seq DESC LIMIT ? OFFSET ?",
			   p, 12, out, e);
}

int audit_store_list(store *s, const char *lo, const char *hi,
		     const char *action, int64_t offset, int limit,
		     store_res **out, int64_t *total, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(action), SP_S(action),
			    SP_I(limit), SP_I(offset) };
	int rc = store_query_int(s,
				 "SELECT count(*) FROM audit_log"
				 " WHERE region_code >= ? AND region_code < ?"
				 " AND (CAST(? AS TEXT) IS NULL OR action = ?)",
				 p, 4, total, e);
	if (rc)
		return rc;
	return store_query(s,
			   "SELECT seq, at, actor, action, target, region_code,"
			   " ip, detail FROM audit_log"
			   " WHERE region_code >= ? AND region_code < ?"
			   " AND (CAST(? AS TEXT) IS NULL OR action = ?)"
			   " ORDER BY seq DESC LIMIT ? OFFSET ?",
			   p, 6, out, e);
}
