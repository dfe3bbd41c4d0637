#include "domain/stats.h"

#include <stdlib.h>
#include <string.h>

#include "domain/classify.h"
#include "domain/perm.h"
#include "domain/platform.h"
#include "domain/quality.h"
#include "domain/staff.h"
#include "domain/women.h"
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
	for (int c = 0; c < 13; c++)
		v[c] = store_res_int(r, i, 1 + c);
}

/* The quality counts Q01..Q11 of one village into v[13..23]. */
static int village_quality(store *s, const char *code, const char *t16,
			   const char *t18, const char *quarter,
			   const char *start, const char *end, int64_t *v,
			   err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(code, lo, hi);
	quality_args a = { lo, hi, t16, t18, start, end, quarter, 1 };
	store_res *q;
	int rc = quality_store_counts(s, &a, &q, e);
	if (rc)
		return rc;
	for (int r = 0; r < 11; r++)
		v[13 + r] = store_res_int(q, 0, 1 + r);
	store_res_free(q);
	return 0;
}

int stats_refresh(store *s, const char *lo, const char *hi, int64_t now,
		  int *refreshed, err *e)
{
	char today[11], t16[11], t18[11], quarter[8], start[11], end[11];
	date_of(now, today);
	date_years_before(today, 16, t16);
	date_years_before(today, 18, t18);
	quality_quarter_of(today, quarter);
	quality_quarter(quarter, start, end);
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
		snprintf(f[i].code, sizeof f[i].code, "%s", store_res_text(st, i, 0));
		f[i].ver = store_res_int(st, i, 1);
		if (ch) {
			/* both sorted by code: walk them together */
			while (j < store_res_rows(ch) &&
			       strcmp(store_res_text(ch, j, 0), f[i].code) < 0)
				j++;
			if (j < store_res_rows(ch) &&
			    !strcmp(store_res_text(ch, j, 0), f[i].code))
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
	if ((rc = store_begin(s, e)))
		goto out;
	for (int i = 0; i < n && !rc; i++)
		rc = stats_store_save(s, f[i].code, f[i].ver, today, quarter,
				      f[i].v, e);
	if (rc)
		store_rollback(s);
	else if ((rc = store_commit(s, e)) == 0 && refreshed)
		*refreshed = n;
out:
	free(f);
	store_res_free(ch);
	store_res_free(st);
	return rc;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Median and 90th percentile, in hours, of the non-negative values. */
static json_t *timeliness(int64_t *v, int n)
{
	if (n == 0)
		return json_pack("{s:i, s:n, s:n}", "n", 0, "median_hours",
				 "p90_hours");
	qsort(v, (size_t)n, sizeof *v, cmp64);
	double med = (double)v[(n - 1) / 2] / 3600.0;
	double p90 = (double)v[(int)((n - 1) * 0.9)] / 3600.0;
	return json_pack("{s:i, s:f, s:f}", "n", n, "median_hours", med,
			 "p90_hours", p90);
}

/* A drill-down row from a stats_store_sum row (r NULL: all zero). */
static json_t *counts_json(const store_res *r, int i)
{
	json_t *cats = json_object(), *flags = json_object();
	for (int b = 0; b < CAT_COUNT; b++)
		json_object_set_new(cats, classify_category_code(1u << b),
				    json_integer(r ? store_res_int(r, i, 2 + b) : 0));
	for (int b = 0; b < FLAG_COUNT; b++)
		json_object_set_new(flags, classify_flag_code(1u << b),
				    json_integer(r ? store_res_int(r, i, 8 + b) : 0));
	return json_pack("{s:I, s:o, s:o}", "active",
			 (json_int_t)(r ? store_res_int(r, i, 1) : 0),
			 "categories", cats, "flags", flags);
}

/* The sign-off units below (or at) `g` that should have signed off:
 * counties for a province or city, townships for a county, villages
 * (with records) for a township, the village itself. */
static int signoff_units(store *s, const region *g, region **out, int *n,
			 err *e)
{
	int target = g->level < REGION_COUNTY ? REGION_COUNTY
		     : g->level < REGION_VILLAGE ? g->level + 1
						 : REGION_VILLAGE;
	region *all = xcalloc(1, sizeof *all);
	int na = 1;
	all[0] = *g;
	/* breadth first, down to the target level */
	for (int lvl = g->level; lvl < target; lvl++) {
		region *next = NULL;
		int nn = 0, ncap = 0;
		for (int i = 0; i < na; i++) {
			region *k = NULL;
			int nk = 0;
			int rc = region_children(s, all[i].code, &k, &nk, e);
			if (rc) {
				free(all);
				free(next);
				return rc;
			}
			if (nn + nk > ncap) {
				ncap = (nn + nk) * 2;
				next = xreallocarray(next, (size_t)ncap,
						     sizeof *next);
			}
			if (nk)
				memcpy(next + nn, k, (size_t)nk * sizeof *k);
			nn += nk;
			free(k);
		}
		free(all);
		all = next;
		na = nn;
	}
	*out = all;
	*n = na;
	return 0;
}

/* Who is late with the sign-off of the last quarter that has ended. */
static json_t *dash_verification(store *s, const region *g,
				 const char *today, const char *lo,
				 const char *hi)
{
	char start[11], end[11], before[11], quarter[8], due[11];
	quality_quarter_of(today, quarter);
	quality_quarter(quarter, start, end);
	date_minus_days(start, 1, before);
	quality_quarter_of(before, quarter);
	quality_due_on(s, quarter, due);
	region *u = NULL;
	int nu = 0;
	store_res *so = NULL, *act = NULL;
	if (signoff_units(s, g, &u, &nu, NULL) ||
	    quality_store_signoffs(s, lo, hi, quarter, &so, NULL) ||
	    (g->level >= REGION_TOWNSHIP &&
	     stats_store_sum(s, lo, hi, VILLAGE_LEN, &act, NULL))) {
		free(u);
		store_res_free(so);
		return json_null();
	}
	json_t *late = json_array();
	int nlate = 0, pending = 0;
	for (int i = 0; i < nu; i++) {
		const char *st = "open";
		for (int j = 0; j < store_res_rows(so); j++)
			if (!strcmp(store_res_text(so, j, 0), u[i].code))
				st = store_res_text(so, j, 1);
		int done = u[i].level == REGION_COUNTY
				   ? !strcmp(st, "approved")
				   : !strcmp(st, "submitted") || !strcmp(st, "approved");
		if (done)
			continue;
		if (u[i].level == REGION_VILLAGE) {
			/* a village without records has nothing to submit */
			int has = 0;
			for (int j = 0; j < store_res_rows(act) && !has; j++)
				has = !strcmp(store_res_text(act, j, 0), u[i].code) &&
				      store_res_int(act, j, 1) > 0;
			if (!has)
				continue;
		}
		pending++;
		if (strcmp(today, due) <= 0)
			continue;
		if (nlate++ < 50)
			json_array_append_new(
				late, json_pack("{s:s, s:s, s:s, s:s, s:s}",
						"code", u[i].code, "name",
						u[i].name, "level",
						region_level_name(u[i].level),
						"state", st, "state_label",
						quality_signoff_label(st)));
	}
	free(u);
	store_res_free(so);
	store_res_free(act);
	return json_pack("{s:s, s:s, s:i, s:i, s:b, s:o}", "quarter", quarter,
			 "due_on", due, "pending", pending, "late_count",
			 nlate, "overdue", strcmp(today, due) > 0, "late", late);
}

/* The campaigns (工作任务) seen from `g`: those set for g and above, each
 * with g's part of the progress. */
static json_t *dash_campaigns(store *s, const actor *who, const region *g)
{
	json_t *l = NULL, *out = json_array(), *it;
	size_t i;
	if (campaign_list_at(s, who, g->code, &l, NULL) != 0)
		return out;
	json_array_foreach(json_object_get(l, "items"), i, it)
		json_array_append_new(
			out, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
				       "id", json_object_get(it, "id"), "name",
				       json_object_get(it, "name"), "measure_label",
				       json_object_get(it, "measure_label"),
				       "due_on", json_object_get(it, "due_on"),
				       "target", json_object_get(it, "target"),
				       "done", json_object_get(it, "done"), "pct",
				       json_object_get(it, "pct"), "late",
				       json_object_get(it, "late"), "region_code",
				       json_object_get(it, "view_region")));
	json_decref(l);
	return out;
}

/* The children's figures of `in` (default: the caller's scope) and its
 * drill-down, and the quality counts of the current quarter: all from the
 * kept per-village figures.  *g is the region resolved. */
static int children_part(store *s, const actor *who, const char *in,
			 region *g, json_t **out, err *e)
{
	int rc = perm_need(who, PERM_STATS_READ, e);
	if (rc)
		return rc;
	rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
			    in ? in : (who->u ? actor_scope(who) : "22"), g, e);
	if (rc)
		return rc;
	char today[11], lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	date_of(who->now, today);
	region_scope_range(g->code, lo, hi);
	int child_level = g->level < REGION_VILLAGE ? g->level + 1 : g->level;
	store_res *ch;
	if ((rc = stats_refresh(s, lo, hi, who->now, NULL, e)) ||
	    (rc = stats_store_sum(s, lo, hi, (int)region_code_len(child_level),
				  &ch, e)))
		return rc;
	region *kids = NULL;
	int nk = 0;
	region_children(s, g->code, &kids, &nk, NULL);
	json_t *drill = json_array();
	json_int_t active = 0, cat[CAT_COUNT] = { 0 }, flg[FLAG_COUNT] = { 0 };
	int64_t qc[11] = { 0 };
	for (int i = 0; i < store_res_rows(ch); i++) {
		active += store_res_int(ch, i, 1);
		for (int b = 0; b < CAT_COUNT; b++)
			cat[b] += store_res_int(ch, i, 2 + b);
		for (int b = 0; b < FLAG_COUNT; b++)
			flg[b] += store_res_int(ch, i, 8 + b);
		for (int r = 0; r < 11; r++)
			qc[r] += store_res_int(ch, i, 14 + r);
	}
	for (int k = 0; k < (nk ? nk : 1); k++) {
		const char *code = nk ? kids[k].code : g->code;
		json_t *row = NULL;
		for (int i = 0; i < store_res_rows(ch) && !row; i++)
			if (!strcmp(store_res_text(ch, i, 0), code))
				row = counts_json(ch, i);
		if (!row)
			row = counts_json(NULL, 0);
		json_object_set_new(row, "code", json_string(code));
		json_object_set_new(row, "name",
				    json_string(nk ? kids[k].name : g->name));
		json_array_append_new(drill, row);
	}
	free(kids);
	store_res_free(ch);
	json_t *cats = json_object(), *flags = json_object();
	for (int b = 0; b < CAT_COUNT; b++)
		json_object_set_new(cats, classify_category_code(1u << b),
				    json_integer(cat[b]));
	for (int b = 0; b < FLAG_COUNT; b++)
		json_object_set_new(flags, classify_flag_code(1u << b),
				    json_integer(flg[b]));
	/* The data-quality score: the share of records failing none of the
	 * error-severity rules this quarter, as a percentage. */
	char quarter[8];
	quality_quarter_of(today, quarter);
	json_t *qcounts = json_object();
	for (int r = 0; r < 11; r++) {
		char code[4] = { 'Q', (char)('0' + (r + 1) / 10),
				 (char)('0' + (r + 1) % 10), 0 };
		json_object_set_new(qcounts, code, json_integer(qc[r]));
	}
	double act = (double)active;
	double errors = (double)(qc[0] + qc[1] + qc[2] + qc[3] + qc[8]);
	double unverified = (double)qc[10];
	*out = json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:I, s:o, s:o}, s:o,"
		" s:{s:s, s:f, s:f, s:o}}",
		"region_code", g->code, "region_name", g->name, "level",
		region_level_name(g->level), "as_of", today, "children",
		"active", active, "categories", cats, "flags", flags,
		"drilldown", drill, "quality", "quarter", quarter, "score",
		act ? 100.0 * (1.0 - (errors > act ? act : errors) / act) : 100.0,
		"verified_pct", act ? 100.0 * (act - unverified) / act : 0.0,
		"counts", qcounts);
	return *out ? 0
		    : err_set(e, ERR_INTERNAL, "internal", "统计结果生成失败");
}

