/* Region codes, the scope test, the import and custom regions. */
#include "testutil.h"

#include "domain/core/account.h"
#include "domain/core/region.h"

static void test_level_of(void **state)
{
	(void)state;
	assert_int_equal(region_level_of("22"), REGION_PROVINCE);
	assert_int_equal(region_level_of("2201"), REGION_CITY);
	assert_int_equal(region_level_of("220122"), REGION_COUNTY);
	assert_int_equal(region_level_of("220122100"), REGION_TOWNSHIP);
	assert_int_equal(region_level_of("220122100207"), REGION_VILLAGE);
	assert_int_equal(region_level_of("2"), 0);
	assert_int_equal(region_level_of("22012"), 0);
	assert_int_equal(region_level_of("2201221002070"), 0);
}

static void test_normalize(void **state)
{
	(void)state;
	char out[REGION_CODE_MAX];
	err e;
	assert_int_equal(region_normalize("2201", out, &e), 0);
	assert_string_equal(out, "2201");
	assert_int_equal(region_normalize("220000000000", out, &e), 0);
	assert_string_equal(out, "22");
	assert_int_equal(region_normalize("220122000000", out, &e), 0);
	assert_string_equal(out, "220122");
	assert_int_equal(region_normalize("220122100000", out, &e), 0);
	assert_string_equal(out, "220122100");
	assert_int_equal(region_normalize("220122100207", out, &e), 0);
	assert_string_equal(out, "220122100207");
	static const char *const bad[] = { "",	   "2",		"22a1",
					   "00",   "000000000000", "22012",
					   "2201221002071", " 22", "22'--",
					   "-22" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		assert_int_equal(region_normalize(bad[i], out, &e), ERR_INVALID);
		assert_string_equal(e.key, "invalid_region");
	}
	assert_int_equal(region_normalize(NULL, out, &e), ERR_INVALID);
}

static void test_scope(void **state)
{
	(void)state;
	assert_true(region_in_scope("22", "220122100207"));
	assert_true(region_in_scope("220122", "220122"));
	assert_true(region_in_scope("220122", "220122100"));
	assert_false(region_in_scope("220122", "220102001"));
	assert_false(region_in_scope("220122100", "220122"));
	assert_false(region_in_scope("2201", "2224"));
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range("220122", lo, hi);
	assert_string_equal(lo, "220122");
	assert_string_equal(hi, "220122:");
	/* Every descendant sorts inside [lo, hi), no neighbour does. */
	assert_true(strcmp("220122999999", hi) < 0);
	assert_true(strcmp("220123", hi) > 0);
	assert_true(strcmp("220121999999", lo) < 0);
}

static void test_common(void **state)
{
	(void)state;
	char out[REGION_CODE_MAX];
	region_common("220122100207", "220122100208", out);
	assert_string_equal(out, "220122100");
	region_common("220122100207", "220122101001", out);
	assert_string_equal(out, "220122");
	region_common("220122100207", "220102", out);
	assert_string_equal(out, "2201");
	region_common("220122", "220122100207", out);
	assert_string_equal(out, "220122");
	region_common("2201", "2202", out);
	assert_string_equal(out, "22");
	region_common("22", "21", out);
	assert_string_equal(out, "");
	/* Codes that share digits past a level but not at one. */
	region_common("220122100", "220122109", out);
	assert_string_equal(out, "220122");
	region_common("", "22", out);
	assert_string_equal(out, "");
}

