/* The SQLite backend: one file, WAL journal, one connection per store.
 *
 * Prepared statements are cached per connection, keyed by the SQL text
 * pointer: every SQL string in store/ is a constant, so the pointer names
 * the statement and the cache never grows beyond the number of distinct
 * statements in the program.  The cache is probed a few slots from the
 * pointer's hash: with one slot per hash, two statements of one request
 * (reading a record and auditing it) that hashed alike evicted each
 * other, and every request prepared both again — a third of its time. */
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_backend.h"
#include "util/mem.h"

#define SQLITE_STMT_CACHE 1024
#define SQLITE_STMT_PROBE 8

/* Page cache per connection, in KiB (negative for cache_size): 64 MiB
 * normally (allocated as used), so that index pages of a province-sized
 * table stay in memory instead of being re-read; more during a bulk load,
 * whose random-order index inserts (ID numbers) touch every page of the
 * indexes: a million children's indexes fit in 1 GiB. */
#define SQLITE_CACHE_KIB 65536
#define SQLITE_BULK_CACHE_KIB 1048576
/* How long a writer waits for another (SQLite's busy timeout, and the
 * gate's wait). */
#define SQLITE_BUSY_MS 5000
/* The WAL is copied back into the database every SQLITE_CK_PAGES pages
 * of it, and started over once it has grown to SQLITE_WAL_MAX_PAGES
 * (64 MiB of 4 KiB pages). */
#define SQLITE_CK_PAGES 1000
#define SQLITE_WAL_MAX_PAGES 16000

#define STR_(x) #x
#define STR(x) STR_(x)

typedef struct sq_cached {
	const char *sql;
	int len;		/* bytes of sql prepared: -1 for all of it */
	sqlite3_stmt *stmt;
} sq_cached;

/* Writers of one database file inside this process queue on a mutex (a
 * gate) before they take SQLite's write lock.  Left to meet on that lock
 * they waited in its busy handler, which sleeps 1, 2, 5 … 100 ms between
 * tries: under load (every audited read is a write) a writer slept on
 * long after the lock was free, and the slowest answers took ten times
 * the median.  The gate wakes the next writer as soon as it is free.
 * Other processes (the CLI beside a server) still meet on the busy
 * timeout. */
typedef struct sq_gate {
	struct sq_gate *next;
	char *path;
	int refs;
	pthread_mutex_t mu;
	/* The file's checkpointer (ck_main): a thread with its own
	 * connection, started when a commit first asks for a checkpoint;
	 * ck_seen is the size of the WAL, in frames, at its last one. */
	pthread_mutex_t ck_mu;
	pthread_cond_t ck_cv;
	pthread_t ck;
	int ck_running, ck_want, ck_stop, ck_seen;
} sq_gate;

static pthread_mutex_t gates_mu = PTHREAD_MUTEX_INITIALIZER;
static sq_gate *gates;

typedef struct sq_store {
	struct store base;
	sqlite3 *db;
	sq_gate *gate;		/* NULL for a database without a file */
	int in_gate;		/* this connection holds its gate */
	int wal_pages;		/* frames in the WAL, if past ck_pages */
	int ck_pages;
	int alone;		/* store_bulk: out of WAL for a load */
	uint64_t serial;	/* for store_change_mark */
	sq_cached cache[SQLITE_STMT_CACHE];
} sq_store;

/* The checkpointer's busy handler, for a restart: waits some 2 ms for
 * readers to leave older snapshots, then gives up until the next. */
static int ck_busy(void *arg, int n)
{
	(void)arg;
	struct timespec pause = { 0, 100000 };
	return n < 20 && nanosleep(&pause, NULL) == 0;
}

/* The checkpointer's connection, or NULL.  A connection learns that the
 * file is in WAL mode when it first reads it: until then it would not
 * checkpoint. */
static sqlite3 *ck_open(const char *path)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK ||
	    sqlite3_exec(db, "SELECT 1 FROM sqlite_schema", NULL, NULL,
			 NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_handler(db, ck_busy, NULL);
	return db;
}

