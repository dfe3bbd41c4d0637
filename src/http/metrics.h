/* metrics — what GET /metrics tells Prometheus (text format 0.0.4).
 *
 * Requests are counted per route *pattern* (/api/v1/children/{id}, never
 * the path as sent: one series per route, whatever clients send), method
 * and status class, with a latency histogram per route; everything that is
 * not an API route counts as "static" or, under /api/, "unmatched".  The
 * counts live in shards, one per worker thread as far as hashing the
 * thread's id spreads them, and are added with relaxed atomics: no lock on
 * the request path.  /metrics adds the shards up and adds the gauges read
 * when it is asked: connections, the database pool, the scheduler's runs,
 * the SQLite WAL's size. */
#ifndef GUANAI_METRICS_H
#define GUANAI_METRICS_H

#include <stdint.h>

#include "app.h"
#include "http/connlimit.h"
#include "http/http.h"
#include "util/buf.h"

typedef struct metrics metrics;

/* A counter set for every route of `rs`, and for the requests no route
 * takes; shards for about `threads` threads.  The
 * caller owns *out (metrics_free). */
void metrics_new(int threads, const http_routes *rs, metrics **out);
void metrics_free(metrics *m);

/* Where a request is counted: an API route (with its own method), or,
 * with the request's method, a path outside the API, a path under /api/
 * no route takes, or /metrics itself.  Lookups without locks. */
enum { METRICS_STATIC, METRICS_UNMATCHED, METRICS_SELF };
int metrics_slot_route(const metrics *m, const route *rt);
int metrics_slot_other(const metrics *m, int kind, const char *method);

/* Counts a request of `slot` answered `status` after `us` microseconds. */
void metrics_observe(metrics *m, int slot, unsigned status, uint64_t us);

/* Appends the whole exposition to `out`: the request counts, and the
 * gauges of `a` (pool, scheduler, WAL) and `cl` (connections). */
void metrics_render(metrics *m, app *a, connlimit *cl, buf *out);

#endif
