#include "http/metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

/* Methods as label values: a fixed set, so that a client inventing
 * methods cannot invent series. */
static const char *const method_names[] = {"GET",   "HEAD",   "POST", "PUT",
					   "PATCH", "DELETE", "other"};
#define NMETHODS ((int)(sizeof method_names / sizeof *method_names))

static int method_class(const char *m)
{
	for (int i = 0; i < NMETHODS - 1; i++)
		if (strcmp(m, method_names[i]) == 0)
			return i;
	return NMETHODS - 1;
}

/* One slot's counts in one shard: per status class (1xx..5xx) and the
 * latency histogram. */
typedef struct slot_counts {
	_Atomic uint64_t status[5];
	hist time;
} slot_counts;

typedef struct route_slot {
	const route *rt;
	int slot;
} route_slot;

struct metrics {
	size_t nroutes;	      /* API routes: slots 0 .. nroutes-1 */
	const route **routes; /* by slot */
	route_slot *by_addr;  /* sorted by the route's address */
	size_t nslots;	      /* + static and unmatched per method, self */
	unsigned shard_bits;
	/* Slots per shard: one more than used, so that no cache line is
	 * shared between the last slot of a shard and the next shard. */
	size_t stride;
	slot_counts *shards;
};

static int by_address(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const route_slot *)x)->rt;
	uintptr_t b = (uintptr_t)((const route_slot *)y)->rt;
	return a < b ? -1 : a > b;
}

void metrics_new(int threads, const http_routes *rs, metrics **out)
{
	metrics *m = xcalloc(1, sizeof *m);
	while (http_route_nth(rs, m->nroutes))
		m->nroutes++;
	m->routes = xcalloc(m->nroutes, sizeof *m->routes);
	m->by_addr = xcalloc(m->nroutes, sizeof *m->by_addr);
	for (size_t i = 0; i < m->nroutes; i++) {
		m->routes[i] = http_route_nth(rs, i);
		m->by_addr[i] = (route_slot){m->routes[i], (int)i};
	}
	qsort(m->by_addr, m->nroutes, sizeof *m->by_addr, by_address);
	m->nslots = m->nroutes + 2 * NMETHODS + 1;
	/* Twice as many shards as threads (at most 64): two workers whose
	 * ids hash alike share a shard, which costs them a contended cache
	 * line now and then, never a wrong count. */
	while ((1u << m->shard_bits) < 2u * (unsigned)threads &&
	       m->shard_bits < 6)
		m->shard_bits++;
	m->stride = m->nslots + 1;
	m->shards = xcalloc(m->stride << m->shard_bits, sizeof *m->shards);
	*out = m;
}

void metrics_free(metrics *m)
{
	if (!m)
		return;
	free(m->routes);
	free(m->by_addr);
	free(m->shards);
	free(m);
}

int metrics_slot_route(const metrics *m, const route *rt)
{
	size_t lo = 0, hi = m->nroutes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((uintptr_t)m->by_addr[mid].rt < (uintptr_t)rt)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < m->nroutes && m->by_addr[lo].rt == rt)
		return m->by_addr[lo].slot;
	return metrics_slot_other(m, METRICS_UNMATCHED, rt->method);
}

int metrics_slot_other(const metrics *m, int kind, const char *method)
{
	if (kind == METRICS_SELF)
		return (int)m->nslots - 1;
	return (int)m->nroutes + kind * NMETHODS + method_class(method);
}

/* This thread's shard: its id hashed (Fibonacci hashing: the top bits of
 * the product depend on every bit of the id). */
static slot_counts *shard_of(metrics *m)
{
	pthread_t self = pthread_self();
	uint64_t id = 0;
	memcpy(&id, &self, sizeof self < sizeof id ? sizeof self : sizeof id);
	size_t k =
	    m->shard_bits
		? (size_t)((id * 0x9E3779B97F4A7C15ull) >> (64 - m->shard_bits))
		: 0;
	return m->shards + k * m->stride;
}

void metrics_observe(metrics *m, int slot, unsigned status, uint64_t us)
{
	if (slot < 0 || (size_t)slot >= m->nslots)
		return;
	slot_counts *c = shard_of(m) + slot;
	unsigned cls = status / 100;
	cls = cls < 1 ? 1 : cls > 5 ? 5 : cls;
	atomic_fetch_add_explicit(&c->status[cls - 1], 1, memory_order_relaxed);
	hist_observe(&c->time, us);
}

/* The label set of a slot: route="…",method="…". */
static void slot_labels(const metrics *m, size_t slot, char *out, size_t n)
{
	const char *pattern, *method;
	if (slot < m->nroutes) {
		pattern = m->routes[slot]->pattern;
		method = m->routes[slot]->method;
	} else if (slot == m->nslots - 1) {
		pattern = "/metrics";
		method = "GET";
	} else {
		size_t k = slot - m->nroutes;
		pattern =
		    k / NMETHODS == METRICS_STATIC ? "static" : "unmatched";
		method = method_names[k % NMETHODS];
	}
	/* Patterns are constants of ours: no '"', '\\' or newline to
	 * escape. */
	snprintf(out, n, "route=\"%s\",method=\"%s\"", pattern, method);
}