/* Copying the WAL back into the database file takes milliseconds (most
 * of it the file's fsync), and a commit asks for it every 1000 pages of
 * WAL: some 30 times a second under a load of audited reads.  Run by
 * the committing thread, inside the batch of audit entries it led, it
 * held up every audited read meanwhile, and it was most of the slowest
 * answers' time.  One thread per file runs them instead, on its own
 * connection, one at a time: asks that arrive meanwhile make one more.
 *
 * SQLite starts the WAL over only when a writer begins with all of it
 * copied back and no reader left on an older snapshot; with writers
 * never pausing that moment does not come, and the WAL would grow
 * without end.  So once it is past SQLITE_WAL_MAX_PAGES, the
 * checkpointer holds the gate (writers of this process wait) for one
 * more checkpoint that waits for readers: it has only the pages written
 * since to copy, and the next writer starts the WAL over. */
static void *ck_main(void *arg)
{
	sq_gate *g = arg;
	sqlite3 *db = NULL;
	pthread_mutex_lock(&g->ck_mu);
	for (;;) {
		while (!g->ck_want && !g->ck_stop)
			pthread_cond_wait(&g->ck_cv, &g->ck_mu);
		if (g->ck_stop)
			break;
		g->ck_want = 0;
		pthread_mutex_unlock(&g->ck_mu);
		if (!db)
			db = ck_open(g->path);
		int pages = 0;
		if (db)
			sqlite3_wal_checkpoint_v2(db, NULL,
						  SQLITE_CHECKPOINT_PASSIVE,
						  &pages, NULL);
		if (db && pages >= SQLITE_WAL_MAX_PAGES) {
			pthread_mutex_lock(&g->mu);
			sqlite3_wal_checkpoint_v2(db, NULL,
						  SQLITE_CHECKPOINT_RESTART,
						  NULL, NULL);
			pthread_mutex_unlock(&g->mu);
		}
		pthread_mutex_lock(&g->ck_mu);
		g->ck_seen = pages;
	}
	pthread_mutex_unlock(&g->ck_mu);
	sqlite3_close(db);
	return NULL;
}

/* Asks the file's checkpointer for a checkpoint of a WAL of `pages`
 * frames, if `every` frames have been added since its last one (or the
 * WAL has started over); starts the checkpointer if need be.  Until
 * SQLite can start the WAL over, every commit finds it past the
 * threshold: asking each time kept a core busy checkpointing nothing,
 * and behind a long reader (an export) the gate would be held for
 * restarts most of the time.  If no thread can be started, the caller
 * checkpoints itself (0). */
static int ck_ask(sq_gate *g, int pages, int every)
{
	int ok = 1;
	pthread_mutex_lock(&g->ck_mu);
	if (pages < g->ck_seen || pages - g->ck_seen >= every) {
		if (!g->ck_running) {
			g->ck_stop = 0;
			g->ck_running = pthread_create(&g->ck, NULL, ck_main,
						       g) == 0;
			ok = g->ck_running;
		}
		g->ck_want = 1;
		pthread_cond_signal(&g->ck_cv);
	}
	pthread_mutex_unlock(&g->ck_mu);
	return ok;
}

/* Stops the checkpointer and closes its connection (it may be started
 * again by the next ask). */
static void ck_stop(sq_gate *g)
{
	pthread_mutex_lock(&g->ck_mu);
	int running = g->ck_running;
	g->ck_stop = 1;
	g->ck_want = 0;
	g->ck_running = 0;
	pthread_cond_signal(&g->ck_cv);
	pthread_mutex_unlock(&g->ck_mu);
	if (running)
		pthread_join(g->ck, NULL);
}

static sq_gate *gate_get(const char *path)
{
	if (!path || !*path)
		return NULL;
	pthread_mutex_lock(&gates_mu);
	sq_gate *g = gates;
	while (g && strcmp(g->path, path) != 0)
		g = g->next;
	if (!g) {
		g = xcalloc(1, sizeof *g);
		g->path = xstrdup(path);
		pthread_mutex_init(&g->mu, NULL);
		pthread_mutex_init(&g->ck_mu, NULL);
		pthread_cond_init(&g->ck_cv, NULL);
		g->next = gates;
		gates = g;
	}
	g->refs++;
	pthread_mutex_unlock(&gates_mu);
	return g;
}

