#include "domain/stats.h"

#include <stdlib.h>
#include <string.h>

#include "domain/classify.h"
#include "domain/platform.h"
#include "domain/quality.h"
#include "domain/staff.h"
#include "store/stats_store.h"
#include "util/date.h"

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

static json_t *counts_json(const store_res *r, int i)
{
	json_t *cats = json_object(), *flags = json_object();
	for (int b = 0; b < CAT_COUNT; b++)
		json_object_set_new(cats, classify_category_code(1u << b),
				    json_integer(store_res_int(r, i, 2 + b)));
	for (int b = 0; b < FLAG_COUNT; b++)
		json_object_set_new(flags, classify_flag_code(1u << b),
				    json_integer(store_res_int(r, i, 8 + b)));
	return json_pack("{s:I, s:o, s:o}", "active",
			 (json_int_t)store_res_int(r, i, 1), "categories", cats,
			 "flags", flags);
}

int stats_dashboard(store *s, const actor *who, const char *in, json_t **out,
		    err *e)
{
	if (who->u && who->u->role == ROLE_ADMIN)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "系统管理员账号不查看儿童数据");
	region g;
	int rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				in ? in : (who->u ? actor_scope(who) : "22"), &g, e);
	if (rc)
		return rc;
	char today[11], t16[11], t18[11], lo[REGION_CODE_MAX],
		hi[REGION_CODE_MAX + 1], from[11];
	date_of(who->now, today);
	date_years_before(today, 16, t16);
	date_years_before(today, 18, t18);
	region_scope_range(g.code, lo, hi);
	int child_level = g.level < REGION_VILLAGE ? g.level + 1 : g.level;
	store_res *ch;
	if ((rc = stats_store_children(s, lo, hi, (int)region_code_len(child_level),
				       t16, t18, &ch, e)))
		return rc;
	region *kids = NULL;
	int nk = 0;
	region_children(s, g.code, &kids, &nk, NULL);
	json_t *drill = json_array();
	json_int_t active = 0, cat[CAT_COUNT] = { 0 }, flg[FLAG_COUNT] = { 0 };
	for (int k = 0; k < (nk ? nk : 1); k++) {
		const char *code = nk ? kids[k].code : g.code;
		json_t *row = NULL;
		for (int i = 0; i < store_res_rows(ch); i++)
			if (!strcmp(store_res_text(ch, i, 0), code)) {
				row = counts_json(ch, i);
				active += store_res_int(ch, i, 1);
				for (int b = 0; b < CAT_COUNT; b++)
					cat[b] += store_res_int(ch, i, 2 + b);
				for (int b = 0; b < FLAG_COUNT; b++)
					flg[b] += store_res_int(ch, i, 8 + b);
			}
		if (!row)
			row = json_pack("{s:i, s:{}, s:{}}", "active", 0,
					"categories", "flags");
		json_object_set_new(row, "code", json_string(code));
		json_object_set_new(row, "name",
				    json_string(nk ? kids[k].name : g.name));
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

	json_t *cov = NULL, *comp = NULL, *rule = NULL, *qual = NULL;
	/* The region is already checked against the caller's scope; the
	 * figures below are counts only, which every dashboard role may see
	 * (an auditor included), so they are taken as the system. */
	actor sys = { .u = NULL, .ip = who->ip, .now = who->now };
	staff_coverage(s, &sys, g.code, NULL, &cov, NULL);
	platform_compliance(s, &sys, g.code, &comp, NULL);
	platform_rule100(s, &sys, g.code, 0, 1, &rule, NULL); /* totals only */
	quality_report(s, &sys, g.code, NULL, "Q11", 0, 1, &qual, NULL);
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
	/* The data-quality score: the share of records failing none of the
	 * error-severity rules this quarter, as a percentage. */
	json_t *quality = json_null();
	if (qual) {
		json_t *c = json_object_get(qual, "counts");
		double act = (double)json_integer_value(json_object_get(qual, "active"));
		double errors = (double)(json_integer_value(json_object_get(c, "Q01")) +
					 json_integer_value(json_object_get(c, "Q02")) +
					 json_integer_value(json_object_get(c, "Q03")) +
					 json_integer_value(json_object_get(c, "Q04")) +
					 json_integer_value(json_object_get(c, "Q09")));
		double unverified = (double)json_integer_value(json_object_get(c, "Q11"));
		quality = json_pack("{s:s, s:f, s:f, s:O}", "quarter",
				    json_string_value(json_object_get(qual, "quarter")),
				    "score", act ? 100.0 * (1.0 - (errors > act ? act : errors) / act) : 100.0,
				    "verified_pct", act ? 100.0 * (act - unverified) / act : 0.0,
				    "counts", c);
		json_decref(qual);
	}
	*out = json_pack(
		"{s:s, s:s, s:s, s:s, s:{s:I, s:o, s:o}, s:o, s:o, s:o, s:o,"
		" s:o, s:o}",
		"region_code", g.code, "region_name", g.name, "level",
		region_level_name(g.level), "as_of", today, "children", "active",
		active, "categories", cats, "flags", flags, "drilldown", drill,
		"trend", trend, "workforce",
		json_pack("{s:O, s:o}", "coverage",
			  cov ? json_object_get(cov, "total") : json_null(),
			  "training", workforce ? workforce : json_null()),
		"platforms",
		json_pack("{s:O, s:O, s:O, s:O, s:O}", "total",
			  comp ? json_object_get(comp, "total") : json_null(),
			  "compliant",
			  comp ? json_object_get(comp, "compliant") : json_null(),
			  "compliant_pct",
			  comp ? json_object_get(comp, "pct") : json_null(),
			  "villages_missing_home",
			  rule ? json_object_get(rule, "missing_total") : json_null(),
			  "villages_uncovered",
			  rule ? json_object_get(rule, "uncovered_total") : json_null()),
		"cases", cases ? cases : json_null(), "quality", quality);
	json_decref(cov);
	json_decref(comp);
	json_decref(rule);
	return *out ? 0
		    : err_set(e, ERR_INTERNAL, "internal", "统计结果生成失败");
}
