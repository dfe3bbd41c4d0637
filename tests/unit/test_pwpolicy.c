/* Which new passwords may be chosen: the guessable ones issue #17 names,
 * the messages that say why, libpwquality's dictionary, and checks from
 * several threads at once (cracklib keeps state in statics). */
#include "testutil.h"

#include <pthread.h>

#include "domain/core/pwpolicy.h"

static pwpolicy *pol;

static int setup(void **state)
{
	(void)state;
	err e;
	return pwpolicy_new(&pol, &e) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	pwpolicy_free(pol);
	return 0;
}

/* Issue #17 item 5, each one the issue names, and their kin. */
static void test_guessable_refused(void **state)
{
	(void)state;
	static const struct {
		const char *pw, *why;
	} bad[] = {
		{ "Passw0rd", "" },	      { "Aa123456", "" },
		{ "Admin@123", "常见" },      { "zhurenA1", "用户名" },
		{ "ZhuRen#2024", "用户名" }, { "Guanai@2018", "常见" },
		{ "guanai#2025X", "常见" },   { "P@ssw0rd!", "常见" },
		{ "Qwerty@2024", "常见" },    { "abc@ABC123", "常见" },
		{ "Sunshine#9", "单词" },     { "@Admin2024", "常见" },
	};
	err e;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		if (pwpolicy_check(pol, bad[i].pw, "zhuren", NULL, &e) !=
		    ERR_INVALID)
			fail_msg("accepted %s", bad[i].pw);
		assert_string_equal(e.key, "weak_password");
		assert_string_equal(e.field, "new_password");
		if (!strstr(e.msg, bad[i].why))
			fail_msg("%s: \"%s\" does not say %s", bad[i].pw, e.msg,
				 bad[i].why);
	}
	/* Admin@123 is the admin's own name too */
	assert_int_equal(pwpolicy_check(pol, "Admin@123", "admin", NULL, &e),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "用户名"));
	/* the local checks alone, without the dictionary */
	assert_int_equal(pwpolicy_guessable("Guanai@2018", "x1y", &e),
			 ERR_INVALID);
	assert_int_equal(pwpolicy_guessable("Xq7#vLp2rT", "x1y", &e), 0);
}

static void test_good_accepted(void **state)
{
	(void)state;
	static const char *const good[] = { "Xq7#vLp2rT", "kqzwmR7t",
					    "Nongan-Hebei-73", "儿童之家Ab1!x",
					    "Songhua-River-57" };
	err e;
	for (size_t i = 0; i < sizeof good / sizeof *good; i++)
		if (pwpolicy_check(pol, good[i], "zhuren", NULL, &e) != 0)
			fail_msg("refused %s: %s", good[i], e.msg);
}

static void test_shape_first(void **state)
{
	(void)state;
	err e;
	assert_int_equal(pwpolicy_check(pol, "abcdefgh", "zhuren", NULL, &e),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "三类"));
	assert_int_equal(pwpolicy_check(pol, "Ab1!x\x01yz9", "zhuren", NULL, &e),
			 ERR_INVALID);
	assert_non_null(strstr(e.msg, "控制字符"));
}

static void *checker(void *arg)
{
	int *bad = arg;
	err e;
	for (int i = 0; i < 40; i++) {
		if (pwpolicy_check(pol, "Xq7#vLp2rT", "zhuren", NULL, &e) != 0)
			(*bad)++;
		if (pwpolicy_check(pol, "Sunshine#9", "zhuren", NULL, &e) !=
		    ERR_INVALID)
			(*bad)++;
	}
	return NULL;
}

/* Server workers check passwords at the same time. */
static void test_threads(void **state)
{
	(void)state;
	pthread_t t[4];
	int bad[4] = { 0 };
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, checker, &bad[i]),
				 0);
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(bad[i], 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guessable_refused),
		cmocka_unit_test(test_good_accepted),
		cmocka_unit_test(test_shape_first),
		cmocka_unit_test(test_threads),
	};
	return cmocka_run_group_tests_name("pwpolicy", tests, setup, teardown);
}
