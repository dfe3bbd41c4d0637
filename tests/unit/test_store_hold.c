/* store_hold: a transaction held around work that begins and commits its
 * own (the stored answer of an Idempotency-Key and the write it answers,
 * domain/idem.h).  On a real SQLite file, and on PostgreSQL when
 * GUANAI_PG_URL is set — where a failed statement aborts the whole
 * transaction unless a savepoint catches it, which is what must hold:
 * work that rolls back a part (a duplicate refused) and goes on keeps
 * the rest, the holder's own writes included. */
#include "testutil.h"

static const char *pg_url;

static int64_t count(store *s)
{
	err e;
	int64_t n = -1;
	assert_int_equal(store_query_int(s, "SELECT count(*) FROM held", NULL,
					 0, &n, &e),
			 0);
	return n;
}

static int put(store *s, const char *name, err *e)
{
	store_param p[] = { SP_S(name) };
	return store_exec(s, "INSERT INTO held (name) VALUES (?)", p, 1, NULL,
			  e);
}

/* As a domain function writes: begin, write, commit or roll back. */
static int work(store *s, const char *name)
{
	err e;
	int rc = store_begin(s, &e);
	if (rc == 0 && ((rc = put(s, name, &e)) || (rc = store_commit(s, &e))))
		store_rollback(s);
	return rc;
}

static void run(store *s)
{
	err e;
	/* commit: everything inside, a refused part left out */
	assert_int_equal(store_hold(s, &e), 0);
	assert_int_equal(put(s, "holder", &e), 0);
	assert_int_equal(work(s, "a"), 0);
	assert_int_equal(work(s, "a"), ERR_CONFLICT);	/* unique */
	/* a stray rollback outside any inner transaction does nothing */
	store_rollback(s);
	assert_int_equal(work(s, "b"), 0);
	/* reads inside see the held writes */
	int64_t n = -1;
	assert_int_equal(store_begin_read(s, &e), 0);
	assert_int_equal(store_query_int(s, "SELECT count(*) FROM held", NULL,
					 0, &n, &e),
			 0);
	assert_int_equal(store_commit(s, &e), 0);
	assert_int_equal(n, 3);
	/* a nested hold is refused */
	assert_int_equal(store_hold(s, &e), ERR_INTERNAL);
	assert_int_equal(store_release(s, 1, &e), 0);
	assert_int_equal(count(s), 3);

	/* undo: nothing of it stays, the committed inner parts included */
	assert_int_equal(store_hold(s, &e), 0);
	assert_int_equal(put(s, "holder2", &e), 0);
	assert_int_equal(work(s, "c"), 0);
	assert_int_equal(store_release(s, 0, NULL), 0);
	assert_int_equal(count(s), 3);

	/* an inner transaction left open ends with the hold */
	assert_int_equal(store_hold(s, &e), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(put(s, "d", &e), 0);
	assert_int_equal(store_release(s, 1, &e), 0);
	assert_int_equal(count(s), 4);

	/* and afterwards the store is as before: plain transactions */
	assert_int_equal(store_release(s, 1, &e), ERR_INTERNAL);
	assert_int_equal(work(s, "e"), 0);
	assert_int_equal(store_begin(s, &e), 0);
	assert_int_equal(put(s, "f", &e), 0);
	store_rollback(s);
	assert_int_equal(count(s), 5);
}

static void test_sqlite(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 0);
	err e;
	assert_int_equal(store_exec(t.s,
				    "CREATE TABLE held (name TEXT NOT NULL UNIQUE)",
				    NULL, 0, NULL, &e),
			 0);
	run(t.s);
	testdb_close(&t);
}

static void test_pg(void **state)
{
	(void)state;
	if (!pg_url)
		skip();
	store *s;
	err e;
	assert_int_equal(store_open(pg_url, &s, &e), 0);
	assert_int_equal(store_exec(s,
				    "CREATE TEMP TABLE held (name TEXT NOT NULL"
				    " UNIQUE)",
				    NULL, 0, NULL, &e),
			 0);
	run(s);
	store_close(s);
}

int main(void)
{
	pg_url = getenv("GUANAI_PG_URL");
	if (pg_url && !*pg_url)
		pg_url = NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlite),
		cmocka_unit_test(test_pg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
