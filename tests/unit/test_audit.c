/* The hash chain: intact logs verify, and each kind of tampering — edit,
 * delete, insert, reorder, truncate — is caught at the right entry; with
 * the audit key, also when the attacker recomputes the chain and the head
 * afterwards; the signed head catches a log set back or rebuilt; the
 * append-only triggers are checked; the tally of denied requests stays
 * within its bound. */
#include "testutil.h"

#include <sys/stat.h>

#include "domain/core/audit.h"
#include "domain/core/audit_tally.h"
#include "store/audit_store.h"

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

/* The first bad seq (-2 for a problem that is no entry's), or -1 when
 * the log is intact. */
static int64_t verify(testdb *t, char *why, size_t n)
{
	audit_check c;
	err e;
	assert_int_equal(audit_verify(t->s, NULL, &c, &e), 0);
	snprintf(why, n, "%s", c.why);
	return !c.broken ? -1 : c.at_entry ? c.bad_seq : -2;
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

/* ---- with the audit key ---- */

static audit_key *bind_new_key(testdb *t)
{
	char path[200];
	snprintf(path, sizeof path, "%s/t.db.audit-key", t->dir);
	audit_key *k = NULL;
	int created = 0;
	err e;
	if (audit_key_bind(t->s, path, AUDIT_KEY_CREATE, &k, &created, &e))
		fail_msg("bind: %s", e.msg);
	assert_int_equal(created, 1);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	return k;
}

/* The triggers made again exactly as the migration made them, as a
 * careful attacker leaves them. */
static void restore_triggers(testdb *t)
{
	err e;
	assert_int_equal(store_exec(t->s,
				    "CREATE TRIGGER audit_log_no_update BEFORE"
				    " UPDATE ON audit_log BEGIN SELECT"
				    " RAISE(ABORT, 'audit_log is append-only');"
				    " END",
				    NULL, 0, NULL, &e),
			 0);
	assert_int_equal(store_exec(t->s,
				    "CREATE TRIGGER audit_log_no_delete BEFORE"
				    " DELETE ON audit_log BEGIN SELECT"
				    " RAISE(ABORT, 'audit_log is append-only');"
				    " END",
				    NULL, 0, NULL, &e),
			 0);
}

/* What an attacker with the file but not the key does after a change:
 * every entry from `from` on linked again with plain SHA-256, the head
 * set to the new last entry, and the triggers put back. */
static void rechain(testdb *t, int64_t from)
{
	err e;
	store_res *r;
	assert_int_equal(audit_store_page(t->s, 0, 100000, &r, &e), 0);
	char prev[AUDIT_HASH_HEX];
	memset(prev, '0', AUDIT_HASH_HEX - 1);
	prev[AUDIT_HASH_HEX - 1] = '\0';
	int64_t last = 0;
	for (int i = 0; i < store_res_rows(r); i++) {
		audit_entry a = { .seq = store_res_int(r, i, 0),
				  .at = store_res_int(r, i, 1),
				  .actor = store_res_text(r, i, 2),
				  .action = store_res_text(r, i, 3),
				  .target = store_res_text(r, i, 4),
				  .region_code = store_res_text(r, i, 5),
				  .ip = store_res_text(r, i, 6),
				  .detail = store_res_text(r, i, 7) };
		char h[AUDIT_HASH_HEX];
		if (a.seq < from) {
			snprintf(prev, sizeof prev, "%s", store_res_text(r, i, 9));
		} else {
			audit_hash(&a, prev, h);
			store_param p[] = { { SP_TEXT, 0, prev },
					    { SP_TEXT, 0, h },
					    SP_I(a.seq) };
			assert_int_equal(
				store_exec(t->s,
					   "UPDATE audit_log SET prev_hash = ?,"
					   " hash = ? WHERE seq = ?",
					   p, 3, NULL, &e),
				0);
			memcpy(prev, h, sizeof h);
		}
		last = a.seq;
	}
	store_res_free(r);
	store_param p[] = { SP_I(last), { SP_TEXT, 0, prev } };
	assert_int_equal(store_exec(t->s,
				    "UPDATE audit_head SET seq = ?, hash = ?",
				    p, 2, NULL, &e),
			 0);
	restore_triggers(t);
}

static void test_rechained_edit_passes_without_key(void **state)
{
	(void)state;
	testdb t;
	char why[400];
	testdb_open(&t, 0);
	append_n(&t, 5);
	tamper(&t, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 3");
	rechain(&t, 3);
	/* The weakness the key is for: a plain chain recomputed verifies. */
	assert_int_equal(verify(&t, why, sizeof why), -1);
	testdb_close(&t);
}

static void test_rechained_edit_caught_with_key(void **state)
{
	(void)state;
	testdb t;
	char why[400];
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	append_n(&t, 5);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	tamper(&t, "UPDATE audit_log SET detail = '{\"n\":99}' WHERE seq = 3");
	rechain(&t, 3);
	assert_int_equal(verify(&t, why, sizeof why), 3);
	assert_non_null(strstr(why, "密钥"));
	testdb_close(&t);
	audit_key_free(k);
}

static void test_rechained_purge_caught_with_key(void **state)
{
	(void)state;
	testdb t;
	char why[400];
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	append_n(&t, 6);
	/* Entries 2 and 4 gone, the rest numbered again and rechained. */
	tamper(&t, "DELETE FROM audit_log WHERE seq IN (2, 4)");
	tamper(&t, "UPDATE audit_log SET seq = -seq WHERE seq > 2");
	tamper(&t, "UPDATE audit_log SET seq = 2 WHERE seq = -3");
	tamper(&t, "UPDATE audit_log SET seq = 3 WHERE seq = -5");
	tamper(&t, "UPDATE audit_log SET seq = 4 WHERE seq = -6");
	rechain(&t, 2);
	assert_int_equal(verify(&t, why, sizeof why), 2);
	testdb_close(&t);
	audit_key_free(k);
}

static void test_cut_tail_with_head_set_back_caught(void **state)
{
	(void)state;
	testdb t;
	char why[400];
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	append_n(&t, 5);
	tamper(&t, "DELETE FROM audit_log WHERE seq > 3");
	rechain(&t, 4);	/* nothing to relink: the head only */
	assert_int_equal(verify(&t, why, sizeof why), 4);
	assert_non_null(strstr(why, "日志头"));
	testdb_close(&t);
	audit_key_free(k);
}

static void test_upgraded_log_keeps_its_links(void **state)
{
	(void)state;
	testdb t;
	char why[400];
	audit_check c;
	err e;
	testdb_open(&t, 0);
	append_n(&t, 3);	/* before the key: SHA-256 links */
	audit_key *k = bind_new_key(&t);
	assert_int_equal(audit_key_start(k), 4);
	append_n(&t, 2);
	assert_int_equal(audit_verify(t.s, NULL, &c, &e), 0);
	assert_false(c.broken);
	assert_true(c.keyed);
	assert_int_equal(c.key_start, 4);
	assert_int_equal(c.checked, 5);
	/* An old entry changed and everything after relinked: the first
	 * keyed entry's MAC covers the old links. */
	tamper(&t, "UPDATE audit_log SET actor = 'x' WHERE seq = 2");
	rechain(&t, 2);
	assert_int_equal(verify(&t, why, sizeof why), 4);
	testdb_close(&t);
	audit_key_free(k);
}

static void test_append_needs_the_key(void **state)
{
	(void)state;
	testdb t;
	err e;
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	append_n(&t, 1);
	audit_entry a = { .at = 1, .actor = "x", .action = "login" };
	store_set_audit_key(t.s, NULL);
	assert_int_equal(store_begin(t.s, &e), 0);
	assert_int_equal(audit_append(t.s, &a, &e), ERR_STORE);
	assert_string_equal(e.key, "audit_key_missing");
	store_rollback(t.s);
	/* Another database's key. */
	char other[200];
	audit_key *k2;
	snprintf(other, sizeof other, "%s/other.audit-key", t.dir);
	assert_int_equal(audit_key_create(other, 1, &k2, &e), 0);
	store_set_audit_key(t.s, k2);
	assert_int_equal(store_begin(t.s, &e), 0);
	assert_int_equal(audit_append(t.s, &a, &e), ERR_STORE);
	assert_string_equal(e.key, "audit_key_mismatch");
	store_rollback(t.s);
	char why[400];
	store_set_audit_key(t.s, k);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	testdb_close(&t);
	audit_key_free(k);
	audit_key_free(k2);
}

static void test_bind_refusals(void **state)
{
	(void)state;
	testdb t;
	err e;
	audit_key *k, *k2;
	char path[200];
	testdb_open(&t, 0);
	snprintf(path, sizeof path, "%s/t.db.audit-key", t.dir);
	/* Not keyed, and no file: refused unless asked to create. */
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_USE, &k, NULL, &e),
			 ERR_NOTFOUND);
	assert_string_equal(e.key, "audit_key_none");
	k = bind_new_key(&t);
	/* Keyed: the file gone, or too open, or another's. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_USE, &k2, NULL, &e),
			 ERR_INVALID);
	assert_string_equal(e.key, "audit_key_bad");
	assert_int_equal(rename(path, "/tmp/guanai-unit-moved-key"), 0);
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_USE, &k2, NULL, &e),
			 ERR_NOTFOUND);
	assert_string_equal(e.key, "audit_key_missing");
	assert_int_equal(audit_key_create(path, 1, &k2, &e), 0);
	audit_key_free(k2);
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_USE, &k2, NULL, &e),
			 ERR_INVALID);
	assert_string_equal(e.key, "audit_key_mismatch");
	/* The database's record of its key cleared: the file is never
	 * adopted silently. */
	assert_int_equal(store_exec(t.s, "UPDATE audit_head SET key_id = ''",
				    NULL, 0, NULL, &e),
			 0);
	assert_int_equal(audit_key_bind(t.s, path, AUDIT_KEY_CREATE, &k2, NULL,
					&e),
			 ERR_CONFLICT);
	assert_string_equal(e.key, "audit_key_unbound");
	unlink("/tmp/guanai-unit-moved-key");
	testdb_close(&t);
	audit_key_free(k);
}

