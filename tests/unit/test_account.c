/* Accounts: the password rules, one-time passwords, the scope and rank
 * rules of user management, throttled logins and session expiry. */
#include "testutil.h"

#include <sodium.h>

#include "domain/core/account.h"

static account_cfg cfg;

static int setup(void **state)
{
	(void)state;
	err e;
	if (sodium_init() < 0 || account_cfg_init(&cfg, &e) != 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	account_cfg_free(&cfg);
	return 0;
}

static void test_password_rule(void **state)
{
	(void)state;
	static const char *const weak[] = {
		"",	     "Ab1!",	   "abcdefgh",	  "ABCDEFGH",
		"12345678",  "abcd1234",   "ABCD!!!!",	  "Abc1!\x01xyz",
		"abcdefgh!", /* lower + symbol only */
	};
	static const char *const strong[] = { "Abcdefg1", "abcdef1!",
					      "ABCDEF1!", "Abcdefg!",
					      "儿童之家Ab1!" };
	err e;
	for (size_t i = 0; i < sizeof weak / sizeof *weak; i++) {
		err_clear(&e);
		if (account_password_check(weak[i], &e) != ERR_INVALID)
			fail_msg("accepted weak password #%zu", i);
		assert_string_equal(e.key, "weak_password");
	}
	for (size_t i = 0; i < sizeof strong / sizeof *strong; i++)
		if (account_password_check(strong[i], &e) != 0)
			fail_msg("refused strong password %s: %s", strong[i],
				 e.msg);
	char longpw[200];
	memset(longpw, 'a', sizeof longpw - 1);
	longpw[sizeof longpw - 1] = '\0';
	longpw[0] = 'A';
	longpw[1] = '1';
	assert_int_equal(account_password_check(longpw, &e), ERR_INVALID);
}

static void test_otp(void **state)
{
	(void)state;
	err e;
	for (int i = 0; i < 200; i++) {
		char otp[ACCOUNT_OTP_LEN + 1];
		account_otp(otp);
		assert_int_equal(strlen(otp), ACCOUNT_OTP_LEN);
		assert_int_equal(account_password_check(otp, &e), 0);
		assert_null(strpbrk(otp, "0O1lI"));
	}
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(account_role_parse("county"), ROLE_COUNTY);
	assert_int_equal(account_role_parse("County"), ROLE_NONE);
	assert_int_equal(account_role_parse(NULL), ROLE_NONE);
	assert_int_equal(account_role_level(ROLE_SUPERVISOR), REGION_TOWNSHIP);
	assert_int_equal(account_role_level(ROLE_DIRECTOR), REGION_VILLAGE);
	assert_int_equal(account_role_level(ROLE_AUDITOR), 0);
	assert_true(ROLE_ADMIN > ROLE_PROVINCE && ROLE_COUNTY > ROLE_SUPERVISOR &&
		    ROLE_DIRECTOR > ROLE_AUDITOR);
	assert_string_equal(account_role_label(ROLE_DIRECTOR), "儿童主任");
}

static void mkuser(testdb *t, const actor *who, const char *name,
		   const char *rolename, const char *code, user *out)
{
	char otp[ACCOUNT_OTP_LEN + 1];
	err e;
	int rc = account_create(t->s, who, name, rolename, code, NULL, out, otp,
				&e);
	if (rc)
		fail_msg("create %s: %s", name, e.msg);
}

static void test_create_rules(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 1);
	actor sys = { .now = 1000 };
	user county, u;
	mkuser(&t, &sys, "county1", "county", "220122", &county);
	assert_true(county.must_change);
	actor who = { .u = &county, .ip = "127.0.0.1", .now = 1001 };
	char otp[ACCOUNT_OTP_LEN + 1];
	err e;
	/* Inside the county, at the right level: fine. */
	assert_int_equal(account_create(t.s, &who, "sup1", "supervisor",
					"220122100", "张三", &u, otp, &e),
			 0);
	/* Outside the county: reads as absent. */
	assert_int_equal(account_create(t.s, &who, "sup2", "supervisor",
					"220102001", NULL, &u, otp, &e),
			 ERR_NOTFOUND);
	assert_string_equal(e.key, "region_not_found");
	/* Above its own rank. */
	assert_int_equal(account_create(t.s, &who, "city1", "city", "2201",
					NULL, &u, otp, &e),
			 ERR_FORBIDDEN);
	assert_int_equal(account_create(t.s, &who, "adm2", "admin", "220122",
					NULL, &u, otp, &e),
			 ERR_FORBIDDEN);
	/* Level mismatch. */
	assert_int_equal(account_create(t.s, &who, "dir1", "director",
					"220122100", NULL, &u, otp, &e),
			 ERR_INVALID);
	assert_string_equal(e.field, "region_code");
	/* Bad usernames and roles. */
	assert_int_equal(account_create(t.s, &who, "a b", "director",
					"220122100207", NULL, &u, otp, &e),
			 ERR_INVALID);
	assert_int_equal(account_create(t.s, &who, "dir1", "boss",
					"220122100207", NULL, &u, otp, &e),
			 ERR_INVALID);
	/* Taken. */
	assert_int_equal(account_create(t.s, &who, "sup1", "director",
					"220122100207", NULL, &u, otp, &e),
			 ERR_CONFLICT);
	assert_string_equal(e.key, "username_taken");
	/* A director may not manage users at all. */
	user dir;
	mkuser(&t, &sys, "dir9", "director", "220122100207", &dir);
	actor dwho = { .u = &dir, .now = 1002 };
	assert_int_equal(account_create(t.s, &dwho, "x123", "director",
					"220122100207", NULL, &u, otp, &e),
			 ERR_FORBIDDEN);
	/* Only the successful creations were written and audited. */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM users"), 3);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log"
					  " WHERE action = 'user_create'"),
			 3);
	/* The list of a county officer holds only its county. */
	user *v;
	int n;
	int64_t total;
	assert_int_equal(account_list(t.s, &who, NULL, NULL, 0, 50, &v, &n,
				      &total, &e),
			 0);
	assert_int_equal(total, 3);
	free(v);
	user other;
	mkuser(&t, &sys, "yanji", "county", "222401", &other);
	assert_int_equal(account_list(t.s, &who, NULL, NULL, 0, 50, &v, &n,
				      &total, &e),
			 0);
	assert_int_equal(total, 3);
	free(v);
	assert_int_equal(account_get(t.s, &who, other.id, &u, &e),
			 ERR_NOTFOUND);
	testdb_close(&t);
}

