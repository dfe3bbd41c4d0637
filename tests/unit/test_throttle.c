/* Throttling: addresses as counted, keyed hashes, windows that start
 * again, holds that end, counters that expire; the trusted-proxy list. */
#include "testutil.h"

#include <sodium.h>

#include "domain/core/throttle.h"
#include "http/proxy.h"
#include "store/throttle_store.h"

static void test_addresses(void **state)
{
	(void)state;
	char out[80];
	throttle_addr("198.51.100.7", out, sizeof out);
	assert_string_equal(out, "198.51.100.7");
	throttle_addr("::ffff:198.51.100.7", out, sizeof out);
	assert_string_equal(out, "198.51.100.7");
	/* an IPv6 subscriber is its /64 */
	throttle_addr("2001:db8:1:2:aaaa:bbbb:cccc:dddd", out, sizeof out);
	assert_string_equal(out, "2001:db8:1:2::/64");
	throttle_addr("2001:db8:1:2::1", out, sizeof out);
	assert_string_equal(out, "2001:db8:1:2::/64");
	throttle_addr("", out, sizeof out);
	assert_string_equal(out, "");
}

static void test_hashes(void **state)
{
	(void)state;
	throttle_cfg a, b;
	char h1[THROTTLE_HASH_HEX], h2[THROTTLE_HASH_HEX], h3[THROTTLE_HASH_HEX];
	throttle_cfg_init(&a);
	throttle_cfg_init(&b);
	throttle_hash(&a, "audit", "zhuren", h1);
	throttle_hash(&a, "audit", "zhuren", h2);
	assert_string_equal(h1, h2);
	assert_int_equal(strlen(h1), 32);
	/* another purpose, another key: nothing in common */
	throttle_hash(&a, "name", "zhuren", h2);
	throttle_hash(&b, "audit", "zhuren", h3);
	assert_string_not_equal(h1, h2);
	assert_string_not_equal(h1, h3);
	/* the purpose and the text do not run into each other */
	throttle_hash(&a, "ab", "c", h2);
	throttle_hash(&a, "a", "bc", h3);
	assert_string_not_equal(h2, h3);
}

/* The key is the database's: two servers on one file agree. */
static void test_shared_key(void **state)
{
	(void)state;
	testdb t;
	err e;
	throttle_cfg a, b;
	testdb_open(&t, 0);
	throttle_cfg_init(&a);
	throttle_cfg_init(&b);
	assert_memory_not_equal(a.key, b.key, sizeof a.key);
	assert_int_equal(throttle_cfg_load_key(&a, t.s, &e), 0);
	assert_int_equal(throttle_cfg_load_key(&b, t.s, &e), 0);
	assert_memory_equal(a.key, b.key, sizeof a.key);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM server_keys"), 1);
	testdb_close(&t);
}

static void test_windows_holds_and_expiry(void **state)
{
	(void)state;
	testdb t;
	err e;
	throttle_cfg c;
	throttle_result r;
	testdb_open(&t, 0);
	throttle_cfg_init(&c);
	c.window = 100;
	int64_t now = 1000;
	for (int i = 0; i < THROTTLE_PAIR_FREE; i++) {
		assert_int_equal(throttle_fail(t.s, &c, "login", "li", "10.1.1.1",
					       now + i, &r, &e),
				 0);
		assert_int_equal(r.pair_until, 0);
	}
	assert_int_equal(throttle_check(t.s, &c, "login", "li", "10.1.1.1",
					now + 5, &e),
			 0);
	/* the fifth: a hold, capped by the window */
	assert_int_equal(throttle_fail(t.s, &c, "login", "li", "10.1.1.1",
				       now + 10, &r, &e),
			 0);
	assert_int_equal(r.pair_until, now + 10 + THROTTLE_STEP);
	assert_int_equal(throttle_check(t.s, &c, "login", "li", "10.1.1.1",
					now + 11, &e),
			 ERR_RATE);
	assert_int_equal(e.retry_after, THROTTLE_STEP - 1);
	/* other names, other kinds are not held */
	assert_int_equal(throttle_check(t.s, &c, "login", "wang", "10.1.1.1",
					now + 11, &e),
			 0);
	assert_int_equal(throttle_check(t.s, &c, "cert", "li", "10.1.1.1",
					now + 11, &e),
			 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(throttle_fail(t.s, &c, "login", "li",
					       "10.1.1.1", now + 50, &r, &e),
				 0);
	assert_int_equal(r.pair_until, now + 50 + c.window);
	/* a quiet window and the count starts again */
	assert_int_equal(throttle_check(t.s, &c, "login", "li", "10.1.1.1",
					now + 50 + c.window, &e),
			 0);
	assert_int_equal(throttle_fail(t.s, &c, "login", "li", "10.1.1.1",
				       now + 50 + c.window, &r, &e),
			 0);
	assert_int_equal(r.pair_until, 0);
	/* expired rows go */
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"), 3);
	assert_int_equal(throttle_purge(t.s, now + 50 + 3 * c.window, &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"), 0);
	/* a pass forgets the pair only; forget, the name everywhere */
	throttle_fail(t.s, &c, "login", "li", "10.1.1.2", now, &r, &e);
	throttle_fail(t.s, &c, "login", "li", "10.1.1.3", now, &r, &e);
	assert_int_equal(throttle_pass(t.s, &c, "login", "li", "10.1.1.2", &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"), 4);
	assert_int_equal(throttle_forget(t.s, &c, "login", "li", &e), 0);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"), 2);
	assert_int_equal(testdb_count(&t, "SELECT count(*) FROM throttle"
					  " WHERE acct <> ''"),
			 0);
	testdb_close(&t);
}

static void test_trusted_proxies(void **state)
{
	(void)state;
	assert_true(http_proxy_trusted(NULL, "127.0.0.1"));
	assert_true(http_proxy_trusted(NULL, "::1"));
	assert_false(http_proxy_trusted(NULL, "127.0.0.2"));
	assert_false(http_proxy_trusted(NULL, "10.0.0.1"));
	assert_false(http_proxy_trusted("none", "127.0.0.1"));
	assert_true(http_proxy_trusted("10.0.0.1, 10.0.0.2", "10.0.0.2"));
	/* one address, two spellings */
	assert_true(http_proxy_trusted("10.0.0.1", "::ffff:10.0.0.1"));
	assert_true(http_proxy_trusted("2001:db8::1", "2001:0db8:0:0::1"));
	assert_false(http_proxy_trusted("10.0.0.1", ""));
	assert_false(http_proxy_trusted("10.0.0.1", NULL));
	assert_true(http_proxy_list_valid("none"));
	assert_true(http_proxy_list_valid("10.0.0.1"));
	assert_true(http_proxy_list_valid("10.0.0.1,::1, 192.168.1.2"));
	assert_false(http_proxy_list_valid(""));
	assert_false(http_proxy_list_valid("10.0.0.1,"));
	assert_false(http_proxy_list_valid("10.0.0.0/8"));
	assert_false(http_proxy_list_valid("proxy.example.org"));
	assert_false(http_proxy_list_valid("10.0.0.1,,10.0.0.2"));
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_shared_key),
		cmocka_unit_test(test_windows_holds_and_expiry),
		cmocka_unit_test(test_trusted_proxies),
	};
	return cmocka_run_group_tests_name("throttle", tests, NULL, NULL);
}
