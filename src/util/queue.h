/* queue — a bounded queue of pointers from one producer thread to one
 * consumer thread, in order.
 *
 * The producer puts items and closes the queue when it has no more; the
 * consumer gets them until queue_get gives NULL.  A consumer that stops
 * early abandons the queue: every later put fails at once (the producer
 * keeps its item and should stop), and the consumer still gets what is
 * left until NULL, to free it.  The queue never owns its items. */
#ifndef GUANAI_QUEUE_H
#define GUANAI_QUEUE_H

typedef struct queue queue;

/* A queue holding up to `cap` items (cap >= 1); queue_free frees it once
 * both sides are done with it. */
queue *queue_new(int cap);
void queue_free(queue *q);

/* Producer: blocks while the queue is full.  0, or -1 when the consumer
 * has abandoned the queue (the item was not taken). */
int queue_put(queue *q, void *item);
/* Producer: no more items. */
void queue_close(queue *q);

/* Consumer: the next item, blocking while the queue is empty and open;
 * NULL once it is closed and empty. */
void *queue_get(queue *q);
/* Consumer: stop taking items; wakes a producer blocked in queue_put. */
void queue_abandon(queue *q);

#endif