/* The account "zhuren" with a known password, in a fresh database. */
static void zhuren(testdb *t, user *u)
{
	actor sys = { .now = 1000 };
	err e;
	testdb_open(t, 1);
	mkuser(t, &sys, "zhuren", "director", "220122100207", u);
	assert_int_equal(account_set_password(t->s, &sys, u->id, "Kq7#zRw9vTp",
					      &e),
			 0);
}

static int try_login(testdb *t, const char *name, const char *pw,
		     const char *ip, int64_t now, err *e)
{
	session se;
	err_clear(e);
	return account_login(t->s, &cfg, name, pw, ip, now, &se, e);
}

/* Issue #17 item 4: five wrong passwords used to lock the account for
 * everyone.  Now they hold back the address that typed them, and the
 * real user elsewhere logs in. */
static void test_failures_hold_the_address_not_the_account(void **state)
{
	(void)state;
	testdb t;
	user u;
	err e;
	zhuren(&t, &u);
	cfg.thr.window = 900;
	cfg.thr.address_budget = 30;
	cfg.thr.account_budget = 20;
	int64_t now = 2000;
	for (int i = 0; i < THROTTLE_PAIR_FREE + 1; i++)
		assert_int_equal(try_login(&t, "zhuren", "Wrong-pass-1",
					   "198.51.100.7", now, &e),
				 ERR_UNAUTH);
	/* the attacker's address waits, even with the right password */
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "198.51.100.7",
				   now + 1, &e),
			 ERR_RATE);
	assert_string_equal(e.key, "too_many_attempts");
	assert_int_equal(e.retry_after, THROTTLE_STEP - 1);
	/* the real user does not */
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "203.0.113.9",
				   now + 2, &e),
			 0);
	/* the wait doubles with each further failure */
	assert_int_equal(try_login(&t, "zhuren", "Wrong-pass-1", "198.51.100.7",
				   now + THROTTLE_STEP, &e),
			 ERR_UNAUTH);
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "198.51.100.7",
				   now + THROTTLE_STEP + 1, &e),
			 ERR_RATE);
	assert_int_equal(e.retry_after, 2 * THROTTLE_STEP - 1);
	/* and ends */
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "198.51.100.7",
				   now + 3 * THROTTLE_STEP + 1, &e),
			 0);
	/* nobody could lock it: the user row was never locked for login */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"
					  " WHERE length(tkey) <> 32"),
			 0);
	testdb_close(&t);
}

