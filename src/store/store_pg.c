/* The PostgreSQL backend: one libpq connection per store.
 *
 * Statements go through PQexecParams with every parameter in text form, so
 * the server parses each statement per call; what we save is our own
 * rewrite of `?` to `$n`, cached per connection.  The cache is keyed by the
 * SQL pointer (every SQL string in store/ is a constant, so the pointer
 * names the statement) and checked against a copy of the text, so a
 * caller that reuses a buffer for different SQL still gets the right
 * statement.
 *
 * The behaviour mirrors the SQLite backend wherever the engines differ:
 * boolean results come back as 1/0, COMMIT after a failed statement is an
 * error rather than a silent rollback, lock waits that end in a deadlock
 * are "busy" like SQLITE_BUSY. */
#include "store/store_pg.h"

#include <errno.h>
#include <inttypes.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_backend.h"
#include "util/mem.h"

/* Type OIDs are fixed in PostgreSQL's catalog and never change between
 * versions; libpq-fe.h does not define them. */
#define PG_BOOLOID 16
#define PG_INT8OID 20

#define PG_MAX_PARAMS 65535

/* Slots in the per-connection rewrite cache (a power of two), and how many
 * neighbouring slots a statement may land in before one is evicted. */
#define PG_SQL_CACHE_BITS 9
#define PG_SQL_CACHE (1 << PG_SQL_CACHE_BITS)
#define PG_SQL_PROBE 8

/* Parameters up to this count are formatted on the stack. */
#define PG_STACK_PARAMS 16

/* How long a connect may take when the URL does not say. */
#define PG_CONNECT_TIMEOUT "10"

typedef struct pg_sql {
	const char *key;	/* the caller's pointer: identity only */
	size_t len;		/* strlen of the caller's text */
	char *text;		/* copy of the caller's text, then the rewrite */
	const char *sql;	/* the rewritten text, inside `text` */
	int nparams;
} pg_sql;

typedef struct pg_store {
	struct store base;
	PGconn *conn;
	int doomed;		/* the server said FATAL: the session is over */
	unsigned evict;		/* round-robin victim among a full probe run */
	pg_sql cache[PG_SQL_CACHE];
} pg_store;

/* ---- placeholder rewriting ---- */

static int pg_ident_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '$' || c >= 0x80;
}

/* Past the quoted run opening at `p` (a ' or a "); the quote doubled is an
 * escaped quote, and in E'…' so is a backslash before anything. */
static const char *pg_skip_quoted(const char *p, int backslash)
{
	char q = *p++;
	while (*p) {
		if (backslash && *p == '\\' && p[1]) {
			p += 2;
		} else if (*p == q) {
			if (p[1] != q)
				return p + 1;
			p += 2;
		} else {
			p++;
		}
	}
	return p;
}

/* Past the block comment opening at `p`; PostgreSQL nests them. */
static const char *pg_skip_block_comment(const char *p)
{
	int depth = 0;
	while (*p) {
		if (p[0] == '/' && p[1] == '*') {
			depth++;
			p += 2;
		} else if (p[0] == '*' && p[1] == '/') {
			p += 2;
			if (--depth == 0)
				return p;
		} else {
			p++;
		}
	}
	return p;
}

static int pg_put(char *out, size_t outsz, size_t *o, const char *s, size_t n)
{
	if (outsz - *o <= n)	/* keep room for the NUL */
		return ERR_TOOBIG;
	memcpy(out + *o, s, n);
	*o += n;
	return 0;
}

