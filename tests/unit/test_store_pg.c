/* Tests of the PostgreSQL backend (src/store/store_pg.c).
 *
 * The placeholder rewriter and the connection-error messages are tested
 * always.  Everything else needs a server: set GUANAI_PG_URL to a database
 * the tests may create temporary tables in, e.g. from
 *   scripts/pg-cluster.sh start /tmp/guanai-pg 55432
 * Without it those tests report themselves skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "store/store.h"
#include "store/store_backend.h"
#include "store/store_pg.h"

/* ---- the rewriter ---- */

static void rewrite_ok(const char *sql, const char *want, int want_n)
{
	char out[512];
	int n = store__pg_rewrite(sql, out, sizeof out);
	assert_int_equal(n, want_n);
	assert_string_equal(out, want);
}

static void test_rewrite_plain(void **state)
{
	(void)state;
	rewrite_ok("SELECT 1", "SELECT 1", 0);
	rewrite_ok("", "", 0);
	rewrite_ok("SELECT ?", "SELECT $1", 1);
	rewrite_ok("INSERT INTO t (a, b, c) VALUES (?,?, ?)",
		   "INSERT INTO t (a, b, c) VALUES ($1,$2, $3)", 3);
	rewrite_ok("a - b / c ?", "a - b / c $1", 1);
}

static void test_rewrite_quoted(void **state)
{
	(void)state;
	rewrite_ok("SELECT '?' WHERE x = ?", "SELECT '?' WHERE x = $1", 1);
	rewrite_ok("SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1", 1);
	rewrite_ok("SELECT '', ?", "SELECT '', $1", 1);
	rewrite_ok("SELECT \"?\" FROM t WHERE \"a?\"\"b\" = ?",
		   "SELECT \"?\" FROM t WHERE \"a?\"\"b\" = $1", 1);
	/* A backslash is plain text in '…', an escape only in E'…'. */
	rewrite_ok("SELECT 'a\\', ?", "SELECT 'a\\', $1", 1);
	rewrite_ok("SELECT E'a\\'?', ?", "SELECT E'a\\'?', $1", 1);
	rewrite_ok("SELECT e'\\\\', ?", "SELECT e'\\\\', $1", 1);
	/* Unterminated: copied as is for the server to reject. */
	rewrite_ok("SELECT 'abc ?", "SELECT 'abc ?", 0);
	rewrite_ok("SELECT \"abc ?", "SELECT \"abc ?", 0);
}

static void test_rewrite_comments(void **state)
{
	(void)state;
	rewrite_ok("SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2", 2);
	rewrite_ok("SELECT 1 -- ?", "SELECT 1 -- ?", 0);
	rewrite_ok("SELECT 5-?", "SELECT 5-$1", 1);
	rewrite_ok("SELECT /* ? */ ?", "SELECT /* ? */ $1", 1);
	rewrite_ok("SELECT /* a /* ? */ ? */ ?",
		   "SELECT /* a /* ? */ ? */ $1", 1);
	rewrite_ok("SELECT 6/?", "SELECT 6/$1", 1);
	rewrite_ok("SELECT /* ?", "SELECT /* ?", 0);
}

static void test_rewrite_numbered(void **state)
{
	(void)state;
	/* SQLite's rule: a bare ? follows the largest number so far. */
	rewrite_ok("SELECT ?2, ?", "SELECT $2, $3", 3);
	rewrite_ok("SELECT ?1 + ?1", "SELECT $1 + $1", 1);
	rewrite_ok("SELECT ?, ?1, ?", "SELECT $1, $1, $2", 2);
	rewrite_ok("SELECT ?65535", "SELECT $65535", 65535);

	char out[64];
	assert_int_equal(store__pg_rewrite("SELECT ?0", out, sizeof out),
			 ERR_INVALID);
	assert_int_equal(store__pg_rewrite("SELECT ?65536", out, sizeof out),
			 ERR_INVALID);
	assert_int_equal(
		store__pg_rewrite("SELECT ?99999999999999999999", out,
				  sizeof out),
		ERR_INVALID);
}

static void test_rewrite_small_buffer(void **state)
{
	(void)state;
	char out[16];
	/* "SELECT $1" is 9 bytes and its NUL. */
	assert_int_equal(store__pg_rewrite("SELECT ?", out, 10), 1);
	assert_string_equal(out, "SELECT $1");
	assert_int_equal(store__pg_rewrite("SELECT ?", out, 9), ERR_TOOBIG);
	assert_int_equal(store__pg_rewrite("SELECT 1", out, 8), ERR_TOOBIG);
	assert_int_equal(store__pg_rewrite("", out, 0), ERR_TOOBIG);
	assert_int_equal(store__pg_rewrite("", out, 1), 0);
}

