/* store_backend — the table of operations each backend provides.
 * Internal to store/: nothing outside it includes this header. */
#ifndef GUANAI_STORE_BACKEND_H
#define GUANAI_STORE_BACKEND_H

#include <stddef.h>

#include "store/store_types.h"
#include "util/err.h"

typedef struct store_ops {
	store_kind kind;
	int (*open)(const char *url, store **out, err *e);
	void (*close)(store *s);
	/* Runs a script of several statements without parameters. */
	int (*exec_script)(store *s, const char *sql, err *e);
	int (*begin)(store *s, err *e);
	int (*begin_read)(store *s, err *e);
	int (*commit)(store *s, err *e);
	void (*rollback)(store *s);
	int (*exec)(store *s, const char *sql, const store_param *p, int np,
		    int64_t *changes, err *e);
	int (*query)(store *s, const char *sql, const store_param *p, int np,
		     store_res **out, err *e);
	/* store_change_mark; NULL when the backend cannot tell. */
	int (*change_mark)(store *s, store_mark *m);
	/* Optional (NULL: store.c runs the SQL as a query): store_insert_id
	 * and store_bulk. */
	int (*insert_id)(store *s, const char *sql, const store_param *p,
			 int np, int64_t *id, err *e);
	int (*bulk)(store *s, int on, int *alone, err *e);
	/* Optional (NULL: store.c runs `sql` as a query and waits): runs
	 * `sql`, a query of one row, within `timeout_ms`, for store_ping. */
	int (*ping)(store *s, const char *sql, int timeout_ms, err *e);
} store_ops;

/* Every backend's connection struct starts with this header. */
struct store {
	const store_ops *ops;
	int in_tx;
	/* store_hold: the transaction is held (1), and how many savepoints
	 * the work inside it has open */
	int held, depth;
	store_pool *pool;	/* the pool it belongs to, or NULL */
	const struct audit_key *audit_key;	/* store_set_audit_key */
};

/* A materialised result: rows*cols cells in row order, each NULL (SQL
 * NULL) or a NUL-terminated copy of the value.  The copies lie end to
 * end in one buffer (a list of twenty rows is one allocation, not five
 * hundred); a cell is its offset there, STORE_RES_NULL for NULL. */
#define STORE_RES_NULL ((size_t)-1)
struct store_res {
	int rows, cols;
	size_t ncells, cap;
	size_t *cells;
	char *text;
	size_t tlen, tcap;
};

/* An empty result of `cols` columns; backends fill it with store__res_push,
 * one cell at a time in row order (NULL `val` for SQL NULL). */
store_res *store__res_new(int cols);
void store__res_push(store_res *r, const char *val, size_t len);
/* Replaces one cell's value with `val` (not NULL). */
void store__res_set(store_res *r, int row, int col, const char *val);

extern const store_ops store__sqlite_ops;
extern const store_ops store__pg_ops;

#endif