int store__pg_rewrite(const char *sql, char *out, size_t outsz)
{
	size_t o = 0;
	int max = 0;
	const char *p = sql;
	if (outsz == 0)
		return ERR_TOOBIG;
	while (*p) {
		const char *start = p;
		if (*p == '\'') {
			/* E'…' only when the E is a word of its own: in
			 * ONE'x' the E ends an identifier. */
			int esc = p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
				  !(p - 1 > sql &&
				    pg_ident_char((unsigned char)p[-2]));
			p = pg_skip_quoted(p, esc);
		} else if (*p == '"') {
			p = pg_skip_quoted(p, 0);
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			p = pg_skip_block_comment(p);
		} else if (*p == '?') {
			long n;
			p++;
			if (*p >= '0' && *p <= '9') {
				n = 0;
				while (*p >= '0' && *p <= '9') {
					n = n * 10 + (*p++ - '0');
					if (n > PG_MAX_PARAMS)
						return ERR_INVALID;
				}
				if (n == 0)
					return ERR_INVALID;
			} else {
				n = max + 1;
				if (n > PG_MAX_PARAMS)
					return ERR_INVALID;
			}
			if (n > max)
				max = (int)n;
			char num[16];
			int len = snprintf(num, sizeof num, "$%ld", n);
			if (pg_put(out, outsz, &o, num, (size_t)len))
				return ERR_TOOBIG;
			continue;
		} else {
			/* Plain text runs to the next character that may
			 * open one of the cases above. */
			p++;
			while (*p && !strchr("'\"-/?", *p))
				p++;
		}
		if (pg_put(out, outsz, &o, start, (size_t)(p - start)))
			return ERR_TOOBIG;
	}
	out[o] = '\0';
	return max;
}

/* Enough room for any rewrite of `sql` (see store_pg.h). */
static size_t pg_rewrite_bound(const char *sql, size_t len)
{
	size_t q = 0;
	for (const char *p = sql; (p = strchr(p, '?')); p++)
		q++;
	return len + 1 + 5 * q;
}

/* ---- errors ---- */

/* Copies libpq's message into `dst` on one line, without its trailing
 * newline, with every occurrence of `secret` (the password) masked.  A
 * message cut short is cut between characters: it ends up in JSON, which
 * must be valid UTF-8. */
static void pg_clean_msg(char *dst, size_t dstsz, const char *msg,
			 const char *secret)
{
	size_t slen = secret ? strlen(secret) : 0;
	size_t o = 0;
	if (!msg)
		msg = "";
	while (*msg && o + 1 < dstsz) {
		if (slen && strncmp(msg, secret, slen) == 0) {
			const char *mask = "***";
			for (; *mask && o + 1 < dstsz; mask++)
				dst[o++] = *mask;
			msg += slen;
			continue;
		}
		char c = *msg++;
		if (c == '\n' || c == '\t' || c == '\r')
			c = ' ';
		/* Collapse runs of whitespace the replacements make. */
		if (c == ' ' && (o == 0 || dst[o - 1] == ' '))
			continue;
		dst[o++] = c;
	}
	if (*msg) {
		/* Drop a character whose tail did not fit. */
		size_t lead = o;
		while (lead > 0 && ((unsigned char)dst[lead - 1] & 0xC0) == 0x80)
			lead--;
		if (lead > 0 && ((unsigned char)dst[lead - 1] & 0x80)) {
			unsigned char b = (unsigned char)dst[lead - 1];
			size_t need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
			if (o - (lead - 1) < need)
				o = lead - 1;
		}
	}
	while (o > 0 && dst[o - 1] == ' ')
		o--;
	dst[o] = '\0';
}

static int pg_conn_fail(PGconn *conn, const char *key, err *e)
{
	char msg[256];
	const char *pw = conn ? PQpass(conn) : NULL;
	pg_clean_msg(msg, sizeof msg, conn ? PQerrorMessage(conn) : "内存不足",
		     pw && *pw ? pw : NULL);
	return err_set(e, ERR_STORE, key, "无法连接数据库: %s", msg);
}

static int pg_sqlstate_is(const char *state, const char *code)
{
	return state && strcmp(state, code) == 0;
}

/* Turns a failed result (or a NULL one, when libpq itself failed) into an
 * error: constraint violations are ERR_CONFLICT, lock trouble is busy. */