static void test_import_and_resolve(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 1);
	region g;
	err e;
	assert_int_equal(region_resolve(t.s, NULL, "220122000000", &g, &e), 0);
	assert_string_equal(g.name, "农安县");
	assert_int_equal(g.level, REGION_COUNTY);
	assert_string_equal(g.parent, "2201");
	/* A village whose own code ends in 000 is found by its exact code. */
	assert_int_equal(region_resolve(t.s, NULL, "220122101200", &g, &e), 0);
	assert_string_equal(g.name, "伏龙泉村委会");
	/* Out of scope reads exactly like absent. */
	err e2;
	assert_int_equal(region_resolve(t.s, "220122", "222401", &g, &e),
			 ERR_NOTFOUND);
	assert_int_equal(region_resolve(t.s, "220122", "229999", &g, &e2),
			 ERR_NOTFOUND);
	assert_string_equal(e.key, e2.key);
	assert_string_equal(e.msg, e2.msg);
	region *kids;
	int n;
	assert_int_equal(region_children(t.s, "220122", &kids, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(kids[0].code, "220122100");
	assert_true(kids[0].has_children);
	free(kids);
	char path[256];
	assert_int_equal(region_path_text(t.s, "220122100207", path,
					  sizeof path, &e),
			 0);
	assert_string_equal(path, "吉林省 / 长春市 / 农安县 / 农安镇 / 十里堡村委会");
	/* every level, and the same regions as region_path gives */
	const char *codes[] = { "22", "2201", "220122", "220122100",
				"220122100207" };
	for (int i = 0; i < 5; i++) {
		region chain[5];
		int k;
		assert_int_equal(region_path(t.s, codes[i], chain, &k, &e), 0);
		assert_int_equal(k, i + 1);
		char want[256] = "";
		for (int j = 0; j < k; j++)
			snprintf(want + strlen(want), sizeof want - strlen(want),
				 "%s%s", j ? " / " : "", chain[j].name);
		assert_int_equal(region_path_text(t.s, codes[i], path,
						  sizeof path, &e),
				 0);
		assert_string_equal(path, want);
	}
	assert_int_equal(region_path_text(t.s, "220122100299", path,
					  sizeof path, &e),
			 ERR_NOTFOUND);
	/* Importing again changes nothing (upsert by code). */
	long cnt;
	assert_int_equal(region_import(t.s, FIXTURE_REGIONS, "22", &cnt, &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM regions"), 15);
	testdb_close(&t);
}

static void test_import_bad_file_changes_nothing(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 0);
	char dir[128], cmd[1024];
	snprintf(dir, sizeof dir, "%s/bad", t.dir);
	snprintf(cmd, sizeof cmd,
		 "mkdir -p %s && cp " FIXTURE_REGIONS "/*.csv %s && "
		 "printf '220122100999,\"x\",229999999,22,2201,220122\\n' >> "
		 "%s/villages.csv",
		 dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	long n = 0;
	err e;
	assert_int_equal(region_import(t.s, dir, "22", &n, &e), ERR_INVALID);
	assert_non_null(strstr(e.msg, "villages.csv"));
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM regions"), 0);
	/* A missing directory is an error too, and also changes nothing. */
	assert_int_equal(region_import(t.s, "/nonexistent", "22", &n, &e),
			 ERR_INVALID);
	assert_string_equal(e.key, "file_unreadable");
	/* Unterminated quote. */
	snprintf(cmd, sizeof cmd,
		 "printf 'code,name\\n22,\"吉林省\\n' > %s/provinces.csv", dir);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(region_import(t.s, dir, "22", &n, &e), ERR_INVALID);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM regions"), 0);
	testdb_close(&t);
}

static void test_custom_region(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 1);
	actor who = { .u = NULL, .ip = "", .now = 1000 };
	region g;
	err e;
	assert_int_equal(region_create(t.s, &who, "22", "长白山管委会", &g, &e), 0);
	assert_string_equal(g.code, "2299");
	assert_int_equal(g.level, REGION_CITY);
	assert_false(g.statistical);
	assert_int_equal(region_create(t.s, &who, "22", "长白山管委会", &g, &e),
			 ERR_CONFLICT);
	assert_int_equal(region_create(t.s, &who, "2299", "池北区", &g, &e), 0);
	assert_string_equal(g.code, "229999");
	char path[256];
	assert_int_equal(region_path_text(t.s, "229999", path, sizeof path, &e),
			 0);
	assert_string_equal(path, "吉林省 / 长白山管委会 / 池北区");
	/* a link of the chain missing (as a damaged database might have
	 * it): not found, not a shorter path */
	assert_int_equal(store_exec(t.s, "PRAGMA foreign_keys=OFF", NULL, 0,
				    NULL, &e),
			 0);
	assert_int_equal(store_exec(t.s, "UPDATE regions SET parent_code ="
					 " '2298' WHERE code = '229999'",
				    NULL, 0, NULL, &e),
			 0);
	assert_int_equal(region_path_text(t.s, "229999", path, sizeof path, &e),
			 ERR_NOTFOUND);
	region chain[5];
	int k;
	assert_int_equal(region_path(t.s, "229999", chain, &k, &e),
			 ERR_NOTFOUND);
	assert_int_equal(region_create(t.s, &who, "22", "x", &g, &e),
			 ERR_INVALID);
	assert_int_equal(region_create(t.s, &who, "220122100207", "某组", &g,
				       &e),
			 ERR_INVALID);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log"
					  " WHERE action = 'region_create'"),
			 2);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_of),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_common),
		cmocka_unit_test(test_import_and_resolve),
		cmocka_unit_test(test_import_bad_file_changes_nothing),
		cmocka_unit_test(test_custom_region),
	};
	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