static void gate_put(sq_gate *g)
{
	if (!g)
		return;
	pthread_mutex_lock(&gates_mu);
	if (--g->refs == 0) {
		sq_gate **pp = &gates;
		while (*pp != g)
			pp = &(*pp)->next;
		*pp = g->next;
		ck_stop(g);
		pthread_mutex_destroy(&g->ck_mu);
		pthread_cond_destroy(&g->ck_cv);
		pthread_mutex_destroy(&g->mu);
		free(g->path);
		free(g);
	}
	pthread_mutex_unlock(&gates_mu);
}

/* Enters the connection's gate, waiting as long as SQLite's busy timeout
 * would: a thread that holds a transaction on another connection to the
 * same file gets "busy" rather than a deadlock. */
static int gate_enter(sq_store *s)
{
	if (!s->gate || s->in_gate)
		return 0;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += SQLITE_BUSY_MS / 1000;
	if (pthread_mutex_timedlock(&s->gate->mu, &until) != 0)
		return -1;
	s->in_gate = 1;
	return 0;
}

/* Leaves the gate, then has the WAL checkpointed if the last commit
 * asked for it: by the file's checkpointer, or failing that here,
 * outside the gate, so that copying the WAL into the database file (and
 * its fsync) holds up no other writer.  A passive checkpoint waits for
 * no one either. */
static void gate_leave(sq_store *s)
{
	if (!s->in_gate)
		return;
	s->in_gate = 0;
	pthread_mutex_unlock(&s->gate->mu);
	if (s->wal_pages) {
		int pages = s->wal_pages;
		s->wal_pages = 0;
		if (!ck_ask(s->gate, pages, s->ck_pages))
			sqlite3_wal_checkpoint_v2(s->db, NULL,
						  SQLITE_CHECKPOINT_PASSIVE,
						  NULL, NULL);
	}
}

/* Replaces SQLite's automatic checkpoint (at the same 1000 pages), which
 * would run inside the committing writer's gate. */
static int on_wal(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)db;
	(void)name;
	sq_store *s = arg;
	if (pages >= s->ck_pages)
		s->wal_pages = pages;
	return SQLITE_OK;
}

static int sq_fail(sq_store *s, int rc, err *e)
{
	int ext = sqlite3_extended_errcode(s->db);
	if (rc == SQLITE_CONSTRAINT &&
	    (ext == SQLITE_CONSTRAINT_UNIQUE ||
	     ext == SQLITE_CONSTRAINT_PRIMARYKEY ||
	     ext == SQLITE_CONSTRAINT_FOREIGNKEY))
		return err_set(e, ERR_CONFLICT, "conflict",
			       "数据冲突：记录已存在或已被他人修改，请刷新后重试");
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return err_set(e, ERR_UNAVAILABLE, "busy",
			       "数据库忙，请稍后再试");
	err_set(e, ERR_STORE, "store_error", "数据库错误: %s",
		sqlite3_errmsg(s->db));
	/* What this connection read of a damaged file (a page of zeros, an
	 * empty schema from a file cut to nothing) stays in its cache: in
	 * WAL mode SQLite trusts the cache while the wal-index does not
	 * change, so a file repaired under a running server was never read
	 * again ("not a database", "no such table" until a restart).  After
	 * such an error the cache goes, and the next statement reads the
	 * file (and its schema) again. */
	sqlite3_db_release_memory(s->db);
	return ERR_STORE;
}

/* SQLite's allocation statistics take a process-wide mutex around every
 * allocation, and nothing here reads them: off, before SQLite starts (a
 * bulk import allocates on one thread while its reader thread runs, and
 * that mutex cost a few per cent of it).  Once per process; a no-op if
 * SQLite was started already. */
static pthread_once_t sq_config_once = PTHREAD_ONCE_INIT;