/* Many parameters: the bound in store_pg.h holds for five-digit numbers. */
static void test_rewrite_bound(void **state)
{
	(void)state;
	enum { N = 12000 };
	char *sql = malloc(2 * N + 1);
	assert_non_null(sql);
	for (int i = 0; i < N; i++) {
		sql[2 * i] = '?';
		sql[2 * i + 1] = ',';
	}
	sql[2 * N - 1] = '\0';
	size_t bound = strlen(sql) + 1 + 5 * (size_t)N;
	char *out = malloc(bound);
	assert_non_null(out);
	assert_int_equal(store__pg_rewrite(sql, out, bound), N);
	assert_non_null(strstr(out, ",$11999,$12000"));
	free(out);
	free(sql);
}

/* ---- connecting ---- */

/* Nothing listens on port 1; the message must not carry the password. */
static void test_open_error_hides_password(void **state)
{
	(void)state;
	store *s = NULL;
	err e;
	err_clear(&e);
	int rc = store_open(
		"postgresql://guanai:Sekrit9pw@127.0.0.1:1/x?connect_timeout=5",
		&s, &e);
	assert_int_equal(rc, ERR_STORE);
	assert_null(s);
	assert_string_equal(e.key, "store_open");
	assert_non_null(strstr(e.msg, "无法连接数据库"));
	assert_null(strstr(e.msg, "Sekrit9pw"));

	/* libpq's own complaint about a bad escape quotes the token. */
	err_clear(&e);
	rc = store_open("postgresql://guanai:Sekrit%zzpw@127.0.0.1:1/x", &s,
			&e);
	assert_int_equal(rc, ERR_STORE);
	assert_null(strstr(e.msg, "Sekrit"));
	assert_non_null(strstr(e.msg, "无法连接数据库"));
}

/* ---- against a server ---- */

/* 1 when `s` is well-formed UTF-8 (the error messages end up in JSON). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int n = *p < 0x80 ? 0 : *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2
			: *p >= 0xC2 ? 1 : -1;
		if (n < 0)
			return 0;
		p++;
		for (int i = 0; i < n; i++, p++)
			if ((*p & 0xC0) != 0x80)
				return 0;
	}
	return 1;
}

static const char *pg_url;

/* Opens a connection with the test tables (temporary, so parallel runs
 * and leftovers cannot interfere). */