static void test_triggers_checked(void **state)
{
	(void)state;
	testdb t;
	err e;
	char why[400];
	testdb_open(&t, 0);
	append_n(&t, 2);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	assert_int_equal(store_exec(t.s, "DROP TRIGGER audit_log_no_delete",
				    NULL, 0, NULL, &e),
			 0);
	assert_int_equal(verify(&t, why, sizeof why), -2);
	assert_non_null(strstr(why, "audit_log_no_delete"));
	/* Made again, but only for some rows. */
	assert_int_equal(
		store_exec(t.s,
			   "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON"
			   " audit_log WHEN OLD.seq > 1 BEGIN SELECT RAISE(ABORT,"
			   " 'audit_log is append-only'); END",
			   NULL, 0, NULL, &e),
		0);
	assert_int_equal(verify(&t, why, sizeof why), -2);
	assert_non_null(strstr(why, "被改动"));
	testdb_close(&t);
}

static void test_anchor(void **state)
{
	(void)state;
	testdb t;
	err e;
	audit_check c;
	audit_anchor an;
	char text[1024];
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	append_n(&t, 3);
	assert_int_equal(audit_verify(t.s, NULL, &c, &e), 0);
	assert_int_equal(c.head_seq, 3);
	/* The state of the log at seq 3, as an old copy would keep it. */
	store_res *old;
	assert_int_equal(store_query(t.s, "SELECT seq, hash, mac FROM audit_head",
				     NULL, 0, &old, &e),
			 0);
	append_n(&t, 2);
	assert_int_equal(audit_verify(t.s, NULL, &c, &e), 0);
	assert_int_equal(audit_anchor_format(k, c.head_seq, c.head_hash, 77,
					     text, sizeof text),
			 0);
	assert_int_equal(audit_anchor_parse(text, strlen(text), &an, &e), 0);
	assert_int_equal(an.seq, 5);
	assert_int_equal(audit_verify(t.s, &an, &c, &e), 0);
	assert_false(c.broken);
	/* A signed head changed by hand. */
	audit_anchor forged = an;
	forged.seq = 4;
	assert_int_equal(audit_verify(t.s, &forged, &c, &e), 0);
	assert_true(c.broken);
	assert_non_null(strstr(c.why, "签名"));
	/* The log set back to its state at 3: a valid keyed chain, caught
	 * only by the anchor. */
	tamper(&t, "DELETE FROM audit_log WHERE seq > 3");
	store_param p[] = { SP_I(store_res_int(old, 0, 0)),
			    SP_S(store_res_text(old, 0, 1)),
			    SP_S(store_res_text(old, 0, 2)) };
	assert_int_equal(store_exec(t.s,
				    "UPDATE audit_head SET seq = ?, hash = ?,"
				    " mac = ?",
				    p, 3, NULL, &e),
			 0);
	store_res_free(old);
	restore_triggers(&t);
	assert_int_equal(audit_verify(t.s, NULL, &c, &e), 0);
	assert_false(c.broken);
	assert_int_equal(audit_verify(t.s, &an, &c, &e), 0);
	assert_true(c.broken);
	assert_int_equal(c.bad_seq, 5);
	assert_non_null(strstr(c.why, "截断"));
	/* Bad texts. */
	assert_int_equal(audit_anchor_parse("guanai-audit-head 1\nseq 1\n", 26,
					    &an, &e),
			 ERR_INVALID);
	assert_int_equal(audit_anchor_parse("hello", 5, &an, &e), ERR_INVALID);
	testdb_close(&t);
	audit_key_free(k);
}

