/* The import's hand-over between its reader and writer threads: items
 * arrive complete and in order, a full queue holds the producer back,
 * and an abandoned queue releases a producer blocked on it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <pthread.h>

#include <cmocka.h>

#include "util/queue.h"

enum { N = 200000 };

typedef struct prod {
	queue *q;
	long put;	/* items the consumer took */
	int failed;	/* a put refused */
} prod;

static void *producer(void *v)
{
	prod *p = v;
	for (long i = 1; i <= N; i++) {
		if (queue_put(p->q, (void *)(intptr_t)i) != 0) {
			p->failed = 1;
			break;
		}
		p->put = i;
	}
	queue_close(p->q);
	return NULL;
}

static void test_in_order(void **state)
{
	(void)state;
	int caps[] = { 1, 2, 7, 256 };
	for (size_t k = 0; k < sizeof caps / sizeof *caps; k++) {
		prod p = { .q = queue_new(caps[k]) };
		pthread_t t;
		assert_int_equal(pthread_create(&t, NULL, producer, &p), 0);
		long want = 1;
		void *it;
		while ((it = queue_get(p.q)))
			assert_int_equal((intptr_t)it, want++);
		assert_int_equal(want, N + 1);
		pthread_join(t, NULL);
		assert_false(p.failed);
		assert_null(queue_get(p.q));	/* closed stays closed */
		queue_free(p.q);
	}
}

static void test_abandon(void **state)
{
	(void)state;
	prod p = { .q = queue_new(4) };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, producer, &p), 0);
	for (long i = 1; i <= 10; i++)
		assert_int_equal((intptr_t)queue_get(p.q), i);
	queue_abandon(p.q);
	/* what was read ahead is still there to free, then NULL */
	int left = 0;
	while (queue_get(p.q))
		left++;
	pthread_join(t, NULL);
	assert_true(p.failed);
	assert_true(left <= 4);
	assert_true(p.put < N);
	queue_free(p.q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_abandon),
	};
	return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
