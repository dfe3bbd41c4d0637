#include "util/queue.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/mem.h"

struct queue {
	pthread_mutex_t mu;
	pthread_cond_t not_empty, not_full;
	void **items;
	int cap, head, count;
	int closed, abandoned;
};

queue *queue_new(int cap)
{
	queue *q = xcalloc(1, sizeof *q);
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	q->cap = cap < 1 ? 1 : cap;
	q->items = xcalloc((size_t)q->cap, sizeof *q->items);
	return q;
}

void queue_free(queue *q)
{
	if (!q)
		return;
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	free(q->items);
	free(q);
}

int queue_put(queue *q, void *item)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == q->cap && !q->abandoned)
		pthread_cond_wait(&q->not_full, &q->mu);
	int rc = -1;
	if (!q->abandoned) {
		q->items[(q->head + q->count) % q->cap] = item;
		/* Wake the consumer only when it may be waiting. */
		if (q->count++ == 0)
			pthread_cond_signal(&q->not_empty);
		rc = 0;
	}
	pthread_mutex_unlock(&q->mu);
	return rc;
}

void queue_close(queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->closed = 1;
	pthread_cond_broadcast(&q->not_empty);
	pthread_mutex_unlock(&q->mu);
}

void *queue_get(queue *q)
{
	pthread_mutex_lock(&q->mu);
	while (q->count == 0 && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->mu);
	void *item = NULL;
	if (q->count) {
		item = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		if (q->count-- == q->cap)
			pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->mu);
	return item;
}

void queue_abandon(queue *q)
{
	pthread_mutex_lock(&q->mu);
	q->abandoned = 1;
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->mu);
}
