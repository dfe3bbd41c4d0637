/* Accounts: the password rule, one-time passwords, the scope and rank
 * rules of user management, lockout and session expiry. */
#include "testutil.h"

#include <sodium.h>

#include "domain/account.h"

static account_cfg cfg;

static int setup(void **state)
{
	(void)state;
	err e;
	if (sodium_init() < 0 || account_cfg_init(&cfg, &e) != 0)
		return -1;
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

static void test_login_lockout_and_idle(void **state)
{
	(void)state;
	testdb t;
	testdb_open(&t, 1);
	actor sys = { .now = 1000 };
	user u;
	err e;
	mkuser(&t, &sys, "zhuren", "director", "220122100207", &u);
	assert_int_equal(account_set_password(t.s, &sys, u.id, "Guanai@2018",
					      &e),
			 0);
	session se;
	int64_t now = 2000;
	cfg.session_idle = 1800;
	cfg.lockout = 900;
	for (int i = 0; i < ACCOUNT_MAX_FAILS - 1; i++)
		assert_int_equal(account_login(t.s, &cfg, "zhuren", "wrong",
					       "1.2.3.4", now, &se, &e),
				 ERR_UNAUTH);
	assert_int_equal(account_login(t.s, &cfg, "zhuren", "wrong", "1.2.3.4",
				       now, &se, &e),
			 ERR_LOCKED);
	/* Locked: even the right password is refused. */
	assert_int_equal(account_login(t.s, &cfg, "zhuren", "Guanai@2018",
				       "1.2.3.4", now + 10, &se, &e),
			 ERR_LOCKED);
	/* After the lockout it works, and the session expires when idle. */
	assert_int_equal(account_login(t.s, &cfg, "zhuren", "Guanai@2018",
				       "1.2.3.4", now + 901, &se, &e),
			 0);
	session got;
	assert_int_equal(account_session(t.s, &cfg, se.token, now + 1000, &got,
					 &e),
			 0);
	assert_string_equal(got.u.username, "zhuren");
	assert_string_equal(got.csrf, se.csrf);
	assert_int_equal(account_session(t.s, &cfg, se.token,
					 now + 1000 + 1801, &got, &e),
			 ERR_UNAUTH);
	assert_string_equal(e.key, "unauthenticated");
	/* Unknown users fail the same way as wrong passwords. */
	err e2;
	assert_int_equal(account_login(t.s, &cfg, "nobody", "x", "", now, &se,
				       &e2),
			 ERR_UNAUTH);
	assert_string_equal(e2.key, "invalid_credentials");
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM audit_log"
					  " WHERE action = 'login_failed'"),
			 7);
	/* Tokens are stored only hashed. */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM sessions"
					  " WHERE length(token_hash) = 64"),
			 testdb_count(&t, "SELECT count(*) FROM sessions"));
	testdb_close(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_password_rule),
		cmocka_unit_test(test_otp),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_create_rules),
		cmocka_unit_test(test_login_lockout_and_idle),
	};
	return cmocka_run_group_tests_name("account", tests, setup, NULL);
}