/* Unknown names: the same answers, counted the same, never stored. */
static void test_unknown_names_answer_alike(void **state)
{
	(void)state;
	testdb t;
	user u;
	err known, unknown;
	zhuren(&t, &u);
	cfg.thr.window = 900;
	int64_t now = 5000;
	for (int i = 0; i < THROTTLE_PAIR_FREE + 2; i++) {
		int a = try_login(&t, "zhuren", "Wrong-pass-1", "192.0.2.1",
				  now + i, &known);
		int b = try_login(&t, "zhuren-Secret#Pw1", "Wrong-pass-1",
				  "192.0.2.2", now + i, &unknown);
		assert_int_equal(a, b);
		assert_string_equal(known.key, unknown.key);
		assert_string_equal(known.msg, unknown.msg);
		assert_int_equal(known.retry_after, unknown.retry_after);
	}
	assert_string_equal(known.key, "too_many_attempts");
	/* the typed name is nowhere, not in the audit log, not in the
	 * counters: only its keyed hash */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log WHERE"
					  " detail LIKE '%Secret%' OR actor LIKE"
					  " '%Secret%' OR target LIKE '%Secret%'"),
			 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log WHERE"
					  " action = 'login_failed' AND detail"
					  " LIKE '%username_hash%'"),
			 THROTTLE_PAIR_FREE + 1);
	/* a known account's entry names the account */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log WHERE"
					  " action = 'login_failed' AND detail"
					  " LIKE '%\"username\":\"zhuren\"%'"),
			 THROTTLE_PAIR_FREE + 1);
	testdb_close(&t);
}

/* Past its budget an address waits for every name, known or not. */
static void test_address_budget(void **state)
{
	(void)state;
	testdb t;
	user u;
	err e;
	char name[32];
	zhuren(&t, &u);
	cfg.thr.window = 600;
	cfg.thr.address_budget = 6;
	int64_t now = 9000;
	for (int i = 0; i < 6; i++) {
		snprintf(name, sizeof name, "nobody%d", i);
		assert_int_equal(try_login(&t, name, "Wrong-pass-1",
					   "2001:db8:1:2::10", now, &e),
				 ERR_UNAUTH);
	}
	/* another address of the same IPv6 /64 is the same subscriber */
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp",
				   "2001:db8:1:2::99", now + 1, &e),
			 ERR_RATE);
	assert_int_equal(e.retry_after, 599);
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp",
				   "2001:db8:1:3::10", now + 1, &e),
			 0);
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp",
				   "2001:db8:1:2::99", now + 600, &e),
			 0);
	cfg.thr.address_budget = 30;
	testdb_close(&t);
}

/* Many addresses on one name: each that fails waits from its first
 * failure on; one that has not failed still gets in. */
static void test_account_under_attack_slows_not_locks(void **state)
{
	(void)state;
	testdb t;
	user u, got;
	err e;
	char ip[32];
	zhuren(&t, &u);
	cfg.thr.window = 900;
	cfg.thr.account_budget = 5;
	int64_t now = 20000;
	for (int i = 0; i < 5; i++) {
		snprintf(ip, sizeof ip, "10.0.0.%d", i + 1);
		assert_int_equal(try_login(&t, "zhuren", "Wrong-pass-1", ip, now,
					   &e),
				 ERR_UNAUTH);
	}
	/* a new attacker address: one try, then a wait */
	assert_int_equal(try_login(&t, "zhuren", "Wrong-pass-1", "10.0.0.9",
				   now + 1, &e),
			 ERR_UNAUTH);
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "10.0.0.9",
				   now + 2, &e),
			 ERR_RATE);
	/* the user, from an address that has not failed */
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "172.16.5.5",
				   now + 3, &e),
			 0);
	/* shown to managers as held, and an unlock forgets it all */
	assert_int_equal(account_by_username(t.s, "zhuren", &got, &e), 0);
	assert_true(got.locked_until > now);
	actor sys = { .now = now + 4 };
	assert_int_equal(account_unlock(t.s, &cfg, &sys, u.id, &got, &e), 0);
	assert_int_equal(try_login(&t, "zhuren", "Kq7#zRw9vTp", "10.0.0.9",
				   now + 5, &e),
			 0);
	cfg.thr.account_budget = 20;
	testdb_close(&t);
}