static int pg_setup(void **state)
{
	if (!pg_url) {
		*state = NULL;
		return 0;
	}
	store *s = NULL;
	err e;
	err_clear(&e);
	if (store_open(pg_url, &s, &e)) {
		fprintf(stderr, "store_open: %s\n", e.msg);
		return -1;
	}
	if (store_exec(s,
		       "CREATE TEMP TABLE parent (id BIGINT PRIMARY KEY)",
		       NULL, 0, NULL, &e) ||
	    store_exec(s,
		       "CREATE TEMP TABLE item ("
		       " id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,"
		       " name TEXT NOT NULL UNIQUE,"
		       " note TEXT,"
		       " n BIGINT,"
		       " parent_id BIGINT REFERENCES parent(id))",
		       NULL, 0, NULL, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		store_close(s);
		return -1;
	}
	*state = s;
	return 0;
}

static int pg_teardown(void **state)
{
	store_close(*state);
	return 0;
}

/* The store for a test, or a skip when there is no server. */
static store *pg_store(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static void test_pg_placeholders(void **state)
{
	store *s = pg_store(state);
	err e;
	store_res *r;
	store_param p[] = { SP_I(5), SP_S("x") };
	int rc = store_query(s,
			     "SELECT '?' AS q, \"?\", ?, ? || '?' -- ?\n"
			     " FROM (SELECT 7 AS \"?\") sub /* ? */",
			     p, SP_COUNT(p), &r, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(store_res_rows(r), 1);
	assert_int_equal(store_res_cols(r), 4);
	assert_string_equal(store_res_text(r, 0, 0), "?");
	assert_int_equal(store_res_int(r, 0, 1), 7);
	assert_int_equal(store_res_int(r, 0, 2), 5);
	assert_string_equal(store_res_text(r, 0, 3), "x?");
	store_res_free(r);

	/* The same text at another address is the same statement; a reused
	 * buffer with new text is a new one. */
	char buf[64];
	snprintf(buf, sizeof buf, "SELECT ? + 1");
	int64_t v = 0;
	store_param one[] = { SP_I(41) };
	assert_int_equal(store_query_int(s, buf, one, 1, &v, &e), 0);
	assert_int_equal(v, 42);
	snprintf(buf, sizeof buf, "SELECT ? * ?");
	store_param two[] = { SP_I(6), SP_I(7) };
	assert_int_equal(store_query_int(s, buf, two, 2, &v, &e), 0);
	assert_int_equal(v, 42);

	/* Wrong count: refused before the server sees it, as on SQLite. */
	assert_int_equal(store_query_int(s, buf, one, 1, &v, &e), ERR_INTERNAL);
	assert_string_equal(e.key, "internal");
}

static void test_pg_insert_returning(void **state)
{
	store *s = pg_store(state);
	err e;
	store_res *r;
	store_param p[] = { SP_S("甲"), SP_I(-9000000000LL) };
	int rc = store_query(s,
			     "INSERT INTO item (name, n) VALUES (?, ?)"
			     " RETURNING id, name, n",
			     p, SP_COUNT(p), &r, &e);
	assert_int_equal(rc, 0);
	assert_int_equal(store_res_rows(r), 1);
	int64_t id = store_res_int(r, 0, 0);
	assert_true(id > 0);
	assert_string_equal(store_res_text(r, 0, 1), "甲");
	assert_int_equal(store_res_int(r, 0, 2), -9000000000LL);
	store_res_free(r);

	int64_t changes = -1;
	store_param q[] = { SP_S("乙"), SP_I(1) };
	assert_int_equal(store_exec(s, "INSERT INTO item (name, n) VALUES (?, ?)",
				    q, 2, &changes, &e),
			 0);
	assert_int_equal(changes, 1);
	assert_int_equal(store_exec(s, "UPDATE item SET n = n + 1", NULL, 0,
				    &changes, &e),
			 0);
	assert_int_equal(changes, 2);
	store_param d[] = { SP_S("nobody") };
	assert_int_equal(store_exec(s, "DELETE FROM item WHERE name = ?", d, 1,
				    &changes, &e),
			 0);
	assert_int_equal(changes, 0);
}

static void test_pg_null_roundtrip(void **state)
{
	store *s = pg_store(state);
	err e;
	store_res *r;
	store_param p[] = { SP_S("n1"), SP_NULLV, SP_S(NULL), SP_S("n2"),
			    SP_S(""), SP_I(0) };
	assert_int_equal(store_exec(s,
				    "INSERT INTO item (name, note, n) VALUES"
				    " (?, ?, ?), (?, ?, ?)",
				    p, SP_COUNT(p), NULL, &e),
			 0);
	assert_int_equal(store_query(s,
				     "SELECT note, n FROM item ORDER BY name",
				     NULL, 0, &r, &e),
			 0);
	assert_int_equal(store_res_rows(r), 2);
	assert_true(store_res_isnull(r, 0, 0));
	assert_null(store_res_text(r, 0, 0));
	assert_true(store_res_isnull(r, 0, 1));
	/* The empty string is a value, not NULL; so is zero. */
	assert_false(store_res_isnull(r, 1, 0));
	assert_string_equal(store_res_text(r, 1, 0), "");
	assert_false(store_res_isnull(r, 1, 1));
	assert_int_equal(store_res_int(r, 1, 1), 0);
	store_res_free(r);

	/* A NULL parameter compared in SQL, and selected back. */
	int64_t v = -1;
	store_param nul[] = { SP_NULLV };
	assert_int_equal(store_query(s, "SELECT ?", nul, 1, &r, &e), 0);
	assert_true(store_res_isnull(r, 0, 0));
	store_res_free(r);
	assert_int_equal(store_query_int(s,
					 "SELECT count(*) FROM item"
					 " WHERE note IS NOT DISTINCT FROM ?",
					 nul, 1, &v, &e),
			 0);
	assert_int_equal(v, 1);
}

static void test_pg_conflict(void **state)
{
	store *s = pg_store(state);
	err e;
	store_param p[] = { SP_S("dup") };
	const char *ins = "INSERT INTO item (name) VALUES (?)";
	assert_int_equal(store_exec(s, ins, p, 1, NULL, &e), 0);
	err_clear(&e);
	assert_int_equal(store_exec(s, ins, p, 1, NULL, &e), ERR_CONFLICT);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_string_equal(e.key, "conflict");
	assert_non_null(strstr(e.msg, "数据冲突"));

	/* A foreign key to nowhere is a conflict too. */
	store_param fk[] = { SP_S("orphan"), SP_I(12345) };
	err_clear(&e);
	assert_int_equal(store_exec(s,
				    "INSERT INTO item (name, parent_id)"
				    " VALUES (?, ?)",
				    fk, 2, NULL, &e),
			 ERR_CONFLICT);
	assert_string_equal(e.key, "conflict");

	/* Anything else is a store error with the server's reason. */
	err_clear(&e);
	assert_int_equal(store_exec(s, "INSERT INTO nosuch VALUES (1)", NULL,
				    0, NULL, &e),
			 ERR_STORE);
	assert_string_equal(e.key, "store_error");
	assert_non_null(strstr(e.msg, "数据库错误: "));
	assert_non_null(strstr(e.msg, "nosuch"));

	/* A long message is cut between characters, never inside one. */
	for (int pad = 0; pad < 3; pad++) {
		char sql[160];
		snprintf(sql, sizeof sql,
			 "DO $$ BEGIN RAISE EXCEPTION '%%', repeat('x', %d)"
			 " || repeat('中', 200); END $$",
			 pad);
		err_clear(&e);
		assert_int_equal(store_exec(s, sql, NULL, 0, NULL, &e),
				 ERR_STORE);
		assert_true(strlen(e.msg) > 200);
		assert_true(utf8_valid(e.msg));
	}
}

static void test_pg_transactions(void **state)
{
	store *s = pg_store(state);
	err e;
	int64_t n = -1;
	const char *count = "SELECT count(*) FROM item";
	const char *ins = "INSERT INTO item (name) VALUES (?)";

	/* Rolled back: gone. */
	assert_int_equal(store_begin(s, &e), 0);
	store_param a[] = { SP_S("a") };
	assert_int_equal(store_exec(s, ins, a, 1, NULL, &e), 0);
	assert_int_equal(store_query_int(s, count, NULL, 0, &n, &e), 0);
	assert_int_equal(n, 1);
	store_rollback(s);
	assert_int_equal(store_query_int(s, count, NULL, 0, &n, &e), 0);
	assert_int_equal(n, 0);
	store_rollback(s);	/* outside a transaction: a no-op */

	/* Committed: kept. */
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_begin(s, &e), ERR_STORE);	/* nested */
	assert_int_equal(store_exec(s, ins, a, 1, NULL, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_query_int(s, count, NULL, 0, &n, &e), 0);
	assert_int_equal(n, 1);

	/* A failed statement dooms the transaction: COMMIT must say so
	 * rather than roll back quietly, and the earlier insert is gone. */
	assert_int_equal(store_begin(s, &e), 0);
	store_param b[] = { SP_S("b") };
	assert_int_equal(store_exec(s, ins, b, 1, NULL, &e), 0);
	assert_int_equal(store_exec(s, ins, a, 1, NULL, &e), ERR_CONFLICT);
	err_clear(&e);
	assert_int_equal(store_commit(s, &e), ERR_STORE);
	assert_int_equal(e.code, ERR_STORE);
	assert_int_equal(store_query_int(s, count, NULL, 0, &n, &e), 0);
	assert_int_equal(n, 1);

	/* The connection is clean for the next transaction. */
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store_exec(s, ins, b, 1, NULL, &e), 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(store_query_int(s, count, NULL, 0, &n, &e), 0);
	assert_int_equal(n, 2);
}

static void test_pg_query_int(void **state)
{
	store *s = pg_store(state);
	err e;
	int64_t v = 0;
	store_param p[] = { SP_I(INT64_MAX) };
	assert_int_equal(store_query_int(s, "SELECT ?", p, 1, &v, &e), 0);
	assert_true(v == INT64_MAX);
	store_param q[] = { SP_I(INT64_MIN) };
	assert_int_equal(store_query_int(s, "SELECT ?", q, 1, &v, &e), 0);
	assert_true(v == INT64_MIN);

	assert_int_equal(store_query_int(s, "SELECT count(*) FROM item", NULL,
					 0, &v, &e),
			 0);
	assert_int_equal(v, 0);
	err_clear(&e);
	assert_int_equal(store_query_int(s, "SELECT n FROM item", NULL, 0, &v,
					 &e),
			 ERR_NOTFOUND);
	assert_int_equal(e.code, ERR_NOTFOUND);
}

/* What the portable-SQL conventions rely on: booleans read as 1/0, text
 * parameters read as the column's type, UTF-8, UTC. */
static void test_pg_conventions(void **state)
{
	store *s = pg_store(state);
	err e;
	store_res *r;
	store_param p[] = { SP_S("甲"), SP_I(3) };
	assert_int_equal(store_exec(s, "INSERT INTO item (name, n) VALUES (?, ?)",
				    p, 2, NULL, &e),
			 0);
	store_param q[] = { SP_S("甲"), SP_S("3") };
	assert_int_equal(store_query(s,
				     "SELECT EXISTS (SELECT 1 FROM item WHERE name = ?),"
				     " 1 = 2, n = ? FROM item",
				     q, 2, &r, &e),
			 0);
	assert_string_equal(store_res_text(r, 0, 0), "1");
	assert_string_equal(store_res_text(r, 0, 1), "0");
	assert_int_equal(store_res_int(r, 0, 2), 1);
	store_res_free(r);

	/* An int parameter is int8: arithmetic on it does not overflow at
	 * 2^31, and `? IS NULL` knows its type. */
	int64_t v = -1;
	store_param i[] = { SP_I(3000000000LL), SP_I(3000000000LL) };
	assert_int_equal(store_query_int(s, "SELECT ? - 86400", i, 1, &v, &e),
			 0);
	assert_int_equal(v, 3000000000LL - 86400);
	assert_int_equal(store_query_int(s, "SELECT ? + ?", i, 2, &v, &e), 0);
	assert_int_equal(v, 6000000000LL);
	assert_int_equal(store_query_int(s,
					 "SELECT CASE WHEN ? IS NULL THEN 1"
					 " ELSE 0 END",
					 i, 1, &v, &e),
			 0);
	assert_int_equal(v, 0);
	/* A function that takes int4 only needs the portable cast. */
	store_param len[] = { SP_I(2) };
	assert_int_equal(store_query(s,
				     "SELECT substr('abc', 1,"
				     " CAST(? AS INTEGER))",
				     len, 1, &r, &e),
			 0);
	assert_string_equal(store_res_text(r, 0, 0), "ab");
	store_res_free(r);

	assert_int_equal(store_query(s,
				     "SELECT current_setting('TimeZone'),"
				     " current_setting('client_encoding'),"
				     " length('儿童保护')",
				     NULL, 0, &r, &e),
			 0);
	assert_string_equal(store_res_text(r, 0, 0), "UTC");
	assert_string_equal(store_res_text(r, 0, 1), "UTF8");
	assert_int_equal(store_res_int(r, 0, 2), 4);
	store_res_free(r);

	/* A statement with no result set gives an empty result. */
	assert_int_equal(store_query(s, "UPDATE item SET n = 0", NULL, 0, &r,
				     &e),
			 0);
	assert_int_equal(store_res_rows(r), 0);
	store_res_free(r);
}

/* More distinct statements than the rewrite cache has slots, each run
 * twice: evicted entries come back right, and a freed buffer whose address
 * is reused for other text is not mistaken for the old statement. */
static void test_pg_cache_churn(void **state)
{
	store *s = pg_store(state);
	err e;
	enum { N = 1500 };
	for (int round = 0; round < 2; round++) {
		for (int i = 0; i < N; i++) {
			char *sql = malloc(64);
			assert_non_null(sql);
			snprintf(sql, 64, "SELECT %d + ?", round * N + i);
			store_param p[] = { SP_I(1) };
			int64_t v = 0;
			assert_int_equal(store_query_int(s, sql, p, 1, &v, &e),
					 0);
			assert_int_equal(v, round * N + i + 1);
			free(sql);
		}
	}
}

/* exec_script is what the migrations run: several statements, dollar
 * quoting, no placeholder rewriting; failures are ERR_STORE. */
static void test_pg_script(void **state)
{
	store *s = pg_store(state);
	err e;
	int64_t v = 0;
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(store__pg_ops.exec_script(
				 s,
				 "CREATE TEMP TABLE scr (a TEXT);"
				 "INSERT INTO scr VALUES ('?'), ('$1');"
				 "CREATE FUNCTION pg_temp.scr_f() RETURNS text"
				 " LANGUAGE plpgsql AS $$ BEGIN"
				 " RETURN 'x?'; END $$;",
				 &e),
			 0);
	assert_int_equal(store_query_int(s,
					 "SELECT count(*) FROM scr"
					 " WHERE a IN ('?', '$1')"
					 " AND pg_temp.scr_f() = 'x?'",
					 NULL, 0, &v, &e),
			 0);
	assert_int_equal(v, 2);
	store_rollback(s);
	assert_int_equal(store_query_int(s,
					 "SELECT count(*) FROM pg_class"
					 " WHERE relname = 'scr'",
					 NULL, 0, &v, &e),
			 0);
	assert_int_equal(v, 0);

	/* A conflict in a script is a broken script, as on SQLite. */
	err_clear(&e);
	assert_int_equal(store__pg_ops.exec_script(
				 s,
				 "INSERT INTO item (name) VALUES ('s');"
				 "INSERT INTO item (name) VALUES ('s');",
				 &e),
			 ERR_STORE);
	assert_string_equal(e.key, "store_error");
	assert_int_equal(store_query_int(s, "SELECT count(*) FROM item", NULL,
					 0, &v, &e),
			 0);
	assert_int_equal(v, 0);
}

/* Ends backend `pid` from another connection and waits until it is gone,
 * so that its goodbye has surely reached the client. */
static void pg_kill(store *killer, int64_t pid)
{
	err e;
	int64_t v = 0;
	store_param p[] = { SP_I(pid) };
	assert_int_equal(store_query_int(killer,
					 "SELECT count(*) FROM"
					 " (SELECT pg_terminate_backend("
					 "CAST(? AS INTEGER))) t",
					 p, 1, &v, &e),
			 0);
	for (int i = 0; i < 500; i++) {
		assert_int_equal(store_query_int(killer,
						 "SELECT count(*) FROM"
						 " pg_stat_activity WHERE pid = ?",
						 p, 1, &v, &e),
				 0);
		if (v == 0)
			return;
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	fail_msg("backend %lld did not end", (long long)pid);
}

/* A connection the server dropped is reset before the next statement
 * outside a transaction, and never inside one. */
static void test_pg_reconnect(void **state)
{
	store *s = pg_store(state);
	err e;
	store *killer = NULL;
	assert_int_equal(store_open(pg_url, &killer, &e), 0);
	int64_t pid = 0, v = 0;
	const char *pid_sql = "SELECT pg_backend_pid()";

	assert_int_equal(store_query_int(s, pid_sql, NULL, 0, &pid, &e), 0);
	pg_kill(killer, pid);
	/* The backend is gone; the next statement finds out and reconnects. */
	int64_t pid2 = 0;
	assert_int_equal(store_query_int(s, pid_sql, NULL, 0, &pid2, &e), 0);
	assert_true(pid2 != pid);
	/* The new session has the settings too. */
	store_res *r;
	assert_int_equal(store_query(s, "SELECT current_setting('TimeZone')",
				     NULL, 0, &r, &e),
			 0);
	assert_string_equal(store_res_text(r, 0, 0), "UTC");
	store_res_free(r);

	/* Inside a transaction: the statement fails, no silent reconnect. */
	assert_int_equal(store_begin(s, &e), 0);
	pg_kill(killer, pid2);
	err_clear(&e);
	assert_int_equal(store_query_int(s, pid_sql, NULL, 0, &v, &e),
			 ERR_STORE);
	assert_int_equal(e.code, ERR_STORE);
	assert_int_equal(store_commit(s, &e), ERR_STORE);
	store_rollback(s);
	assert_int_equal(store_query_int(s, pid_sql, NULL, 0, &v, &e), 0);
	assert_true(v != pid2);
	store_close(killer);
}

int main(void)
{
	pg_url = getenv("GUANAI_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	if (!pg_url)
		printf("test_store_pg: GUANAI_PG_URL is not set;"
		       " skipping the tests that need a server\n");

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_plain),
		cmocka_unit_test(test_rewrite_quoted),
		cmocka_unit_test(test_rewrite_comments),
		cmocka_unit_test(test_rewrite_numbered),
		cmocka_unit_test(test_rewrite_small_buffer),
		cmocka_unit_test(test_rewrite_bound),
		cmocka_unit_test(test_open_error_hides_password),
		cmocka_unit_test_setup_teardown(test_pg_placeholders, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_insert_returning,
						pg_setup, pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_null_roundtrip,
						pg_setup, pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_conflict, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_transactions, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_query_int, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_conventions, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_cache_churn, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_script, pg_setup,
						pg_teardown),
		cmocka_unit_test_setup_teardown(test_pg_reconnect, pg_setup,
						pg_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