static void sq_config(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/* A new database file is made 0600 before SQLite opens it: children's
 * records are for the server's user alone, and SQLite would make it
 * 0644 (under the usual umask).  Its WAL and shared-memory files take
 * the database file's mode.  An existing file keeps its mode. */
static void sq_create_private(const char *path)
{
	if (!*path || strcmp(path, ":memory:") == 0 ||
	    strncmp(path, "file:", 5) == 0)
		return;
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (fd >= 0)
		close(fd);
}

static int sq_open(const char *url, store **out, err *e)
{
	pthread_once(&sq_config_once, sq_config);
	sq_create_private(url);
	sq_store *s = xcalloc(1, sizeof *s);
	s->base.ops = &store__sqlite_ops;
	int rc = sqlite3_open_v2(url, &s->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					 SQLITE_OPEN_NOMUTEX,
				 NULL);
	if (rc != SQLITE_OK) {
		err_set(e, ERR_STORE, "store_open", "无法打开数据库 %s: %s",
			url, s->db ? sqlite3_errmsg(s->db) : "内存不足");
		sqlite3_close(s->db);
		free(s);
		return ERR_STORE;
	}
	/* A writer waits up to 5 s for another; WAL lets readers proceed.
	 * synchronous=FULL: every commit syncs the WAL before it is
	 * acknowledged, so a power cut loses nothing the server answered
	 * for.  NORMAL syncs only at checkpoints and could lose the last
	 * commits; group commit (store_batched) shares one sync among the
	 * transactions that wait meanwhile (cost measured: docs/BACKUP.md). */
	sqlite3_busy_timeout(s->db, SQLITE_BUSY_MS);
	const char *pragmas = "PRAGMA journal_mode=WAL;"
			      "PRAGMA synchronous=FULL;"
			      "PRAGMA foreign_keys=ON;"
			      "PRAGMA temp_store=MEMORY;"
			      "PRAGMA cache_size=-" STR(SQLITE_CACHE_KIB) ";";
	char *msg = NULL;
	if (sqlite3_exec(s->db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_STORE, "store_open", "无法设置数据库: %s",
			msg ? msg : "?");
		sqlite3_free(msg);
		sqlite3_close(s->db);
		free(s);
		return ERR_STORE;
	}
	static _Atomic uint64_t serials;
	s->serial = ++serials;
	s->ck_pages = SQLITE_CK_PAGES;
	s->gate = gate_get(sqlite3_db_filename(s->db, "main"));
	if (s->gate)
		sqlite3_wal_hook(s->db, on_wal, s);
	*out = &s->base;
	return 0;
}

static void sq_close(store *st)
{
	sq_store *s = (sq_store *)st;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	gate_leave(s);
	gate_put(s->gate);
	for (int i = 0; i < SQLITE_STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	free(s);
}

static int sq_exec_script(store *st, const char *sql, err *e)
{
	sq_store *s = (sq_store *)st;
	char *msg = NULL;
	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, ERR_STORE, "store_error", "数据库错误: %s",
			msg ? msg : "?");
		sqlite3_free(msg);
		return ERR_STORE;
	}
	return 0;
}

static int sq_simple(sq_store *s, const char *sql, err *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : sq_fail(s, rc, e);
}

static int sq_begin(store *st, err *e)
{
	sq_store *s = (sq_store *)st;
	if (gate_enter(s) != 0)
		return sq_fail(s, SQLITE_BUSY, e);
	int rc = sq_simple(s, "BEGIN IMMEDIATE", e);
	if (rc)
		gate_leave(s);
	return rc;
}

/* Deferred: the snapshot starts at the first read, and no write lock is
 * taken, so a long read (audit verify) holds up no writer. */
static int sq_begin_read(store *st, err *e)
{
	return sq_simple((sq_store *)st, "BEGIN", e);
}

/* A failed COMMIT may leave the transaction open: the gate is left when
 * the transaction ends, here or in the caller's rollback. */
static int sq_commit(store *st, err *e)
{
	sq_store *s = (sq_store *)st;
	int rc = sq_simple(s, "COMMIT", e);
	if (sqlite3_get_autocommit(s->db))
		gate_leave(s);
	return rc;
}

static void sq_rollback(store *st)
{
	sq_store *s = (sq_store *)st;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	gate_leave(s);
}

/* Finds or prepares the statement for the first `len` bytes of `sql`
 * (-1: all), bound to `p`. */
