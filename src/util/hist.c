#include "util/hist.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/buf.h"

const uint64_t hist_bounds_us[HIST_BOUNDS] = {
    500,    1000,   2500,   5000,    10000,   25000,   50000,
    100000, 250000, 500000, 1000000, 2500000, 5000000, 10000000,
};

void hist_observe(hist *h, uint64_t us)
{
	int i = 0;
	while (i < HIST_BOUNDS && us > hist_bounds_us[i])
		i++;
	atomic_fetch_add_explicit(&h->n[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&h->sum_us, us, memory_order_relaxed);
}

void hist_add_to(const hist *h, hist_snap *acc)
{
	for (int i = 0; i <= HIST_BOUNDS; i++)
		acc->n[i] +=
		    atomic_load_explicit(&h->n[i], memory_order_relaxed);
	acc->sum_us += atomic_load_explicit(&h->sum_us, memory_order_relaxed);
}

uint64_t hist_count(const hist_snap *s)
{
	uint64_t n = 0;
	for (int i = 0; i <= HIST_BOUNDS; i++)
		n += s->n[i];
	return n;
}

/* A bound in seconds as Prometheus clients write it: "0.0005", "1", "10". */
static void write_seconds(buf *out, uint64_t us)
{
	buf_printf(out, "%" PRIu64, us / 1000000);
	uint64_t frac = us % 1000000;
	if (!frac)
		return;
	char digits[8];
	int n = 6;
	while (frac % 10 == 0) {
		frac /= 10;
		n--;
	}
	snprintf(digits, sizeof digits, "%0*" PRIu64, n, frac);
	buf_printf(out, ".%s", digits);
}

void hist_write(buf *out, const char *name, const char *labels,
		const hist_snap *s)
{
	const char *sep = labels[0] ? "," : "";
	uint64_t cum = 0;
	for (int i = 0; i <= HIST_BOUNDS; i++) {
		cum += s->n[i];
		buf_printf(out, "%s_bucket{%s%sle=\"", name, labels, sep);
		if (i < HIST_BOUNDS)
			write_seconds(out, hist_bounds_us[i]);
		else
			buf_puts(out, "+Inf");
		buf_printf(out, "\"} %" PRIu64 "\n", cum);
	}
	buf_printf(out, "%s_sum%s%s%s ", name, labels[0] ? "{" : "", labels,
		   labels[0] ? "}" : "");
	write_seconds(out, s->sum_us);
	buf_printf(out, "\n%s_count%s%s%s %" PRIu64 "\n", name,
		   labels[0] ? "{" : "", labels, labels[0] ? "}" : "", cum);
}
