#include "domain/children/village_stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/region.h"
#include "store/quality_store.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/mem.h"

/* Above this many stale villages one grouped scan of the range counts the
 * children, rather than one small query per village. */
#define BULK_VILLAGES 64
#define VILLAGE_LEN 12

typedef struct vfig {
	char code[REGION_CODE_MAX];
	int64_t ver;
	int64_t v[STATS_COLS];
} vfig;

/* Children counts of a stats_store_children row into v[0..12]. */
static void take_children(const store_res *r, int i, int64_t *v)
{
	stats_children_row c;
	store_res_row(r, i, stats_store_children_cols, &c);
	memcpy(v, c.v, sizeof c.v);
}

/* The quality counts Q01..Q11 of one village into v[13..23], the
 * children failing an error-level rule and any rule into v[24], v[25]. */
static int village_quality(store *s, const char *code, const char *t16,
			   const char *t18, const char *quarter,
			   const char *start, const char *end, int64_t *v,
			   err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(code, lo, hi);
	quality_args a = { lo, hi, t16, t18, start, end, quarter, 1, 0 };
	store_res *q;
	int rc = quality_store_counts(s, &a, &q, e);
	if (rc)
		return rc;
	quality_counts_row c;
	store_res_row(q, 0, quality_store_counts_cols, &c);
	memcpy(v + 13, c.q, sizeof c.q);
	v[24] = c.with_error;
	v[25] = c.with_any;
	store_res_free(q);
	return 0;
}

/* The figures read, stored in one short write transaction: each
 * compare-and-set on the version read, so that a village written in
 * between stays stale rather than wrong. */
typedef struct save_job {
	const vfig *f;
	int n;
	const char *today, *quarter;
} save_job;

static int save_work(store *s, void *arg, err *e)
{
	const save_job *j = arg;
	int rc = 0;
	for (int i = 0; i < j->n && !rc; i++)
		rc = stats_store_save(s, j->f[i].code, j->f[i].ver, j->today,
				      j->quarter, j->f[i].v, e);
	return rc;
}

int village_stats_refresh(store *s, const char *lo, const char *hi,
			  int64_t now, int *refreshed, err *e)
{
	char today[11], t16[11], t18[11], quarter[8], start[11], end[11];
	date_of(now, today);
	date_years_before(today, 16, t16);
	date_years_before(today, 18, t18);
	date_quarter_of(today, quarter);
	date_quarter(quarter, start, end);
	if (refreshed)
		*refreshed = 0;
	store_res *st = NULL, *ch = NULL;
	int rc = stats_store_ensure(s, lo, hi, e);
	if (rc || (rc = stats_store_stale(s, lo, hi, today, &st, e)))
		return rc;
	int n = store_res_rows(st);
	if (n == 0) {
		store_res_free(st);
		return 0;
	}
	/* Read everything first (the versions before the counts, so a write
	 * in between leaves its village stale), then store in one short
	 * write transaction. */
	vfig *f = xcalloc((size_t)n, sizeof *f);
	if (n > BULK_VILLAGES &&
	    (rc = stats_store_children(s, lo, hi, VILLAGE_LEN, t16, t18, &ch, e)))
		goto out;
	for (int i = 0, j = 0; i < n; i++) {
		stats_stale_row sr;
		store_res_row(st, i, stats_store_stale_cols, &sr);
		snprintf(f[i].code, sizeof f[i].code, "%s", sr.code);
		f[i].ver = sr.ver;
		if (ch) {
			/* both sorted by code: walk them together */
			stats_children_row cr;
			store_res_row(ch, j, stats_store_children_cols, &cr);
			while (j < store_res_rows(ch) &&
			       strcmp(cr.group, f[i].code) < 0)
				store_res_row(ch, ++j, stats_store_children_cols,
					      &cr);
			if (j < store_res_rows(ch) && !strcmp(cr.group, f[i].code))
				take_children(ch, j, f[i].v);
		} else {
			char vlo[REGION_CODE_MAX], vhi[REGION_CODE_MAX + 1];
			store_res *one;
			region_scope_range(f[i].code, vlo, vhi);
			if ((rc = stats_store_children(s, vlo, vhi, VILLAGE_LEN,
						       t16, t18, &one, e)))
				goto out;
			if (store_res_rows(one))
				take_children(one, 0, f[i].v);
			store_res_free(one);
		}
		if (f[i].v[0] && (rc = village_quality(s, f[i].code, t16, t18,
						       quarter, start, end,
						       f[i].v, e)))
			goto out;
	}
	save_job j = { f, n, today, quarter };
	if ((rc = store_tx(s, save_work, &j, e)) == 0 && refreshed)
		*refreshed = n;
out:
	free(f);
	store_res_free(ch);
	store_res_free(st);
	return rc;
}