static int sq_prepare(sq_store *s, const char *sql, int len,
		      const store_param *p, int np, sqlite3_stmt **out, err *e)
{
	size_t h = ((uintptr_t)sql >> 3) % SQLITE_STMT_CACHE;
	sq_cached *c = NULL;
	for (size_t i = 0; i < SQLITE_STMT_PROBE; i++) {
		sq_cached *slot = &s->cache[(h + i) % SQLITE_STMT_CACHE];
		int same = slot->sql == sql && slot->len == len;
		if (same || (!slot->sql && !c))
			c = slot;
		if (same)
			break;
	}
	if (!c)	/* all taken by others: replace the first */
		c = &s->cache[h];
	if (c->sql != sql || c->len != len) {
		sqlite3_finalize(c->stmt);
		c->stmt = NULL;
		c->sql = NULL;
		int rc = sqlite3_prepare_v3(s->db, sql, len,
					    SQLITE_PREPARE_PERSISTENT,
					    &c->stmt, NULL);
		if (rc != SQLITE_OK)
			return sq_fail(s, rc, e);
		c->sql = sql;
		c->len = len;
	}
	sqlite3_stmt *st = c->stmt;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (np != sqlite3_bind_parameter_count(st))
		return err_set(e, ERR_INTERNAL, "internal",
			       "参数个数不符 (%d/%d)", np,
			       sqlite3_bind_parameter_count(st));
	for (int i = 0; i < np; i++) {
		int rc = SQLITE_OK;
		switch (p[i].t) {
		case SP_NULL:
			rc = sqlite3_bind_null(st, i + 1);
			break;
		case SP_INT:
			rc = sqlite3_bind_int64(st, i + 1, p[i].i);
			break;
		case SP_TEXT:
			rc = sqlite3_bind_text(st, i + 1, p[i].s, -1,
					       SQLITE_STATIC);
			break;
		}
		if (rc != SQLITE_OK)
			return sq_fail(s, rc, e);
	}
	*out = st;
	return 0;
}

/* Steps a bound statement to its end, its rows into `r` (when given).  A
 * write outside a transaction is a transaction of its own: it passes the
 * gate too. */
static int sq_step_all(sq_store *s, sqlite3_stmt *stmt, store_res *r)
{
	int gated = s->gate && !s->in_gate && sqlite3_get_autocommit(s->db) &&
		    !sqlite3_stmt_readonly(stmt);
	if (gated && gate_enter(s) != 0)
		return SQLITE_BUSY;
	int cols = r ? sqlite3_column_count(stmt) : 0, rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		for (int c = 0; c < cols; c++) {
			const unsigned char *v = sqlite3_column_text(stmt, c);
			store__res_push(r, (const char *)v,
					v ? (size_t)sqlite3_column_bytes(stmt, c)
					  : 0);
		}
	}
	if (gated)
		gate_leave(s);
	return rc;
}

static int sq_exec(store *st, const char *sql, const store_param *p, int np,
		   int64_t *changes, err *e)
{
	sq_store *s = (sq_store *)st;
	sqlite3_stmt *stmt;
	int rc = sq_prepare(s, sql, -1, p, np, &stmt, e);
	if (rc)
		return rc;
	if ((rc = sq_step_all(s, stmt, NULL)) != SQLITE_DONE) {
		rc = sq_fail(s, rc, e);
		sqlite3_reset(stmt);
		return rc;
	}
	if (changes)
		*changes = sqlite3_changes64(s->db);
	sqlite3_reset(stmt);
	return 0;
}

static int sq_query(store *st, const char *sql, const store_param *p, int np,
		    store_res **out, err *e)
{
	sq_store *s = (sq_store *)st;
	sqlite3_stmt *stmt;
	int rc = sq_prepare(s, sql, -1, p, np, &stmt, e);
	if (rc)
		return rc;
	store_res *r = store__res_new(sqlite3_column_count(stmt));
	if ((rc = sq_step_all(s, stmt, r)) != SQLITE_DONE) {
		rc = sq_fail(s, rc, e);
		sqlite3_reset(stmt);
		store_res_free(r);
		return rc;
	}
	sqlite3_reset(stmt);
	*out = r;
	return 0;
}

/* Other connections' commits move PRAGMA data_version, this one's
 * writes its count of changes: together they mark every change. */
static int sq_change_mark(store *st, store_mark *m)
{
	sq_store *s = (sq_store *)st;
	sqlite3_stmt *stmt;
	if (sq_prepare(s, "PRAGMA data_version", -1, NULL, 0, &stmt, NULL) != 0)
		return -1;
	int rc = sqlite3_step(stmt) == SQLITE_ROW ? 0 : -1;
	*m = (store_mark){ s->serial, (uint64_t)sqlite3_column_int64(stmt, 0),
			   (uint64_t)sqlite3_total_changes64(s->db) };
	sqlite3_reset(stmt);
	return rc;
}