static void render_requests(metrics *m, buf *out)
{
	size_t nshards = (size_t)1 << m->shard_bits;
	uint64_t(*counts)[5] = xcalloc(m->nslots, sizeof *counts);
	hist_snap *times = xcalloc(m->nslots, sizeof *times);
	for (size_t k = 0; k < nshards; k++) {
		const slot_counts *sh = m->shards + k * m->stride;
		for (size_t i = 0; i < m->nslots; i++) {
			for (int c = 0; c < 5; c++)
				counts[i][c] += atomic_load_explicit(
				    &sh[i].status[c], memory_order_relaxed);
			hist_add_to(&sh[i].time, &times[i]);
		}
	}
	char labels[256];
	buf_puts(out, "# HELP guanai_http_requests_total Requests answered, "
		      "by route pattern, method and status class.\n"
		      "# TYPE guanai_http_requests_total counter\n");
	for (size_t i = 0; i < m->nslots; i++) {
		slot_labels(m, i, labels, sizeof labels);
		for (int c = 0; c < 5; c++)
			if (counts[i][c])
				buf_printf(out,
					   "guanai_http_requests_total{%s,"
					   "status=\"%dxx\"} %" PRIu64 "\n",
					   labels, c + 1, counts[i][c]);
	}
	buf_puts(out,
		 "# HELP guanai_http_request_duration_seconds From the "
		 "request line read to the answer ready to send, by "
		 "route pattern and method.\n"
		 "# TYPE guanai_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i < m->nslots; i++) {
		if (!hist_count(&times[i]))
			continue;
		slot_labels(m, i, labels, sizeof labels);
		hist_write(out, "guanai_http_request_duration_seconds", labels,
			   &times[i]);
	}
	free(counts);
	free(times);
}

static void render_gauges(app *a, connlimit *cl, buf *out)
{
	connlimit_stats cs;
	connlimit_stats_of(cl, &cs);
	buf_printf(
	    out,
	    "# HELP guanai_http_connections Connections open now.\n"
	    "# TYPE guanai_http_connections gauge\n"
	    "guanai_http_connections %u\n"
	    "# HELP guanai_http_connections_max The most connections "
	    "at once: in all, and per client address (0: no limit).\n"
	    "# TYPE guanai_http_connections_max gauge\n"
	    "guanai_http_connections_max{scope=\"total\"} %u\n"
	    "guanai_http_connections_max{scope=\"address\"} %u\n"
	    "# HELP guanai_http_connections_refused_total Connections "
	    "refused at the limits.\n"
	    "# TYPE guanai_http_connections_refused_total counter\n"
	    "guanai_http_connections_refused_total{reason=\"server_busy\"} "
	    "%" PRIu64 "\n"
	    "guanai_http_connections_refused_total{reason=\"too_many_"
	    "connections\"} %" PRIu64 "\n",
	    cs.open, cs.total, cs.per_addr, cs.refused_busy, cs.refused_addr);

	store_pool_stats ps;
	store_pool_stats_of(a->pool, &ps);
	buf_printf(out,
		   "# HELP guanai_db_pool_connections Database connections "
		   "of the pool, lent out or idle.\n"
		   "# TYPE guanai_db_pool_connections gauge\n"
		   "guanai_db_pool_connections{state=\"in_use\"} %d\n"
		   "guanai_db_pool_connections{state=\"idle\"} %d\n"
		   "# HELP guanai_db_pool_waits_total Borrowers that found no "
		   "connection free and waited.\n"
		   "# TYPE guanai_db_pool_waits_total counter\n"
		   "guanai_db_pool_waits_total %" PRIu64 "\n",
		   ps.in_use, ps.size - ps.in_use, ps.waits);

	buf_printf(out,
		   "# HELP guanai_scheduler_runs_total Scheduler ticks "
		   "(escalation, village figures), by outcome.\n"
		   "# TYPE guanai_scheduler_runs_total counter\n"
		   "guanai_scheduler_runs_total{result=\"ok\"} %" PRIu64 "\n"
		   "guanai_scheduler_runs_total{result=\"error\"} %" PRIu64 "\n"
		   "# HELP guanai_scheduler_run_duration_seconds How long a "
		   "scheduler tick took.\n"
		   "# TYPE guanai_scheduler_run_duration_seconds histogram\n",
		   atomic_load(&a->sched_ok), atomic_load(&a->sched_failed));
	hist_snap st;
	memset(&st, 0, sizeof st);
	hist_add_to(&a->sched_time, &st);
	hist_write(out, "guanai_scheduler_run_duration_seconds", "", &st);

	int64_t wal;
	err e;
	if (store_wal_bytes(a->db_url, &wal, &e) == 0)
		buf_printf(out,
			   "# HELP guanai_sqlite_wal_bytes Size of the SQLite "
			   "write-ahead log file.\n"
			   "# TYPE guanai_sqlite_wal_bytes gauge\n"
			   "guanai_sqlite_wal_bytes %" PRId64 "\n",
			   wal);

	buf_printf(out,
		   "# HELP guanai_build_info The running version and its "
		   "database engine.\n"
		   "# TYPE guanai_build_info gauge\n"
		   "guanai_build_info{version=\"%s\",db=\"%s\"} 1\n",
		   app_version(),
		   store_url_is_pg(a->db_url) ? "postgresql" : "sqlite");
}

void metrics_render(metrics *m, app *a, connlimit *cl, buf *out)
{
	render_requests(m, out);
	render_gauges(a, cl, out);
}