static int pg_fail(pg_store *s, const PGresult *res, err *e)
{
	const char *state = NULL, *primary = NULL;
	if (res) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	}
	char msg[256];
	pg_clean_msg(msg, sizeof msg,
		     primary ? primary : PQerrorMessage(s->conn), NULL);
	if (pg_sqlstate_is(state, "23505") || pg_sqlstate_is(state, "23503") ||
	    pg_sqlstate_is(state, "23P01"))
		return err_set(e, ERR_CONFLICT, "conflict",
			       "数据冲突：记录已存在或已被他人修改，请刷新后重试");
	/* What SQLite reports as SQLITE_BUSY: a serialisation failure, a
	 * deadlock broken by the server, a lock not granted in time.
	 * Retrying the whole transaction can succeed. */
	if (pg_sqlstate_is(state, "40001") || pg_sqlstate_is(state, "40P01") ||
	    pg_sqlstate_is(state, "55P03"))
		return err_set(e, ERR_UNAVAILABLE, "busy",
			       "数据库忙，请稍后再试");
	return err_set(e, ERR_STORE, "store_error", "数据库错误: %s", msg);
}

/* ---- connection ---- */

/* Receives notices, and the errors a server sends an idle connection.
 * Ordinary notices (e.g. "relation already exists, skipping" from the
 * migrations) are dropped: nothing acts on them, and libpq's default would
 * print them to stderr.  A FATAL one is the server's goodbye (shutdown,
 * pg_terminate_backend) and may arrive well before the connection's EOF. */
static void pg_notice(void *arg, const PGresult *res)
{
	pg_store *s = arg;
	const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
	if (sev && (strcmp(sev, "FATAL") == 0 || strcmp(sev, "PANIC") == 0))
		s->doomed = 1;
}

/* Session settings every statement relies on.  Run after every connect,
 * including PQreset, which starts a new session with the defaults again.
 * standard_conforming_strings makes a backslash in '…' plain text, as the
 * rewriter and SQLite assume. */
static int pg_session_init(pg_store *s, err *e)
{
	PGresult *res = PQexec(s->conn, "SET TIME ZONE 'UTC';"
					"SET standard_conforming_strings = on;"
					"SET lock_timeout = '5s'");
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(s, res, e);
	PQclear(res);
	return rc;
}

/* Makes sure the connection works before a statement.  A broken one is
 * reset once, but never inside a transaction: the statements before the
 * break are gone with the old session, and carrying on in a new one would
 * commit the rest on its own. */
static int pg_ready(pg_store *s, err *e)
{
	/* A server that dropped this idle connection (restart, idle timeout,
	 * pg_terminate_backend) has sent a FATAL error, then EOF.  Reading
	 * and parsing what is waiting, which never blocks, notices either
	 * (pg_notice, or the status going bad), so the reset below saves the
	 * statement instead of the statement failing. */
	if (PQstatus(s->conn) == CONNECTION_OK && PQconsumeInput(s->conn))
		(void)PQisBusy(s->conn);
	if (PQstatus(s->conn) == CONNECTION_OK && !s->doomed)
		return 0;
	if (s->base.in_tx)
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 事务中数据库连接已断开");
	s->doomed = 0;
	PQreset(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK)
		return pg_conn_fail(s->conn, "store_error", e);
	return pg_session_init(s, e);
}

static void pg_cache_clear(pg_store *s)
{
	for (int i = 0; i < PG_SQL_CACHE; i++) {
		free(s->cache[i].text);
		memset(&s->cache[i], 0, sizeof s->cache[i]);
	}
}

static void pg_close(store *st)
{
	pg_store *s = (pg_store *)st;
	pg_cache_clear(s);
	PQfinish(s->conn);
	free(s);
}

static int pg_open(const char *url, store **out, err *e)
{
	/* Parse first: libpq's complaint about a malformed URL can quote a
	 * piece of it, and that piece may be the password. */
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	PQfreemem(perr);
	if (!opts)
		return err_set(e, ERR_STORE, "store_open",
			       "无法连接数据库: 连接地址格式错误");
	PQconninfoFree(opts);

	/* The URL is expanded where "dbname" stands: a connect_timeout in
	 * it overrides ours, and our client_encoding overrides its. */
	const char *const keys[] = { "connect_timeout", "dbname",
				     "client_encoding", NULL };
	const char *const vals[] = { PG_CONNECT_TIMEOUT, url, "UTF8", NULL };
	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(conn) != CONNECTION_OK) {
		int rc = pg_conn_fail(conn, "store_open", e);
		PQfinish(conn);
		return rc;
	}

	pg_store *s = xcalloc(1, sizeof *s);
	s->base.ops = &store__pg_ops;
	s->conn = conn;
	PQsetNoticeReceiver(conn, pg_notice, s);
	int rc = pg_session_init(s, e);
	if (rc) {
		pg_close(&s->base);
		return rc;
	}
	*out = &s->base;
	return 0;
}

