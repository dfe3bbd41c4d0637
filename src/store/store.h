/* store — the backend-neutral database layer.
 *
 * One `store` is one connection, owned by one thread at a time (see
 * store_pool).  Two backends sit behind it: SQLite (a file path, the
 * default) and PostgreSQL (a "postgresql://" or "postgres://" URL).
 *
 * SQL handed to store_exec/store_query is written once, in the portable
 * subset both engines accept, with `?` placeholders.  The PostgreSQL
 * backend rewrites `?` to `$1..$n` (outside quoted literals); nothing else
 * is translated.  Conventions that keep the SQL portable:
 *   - integers are BIGINT, booleans are 0/1 integers, instants are unix
 *     seconds (BIGINT), dates are 'YYYY-MM-DD' text;
 *   - INSERT … RETURNING and ON CONFLICT … DO NOTHING/UPDATE are fine on both;
 *   - no engine-specific functions; string concatenation with ||;
 *   - a parameter tested for NULL is cast: `CAST(? AS TEXT) IS NULL`
 *     (PostgreSQL cannot type a bare `? IS NULL`); integer parameters are
 *     bound as int8, so a function taking a 32-bit int needs CAST;
 *   - region codes are compared byte-wise (@CODE@ columns), other text
 *     ordering follows the database's collation.
 * After any error inside a transaction, roll it back: PostgreSQL aborts
 * the whole transaction, SQLite only the failed statement, so carrying on
 * works on one engine only.  Use ON CONFLICT instead of catching a
 * conflict and continuing.
 * Dialect lives only in the backend files and in store/migrate.c.
 *
 * The SQL text passed to store_exec/store_query must be a string constant
 * (static storage, never built at run time): backends cache prepared
 * statements by its address, and building SQL from input is forbidden
 * anyway. */
#ifndef GUANAI_STORE_H
#define GUANAI_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "store/store_types.h"
#include "util/err.h"

/* Opens a connection to `url` (file path or postgresql:// URL).  The caller
 * owns *out and frees it with store_close.  Errors: ERR_STORE. */
int store_open(const char *url, store **out, err *e);
void store_close(store *s);
store_kind store_kind_of(const store *s);

/* Fills *m; returns 0, or -1 when the backend cannot tell (PostgreSQL)
 * and nothing may be reused. */
int store_change_mark(store *s, store_mark *m);

/* True when `url` names a PostgreSQL server rather than a SQLite file. */
int store_url_is_pg(const char *url);

/* Brings the schema up to the newest version; safe to call on every start.
 * Runs in one transaction per migration.  Errors: ERR_STORE. */
int store_migrate(store *s, err *e);

/* Compares the triggers on audit_log and audit_head with those the
 * migrations made (on SQLite their SQL text; on PostgreSQL their
 * events, timing, function body and enabled state): *ok = 1 when they
 * are exactly those, else 0 and the first difference, in Chinese, in
 * `why`.  A dropped, disabled or altered trigger, or one added, is a
 * difference.  Errors: ERR_STORE. */
int store_migrate_check_guards(store *s, int *ok, char *why, size_t whysz,
			       err *e);

/* The audit key (domain/core/audit.h) a connection's audit entries are keyed
 * with: set once by whoever opened the connection, read by the audit log.
 * The store keeps the pointer only; the caller keeps the key alive until
 * the connection is closed. */
void store_set_audit_key(store *s, const struct audit_key *k);
const struct audit_key *store_audit_key(const store *s);

/* A unit of work on one connection, run inside a transaction by
 * store_tx, store_tx_read or store_batched: 0 or a negative ERR_* with
 * the detail in `e`. */
typedef int (*store_work)(store *s, void *arg, err *e);

/* Runs work(s, arg, e) in a write transaction (store_begin): commits
 * when the work returns 0, rolls back otherwise, so that either all of
 * its writes (and their audit entries) land or none does.  This is how
 * code outside store/ writes.  Returns the work's result, or the error of
 * store_begin or store_commit. */
int store_tx(store *s, store_work work, void *arg, err *e);

/* Runs work(s, arg, e) in a read-only transaction (store_begin_read):
 * everything it reads comes from one snapshot; always rolled back at the
 * end.  Returns the work's result or store_begin_read's error. */
int store_tx_read(store *s, store_work work, void *arg, err *e);

