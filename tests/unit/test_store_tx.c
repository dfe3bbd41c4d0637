/* store_tx and audit_record, the one way the domain writes: a work's
 * writes and its audit entry commit together or not at all; the entry
 * says who, from where, when, about what, in which region; its detail is
 * taken on every path (LeakSanitizer watches the paths that fail). */
#include "testutil.h"

#include "domain/core/audit.h"
#include "store/audit_store.h"
#include "store/user_store.h"

/* A table of this test's own, so that what a work wrote is easy to
 * count. */
static void make_table(testdb *t)
{
	err e;
	assert_int_equal(store_exec(t->s, "CREATE TABLE tx_t (v BIGINT)", NULL,
				    0, NULL, &e),
			 0);
}

typedef struct work_arg {
	int64_t v;
	int fail;		/* return this after the write (0: succeed) */
	const actor *who;	/* and audit the write as this actor */
	json_t *detail;
} work_arg;

static int work(store *s, void *arg, err *e)
{
	work_arg *w = arg;
	store_param p[] = { SP_I(w->v) };
	int rc = store_exec(s, "INSERT INTO tx_t (v) VALUES (?)", p,
			    SP_COUNT(p), NULL, e);
	if (rc == 0 && w->who) {
		char t[AUDIT_TARGET_MAX];
		rc = audit_record(s, w->who, "tx_test",
				  audit_target(t, "tx", w->v), "220122",
				  w->detail, e);
		w->detail = NULL;	/* taken */
	}
	if (rc == 0 && w->fail)
		rc = err_set(e, w->fail, "work_failed", "工作失败");
	return rc;
}

static void test_commits_what_the_work_wrote(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	make_table(&t);
	work_arg w = { .v = 7 };
	assert_int_equal(store_tx(t.s, work, &w, &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM tx_t"), 1);
	/* The transaction ended: another may begin. */
	assert_int_equal(store_begin(t.s, &e), 0);
	store_rollback(t.s);
	testdb_close(&t);
}

static void test_rolls_back_a_failed_work(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	make_table(&t);
	work_arg w = { .v = 7, .fail = ERR_CONFLICT };
	err_clear(&e);
	assert_int_equal(store_tx(t.s, work, &w, &e), ERR_CONFLICT);
	/* The work's own error comes back as it set it. */
	assert_string_equal(e.key, "work_failed");
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM tx_t"), 0);
	assert_int_equal(store_begin(t.s, &e), 0);
	store_rollback(t.s);
	testdb_close(&t);
}

static void test_read_tx_keeps_nothing(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	make_table(&t);
	work_arg w = { .v = 1 };
	/* Whatever a read-only work does is rolled back at its end. */
	int rc = store_tx_read(t.s, work, &w, &e);
	(void)rc;	/* SQLite lets the write run; PostgreSQL refuses it */
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM tx_t"), 0);
	w.fail = ERR_NOTFOUND;
	assert_int_equal(store_tx_read(t.s, work, &w, &e), ERR_NOTFOUND);
	assert_int_equal(store_begin(t.s, &e), 0);
	store_rollback(t.s);
	testdb_close(&t);
}

/* The newest audit entry's fields. */
static store_res *last_entry(testdb *t)
{
	store_res *r;
	err e;
	assert_int_equal(audit_store_page(t->s, 0, 1000, &r, &e), 0);
	assert_true(store_res_rows(r) > 0);
	return r;
}

static void test_write_and_entry_commit_together(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	make_table(&t);
	user u = { .id = 5, .role = ROLE_COUNTY };
	snprintf(u.username, sizeof u.username, "county1");
	snprintf(u.region, sizeof u.region, "220122");
	actor who = { .u = &u, .ip = "10.0.0.9", .now = 1530000000 };
	int64_t before = testdb_count(&t, "SELECT COUNT(*) FROM audit_log");

	work_arg w = { .v = 3, .who = &who,
		       .detail = json_pack("{s:s, s:i}", "b", "x", "a", 1) };
	assert_int_equal(store_tx(t.s, work, &w, &e), 0);
	store_res *r = last_entry(&t);
	int n = store_res_rows(r) - 1;
	/* seq, at, actor, action, target, region_code, ip, detail */
	assert_int_equal(store_res_int(r, n, 1), 1530000000);
	assert_string_equal(store_res_text(r, n, 2), "county1");
	assert_string_equal(store_res_text(r, n, 3), "tx_test");
	assert_string_equal(store_res_text(r, n, 4), "tx:3");
	assert_string_equal(store_res_text(r, n, 5), "220122");
	assert_string_equal(store_res_text(r, n, 6), "10.0.0.9");
	assert_string_equal(store_res_text(r, n, 7), "{\"a\":1,\"b\":\"x\"}");
	store_res_free(r);

	/* A work that fails after its entry: neither the write nor the
	 * entry stays. */
	w = (work_arg){ .v = 4, .who = &who, .fail = ERR_INVALID,
			.detail = json_object() };
	assert_int_equal(store_tx(t.s, work, &w, &e), ERR_INVALID);
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM tx_t"), 1);
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM audit_log"),
			 before + 1);

	/* The command line is "system", with no address; no detail is {}. */
	actor cli = { .u = NULL, .ip = NULL, .now = 1 };
	w = (work_arg){ .v = 5, .who = &cli };
	assert_int_equal(store_tx(t.s, work, &w, &e), 0);
	r = last_entry(&t);
	n = store_res_rows(r) - 1;
	assert_string_equal(store_res_text(r, n, 2), "system");
	assert_string_equal(store_res_text(r, n, 6), "");
	assert_string_equal(store_res_text(r, n, 7), "{}");
	store_res_free(r);
	testdb_close(&t);
}

static void test_detail_taken_when_the_entry_fails(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	char path[200];
	snprintf(path, sizeof path, "%s/t.db.audit-key", t.dir);
	audit_key *k = NULL;
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_CREATE, &k, NULL,
					&e),
			 0);
	/* A keyed chain refuses an entry from a connection without the
	 * key: the detail is freed all the same. */
	store_set_audit_key(t.s, NULL);
	actor cli = { .now = 1 };
	assert_int_equal(store_begin(t.s, &e), 0);
	assert_int_equal(audit_record(t.s, &cli, "tx_test", NULL, NULL,
				      json_pack("{s:s}", "k", "v"), &e),
			 ERR_STORE);
	store_rollback(t.s);
	assert_int_equal(audit_record_alone(t.s, &cli, "tx_test", "22",
					    json_pack("{s:s}", "k", "v"), &e),
			 ERR_STORE);
	/* With the key, an entry of its own commits by itself. */
	store_set_audit_key(t.s, k);
	int64_t before = testdb_count(&t, "SELECT COUNT(*) FROM audit_log");
	assert_int_equal(audit_record_alone(t.s, &cli, "tx_test", "22",
					    json_pack("{s:s}", "k", "v"), &e),
			 0);
	assert_int_equal(testdb_count(&t, "SELECT COUNT(*) FROM audit_log"),
			 before + 1);
	testdb_close(&t);
	audit_key_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commits_what_the_work_wrote),
		cmocka_unit_test(test_rolls_back_a_failed_work),
		cmocka_unit_test(test_read_tx_keeps_nothing),
		cmocka_unit_test(test_write_and_entry_commit_together),
		cmocka_unit_test(test_detail_taken_when_the_entry_fails),
	};
	return cmocka_run_group_tests_name("store_tx", tests, NULL, NULL);
}