/* ---- statements ---- */

/* The cached rewrite of `sql`, made on first use. */
static int pg_lookup(pg_store *s, const char *sql, const pg_sql **out, err *e)
{
	size_t len = strlen(sql);
	/* Fibonacci hashing: the product's top bits depend on every bit of
	 * the pointer, its low bits only on the (aligned) low ones. */
	size_t h = (size_t)(((uint64_t)(uintptr_t)sql * 0x9E3779B97F4A7C15ull) >>
			    (64 - PG_SQL_CACHE_BITS));
	pg_sql *slot = NULL;
	for (int i = 0; i < PG_SQL_PROBE; i++) {
		pg_sql *c = &s->cache[(h + (size_t)i) & (PG_SQL_CACHE - 1)];
		if (c->key == sql) {
			if (c->len == len && memcmp(c->text, sql, len) == 0) {
				*out = c;
				return 0;
			}
			slot = c;	/* same pointer, new text */
			break;
		}
		if (!c->key && !slot)
			slot = c;
	}
	if (!slot)
		slot = &s->cache[(h + s->evict++ % PG_SQL_PROBE) &
				 (PG_SQL_CACHE - 1)];

	size_t bound = pg_rewrite_bound(sql, len);
	char *text = xmalloc(len + 1 + bound);
	memcpy(text, sql, len + 1);
	int n = store__pg_rewrite(sql, text + len + 1, bound);
	if (n < 0) {
		free(text);
		return err_set(e, ERR_INTERNAL, "internal",
			       "SQL 参数编号无效");
	}
	free(slot->text);
	slot->key = sql;
	slot->len = len;
	slot->text = text;
	slot->sql = text + len + 1;
	slot->nparams = n;
	*out = slot;
	return 0;
}

/* Runs one statement; on success *out is its result (PGRES_COMMAND_OK or
 * PGRES_TUPLES_OK), which the caller clears. */
static int pg_run(pg_store *s, const char *sql, const store_param *p, int np,
		  PGresult **out, err *e)
{
	const pg_sql *c = NULL;
	int rc = pg_ready(s, e);
	if (rc == 0)
		rc = pg_lookup(s, sql, &c, e);
	if (rc)
		return rc;
	/* The same message as the SQLite backend, whose bind count is the
	 * largest parameter number too. */
	if (np != c->nparams)
		return err_set(e, ERR_INTERNAL, "internal",
			       "参数个数不符 (%d/%d)", np, c->nparams);

	const char *vals_stack[PG_STACK_PARAMS];
	Oid types_stack[PG_STACK_PARAMS];
	char nums_stack[PG_STACK_PARAMS][24];
	const char **vals = vals_stack;
	Oid *types = types_stack;
	char (*nums)[24] = nums_stack;
	if (np > PG_STACK_PARAMS) {
		vals = xcalloc((size_t)np, sizeof *vals);
		types = xcalloc((size_t)np, sizeof *types);
		nums = xcalloc((size_t)np, sizeof *nums);
	}
	/* Integers go as int8.  Untyped, `? - 86400` or `? + 1` would make
	 * the parameter int4 and overflow past 2^31 (an instant after 2038,
	 * a large id) only at run time; typed, the one failure is loud and
	 * at once: a function that takes int4 only, e.g. substr, which
	 * needs CAST(? AS INTEGER).  Text and NULL stay untyped so that the
	 * server reads them as whatever the context needs. */
	for (int i = 0; i < np; i++) {
		switch (p[i].t) {
		case SP_INT:
			snprintf(nums[i], sizeof nums[i], "%" PRId64, p[i].i);
			vals[i] = nums[i];
			types[i] = PG_INT8OID;
			break;
		case SP_TEXT:
			vals[i] = p[i].s;
			types[i] = 0;
			break;
		case SP_NULL:
		default:
			vals[i] = NULL;
			types[i] = 0;
			break;
		}
	}
	PGresult *res = PQexecParams(s->conn, c->sql, np, types, vals, NULL,
				     NULL, 0);
	if (np > PG_STACK_PARAMS) {
		free(vals);
		free(types);
		free(nums);
	}
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		rc = pg_fail(s, res, e);
		PQclear(res);
		return rc;
	}
	*out = res;
	return 0;
}