/* Transactions by hand, for the store itself and for work that commits
 * in steps of its own (a bulk import).  store_begin takes the write lock
 * at once (BEGIN IMMEDIATE on SQLite), so a transaction that starts never
 * fails later for lock upgrade.  store_rollback never fails and is a
 * no-op outside a transaction. */
int store_begin(store *s, err *e);
/* A read-only transaction: every query in it sees one snapshot of the
 * database, and it holds up no writer (SQLite: a deferred BEGIN, outside
 * the writers' gate; PostgreSQL: REPEATABLE READ, READ ONLY).  Ended by
 * store_commit or store_rollback.  Errors: ERR_STORE. */
int store_begin_read(store *s, err *e);
int store_commit(store *s, err *e);
void store_rollback(store *s);

/* Holds one write transaction around work that begins and commits its
 * own: inside it, store_begin and store_begin_read open a savepoint,
 * store_commit releases it and store_rollback rolls back to it (a
 * rollback outside any of them does nothing), so that the work keeps the
 * meaning it has alone — a part it rolls back is undone, the rest stays —
 * while everything it commits and whatever the holder writes beside it
 * commit together, or not at all: the stored answer of a write with an
 * Idempotency-Key and the write itself (domain/idem.h).
 * store_release(s, 1, e) commits the whole, store_release(s, 0, NULL)
 * undoes it (never fails).  Errors: ERR_STORE, ERR_INTERNAL when already
 * in a transaction. */
int store_hold(store *s, err *e);
int store_release(store *s, int commit, err *e);

/* Runs a statement that returns no rows.  *changes (may be NULL) receives
 * the number of rows changed.  Errors: ERR_CONFLICT on a unique or
 * foreign-key violation, ERR_STORE otherwise. */
int store_exec(store *s, const char *sql, const store_param *p, int np,
	       int64_t *changes, err *e);

/* Runs a query and materialises all its rows into *out, owned by the caller
 * (store_res_free).  Queries must bound their result (LIMIT) when the table
 * can be large.  Errors as store_exec. */
int store_query(store *s, const char *sql, const store_param *p, int np,
		store_res **out, err *e);

int store_res_rows(const store_res *r);
int store_res_cols(const store_res *r);

/* ---- rows through column descriptors ----
 * Outside store/, a query's row is read into a struct of its own, one
 * field per column, through a table that says which column goes to which
 * field and as what: the domain names fields, never column numbers.
 * Each *_store.h declares a query's row struct and its table beside the
 * function; the table is defined next to the SQL in the *_store.c, so
 * that the SELECT and the order of its columns are read in one place. */
typedef enum store_coltype {
	STORE_COL_END = 0,
	STORE_COL_STR,	/* const char *: the result's text, NULL for NULL */
	STORE_COL_BUF,	/* char[]: a copy, "" for NULL, cut to the size */
	STORE_COL_I64,	/* int64_t, 0 for NULL */
	STORE_COL_INT,	/* int, 0 for NULL */
	STORE_COL_ISNULL,	/* int: 1 when the column is NULL, else 0 */
} store_coltype;

typedef struct store_col {
	int col;		/* the result's column */
	store_coltype type;
	size_t off;		/* the field in the row struct */
	size_t size;		/* STORE_COL_BUF: the field's size */
} store_col;

/* A table's entries: column `c` into field `f` of struct type `T`.  A
 * field of the wrong size for its type does not compile. */
#define STORE__AT(T, f, n) \
	(offsetof(T, f) + 0 * sizeof(char[sizeof(((T *)0)->f) == (n) ? 1 : -1]))
#define STORE_STR(c, T, f) \
	{ (c), STORE_COL_STR, STORE__AT(T, f, sizeof(char *)), 0 }
#define STORE_BUF(c, T, f) \
	{ (c), STORE_COL_BUF, offsetof(T, f), sizeof(((T *)0)->f) }
#define STORE_I64(c, T, f) \
	{ (c), STORE_COL_I64, STORE__AT(T, f, sizeof(int64_t)), 0 }
#define STORE_INT(c, T, f) \
	{ (c), STORE_COL_INT, STORE__AT(T, f, sizeof(int)), 0 }
#define STORE_ISNULL(c, T, f) \
	{ (c), STORE_COL_ISNULL, STORE__AT(T, f, sizeof(int)), 0 }
#define STORE_COLS_END { -1, STORE_COL_END, 0, 0 }

/* Fills *out, a struct laid out as `cols` says (ended by
 * STORE_COLS_END), from row `row` of `r`.  STORE_COL_STR fields point
 * into `r`: valid until store_res_free(r).  A row out of range reads as
 * all NULL. */
