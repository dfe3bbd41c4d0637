/* Helpers shared by the unit tests: a real SQLite file in a fresh
 * temporary directory, migrated and loaded with the fixture regions
 * (a small slice of Jilin in tests/unit/fixtures/regions). */
#ifndef GUANAI_TESTUTIL_H
#define GUANAI_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "domain/core/region.h"
#include "store/store.h"

#define FIXTURE_REGIONS "tests/unit/fixtures/regions"

typedef struct testdb {
	char dir[64];
	char path[128];
	store *s;
} testdb;

/* A fresh temporary directory for t's database file (t->path), not yet
 * created or opened; testdb_remove removes it. */
static inline void testdb_dir(testdb *t)
{
	snprintf(t->dir, sizeof t->dir, "/tmp/guanai-unit-XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(t->path, sizeof t->path, "%s/t.db", t->dir);
	t->s = NULL;
}

static inline void testdb_remove(testdb *t)
{
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", t->dir);
	assert_int_equal(system(cmd), 0);
}

static inline void testdb_open(testdb *t, int with_regions)
{
	testdb_dir(t);
	err e;
	assert_int_equal(store_open(t->path, &t->s, &e), 0);
	assert_int_equal(store_migrate(t->s, &e), 0);
	if (with_regions) {
		long n = 0;
		int rc = region_import(t->s, FIXTURE_REGIONS, "22", &n, &e);
		if (rc)
			fail_msg("import: %s", e.msg);
		assert_int_equal(n, 15);
	}
}

static inline void testdb_close(testdb *t)
{
	store_close(t->s);
	testdb_remove(t);
}

static inline int64_t testdb_count(testdb *t, const char *sql)
{
	int64_t n = -1;
	err e;
	assert_int_equal(store_query_int(t->s, sql, NULL, 0, &n, &e), 0);
	return n;
}

#endif
