/* store_batched (group commit) on a real SQLite file: many threads bring
 * work at once; every success is committed exactly once, a failing work
 * is rolled back and reported to its own caller only, and the others of
 * its shared transaction still commit. */
#include "testutil.h"

#include <pthread.h>

#include "util/err.h"

enum { THREADS = 8, CALLS = 60 };

typedef struct job {
	int thread, call;
} job;

static int insert(store *s, void *arg, err *e)
{
	const job *j = arg;
	store_param p[] = { SP_I(j->thread), SP_I(j->call) };
	int rc = store_exec(s, "INSERT INTO t (thread, call) VALUES (?, ?)",
			    p, 2, NULL, e);
	if (rc)
		return rc;
	/* every seventh call fails after writing: its row must not stay */
	if (j->call % 7 == 3)
		return err_set(e, ERR_INVALID, "refused", "第%d次被拒绝",
			       j->call);
	return 0;
}

typedef struct worker {
	store_pool *pool;
	int thread, ok, refused, wrong;
} worker;

static void *run(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < CALLS; i++) {
		store *s = store_pool_get(w->pool);
		job j = { w->thread, i };
		err e;
		err_clear(&e);
		int rc = store_batched(s, insert, &j, &e);
		store_pool_put(w->pool, s);
		if (i % 7 == 3) {
			if (rc == ERR_INVALID && !strcmp(e.key, "refused"))
				w->refused++;
			else
				w->wrong++;
		} else if (rc == 0) {
			w->ok++;
		} else {
			w->wrong++;
		}
	}
	return NULL;
}

static void test_group_commit(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 0);
	err e;
	assert_int_equal(store_exec(t.s,
				    "CREATE TABLE t (thread INTEGER, call INTEGER,"
				    " UNIQUE (thread, call))",
				    NULL, 0, NULL, &e),
			 0);
	store_pool *pool;
	assert_int_equal(store_pool_new(t.path, 4, &pool, &e), 0);
	pthread_t th[THREADS];
	worker w[THREADS];
	for (int i = 0; i < THREADS; i++) {
		w[i] = (worker){ .pool = pool, .thread = i };
		assert_int_equal(pthread_create(&th[i], NULL, run, &w[i]), 0);
	}
	int ok = 0;
	for (int i = 0; i < THREADS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].wrong, 0);
		assert_int_equal(w[i].refused, (CALLS + 3) / 7);
		ok += w[i].ok;
	}
	store_pool_free(pool);
	int64_t rows = -1, refused = -1;
	assert_int_equal(store_query_int(t.s, "SELECT count(*) FROM t", NULL,
					 0, &rows, &e),
			 0);
	assert_int_equal(rows, ok);
	assert_int_equal(rows, THREADS * (CALLS - (CALLS + 3) / 7));
	assert_int_equal(store_query_int(t.s,
					 "SELECT count(*) FROM t WHERE call % 7 = 3",
					 NULL, 0, &refused, &e),
			 0);
	assert_int_equal(refused, 0);
	testdb_close(&t);
}

/* Outside a pool, or inside a transaction already, the work simply runs
 * in (or as) one transaction. */
static void test_alone(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 0);
	err e;
	assert_int_equal(store_exec(t.s,
				    "CREATE TABLE t (thread INTEGER, call INTEGER)",
				    NULL, 0, NULL, &e),
			 0);
	job ok = { 0, 1 }, bad = { 0, 3 };
	assert_int_equal(store_batched(t.s, insert, &ok, &e), 0);
	assert_int_equal(store_batched(t.s, insert, &bad, &e), ERR_INVALID);
	int64_t rows = -1;
	assert_int_equal(store_query_int(t.s, "SELECT count(*) FROM t", NULL,
					 0, &rows, &e),
			 0);
	assert_int_equal(rows, 1);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_group_commit),
		cmocka_unit_test(test_alone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