static int pg_exec(store *st, const char *sql, const store_param *p, int np,
		   int64_t *changes, err *e)
{
	PGresult *res;
	int rc = pg_run((pg_store *)st, sql, p, np, &res, e);
	if (rc)
		return rc;
	/* "" for statements that change no rows by nature (DDL, SET). */
	if (changes)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return 0;
}

static int pg_query(store *st, const char *sql, const store_param *p, int np,
		    store_res **out, err *e)
{
	PGresult *res;
	int rc = pg_run((pg_store *)st, sql, p, np, &res, e);
	if (rc)
		return rc;
	int rows = PQntuples(res), cols = PQnfields(res);
	store_res *r = store__res_new(cols);
	for (int row = 0; row < rows; row++) {
		for (int col = 0; col < cols; col++) {
			if (PQgetisnull(res, row, col)) {
				store__res_push(r, NULL, 0);
				continue;
			}
			const char *v = PQgetvalue(res, row, col);
			size_t n = (size_t)PQgetlength(res, row, col);
			/* A boolean expression (EXISTS, a comparison) is 1/0
			 * on SQLite; callers read it with store_res_int. */
			if (PQftype(res, col) == PG_BOOLOID) {
				v = v[0] == 't' ? "1" : "0";
				n = 1;
			}
			store__res_push(r, v, n);
		}
	}
	PQclear(res);
	*out = r;
	return 0;
}

/* ---- transactions and scripts ---- */

static int pg_simple(pg_store *s, const char *sql, err *e)
{
	PGresult *res = PQexec(s->conn, sql);
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(s, res, e);
	PQclear(res);
	return rc;
}

static int pg_begin(store *st, err *e)
{
	pg_store *s = (pg_store *)st;
	int rc = pg_ready(s, e);
	if (rc)
		return rc;
	/* PostgreSQL only warns here; SQLite refuses, and so do we, since a
	 * nested begin means the caller lost track of its transaction. */
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 事务已在进行中");
	return pg_simple(s, "BEGIN ISOLATION LEVEL READ COMMITTED", e);
}

static int pg_begin_read(store *st, err *e)
{
	pg_store *s = (pg_store *)st;
	int rc = pg_ready(s, e);
	if (rc)
		return rc;
	if (PQtransactionStatus(s->conn) != PQTRANS_IDLE)
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 事务已在进行中");
	return pg_simple(s, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
			 e);
}

static int pg_commit(store *st, err *e)
{
	pg_store *s = (pg_store *)st;
	if (PQstatus(s->conn) != CONNECTION_OK || s->doomed)
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 数据库连接已断开，事务未提交");
	switch (PQtransactionStatus(s->conn)) {
	case PQTRANS_INTRANS:
		break;
	case PQTRANS_INERROR:
		/* COMMIT would "succeed" by rolling back; a caller that
		 * ignored a failed statement must not think it committed. */
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 事务中有语句失败，事务未提交");
	default:
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 没有进行中的事务");
	}
	PGresult *res = PQexec(s->conn, "COMMIT");
	int rc = 0;
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(s, res, e);	/* e.g. a deferred constraint */
	else if (strcmp(PQcmdStatus(res), "COMMIT") != 0)
		rc = err_set(e, ERR_STORE, "store_error",
			     "数据库错误: 事务已回滚，未提交");
	PQclear(res);
	return rc;
}

static void pg_rollback(store *st)
{
	pg_store *s = (pg_store *)st;
	/* A broken connection has no transaction left to end; the next
	 * statement resets it (store.c has cleared in_tx by then). */
	if (PQstatus(s->conn) != CONNECTION_OK || s->doomed ||
	    PQtransactionStatus(s->conn) == PQTRANS_IDLE)
		return;
	PQclear(PQexec(s->conn, "ROLLBACK"));
}

