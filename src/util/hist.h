/* hist — a latency histogram with fixed buckets, counted without locks.
 *
 * Several threads may observe into one hist at once (relaxed atomic
 * adds); a reader adds hists up into a plain snapshot and writes it in
 * the Prometheus text format.  The buckets are the same for every hist,
 * so snapshots of different threads' hists add up bucket by bucket. */
#ifndef GUANAI_HIST_H
#define GUANAI_HIST_H

#include <stdatomic.h>
#include <stdint.h>

struct buf; /* util/buf.h: not included, app.h includes this header */

/* Upper bounds of the buckets, in microseconds: 0.5 ms to 10 s, and a
 * last one for everything slower. */
#define HIST_BOUNDS 14
extern const uint64_t hist_bounds_us[HIST_BOUNDS];

typedef struct hist {
	_Atomic uint64_t n[HIST_BOUNDS + 1]; /* per bucket, not cumulative */
	_Atomic uint64_t sum_us;
} hist;

typedef struct hist_snap {
	uint64_t n[HIST_BOUNDS + 1];
	uint64_t sum_us;
} hist_snap;

/* Counts one observation of `us` microseconds. */
void hist_observe(hist *h, uint64_t us);

/* Adds h's counts to `acc` (which the caller zeroed first). */
void hist_add_to(const hist *h, hist_snap *acc);

/* The number of observations in a snapshot. */
uint64_t hist_count(const hist_snap *s);

/* Writes `name`_bucket{labels,le="…"} (cumulative), `name`_sum (seconds)
 * and `name`_count.  `labels` is "" or `a="x",b="y"` (already escaped). */
void hist_write(struct buf *out, const char *name, const char *labels,
		const hist_snap *s);

#endif
