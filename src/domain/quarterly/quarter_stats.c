#include "domain/quarterly/quarter_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/village_stats.h"
#include "domain/core/region.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/mem.h"

/* Above this many stale villages one grouped scan of the range counts
 * them all, rather than one query per village. */
#define BULK_VILLAGES 64
#define VILLAGE_LEN 12

typedef struct qfig {
	char code[REGION_CODE_MAX];
	int64_t ver;
	int64_t v[STATS_COLS];
} qfig;

typedef struct save_job {
	const qfig *f;
	int n;
	const char *quarter;
} save_job;

static int save_work(store *s, void *arg, err *e)
{
	const save_job *j = arg;
	int rc = 0;
	for (int i = 0; i < j->n && !rc; i++)
		rc = quality_store_qs_save(s, j->quarter, j->f[i].code,
					   j->f[i].ver, j->f[i].v, e);
	return rc;
}

/* The figures of village row `i` of `r` (grouped by village) into v. */
static void take(const store_res *r, int i, int64_t v[STATS_COLS])
{
	stats_sum_row row;
	store_res_row(r, i, stats_store_sum_cols, &row);
	memcpy(v, row.v, sizeof row.v);
}

/* Counts the stale villages of a past quarter from the states at its
 * end; versions read before the counts, stored compare-and-set, so a
 * visit or verification in between leaves its village stale. */
static int refresh_past(store *s, const quality_args *a, err *e)
{
	store_res *st = NULL, *all = NULL;
	int rc = quality_store_qs_ensure(s, a->quarter, a->lo, a->hi, e);
	if (rc || (rc = quality_store_qs_stale(s, a->quarter, a->lo, a->hi,
					       &st, e)))
		return rc;
	int n = store_res_rows(st);
	if (n == 0) {
		store_res_free(st);
		return 0;
	}
	qfig *f = xcalloc((size_t)n, sizeof *f);
	if (n > BULK_VILLAGES &&
	    (rc = quality_store_asof(s, a, VILLAGE_LEN, &all, e)))
		goto out;
	for (int i = 0, j = 0; i < n; i++) {
		quality_qs_stale_row sr;
		store_res_row(st, i, quality_store_qs_stale_cols, &sr);
		snprintf(f[i].code, sizeof f[i].code, "%s", sr.village);
		f[i].ver = sr.ver;
		if (all) {
			/* both in code order: walk them together */
			stats_sum_row row;
			while (j < store_res_rows(all) &&
			       (store_res_row(all, j, stats_store_sum_cols, &row),
				strcmp(row.group, f[i].code) < 0))
				j++;
			if (j < store_res_rows(all) &&
			    !strcmp(row.group, f[i].code))
				memcpy(f[i].v, row.v, sizeof row.v);
			continue;
		}
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
		region_scope_range(f[i].code, lo, hi);
		quality_args one = *a;
		one.lo = lo;
		one.hi = hi;
		store_res *r;
		if ((rc = quality_store_asof(s, &one, VILLAGE_LEN, &r, e)))
			goto out;
		if (store_res_rows(r))
			take(r, 0, f[i].v);
		store_res_free(r);
	}
	save_job j = { f, n, a->quarter };
	rc = store_tx(s, save_work, &j, e);
out:
	free(f);
	store_res_free(all);
	store_res_free(st);
	return rc;
}

int quarter_stats_sums(store *s, int64_t now, const quality_args *a,
		       int glen, store_res **out, err *e)
{
	*out = NULL;
	int rc = a->current ? village_stats_refresh(s, a->lo, a->hi, now, NULL, e)
			    : refresh_past(s, a, e);
	return rc ? rc
		  : quality_store_qs_sum(s, a->quarter, a->current, a->lo,
					 a->hi, glen, out, e);
}

int quarter_stats_refresh_previous(store *s, int64_t now, const char *lo,
				   const char *hi, err *e)
{
	char today[11], q[8], start[11], end[11], before[11], t16[11], t18[11];
	date_of(now, today);
	date_quarter_of(today, q);
	date_quarter(q, start, end);
	date_minus_days(start, 1, before);
	date_quarter_of(before, q);
	date_quarter(q, start, end);
	date_years_before(end, 16, t16);
	date_years_before(end, 18, t18);
	quality_args a = { lo, hi, t16, t18, start, end, q, 0,
			   date_day_end(end) };
	return refresh_past(s, &a, e);
}

int quarter_stats_freeze(store *s, const quality_args *a, err *e)
{
	return quality_store_qs_freeze(s, a->quarter, a->current, a->lo, a->hi,
				       e);
}
