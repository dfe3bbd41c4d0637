/* Latency histograms: an observation on a bound counts in that bound's
 * bucket (Prometheus buckets are "less than or equal"), snapshots add up,
 * threads observing at once lose nothing, and the text is what
 * Prometheus reads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/buf.h"
#include "util/hist.h"

static void test_buckets_are_inclusive(void **state)
{
	(void)state;
	static hist h;
	memset(&h, 0, sizeof h);
	hist_observe(&h, 0);
	hist_observe(&h, 500);	    /* le 0.0005 */
	hist_observe(&h, 501);	    /* le 0.001 */
	hist_observe(&h, 10000000); /* le 10 */
	hist_observe(&h, 10000001); /* +Inf */
	hist_snap s;
	memset(&s, 0, sizeof s);
	hist_add_to(&h, &s);
	assert_int_equal(s.n[0], 2);
	assert_int_equal(s.n[1], 1);
	assert_int_equal(s.n[HIST_BOUNDS - 1], 1);
	assert_int_equal(s.n[HIST_BOUNDS], 1);
	assert_int_equal(hist_count(&s), 5);
	assert_int_equal(s.sum_us, 500 + 501 + 10000000 + 10000001);
	hist_add_to(&h, &s); /* a second shard alike */
	assert_int_equal(hist_count(&s), 10);
}

static hist shared;

static void *observer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100000; i++)
		hist_observe(&shared, (uint64_t)(i % 3000));
	return NULL;
}

static void test_threads_lose_nothing(void **state)
{
	(void)state;
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, observer, NULL),
				 0);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	hist_snap s;
	memset(&s, 0, sizeof s);
	hist_add_to(&shared, &s);
	assert_int_equal(hist_count(&s), 400000);
	uint64_t one = 0;
	for (int i = 0; i < 100000; i++)
		one += (uint64_t)(i % 3000);
	assert_int_equal(s.sum_us, 4 * one);
}

static void test_text(void **state)
{
	(void)state;
	hist_snap s;
	memset(&s, 0, sizeof s);
	s.n[0] = 1;
	s.n[2] = 2;
	s.n[HIST_BOUNDS] = 1;
	s.sum_us = 12000345;
	buf b = BUF_INIT;
	hist_write(&b, "x_seconds", "route=\"/a/{id}\"", &s);
	const char *want =
	    "x_seconds_bucket{route=\"/a/{id}\",le=\"0.0005\"} 1\n"
	    "x_seconds_bucket{route=\"/a/{id}\",le=\"0.001\"} 1\n"
	    "x_seconds_bucket{route=\"/a/{id}\",le=\"0.0025\"} 3\n";
	assert_memory_equal(buf_str(&b), want, strlen(want));
	assert_non_null(strstr(
	    buf_str(&b), "x_seconds_bucket{route=\"/a/{id}\",le=\"10\"} 3\n"
			 "x_seconds_bucket{route=\"/a/{id}\",le=\"+Inf\"} 4\n"
			 "x_seconds_sum{route=\"/a/{id}\"} 12.000345\n"
			 "x_seconds_count{route=\"/a/{id}\"} 4\n"));
	buf_reset(&b);
	memset(&s, 0, sizeof s);
	hist_write(&b, "y", "", &s);
	assert_non_null(strstr(buf_str(&b), "y_bucket{le=\"+Inf\"} 0\ny_sum 0\n"
					    "y_count 0\n"));
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_buckets_are_inclusive),
	    cmocka_unit_test(test_threads_lose_nothing),
	    cmocka_unit_test(test_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