void store_res_row(const store_res *r, int row, const store_col *cols,
		   void *out);

/* The row of a list of one text column (codes, hashes). */
typedef struct store_text_row {
	const char *text;
} store_text_row;
extern const store_col store_text_cols[];
/* The value as text, or NULL for SQL NULL.  Owned by the result. */
const char *store_res_text(const store_res *r, int row, int col);
/* The value as an integer (0 for NULL or non-numeric). */
int64_t store_res_int(const store_res *r, int row, int col);
int store_res_isnull(const store_res *r, int row, int col);
void store_res_free(store_res *r);

/* Convenience: runs a query expected to give one row with one integer
 * column; *out gets it.  No row is ERR_NOTFOUND. */
int store_query_int(store *s, const char *sql, const store_param *p, int np,
		    int64_t *out, err *e);

/* Runs an INSERT whose SQL ends in " RETURNING id" and gives the new
 * row's id in *id.  On SQLite the clause is left off and the id read from
 * the connection: RETURNING makes SQLite fill and drop a temporary table
 * for every row, which a bulk import would pay once per row.  PostgreSQL
 * runs the statement as written.  Pass that SQL constant to this call
 * only.  Errors as store_exec; ERR_INTERNAL when the SQL does not end so. */
int store_insert_id(store *s, const char *sql, const store_param *p, int np,
		    int64_t *id, err *e);

/* Tells the backend that a bulk load starts (on = 1) or ended (on = 0) on
 * this connection.  SQLite raises its page cache for the load, so that the
 * indexes of a large table stay in memory rather than being re-read for
 * every row, and gives the memory back when it ends; it also stops
 * checking foreign keys meanwhile: the caller checks every reference of
 * what it loads.  PostgreSQL does nothing.
 *
 * `alone` (when on; may be NULL) asks SQLite to hold the database file for
 * the load if no other connection, in this process or another, has it
 * open.  In WAL mode every page is written twice, to the WAL and then to
 * the file; alone, SQLite leaves WAL for a rollback journal until the load
 * ends and writes each page once.  *alone = 1 when it did: the caller then
 * writes the whole load in one transaction (it holds the write lock
 * throughout anyway, and intermediate commits would only rewrite the same
 * index pages).  Meanwhile another process can still read between the
 * load's writes but cannot open the database to write: a server started
 * during the load fails with "database is locked".  Errors: ERR_STORE. */
int store_bulk(store *s, int on, int *alone, err *e);

/* A fixed-size pool of connections to one database, shared by the HTTP
 * worker threads: each request borrows one connection and gives it back. */
int store_pool_new(const char *url, int size, store_pool **out, err *e);
void store_pool_free(store_pool *pool);
store *store_pool_get(store_pool *pool);	/* blocks until one is free */
void store_pool_put(store_pool *pool, store *s);
/* store_set_audit_key on every connection of the pool. */
void store_pool_set_audit_key(store_pool *pool, const struct audit_key *k);

/* How the pool is used, for /metrics: its size, connections lent out
 * now, and how many borrowers had to wait for one since it opened. */
typedef struct store_pool_stats {
	int size, in_use;
	uint64_t waits;
} store_pool_stats;
void store_pool_stats_of(store_pool *pool, store_pool_stats *out);

/* Whether the database answers: a cheap read of a real table (not just
 * the engine: SQLite answers SELECT 1 without its file), outside any
 * transaction.  On PostgreSQL the read, and the reconnect a broken
 * connection needs first, wait at most `timeout_ms`; a connection that
 * ran out of time is dropped and made anew on its next use.  Errors:
 * ERR_UNAVAILABLE "db_timeout" past the time, ERR_STORE otherwise. */
int store_ping(store *s, int timeout_ms, err *e);

/* The size in bytes of a SQLite database's write-ahead log (the -wal
 * file beside it; 0 when there is none).  ERR_INVALID for PostgreSQL,
 * whose log is the server's own. */
int store_wal_bytes(const char *url, int64_t *bytes, err *e);

/* Runs work(s, arg, e) in a transaction and commits it.  A connection of
 * a pool may share that transaction with the work other threads bring
 * meanwhile (one commit for all: "group commit"), run on whichever
 * connection leads; the work must write through the store it is given.
 * Returns when its transaction is committed, with the work's own result:
 * if any work of a shared transaction fails, each is run again alone. */
int store_batched(store *s, store_work work, void *arg, err *e);

#endif
