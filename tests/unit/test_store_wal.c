/* The SQLite WAL on a real file, as a server uses it: the file's
 * checkpointer thread copies the WAL back while writers and readers go
 * on, the WAL starts over instead of growing without end although the
 * writers never pause, and a bulk load can still have the file alone
 * after the checkpointer has opened its own connection.
 *
 * The file has 512-byte pages, so that the store's thresholds (in
 * pages) are passed with a few megabytes of writes. */
#include "testutil.h"

#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>

#include "util/err.h"

/* store_sqlite.c's SQLITE_WAL_MAX_PAGES: the WAL starts over past it */
enum { WAL_MAX_PAGES = 16000, PAGE = 512, FRAME = PAGE + 24, ROWS = 4000 };
enum { WRITERS = 4, READERS = 2, JOBS = 8000, ROWS_PER_JOB = 3 };

/* A fresh file of 512-byte pages in WAL mode with ROWS rows in t. */
static void make_file(testdb *t)
{
	testdb_dir(t);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(t->path, &db), SQLITE_OK);
	char *msg = NULL;
	int rc = sqlite3_exec(
		db,
		"PRAGMA page_size=512; PRAGMA journal_mode=WAL;"
		"CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, pad TEXT);"
		"WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
		" WHERE i < 4000)"
		" INSERT INTO t SELECT i, 0, printf('%.60c', 'x') FROM k;",
		NULL, NULL, &msg);
	if (rc != SQLITE_OK)
		fail_msg("setup: %s", msg);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* Reads n bytes at `at` of the database's file with `suffix` ("-wal",
 * "-shm"): 0, or -1 if there are not that many. */
static int read_at(const testdb *t, const char *suffix, long at,
		   unsigned char *b, size_t n)
{
	char path[160];
	snprintf(path, sizeof path, "%s%s", t->path, suffix);
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t got = fseek(f, at, SEEK_SET) == 0 ? fread(b, 1, n, f) : 0;
	fclose(f);
	return got == n ? 0 : -1;
}

/* The WAL header's checkpoint sequence number (big-endian, at byte 12):
 * SQLite adds one each time the WAL starts over.  -1 if there is no
 * WAL. */
static long wal_restarts(const testdb *t)
{
	unsigned char h[4];
	if (read_at(t, "-wal", 12, h, 4))
		return -1;
	return (long)((unsigned long)h[0] << 24 | (unsigned long)h[1] << 16 |
		      (unsigned long)h[2] << 8 | h[3]);
}

