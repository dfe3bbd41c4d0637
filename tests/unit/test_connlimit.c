/* The connection limiter: the total cap, one address's share, the exempt
 * proxies, IPv6 per /64, and slots that come back, under churn that moves
 * entries around the table (checked against a plain model). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "http/connlimit.h"

static struct sockaddr_storage v4(const char *text)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
	sa->sin_family = AF_INET;
	assert_int_equal(inet_pton(AF_INET, text, &sa->sin_addr), 1);
	return ss;
}

static struct sockaddr_storage v6(const char *text)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	struct sockaddr_in6 *sa = (struct sockaddr_in6 *)&ss;
	sa->sin6_family = AF_INET6;
	assert_int_equal(inet_pton(AF_INET6, text, &sa->sin6_addr), 1);
	return ss;
}

#define SA(ss) ((const struct sockaddr *)&(ss))

static void test_total_cap(void **state)
{
	(void)state;
	connlimit *cl;
	err e;
	assert_int_equal(connlimit_new(3, 0, "none", &cl, &e), 0);
	struct sockaddr_storage a = v4("10.0.0.1"), b = v4("10.0.0.2");
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(b), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(b), &e), ERR_UNAVAILABLE);
	assert_string_equal(e.key, "server_busy");
	connlimit_give(cl, SA(a));
	assert_int_equal(connlimit_take(cl, SA(b), &e), 0);
	connlimit_stats st;
	connlimit_stats_of(cl, &st);
	assert_int_equal(st.open, 3);
	assert_int_equal(st.refused_busy, 1);
	assert_int_equal(st.refused_addr, 0);
	connlimit_free(cl);
}

static void test_per_address_and_exempt(void **state)
{
	(void)state;
	connlimit *cl;
	err e;
	assert_int_equal(connlimit_new(100, 2, NULL, &cl, &e), 0);
	struct sockaddr_storage a = v4("192.0.2.7"), b = v4("192.0.2.8"),
				lo = v4("127.0.0.1"), lo2 = v4("127.0.0.2"),
				six = v6("::1");
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(a), &e), ERR_UNAVAILABLE);
	assert_string_equal(e.key, "too_many_connections");
	assert_int_equal(connlimit_take(cl, SA(b), &e), 0);
	/* the default exempt list: 127.0.0.1 and ::1, not all of 127/8 */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(connlimit_take(cl, SA(lo), &e), 0);
		assert_int_equal(connlimit_take(cl, SA(six), &e), 0);
	}
	assert_int_equal(connlimit_take(cl, SA(lo2), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(lo2), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(lo2), &e), ERR_UNAVAILABLE);
	/* a slot given back is a slot free */
	connlimit_give(cl, SA(a));
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	connlimit_stats st;
	connlimit_stats_of(cl, &st);
	assert_int_equal(st.open, 2 + 1 + 20 + 2);
	assert_int_equal(st.refused_addr, 2);
	connlimit_free(cl);
}

static void test_ipv6_counts_per_64(void **state)
{
	(void)state;
	connlimit *cl;
	err e;
	assert_int_equal(connlimit_new(100, 2, "none", &cl, &e), 0);
	struct sockaddr_storage a = v6("2001:db8:1:2::1"),
				b = v6("2001:db8:1:2:ffff::9"),
				c = v6("2001:db8:1:3::1"),
				m = v6("::ffff:192.0.2.7"),
				m4 = v4("192.0.2.7");
	assert_int_equal(connlimit_take(cl, SA(a), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(b), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(a), &e), ERR_UNAVAILABLE);
	assert_int_equal(connlimit_take(cl, SA(c), &e), 0);
	/* an IPv4-mapped address is the IPv4 address, not a /64 */
	assert_int_equal(connlimit_take(cl, SA(m), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(m4), &e), 0);
	assert_int_equal(connlimit_take(cl, SA(m4), &e), ERR_UNAVAILABLE);
	connlimit_free(cl);
}