static void test_session_idle_and_max(void **state)
{
	(void)state;
	testdb t;
	user u;
	err e;
	session se, got;
	zhuren(&t, &u);
	cfg.session_idle = 1800;
	cfg.session_max = 4 * 3600;
	int64_t now = 2000;
	assert_int_equal(account_login(t.s, &cfg, "zhuren", "Kq7#zRw9vTp",
				       "1.2.3.4", now, &se, &e),
			 0);
	assert_int_equal(account_session(t.s, &cfg, se.token, now + 1000, &got,
					 &e),
			 0);
	assert_string_equal(got.u.username, "zhuren");
	assert_string_equal(got.csrf, se.csrf);
	assert_int_equal(account_session(t.s, &cfg, se.token,
					 now + 1000 + 1801, &got, &e),
			 ERR_UNAUTH);
	assert_string_equal(e.key, "unauthenticated");
	/* Used every 28 minutes (issue #17 item 6), it still ends. */
	assert_int_equal(account_login(t.s, &cfg, "zhuren", "Kq7#zRw9vTp",
				       "1.2.3.4", now, &se, &e),
			 0);
	int64_t at = now;
	while (at + 28 * 60 < now + cfg.session_max) {
		at += 28 * 60;
		assert_int_equal(account_session(t.s, &cfg, se.token, at, &got,
						 &e),
				 0);
	}
	assert_int_equal(account_session(t.s, &cfg, se.token,
					 now + cfg.session_max, &got, &e),
			 ERR_UNAUTH);
	/* and stays ended */
	assert_int_equal(account_session(t.s, &cfg, se.token, at, &got, &e),
			 ERR_UNAUTH);
	cfg.session_max = ACCOUNT_SESSION_MAX;
	/* Tokens are stored only hashed. */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM sessions"
					  " WHERE length(token_hash) = 64"),
			 testdb_count(&t, "SELECT count(*) FROM sessions"));
	testdb_close(&t);
}

static int change(testdb *t, session *se, const char *old, const char *pw,
		  int64_t now, err *e)
{
	user out;
	err_clear(e);
	return account_change_password(t->s, &cfg, se, se->token, old, pw,
				       "1.2.3.4", now, &out, e);
}

static void test_last_five_passwords_not_again(void **state)
{
	(void)state;
	testdb t;
	user u;
	err e;
	session se;
	zhuren(&t, &u);
	static const char *const pw[] = { "Kq7#zRw9vTp", "Hn4$vbXe2Lm",
					  "Wt9!cKs3pQz", "Jd6&mYr8Fvn",
					  "Bx2*tGh7uPw", "Rc5%nLq4zAs" };
	int64_t now = 3000;
	assert_int_equal(account_login(t.s, &cfg, "zhuren", pw[0], "1.2.3.4",
				       now, &se, &e),
			 0);
	for (int i = 1; i < 6; i++)
		assert_int_equal(change(&t, &se, pw[i - 1], pw[i], now + i, &e),
				 0);
	/* the current one and the four before it */
	for (int i = 1; i < 6; i++) {
		assert_int_equal(change(&t, &se, pw[5], pw[i], now + 10, &e),
				 ERR_INVALID);
		assert_string_equal(e.key, "password_reused");
	}
	/* the sixth back may come again */
	assert_int_equal(change(&t, &se, pw[5], pw[0], now + 11, &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM password_history"),
			 5);
	/* a wrong old password counts as a failed login of this address */
	for (int i = 0; i < THROTTLE_PAIR_FREE + 1; i++) {
		assert_int_equal(change(&t, &se, "Wrong-pass-1", "Mz8&kRt2wQv",
					now + 20, &e),
				 ERR_FORBIDDEN);
		assert_string_equal(e.key, "wrong_password");
	}
	assert_int_equal(change(&t, &se, pw[0], "Mz8&kRt2wQv", now + 21, &e),
			 ERR_RATE);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log WHERE"
					  " action = 'login_failed' AND detail LIKE"
					  " '%wrong_old_password%'"),
			 THROTTLE_PAIR_FREE + 1);
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rule),
		cmocka_unit_test(test_otp),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_create_rules),
		cmocka_unit_test(test_failures_hold_the_address_not_the_account),
		cmocka_unit_test(test_unknown_names_answer_alike),
		cmocka_unit_test(test_address_budget),
		cmocka_unit_test(test_account_under_attack_slows_not_locks),
		cmocka_unit_test(test_session_idle_and_max),
		cmocka_unit_test(test_last_five_passwords_not_again),
	};
	return cmocka_run_group_tests_name("account", tests, setup, teardown);
}