static long long wal_bytes(const testdb *t)
{
	char path[160];
	struct stat st;
	snprintf(path, sizeof path, "%s-wal", t->path);
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* How many WAL frames have been copied back into the database (the
 * wal-index's nBackfill, after its two 48-byte headers, in native byte
 * order). */
static long backfilled(const testdb *t)
{
	uint32_t v;
	if (read_at(t, "-shm", 96, (unsigned char *)&v, sizeof v))
		return 0;
	return (long)v;
}

typedef struct worker {
	store_pool *pool;
	unsigned seed;
	int jobs, failed;
	volatile int *stop;
} worker;

static int bump(store *s, void *arg, err *e)
{
	unsigned *seed = arg;
	for (int i = 0; i < ROWS_PER_JOB; i++) {
		*seed = *seed * 1103515245u + 12345u;
		store_param p[] = { SP_I((int64_t)(*seed >> 8) % ROWS + 1) };
		int rc = store_exec(s, "UPDATE t SET n = n + 1 WHERE id = ?",
				    p, 1, NULL, e);
		if (rc)
			return rc;
	}
	return 0;
}

static void *write_some(void *arg)
{
	worker *w = arg;
	for (int i = 0; i < JOBS; i++) {
		store *s = store_pool_get(w->pool);
		err e;
		unsigned seed = w->seed;
		if (store_batched(s, bump, &seed, &e) == 0) {
			w->seed = seed;
			w->jobs++;
		} else {
			w->failed++;
		}
		store_pool_put(w->pool, s);
	}
	return NULL;
}

static void *read_until_stopped(void *arg)
{
	worker *w = arg;
	while (!*w->stop) {
		store *s = store_pool_get(w->pool);
		int64_t n = -1;
		err e;
		if (store_query_int(s, "SELECT sum(n) FROM t", NULL, 0, &n,
				    &e) != 0 ||
		    n < 0)
			w->failed++;
		store_pool_put(w->pool, s);
	}
	return NULL;
}

/* Writers that never pause, readers on every snapshot: without help
 * SQLite never finds the moment to start the WAL over, and the WAL
 * grew to all of the ~90,000 frames written (without the restart step
 * in the checkpointer: 38 MB for 6000 jobs a writer).  Here it starts
 * over, and the file stays near WAL_MAX_PAGES frames. */
static void test_wal_starts_over_under_load(void **state)
{
	(void)state;
	testdb t;
	make_file(&t);
	err e;
	store_pool *pool;
	assert_int_equal(store_pool_new(t.path, WRITERS + READERS, &pool, &e),
			 0);
	long first = wal_restarts(&t);
	volatile int stop = 0;
	pthread_t th[WRITERS + READERS];
	worker w[WRITERS + READERS];
	for (int i = 0; i < WRITERS + READERS; i++) {
		w[i] = (worker){ .pool = pool, .seed = 7u + (unsigned)i,
				 .stop = &stop };
		assert_int_equal(pthread_create(&th[i], NULL,
						i < WRITERS ? write_some
							    : read_until_stopped,
						&w[i]),
				 0);
	}
	int jobs = 0;
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		jobs += w[i].jobs;
		assert_int_equal(w[i].failed, 0);
	}
	stop = 1;
	for (int i = WRITERS; i < WRITERS + READERS; i++) {
		pthread_join(th[i], NULL);
		assert_int_equal(w[i].failed, 0);
	}
	assert_int_equal(jobs, WRITERS * JOBS);
	/* every job's three updates are in the table */
	store *s = store_pool_get(pool);
	int64_t sum = -1;
	assert_int_equal(store_query_int(s, "SELECT sum(n) FROM t", NULL, 0,
					 &sum, &e),
			 0);
	assert_int_equal(sum, (int64_t)jobs * ROWS_PER_JOB);
	store_pool_put(pool, s);
	long restarts = wal_restarts(&t);
	long long bytes = wal_bytes(&t);
	store_pool_free(pool);
	print_message("WAL started over %ld times; largest %lld bytes\n",
		      restarts - first, bytes);
	assert_true(restarts - first >= 1);
	assert_true(bytes > 0);
	assert_true(bytes <= 2LL * WAL_MAX_PAGES * FRAME + 32);
	testdb_remove(&t);
}

/* The checkpointer's connection holds the file like any other: a bulk
 * load that asks for the file alone closes it first. */
static void test_load_alone_after_checkpoints(void **state)
{
	(void)state;
	testdb t;
	make_file(&t);
	err e;
	assert_int_equal(store_open(t.path, &t.s, &e), 0);
	long first = wal_restarts(&t);
	unsigned seed = 1;
	for (int i = 0; i < 1500; i++)
		assert_int_equal(store_batched(t.s, bump, &seed, &e), 0);
	/* wait until the checkpointer has copied the WAL back (and the
	 * WAL may have started over since): its connection is open then */
	int copied = 0;
	for (int i = 0; i < 500 && !copied; i++) {
		copied = backfilled(&t) > 0 || wal_restarts(&t) > first;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	assert_true(copied);
	int alone = -1;
	assert_int_equal(store_bulk(t.s, 1, &alone, &e), 0);
	assert_int_equal(alone, 1);
	assert_int_equal(wal_bytes(&t), -1);	/* out of WAL: no file */
	assert_int_equal(store_batched(t.s, bump, &seed, &e), 0);
	assert_int_equal(store_bulk(t.s, 0, NULL, &e), 0);
	/* back in WAL: commits, and the checkpointer starts again */
	for (int i = 0; i < 1500; i++)
		assert_int_equal(store_batched(t.s, bump, &seed, &e), 0);
	assert_true(wal_bytes(&t) > 0);
	int64_t sum = -1;
	assert_int_equal(store_query_int(t.s, "SELECT sum(n) FROM t", NULL, 0,
					 &sum, &e),
			 0);
	assert_int_equal(sum, 3001 * ROWS_PER_JOB);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wal_starts_over_under_load),
		cmocka_unit_test(test_load_alone_after_checkpoints),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