/* store.c has checked that sql ends in " RETURNING id"; the statement is
 * prepared without it (see store_insert_id). */
static int sq_insert_id(store *st, const char *sql, const store_param *p,
			int np, int64_t *id, err *e)
{
	sq_store *s = (sq_store *)st;
	sqlite3_stmt *stmt;
	int len = (int)(strlen(sql) - strlen(" RETURNING id"));
	int rc = sq_prepare(s, sql, len, p, np, &stmt, e);
	if (rc)
		return rc;
	rc = sq_step_all(s, stmt, NULL);
	if (rc != SQLITE_DONE) {
		rc = sq_fail(s, rc == SQLITE_ROW ? SQLITE_MISUSE : rc, e);
		sqlite3_reset(stmt);
		return rc;
	}
	*id = sqlite3_last_insert_rowid(s->db);
	sqlite3_reset(stmt);
	return 0;
}

/* The database file to this connection alone for a load (store_bulk): 1
 * when no other connection (but the checkpointer's, closed here) has it
 * open, so SQLite could leave WAL.  An open connection, idle or not,
 * holds the WAL's shared lock, and SQLite then answers "busy" at once:
 * the busy timeout is set aside meanwhile, as no wait would end it. */
static int take_alone(sq_store *s)
{
	int refs = 0;
	pthread_mutex_lock(&gates_mu);
	refs = s->gate ? s->gate->refs : 0;
	pthread_mutex_unlock(&gates_mu);
	if (refs != 1 || !sqlite3_get_autocommit(s->db))
		return 0;
	ck_stop(s->gate);	/* its connection holds the lock too */
	sqlite3_stmt *st;
	int ok = 0;
	sqlite3_busy_timeout(s->db, 0);
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode=DELETE", -1, &st,
			       NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *m = sqlite3_column_text(st, 0);
		ok = m && strcmp((const char *)m, "delete") == 0;
	}
	sqlite3_finalize(st);
	sqlite3_busy_timeout(s->db, SQLITE_BUSY_MS);
	return ok;
}

/* A bulk load checks every row's references itself (an import resolves
 * each village for the actor before it writes a row), so SQLite's
 * per-row foreign key lookups are left off while it runs.
 * During a bulk load the WAL is also copied back into the database less
 * often: every commit of a load rewrites most index pages, and copying
 * them after each commit (at 1000 pages) wrote and synced them all
 * again.  At the end the WAL is copied back and truncated.  (The
 * threshold is on_wal's: PRAGMA wal_autocheckpoint would replace it
 * with SQLite's own hook, which checkpoints inside the gate.)  A load
 * alone (take_alone) has no WAL until it ends. */
static int sq_bulk(store *st, int on, int *alone, err *e)
{
	sq_store *s = (sq_store *)st;
	s->ck_pages = on ? 65536 : SQLITE_CK_PAGES;
	if (on && alone)
		*alone = s->alone = take_alone(s);
	int rc = sq_simple(s,
			   on ? "PRAGMA foreign_keys=OFF;"
				"PRAGMA cache_size=-" STR(SQLITE_BULK_CACHE_KIB) ";"
			      : "PRAGMA foreign_keys=ON;"
				"PRAGMA cache_size=-" STR(SQLITE_CACHE_KIB) ";",
			   e);
	if (!on && s->alone) {
		/* Back to WAL; every open asks for it too (sq_open), so a
		 * failure here is mended by the next connection. */
		s->alone = 0;
		sqlite3_exec(s->db, "PRAGMA journal_mode=WAL", NULL, NULL,
			     NULL);
	} else if (!on && rc == 0) {
		rc = sq_simple(s, "PRAGMA wal_checkpoint(TRUNCATE);", e);
	}
	return rc;
}

const store_ops store__sqlite_ops = {
	.kind = STORE_SQLITE,
	.open = sq_open,
	.close = sq_close,
	.exec_script = sq_exec_script,
	.begin = sq_begin,
	.begin_read = sq_begin_read,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.query = sq_query,
	.change_mark = sq_change_mark,
	.insert_id = sq_insert_id,
	.bulk = sq_bulk,
};