static void test_exempt_lists(void **state)
{
	(void)state;
	connlimit *cl;
	err e;
	static const char *const bad[] = {
	    "",
	    ",",
	    "10.0.0.1,",
	    "10.0.0.1,,10.0.0.2",
	    "10.0.0.300",
	    "example.org",
	    "10.0.0.0/8",
	    "1.1.1.1,1.1.1.2,1.1.1.3,1.1.1.4,1.1.1.5,1.1.1.6,1.1.1.7,"
	    "1.1.1.8,1.1.1.9,1.1.1.10,1.1.1.11,1.1.1.12,1.1.1.13,"
	    "1.1.1.14,1.1.1.15,1.1.1.16,1.1.1.17",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		err_clear(&e);
		assert_int_equal(connlimit_new(10, 1, bad[i], &cl, &e),
				 ERR_INVALID);
		assert_string_equal(e.key, "invalid_proxy");
	}
	assert_int_equal(connlimit_new(10, 1, "10.0.0.5,2001:db8::5", &cl, &e),
			 0);
	struct sockaddr_storage p = v4("10.0.0.5"), q = v6("2001:db8::5"),
				lo = v4("127.0.0.1");
	for (int i = 0; i < 5; i++) {
		assert_int_equal(connlimit_take(cl, SA(p), &e), 0);
		assert_int_equal(connlimit_take(cl, SA(q), &e), 0);
	}
	/* a list replaces the default: loopback counts again */
	assert_int_equal(connlimit_take(cl, SA(lo), &e), ERR_UNAVAILABLE);
	connlimit_free(cl);
}

static void test_loopback(void **state)
{
	(void)state;
	struct sockaddr_storage a = v4("127.3.2.1"), b = v6("::1"),
				c = v6("::ffff:127.0.0.1"), d = v4("10.0.0.1"),
				f = v6("::2");
	assert_true(connlimit_is_loopback(SA(a)));
	assert_true(connlimit_is_loopback(SA(b)));
	assert_true(connlimit_is_loopback(SA(c)));
	assert_false(connlimit_is_loopback(SA(d)));
	assert_false(connlimit_is_loopback(SA(f)));
}

/* Random takes and gives over few slots and many addresses, so that
 * probe runs wrap and entries shift back on every give: each answer
 * must match a model that just counts. */
static void test_churn_matches_model(void **state)
{
	(void)state;
	enum { TOTAL = 40, PER = 3, ADDRS = 60, STEPS = 200000 };
	connlimit *cl;
	err e;
	assert_int_equal(connlimit_new(TOTAL, PER, "none", &cl, &e), 0);
	unsigned model[ADDRS] = {0}, open = 0;
	srand(7);
	for (int step = 0; step < STEPS; step++) {
		int k = rand() % ADDRS;
		char text[32];
		snprintf(text, sizeof text, "10.%d.%d.1", k / 7, k % 7);
		struct sockaddr_storage a = v4(text);
		if (rand() % 2) {
			int want = open >= TOTAL     ? ERR_UNAVAILABLE
				   : model[k] >= PER ? ERR_UNAVAILABLE
						     : 0;
			assert_int_equal(connlimit_take(cl, SA(a), &e), want);
			if (!want) {
				model[k]++;
				open++;
			}
		} else if (model[k]) {
			connlimit_give(cl, SA(a));
			model[k]--;
			open--;
		}
	}
	connlimit_stats st;
	connlimit_stats_of(cl, &st);
	assert_int_equal(st.open, open);
	connlimit_free(cl);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_total_cap),
	    cmocka_unit_test(test_per_address_and_exempt),
	    cmocka_unit_test(test_ipv6_counts_per_64),
	    cmocka_unit_test(test_exempt_lists),
	    cmocka_unit_test(test_loopback),
	    cmocka_unit_test(test_churn_matches_model),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
