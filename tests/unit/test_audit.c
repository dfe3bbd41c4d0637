/* The hash chain: intact logs verify, and each kind of tampering — edit,
 * delete, insert, reorder, truncate — is caught at the right entry. */
#include "testutil.h"

#include "domain/audit.h"

static void append_n(testdb *t, int n)
{
	err e;
	for (int i = 1; i <= n; i++) {
		char detail[64];
		snprintf(detail, sizeof detail, "{\"n\":%d}", i);
		audit_entry a = { .at = 1000 + i, .actor = "tester",
				  .action = "login", .target = "user:1",
				  .region_code = "220122", .ip = "127.0.0.1",
				  .detail = detail };
		err_clear(&e);
		assert_int_equal(store_begin(t->s, &e), 0);
		assert_int_equal(audit_append(t->s, &a, &e), 0);
		assert_int_equal(store_commit(t->s, &e), 0);
	}
}

/* The first bad seq, or -1 when the chain is intact. */
static int64_t verify(testdb *t, char *why, size_t n)
{
	int64_t checked, bad;
	int broken;
	err e;
	assert_int_equal(
		audit_verify(t->s, &checked, &broken, &bad, why, n, &e), 0);
	return broken ? bad : -1;
}

static void tamper(testdb *t, const char *sql)
{
	err e;
	assert_int_equal(
		store_exec(t->s, "DROP TRIGGER IF EXISTS audit_log_no_update",
			   NULL, 0, NULL, &e),
		0);
	assert_int_equal(
		store_exec(t->s, "DROP TRIGGER IF EXISTS audit_log_no_delete",
			   NULL, 0, NULL, &e),
		0);
	/* The tamper statements are constants of this file, one per test. */
	if (store_exec(t->s, sql, NULL, 0, NULL, &e) != 0)
		fail_msg("tamper failed: %s", e.msg);
}

static void test_intact(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	append_n(&t, 5);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	assert_int_equal(testdb_count(&t, "SELECT seq FROM audit_head"), 5);
	testdb_close(&t);
}

static void test_triggers_refuse(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	append_n(&t, 2);
	assert_int_not_equal(store_exec(t.s, "UPDATE audit_log SET actor = 'x'",
					NULL, 0, NULL, &e),
			     0);
	assert_int_not_equal(
		store_exec(t.s, "DELETE FROM audit_log", NULL, 0, NULL, &e), 0);
	char why[256];
	assert_int_equal(verify(&t, why, sizeof why), -1);
	testdb_close(&t);
}

static void test_edit(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 5);
	tamper(&t, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 3");
	assert_int_equal(verify(&t, why, sizeof why), 3);
	assert_non_null(strstr(why, "修改"));
	testdb_close(&t);
}

static void test_delete(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 5);
	tamper(&t, "DELETE FROM audit_log WHERE seq = 2");
	assert_int_equal(verify(&t, why, sizeof why), 2);
	testdb_close(&t);
}

static void test_truncate_tail(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 5);
	tamper(&t, "DELETE FROM audit_log WHERE seq = 5");
	assert_int_equal(verify(&t, why, sizeof why), 5);
	testdb_close(&t);
}

static void test_insert(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 5);
	/* Make room for a forged entry by shifting the later ones up. */
	tamper(&t, "UPDATE audit_log SET seq = -seq WHERE seq >= 4");
	tamper(&t, "UPDATE audit_log SET seq = 1 - seq WHERE seq < 0");
	tamper(&t, "INSERT INTO audit_log (seq, at, actor, action, target,"
		   " region_code, ip, detail, prev_hash, hash) SELECT 4, at,"
		   " 'forger', action, target, region_code, ip, detail,"
		   " hash, hash FROM audit_log WHERE seq = 3");
	assert_int_equal(verify(&t, why, sizeof why), 4);
	testdb_close(&t);
}

static void test_insert_before_first(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 3);
	tamper(&t, "INSERT INTO audit_log (seq, at, actor, action, target,"
		   " region_code, ip, detail, prev_hash, hash) SELECT 0, at,"
		   " 'forger', action, target, region_code, ip, detail,"
		   " prev_hash, hash FROM audit_log WHERE seq = 1");
	assert_int_equal(verify(&t, why, sizeof why), 0);
	testdb_close(&t);
}

static void test_reorder(void **state)
{
	(void)state;
	testdb t;
	char why[256];
	testdb_open(&t, 0);
	append_n(&t, 5);
	/* Swap entries 2 and 3 whole, each keeping its own hashes. */
	tamper(&t, "UPDATE audit_log SET seq = -2 WHERE seq = 2");
	tamper(&t, "UPDATE audit_log SET seq = 2 WHERE seq = 3");
	tamper(&t, "UPDATE audit_log SET seq = 3 WHERE seq = -2");
	assert_int_equal(verify(&t, why, sizeof why), 2);
	testdb_close(&t);
}

static void test_hash_is_field_exact(void **state)
{
	(void)state;
	/* "ab"+"c" and "a"+"bc" must not hash alike. */
	audit_entry a = { .seq = 1, .at = 1, .actor = "ab", .action = "c" };
	audit_entry b = { .seq = 1, .at = 1, .actor = "a", .action = "bc" };
	char ha[AUDIT_HASH_HEX], hb[AUDIT_HASH_HEX];
	audit_hash(&a, "0", ha);
	audit_hash(&b, "0", hb);
	assert_string_not_equal(ha, hb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intact),
		cmocka_unit_test(test_triggers_refuse),
		cmocka_unit_test(test_edit),
		cmocka_unit_test(test_delete),
		cmocka_unit_test(test_truncate_tail),
		cmocka_unit_test(test_insert),
		cmocka_unit_test(test_insert_before_first),
		cmocka_unit_test(test_reorder),
		cmocka_unit_test(test_hash_is_field_exact),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