static int pg_exec_script(store *st, const char *sql, err *e)
{
	pg_store *s = (pg_store *)st;
	int rc = pg_ready(s, e);
	if (rc)
		return rc;
	/* PQexec runs every statement and returns the last result, or the
	 * first failure, after which it runs no more. */
	PGresult *res = PQexec(s->conn, sql);
	ExecStatusType status = PQresultStatus(res);
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK &&
	    status != PGRES_EMPTY_QUERY) {
		/* Every script failure is ERR_STORE, as on SQLite: a
		 * migration that conflicts is a broken migration. */
		char msg[256];
		const char *primary =
			res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
			    : NULL;
		pg_clean_msg(msg, sizeof msg,
			     primary ? primary : PQerrorMessage(s->conn), NULL);
		rc = err_set(e, ERR_STORE, "store_error", "数据库错误: %s", msg);
	}
	PQclear(res);
	return rc;
}

/* ---- ping ---- */

static int64_t pg_now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Waits until the connection's socket is ready for `events` or the
 * deadline passes: 1 ready, 0 out of time, -1 no socket. */
static int pg_wait(pg_store *s, short events, int64_t deadline)
{
	int fd = PQsocket(s->conn);
	if (fd < 0)
		return -1;
	for (;;) {
		int64_t left = deadline - pg_now_ms();
		if (left <= 0)
			return 0;
		struct pollfd p = { .fd = fd, .events = events };
		int rc = poll(&p, 1, (int)left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

static int pg_timeout(pg_store *s, err *e)
{
	/* The query or connect may still be under way: the next use of
	 * the connection starts a new one (pg_ready). */
	s->doomed = 1;
	return err_set(e, ERR_UNAVAILABLE, "db_timeout",
		       "数据库无响应（超时）");
}

/* store_ping with a deadline: pg_ready, but with the reconnect and the
 * query driven by libpq's non-blocking calls, so that a server that
 * stopped answering (rather than refusing) cannot hold the caller. */
static int pg_ping(store *st, const char *sql, int timeout_ms, err *e)
{
	pg_store *s = (pg_store *)st;
	int64_t deadline = pg_now_ms() + timeout_ms;
	if (PQstatus(s->conn) == CONNECTION_OK && PQconsumeInput(s->conn))
		(void)PQisBusy(s->conn);
	if (PQstatus(s->conn) != CONNECTION_OK || s->doomed) {
		s->doomed = 0;
		if (!PQresetStart(s->conn))
			return pg_conn_fail(s->conn, "store_error", e);
		PostgresPollingStatusType ps = PGRES_POLLING_WRITING;
		while (ps != PGRES_POLLING_OK) {
			if (ps == PGRES_POLLING_FAILED)
				return pg_conn_fail(s->conn, "store_error", e);
			int ready = pg_wait(s,
					    ps == PGRES_POLLING_READING ? POLLIN
									: POLLOUT,
					    deadline);
			if (ready <= 0)
				return pg_timeout(s, e);
			ps = PQresetPoll(s->conn);
		}
		int rc = pg_session_init(s, e);
		if (rc)
			return rc;
	}
	if (!PQsendQuery(s->conn, sql))
		return pg_conn_fail(s->conn, "store_error", e);
	for (;;) {
		if (!PQconsumeInput(s->conn))
			return pg_conn_fail(s->conn, "store_error", e);
		if (!PQisBusy(s->conn))
			break;
		int ready = pg_wait(s, POLLIN, deadline);
		if (ready <= 0)
			return pg_timeout(s, e);
	}
	int rc = 0;
	PGresult *res;
	while ((res = PQgetResult(s->conn))) {
		if (!rc && PQresultStatus(res) != PGRES_TUPLES_OK)
			rc = pg_fail(s, res, e);
		PQclear(res);
	}
	return rc;
}

const store_ops store__pg_ops = {
	.kind = STORE_PG,
	.open = pg_open,
	.close = pg_close,
	.exec_script = pg_exec_script,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.ping = pg_ping,
};
