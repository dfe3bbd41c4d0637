#include "store/export_store.h"

#define EXPORT_COLS                                                          \
	"x.id, x.kind, x.filters, x.purpose, x.region_code, x.scope_code,"   \
	" x.row_count, x.requester_id, x.requester, x.requester_role, x.state,"   \
	" x.requested_at, x.decided_by, x.decided_at, x.reason,"            \
	" x.expires_at, x.downloaded_at, r.name"

const store_col export_store_cols[] = {
	STORE_I64(0, export_row, id),
	STORE_STR(1, export_row, kind),
	STORE_STR(2, export_row, filters),
	STORE_STR(3, export_row, purpose),
	STORE_STR(4, export_row, region),
	STORE_STR(5, export_row, scope),
	STORE_I64(6, export_row, rows),
	STORE_I64(7, export_row, requester_id),
	STORE_STR(8, export_row, requester),
	STORE_STR(9, export_row, requester_role),
	STORE_STR(10, export_row, state),
	STORE_I64(11, export_row, requested_at),
	STORE_STR(12, export_row, decided_by),
	STORE_ISNULL(12, export_row, undecided),
	STORE_I64(13, export_row, decided_at),
	STORE_STR(14, export_row, reason),
	STORE_I64(15, export_row, expires_at),
	STORE_I64(16, export_row, downloaded_at),
	STORE_STR(17, export_row, region_name),
	STORE_COLS_END,
};
#define EXPORT_FROM                                                          \
	" FROM export_requests x LEFT JOIN regions r ON r.code = x.region_code"

int export_store_insert(store *s, const export_store_new *n, int64_t *id,
			err *e)
{
	store_param p[] = { SP_S(n->kind),	 SP_S(n->filters),
			    SP_S(n->purpose),	 SP_S(n->region),
			    SP_S(n->scope),	 SP_I(n->rows),
			    SP_I(n->requester_id), SP_S(n->requester),
			    SP_S(n->requester_role), SP_I(n->at) };
	return store_insert_id(s,
			       "INSERT INTO export_requests (kind, filters,"
			       " purpose, region_code, scope_code, row_count,"
			       " requester_id, requester, requester_role,"
			       " requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?,"
			       " ?, ?) RETURNING id",
			       p, SP_COUNT(p), id, e);
}

int export_store_get(store *s, int64_t id, store_res **out, err *e)
{
	store_param p[] = { SP_I(id) };
	return store_query(s, "SELECT " EXPORT_COLS EXPORT_FROM " WHERE x.id = ?",
			   p, 1, out, e);
}

int export_store_mine(store *s, int64_t requester, store_res **out, err *e)
{
	store_param p[] = { SP_I(requester) };
	return store_query(s,
			   "SELECT " EXPORT_COLS EXPORT_FROM
			   " WHERE x.requester_id = ? ORDER BY x.id DESC"
			   " LIMIT 200",
			   p, 1, out, e);
}

int export_store_for(store *s, const char *lo, const char *hi,
		     const char *role, store_res **out, err *e)
{
	store_param p[] = { SP_S(lo), SP_S(hi), SP_S(role) };
	return store_query(s,
			   "SELECT " EXPORT_COLS EXPORT_FROM
			   " WHERE x.scope_code >= ? AND x.scope_code < ?"
			   " AND x.requester_role = ? ORDER BY x.id DESC"
			   " LIMIT 200",
			   p, 3, out, e);
}

int export_store_decide(store *s, int64_t id, const char *state,
			const char *by, int64_t at, const char *reason,
			int64_t expires_at, int64_t *changed, err *e)
{
	store_param p[] = { SP_S(state), SP_S(by), SP_I(at), SP_S(reason),
			    expires_at ? SP_I(expires_at) : SP_NULLV,
			    SP_I(id) };
	return store_exec(s,
			  "UPDATE export_requests SET state = ?, decided_by = ?,"
			  " decided_at = ?, reason = ?, expires_at = ?"
			  " WHERE id = ? AND state = 'pending'",
			  p, SP_COUNT(p), changed, e);
}

int export_store_downloaded(store *s, int64_t id, int64_t at,
			    int64_t *changed, err *e)
{
	store_param p[] = { SP_I(at), SP_I(id), SP_I(at) };
	return store_exec(s,
			  "UPDATE export_requests SET state = 'downloaded',"
			  " downloaded_at = ? WHERE id = ? AND state = 'approved'"
			  " AND expires_at > ?",
			  p, SP_COUNT(p), changed, e);
}