static void test_tally_is_bounded(void **state)
{
	(void)state;
	testdb t;
	err e;
	char why[400];
	testdb_open(&t, 0);
	audit_key *k = bind_new_key(&t);
	audit_tally *tl = audit_tally_new();
	/* One caller, one route: one entry whatever the count. */
	for (int i = 0; i < 10000; i++) {
		audit_tally_event ev = { .action = "access_denied",
					 .actor = "u1", .region = "220122",
					 .ip = "10.0.0.1", .reason = "forbidden",
					 .route = "GET /api/v1/audit",
					 .target = "/api/v1/audit",
					 .status = 403, .at = 100 + i };
		audit_tally_add(tl, &ev);
	}
	int written = 0;
	assert_int_equal(audit_tally_flush(tl, t.s, 20000, &written, &e), 0);
	assert_int_equal(written, 1);
	/* Many callers, addresses and records: bounded all the same. */
	for (int i = 0; i < 10000; i++) {
		char who[16], ip[24], target[40];
		snprintf(who, sizeof who, "u%d", i % 500);
		snprintf(ip, sizeof ip, "10.0.%d.%d", i / 250, i % 250);
		snprintf(target, sizeof target, "/api/v1/children/%d", i);
		audit_tally_event ev = { .action = "access_denied",
					 .actor = who, .region = "220122",
					 .ip = ip, .reason = "out_of_scope",
					 .route = "GET /api/v1/children/{id}",
					 .target = target, .status = 404,
					 .at = 100 + i };
		audit_tally_add(tl, &ev);
	}
	assert_int_equal(audit_tally_flush(tl, t.s, 20000, &written, &e), 0);
	assert_true(written <= AUDIT_TALLY_MAX);
	assert_true(written > AUDIT_TALLY_FINE);
	int64_t sum = 0;
	assert_int_equal(store_query_int(t.s,
					 "SELECT sum(CAST(json_extract(detail,"
					 " '$.count') AS INTEGER)) FROM audit_log"
					 " WHERE action IN ('access_denied',"
					 " 'tally_overflow')",
					 NULL, 0, &sum, &e),
			 0);
	assert_int_equal(sum, 20000);
	assert_int_equal(verify(&t, why, sizeof why), -1);
	/* Nothing counted: nothing written. */
	assert_int_equal(audit_tally_flush(tl, t.s, 20000, &written, &e), 0);
	assert_int_equal(written, 0);
	audit_tally_free(tl);
	testdb_close(&t);
	audit_key_free(k);
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
		cmocka_unit_test(test_rechained_edit_passes_without_key),
		cmocka_unit_test(test_rechained_edit_caught_with_key),
		cmocka_unit_test(test_rechained_purge_caught_with_key),
		cmocka_unit_test(test_cut_tail_with_head_set_back_caught),
		cmocka_unit_test(test_upgraded_log_keeps_its_links),
		cmocka_unit_test(test_append_needs_the_key),
		cmocka_unit_test(test_bind_refusals),
		cmocka_unit_test(test_triggers_checked),
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_tally_is_bounded),
	};
	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
