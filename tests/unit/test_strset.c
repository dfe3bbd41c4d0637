/* The import's sets of keys: membership and counts survive the table's
 * growth, and a set answers the same for keys that share a hash slot. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "util/strset.h"

enum { N = 50000 };

static void key(char *b, size_t n, int i)
{
	snprintf(b, n, "2201221999%04d%04d", i % 10000, i);
}

static void test_add_and_count_through_growth(void **state)
{
	(void)state;
	strset s = STRSET_INIT;
	char k[32];
	assert_int_equal(strset_count(&s, "absent"), 0);
	for (int i = 0; i < N; i++) {
		key(k, sizeof k, i);
		assert_int_equal(strset_add(&s, k), 1);
	}
	for (int i = 0; i < N; i++) {
		key(k, sizeof k, i);
		assert_int_equal(strset_add(&s, k), 0);
		assert_int_equal(strset_count(&s, k), 1);
	}
	assert_int_equal(s.n, N);
	/* every third key bumped twice more: counts 3, the others stay 1 */
	for (int i = 0; i < N; i += 3) {
		key(k, sizeof k, i);
		assert_int_equal(strset_bump(&s, k), 1);
		assert_int_equal(strset_bump(&s, k), 2);
	}
	for (int i = 0; i < N; i++) {
		key(k, sizeof k, i);
		assert_int_equal(strset_count(&s, k), i % 3 == 0 ? 3u : 1u);
	}
	assert_int_equal(strset_count(&s, "2201221999"), 0);
	strset_free(&s);
	assert_int_equal(strset_count(&s, "x"), 0);
}

static void test_bump_counts_from_zero(void **state)
{
	(void)state;
	strset s = STRSET_INIT;
	assert_int_equal(strset_bump(&s, "a"), 0);
	assert_int_equal(strset_bump(&s, "a"), 1);
	assert_int_equal(strset_bump(&s, "b"), 0);
	assert_int_equal(strset_add(&s, "a"), 0);
	assert_int_equal(strset_count(&s, "a"), 2);
	assert_int_equal(strset_count(&s, "b"), 1);
	assert_int_equal(strset_count(&s, ""), 0);
	assert_int_equal(strset_add(&s, ""), 1);
	assert_int_equal(strset_count(&s, ""), 1);
	strset_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_and_count_through_growth),
		cmocka_unit_test(test_bump_counts_from_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