int stats_children(store *s, const actor *who, const char *in, json_t **out,
		   err *e)
{
	region g;
	return children_part(s, who, in, &g, out, e);
}

int stats_dashboard(store *s, const actor *who, const char *in, json_t **out,
		    err *e)
{
	region g;
	json_t *o;
	int rc = children_part(s, who, in, &g, &o, e);
	if (rc)
		return rc;
	char today[11], lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], from[11];
	date_of(who->now, today);
	region_scope_range(g.code, lo, hi);

	/* Trend: the frozen quarters of the counties inside, summed. */
	json_t *trend = json_array();
	store_res *sn;
	if (stats_store_snapshots(s, lo, hi, &sn, NULL) == 0) {
		for (int i = 0; i < store_res_rows(sn); i++) {
			const char *q = store_res_text(sn, i, 0);
			json_t *fig = json_loads(store_res_text(sn, i, 1), 0, NULL);
			json_t *last = json_array_get(trend, json_array_size(trend) - 1);
			if (!last || strcmp(json_string_value(json_object_get(last, "quarter")), q)) {
				last = json_pack("{s:s, s:i, s:{}}", "quarter", q,
						 "active", 0, "categories");
				json_array_append_new(trend, last);
			}
			json_object_set_new(last, "active",
					    json_integer(json_integer_value(json_object_get(last, "active")) +
							 json_integer_value(json_object_get(fig, "active"))));
			const char *key;
			json_t *v;
			json_t *lc = json_object_get(last, "categories");
			json_object_foreach(json_object_get(fig, "categories"), key, v)
				json_object_set_new(lc, key,
						    json_integer(json_integer_value(json_object_get(lc, key)) +
								 json_integer_value(v)));
			json_decref(fig);
		}
		store_res_free(sn);
	}

	json_t *cov = NULL, *comp = NULL, *rule = NULL;
	/* The region is already checked against the caller's scope; the
	 * figures below are counts only, which every dashboard role may see
	 * (an auditor included), so they are taken as the system. */
	actor sys = { .u = NULL, .ip = who->ip, .now = who->now };
	staff_coverage(s, &sys, g.code, NULL, &cov, NULL);
	platform_compliance(s, &sys, g.code, &comp, NULL);
	platform_rule100(s, &sys, g.code, 0, 1, &rule, NULL); /* totals only */
	store_res *wf;
	json_t *workforce = NULL;
	snprintf(from, sizeof from, "%.4s-01-01", today);
	if (stats_store_workforce(s, lo, hi, from, today, &wf, NULL) == 0) {
		int64_t n = store_res_int(wf, 0, 0), tr = store_res_int(wf, 0, 1),
			ce = store_res_int(wf, 0, 2);
		workforce = json_pack("{s:I, s:I, s:f, s:I, s:f}", "staff",
				      (json_int_t)n, "trained_this_year",
				      (json_int_t)tr, "trained_pct",
				      n ? 100.0 * (double)tr / (double)n : 0.0,
				      "certified", (json_int_t)ce,
				      "certified_pct",
				      n ? 100.0 * (double)ce / (double)n : 0.0);
		store_res_free(wf);
	}
	json_t *cases = NULL;
	store_res *ct;
	int64_t open = 0, overdue = 0;
	if (stats_store_case_times(s, lo, hi, &ct, NULL) == 0 &&
	    stats_store_case_counts(s, lo, hi, who->now, &open, &overdue,
				    NULL) == 0) {
		int n = store_res_rows(ct), na = 0, nc = 0;
		int64_t *acc = calloc((size_t)(n ? n : 1), sizeof *acc);
		int64_t *clo = calloc((size_t)(n ? n : 1), sizeof *clo);
		for (int i = 0; acc && clo && i < n; i++) {
			acc[na++] = store_res_int(ct, i, 0);
			if (!store_res_isnull(ct, i, 1))
				clo[nc++] = store_res_int(ct, i, 1);
		}
		cases = json_pack("{s:I, s:I, s:o, s:o}", "open",
				  (json_int_t)open, "overdue",
				  (json_int_t)overdue, "time_to_accept",
				  timeliness(acc, na), "time_to_close",
				  timeliness(clo, nc));
		free(acc);
		free(clo);
		store_res_free(ct);
	}
	json_object_set_new(o, "trend", trend);
	json_object_set_new(
		o, "workforce",
		json_pack("{s:O, s:o}", "coverage",
			  cov ? json_object_get(cov, "total") : json_null(),
			  "training", workforce ? workforce : json_null()));
	json_object_set_new(
		o, "platforms",
		json_pack("{s:O, s:O, s:O, s:O, s:O}", "total",
			  comp ? json_object_get(comp, "total") : json_null(),
			  "compliant",
			  comp ? json_object_get(comp, "compliant") : json_null(),
			  "compliant_pct",
			  comp ? json_object_get(comp, "pct") : json_null(),
			  "villages_missing_home",
			  rule ? json_object_get(rule, "missing_total") : json_null(),
			  "villages_uncovered",
			  rule ? json_object_get(rule, "uncovered_total") : json_null()));
	json_object_set_new(o, "cases", cases ? cases : json_null());
	*out = o;
	{
		json_t *w = NULL;
		json_object_set_new(*out, "women",
				    women_stats(s, &sys, g.code, &w, NULL) == 0
					    ? json_pack("{s:O, s:O}", "registered",
							json_object_get(w, "registered"),
							"services",
							json_object_get(w, "services"))
					    : json_null());
		json_decref(w);
		json_object_set_new(*out, "campaigns", dash_campaigns(s, who, &g));
		json_object_set_new(*out, "verification",
				    dash_verification(s, &g, today, lo, hi));
	}
	json_decref(cov);
	json_decref(comp);
	json_decref(rule);
	return 0;
}
