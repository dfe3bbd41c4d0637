#include "domain/figures/stats.h"

#include <stdlib.h>
#include <string.h>

#include "domain/children/classify.h"
#include "domain/children/village_stats.h"
#include "domain/core/perm.h"
#include "domain/platforms/platform.h"
#include "domain/quarterly/quality.h"
#include "domain/workforce/campaign.h"
#include "domain/workforce/staff.h"
#include "domain/women/women.h"
#include "store/quality_store.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/mem.h"

/* The length of a village's code: the figures are kept per village. */
#define VILLAGE_LEN 12

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

/* A drill-down row from a stats_store_sum row: v[0] active, v[1..6]
 * the categories, v[7..12] the flags (r NULL: all zero). */
static json_t *counts_json(const store_res *r, int i)
{
	stats_sum_row sum;
	memset(&sum, 0, sizeof sum);
	if (r)
		store_res_row(r, i, stats_store_sum_cols, &sum);
	json_t *cats = json_object(), *flags = json_object();
	for (int b = 0; b < CAT_COUNT; b++)
		json_object_set_new(cats, classify_category_code(1u << b),
				    json_integer(sum.v[1 + b]));
	for (int b = 0; b < FLAG_COUNT; b++)
		json_object_set_new(flags, classify_flag_code(1u << b),
				    json_integer(sum.v[7 + b]));
	return json_pack("{s:I, s:o, s:o}", "active", (json_int_t)sum.v[0],
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
	date_quarter_of(today, quarter);
	date_quarter(quarter, start, end);
	date_minus_days(start, 1, before);
	date_quarter_of(before, quarter);
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
		for (int j = 0; j < store_res_rows(so); j++) {
			quality_signoff_row so_row;
			store_res_row(so, j, quality_store_signoff_cols, &so_row);
			if (!strcmp(so_row.region, u[i].code))
				st = so_row.state;
		}
		int done = u[i].level == REGION_COUNTY
				   ? !strcmp(st, "approved")
				   : !strcmp(st, "submitted") || !strcmp(st, "approved");
		if (done)
			continue;
		if (u[i].level == REGION_VILLAGE) {
			/* a village without records has nothing to submit */
			int has = 0;
			for (int j = 0; j < store_res_rows(act) && !has; j++) {
				stats_sum_row a;
				store_res_row(act, j, stats_store_sum_cols, &a);
				has = !strcmp(a.group, u[i].code) && a.v[0] > 0;
			}
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
			out, json_pack("{s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O, s:O}",
				       "id", json_object_get(it, "id"), "name",
				       json_object_get(it, "name"), "measure_label",
				       json_object_get(it, "measure_label"),
				       "target_label", json_object_get(it, "target_label"),
				       "judged_on", json_object_get(it, "judged_on"),
				       "made_good", json_object_get(it, "made_good"),
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
	if ((rc = village_stats_refresh(s, lo, hi, who->now, NULL, e)) ||
	    (rc = stats_store_sum(s, lo, hi, (int)region_code_len(child_level),
				  &ch, e)))
		return rc;
	region *kids = NULL;
	int nk = 0;
	region_children(s, g->code, &kids, &nk, NULL);
	json_t *drill = json_array();
	json_int_t active = 0, cat[CAT_COUNT] = { 0 }, flg[FLAG_COUNT] = { 0 };
	int64_t qc[11] = { 0 }, qerr = 0, qany = 0;
	for (int i = 0; i < store_res_rows(ch); i++) {
		stats_sum_row sum;
		store_res_row(ch, i, stats_store_sum_cols, &sum);
		active += sum.v[0];
		for (int b = 0; b < CAT_COUNT; b++)
			cat[b] += sum.v[1 + b];
		for (int b = 0; b < FLAG_COUNT; b++)
			flg[b] += sum.v[7 + b];
		for (int r = 0; r < 11; r++)
			qc[r] += sum.v[13 + r];
		qerr += sum.v[24];
		qany += sum.v[25];
	}
	for (int k = 0; k < (nk ? nk : 1); k++) {
		const char *code = nk ? kids[k].code : g->code;
		json_t *row = NULL;
		for (int i = 0; i < store_res_rows(ch) && !row; i++) {
			stats_sum_row sum;
			store_res_row(ch, i, stats_store_sum_cols, &sum);
			if (!strcmp(sum.group, code))
				row = counts_json(ch, i);
		}
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
	/* Data quality as shares of children, never a score that adds rule
	 * hits (one child fails several rules; issue #19): the share with
	 * no error-level failure, the share with no failure at all (errors
	 * and warnings, Q01–Q10), and each rule's count and share.  Q11 (not
	 * yet verified) is information, shown as verified_pct. */
	char quarter[8];
	date_quarter_of(today, quarter);
	json_t *qcounts = json_object();
	for (int r = 0; r < 11; r++) {
		char code[4] = { 'Q', (char)('0' + (r + 1) / 10),
				 (char)('0' + (r + 1) % 10), 0 };
		json_object_set_new(qcounts, code, json_integer(qc[r]));
	}
	double act = (double)active;
	double unverified = (double)qc[10];
	*out = json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:I, s:o, s:o}, s:o,"
		" s:{s:s, s:I, s:I, s:I, s:f, s:f, s:f, s:o, s:o}}",
		"region_code", g->code, "region_name", g->name, "level",
		region_level_name(g->level), "as_of", today, "children",
		"active", active, "categories", cats, "flags", flags,
		"drilldown", drill, "quality", "quarter", quarter, "children",
		active, "with_error", (json_int_t)qerr, "with_any",
		(json_int_t)qany, "no_error_pct",
		act ? 100.0 * (act - (double)qerr) / act : 100.0, "clean_pct",
		act ? 100.0 * (act - (double)qany) / act : 100.0,
		"verified_pct", act ? 100.0 * (act - unverified) / act : 0.0,
		"counts", qcounts, "rules", quality_rules_json(qc, active));
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
			stats_snapshot_row snap;
			store_res_row(sn, i, stats_store_snapshot_cols, &snap);
			const char *q = snap.quarter;
			json_t *fig = json_loads(snap.figures, 0, NULL);
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
		stats_workforce_row w;
		store_res_row(wf, 0, stats_store_workforce_cols, &w);
		int64_t n = w.staff, tr = w.trained, ce = w.certified;
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
			stats_case_time_row ti;
			store_res_row(ct, i, stats_store_case_time_cols, &ti);
			acc[na++] = ti.accept_seconds;
			if (!ti.open)
				clo[nc++] = ti.close_seconds;
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
		json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "total",
			  comp ? json_object_get(comp, "total") : json_null(),
			  "compliant",
			  comp ? json_object_get(comp, "compliant") : json_null(),
			  "compliant_pct",
			  comp ? json_object_get(comp, "pct") : json_null(),
			  "villages_missing_home",
			  rule ? json_object_get(rule, "missing_total") : json_null(),
			  "villages_uncovered",
			  rule ? json_object_get(rule, "uncovered_total") : json_null(),
			  "villages_exempt",
			  rule ? json_object_get(rule, "exempt_total") : json_null()));
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
