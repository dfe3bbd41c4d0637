#include "domain/core/audit_tally.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "util/mem.h"

typedef struct slot {
	char action[24];
	char actor[40];
	char region[16];
	char ip[48];
	char reason[40];
	char route[96];
	char target[96];
	int status;
	int64_t count, first, last;
} slot;

struct audit_tally {
	pthread_mutex_t mu;
	int n, fine, coarse, over;
	slot items[AUDIT_TALLY_MAX];
};

audit_tally *audit_tally_new(void)
{
	audit_tally *t = xcalloc(1, sizeof *t);
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void audit_tally_free(audit_tally *t)
{
	if (!t)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static int same_key(const slot *a, const slot *b)
{
	return strcmp(a->action, b->action) == 0 &&
	       strcmp(a->actor, b->actor) == 0 &&
	       strcmp(a->region, b->region) == 0 &&
	       strcmp(a->ip, b->ip) == 0 && strcmp(a->reason, b->reason) == 0 &&
	       strcmp(a->route, b->route) == 0 &&
	       strcmp(a->target, b->target) == 0;
}

/* Adds `s`'s count to the slot of the same key if there is one (1), or
 * takes a new slot if `room` (2), else 0. */
static int merge(audit_tally *t, const slot *s, int room)
{
	for (int i = 0; i < t->n; i++) {
		slot *x = &t->items[i];
		if (same_key(x, s)) {
			x->count += s->count;
			if (s->first < x->first)
				x->first = s->first;
			if (s->last > x->last)
				x->last = s->last;
			return 1;
		}
	}
	if (!room || t->n == AUDIT_TALLY_MAX)
		return 0;
	t->items[t->n++] = *s;
	return 2;
}

/* Counts `s` at the finest level the caps still allow (audit_tally.h). */
static void put(audit_tally *t, const slot *s)
{
	int got = merge(t, s, t->fine < AUDIT_TALLY_FINE);
	if (got) {
		t->fine += got == 2;
		return;
	}
	slot c = *s;
	snprintf(c.ip, sizeof c.ip, "*");
	snprintf(c.route, sizeof c.route, "*");
	snprintf(c.target, sizeof c.target, "*");
	if ((got = merge(t, &c, t->coarse < AUDIT_TALLY_COARSE))) {
		t->coarse += got == 2;
		return;
	}
	snprintf(c.actor, sizeof c.actor, "*");
	c.region[0] = '\0';
	if ((got = merge(t, &c, t->over < AUDIT_TALLY_OVER))) {
		t->over += got == 2;
		return;
	}
	snprintf(c.action, sizeof c.action, "tally_overflow");
	snprintf(c.reason, sizeof c.reason, "*");
	merge(t, &c, 1);	/* the one slot left for it */
}

void audit_tally_add(audit_tally *t, const audit_tally_event *ev)
{
	slot s;
	memset(&s, 0, sizeof s);
	snprintf(s.action, sizeof s.action, "%s", ev->action);
	snprintf(s.actor, sizeof s.actor, "%s", ev->actor ? ev->actor : "");
	snprintf(s.region, sizeof s.region, "%s", ev->region ? ev->region : "");
	snprintf(s.ip, sizeof s.ip, "%s", ev->ip ? ev->ip : "");
	snprintf(s.reason, sizeof s.reason, "%s", ev->reason ? ev->reason : "");
	snprintf(s.route, sizeof s.route, "%s", ev->route ? ev->route : "");
	snprintf(s.target, sizeof s.target, "%s", ev->target ? ev->target : "");
	s.status = ev->status;
	s.count = 1;
	s.first = s.last = ev->at;
	pthread_mutex_lock(&t->mu);
	put(t, &s);
	pthread_mutex_unlock(&t->mu);
}

/* A slot's entry is written as counted, not by an actor: its name and
 * address are those of the requests it counts, its time the flush's.
 * Hence audit_append itself rather than audit_record. */
static int append_slot(store *s, const slot *x, int64_t now, err *e)
{
	json_t *d = json_pack("{s:I, s:I, s:I}", "count", (json_int_t)x->count,
			      "first", (json_int_t)x->first, "last",
			      (json_int_t)x->last);
	if (x->route[0])
		json_object_set_new(d, "route", json_string(x->route));
	if (x->reason[0])
		json_object_set_new(d, "reason", json_string(x->reason));
	if (x->status)
		json_object_set_new(d, "status", json_integer(x->status));
	char *detail = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(d);
	audit_entry a = { .at = now,
			  .actor = x->actor,
			  .action = x->action,
			  .target = x->target,
			  .region_code = x->region,
			  .ip = x->ip,
			  .detail = detail };
	int rc = audit_append(s, &a, e);
	free(detail);
	return rc;
}

typedef struct flush_job {
	const slot *taken;
	int n;
	int64_t now;
} flush_job;

static int flush_work(store *s, void *arg, err *e)
{
	const flush_job *f = arg;
	int rc = 0;
	for (int i = 0; rc == 0 && i < f->n; i++)
		rc = append_slot(s, &f->taken[i], f->now, e);
	return rc;
}

int audit_tally_flush(audit_tally *t, store *s, int64_t now, int *written,
		      err *e)
{
	if (written)
		*written = 0;
	pthread_mutex_lock(&t->mu);
	int n = t->n;
	slot *taken = n ? xmalloc((size_t)n * sizeof *taken) : NULL;
	if (n)
		memcpy(taken, t->items, (size_t)n * sizeof *taken);
	t->n = t->fine = t->coarse = t->over = 0;
	pthread_mutex_unlock(&t->mu);
	if (!n)
		return 0;
	flush_job f = { taken, n, now };
	int rc = store_tx(s, flush_work, &f, e);
	if (rc) {
		/* Counted again next time, with what arrived meanwhile. */
		pthread_mutex_lock(&t->mu);
		for (int i = 0; i < n; i++)
			put(t, &taken[i]);
		pthread_mutex_unlock(&t->mu);
	} else if (written) {
		*written = n;
	}
	free(taken);
	return rc;
}
