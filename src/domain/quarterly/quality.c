#include "domain/quarterly/quality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child_codes.h"
#include "domain/children/village_stats.h"
#include "domain/children/classify.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/quarterly/quarter_stats.h"
#include "store/child_store.h"
#include "store/quality_store.h"
#include "store/stats_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

static const struct {
	const char *code, *severity, *message;
} rules[] = {
	{ "Q01", "error", "留守儿童未完整填写受委托监护人姓名、关系和电话" },
	{ "Q02", "error", "失辍学儿童未填写情况说明" },
	{ "Q03", "error", "身份证号校验位错误" },
	{ "Q04", "error", "身份证号与出生日期或性别不一致" },
	{ "Q05", "warning", "年龄已超过所确认类别的年龄上限" },
	{ "Q06", "warning", "已确认的类别与系统认定的类别不一致" },
	{ "Q07", "warning", "父亲或母亲的姓名或状况未填写" },
	{ "Q08", "warning", "本季度未走访" },
	{ "Q09", "error", "同一身份证号有两条在册记录" },
	{ "Q10", "warning", "电话号码格式错误" },
	{ "Q11", "info", "本季度尚未核实" },
};

static const code_entry severities[] = {
	{ 1, "error", "错误" },
	{ 2, "warning", "警告" },
	{ 3, "info", "提示" },
	{ 0, NULL, NULL },
};
static const code_entry signoffs[] = {
	{ 1, "open", "未提交" },
	{ 2, "submitted", "已提交" },
	{ 3, "returned", "已退回" },
	{ 4, "approved", "已审批" },
	{ 5, "changed", "报送后有变更" },
	{ 0, NULL, NULL },
};
static const code_entry outcomes[] = {
	{ 1, "unchanged", "核实无变化" },
	{ 2, "updated", "已更新信息" },
	{ 0, NULL, NULL },
};

const char *quality_signoff_label(const char *state)
{
	int v = code_value(signoffs, state);
	return code_label(signoffs, v < 0 ? 1 : v);
}

json_t *quality_rules_json(const int64_t q[11], int64_t active)
{
	json_t *out = json_array();
	for (int i = 0; i < 11; i++)
		json_array_append_new(
			out, json_pack("{s:s, s:s, s:s, s:I, s:f}", "code",
				       rules[i].code, "severity",
				       rules[i].severity, "message",
				       rules[i].message, "failing",
				       (json_int_t)q[i], "pct",
				       active ? 100.0 * (double)q[i] /
							(double)active
					      : 0.0));
	return out;
}

/* Everything a report of `quarter` in `g` needs. */
typedef struct qctx {
	region g;
	char quarter[8], start[11], end[11], asof[11], t16[11], t18[11];
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	quality_args a;
} qctx;

/* `bad` is the error code of a malformed or future quarter: the quarter
 * of a query or path is "invalid_query", one read from a body
 * "invalid_field" (docs/API.md's error table). */
static int setup_as(store *s, const actor *who, const char *code_in,
		    const char *quarter, const char *bad, qctx *q, err *e)
{
	int rc = perm_need(who, PERM_QUALITY_READ, e);
	if (rc)
		return rc;
	rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				code_in ? code_in : (who->u ? actor_scope(who) : "22"),
				&q->g, e);
	if (rc)
		return rc;
	char today[11];
	date_of(who->now, today);
	if (quarter)
		snprintf(q->quarter, sizeof q->quarter, "%.6s", quarter);
	else
		date_quarter_of(today, q->quarter);
	if (!quarter ? 0 : strlen(quarter) != 6 ||
			   date_quarter(q->quarter, q->start, q->end) != 0)
		return err_field(e, ERR_INVALID, bad, "quarter",
				 "季度应为如 2018Q3 的格式");
	date_quarter(q->quarter, q->start, q->end);
	if (strcmp(q->start, today) > 0)
		return err_field(e, ERR_INVALID, bad, "quarter",
				 "季度尚未开始");
	/* Ages are taken at the quarter's end, or today within it. */
	snprintf(q->asof, sizeof q->asof, "%s",
		 strcmp(q->end, today) < 0 ? q->end : today);
	date_years_before(q->asof, 16, q->t16);
	date_years_before(q->asof, 18, q->t18);
	region_scope_range(q->g.code, q->lo, q->hi);
	/* A past quarter counts the records as they were at its last
	 * second (issue #19 item 2). */
	q->a = (quality_args){ q->lo, q->hi, q->t16, q->t18,
			       q->start, q->end, q->quarter,
			       strcmp(q->end, today) >= 0,
			       date_day_end(q->end) };
	return 0;
}

static int setup(store *s, const actor *who, const char *code_in,
		 const char *quarter, qctx *q, err *e)
{
	return setup_as(s, who, code_in, quarter, "invalid_query", q, e);
}

static json_t *failing_json(const store_res *r, int rule)
{
	json_t *a = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		quality_failing_row f;
		store_res_row(r, i, quality_store_failing_cols, &f);
		json_array_append_new(
			a, json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s}",
				     "rule", rules[rule - 1].code, "child_id",
				     (json_int_t)f.id, "name", f.name,
				     "region_code", f.region, "region_name",
				     f.region_name ? f.region_name : "",
				     "message", rules[rule - 1].message,
				     "severity", rules[rule - 1].severity));
	}
	return a;
}

/* The counts of a region range: active, then Q01..Q11.  They come from
 * the per-village figures (quarter_stats.h: the current quarter's kept
 * current, a past one's counted once from the records as they were at
 * its end; a province in milliseconds).  `sum`, when not NULL, holds the
 * per-village figures of the whole report already summed per child
 * region; `code` is then the child region to take. */
static int counts_of(store *s, const qctx *q, const char *lo, const char *hi,
		     const store_res *sum, const char *code, int64_t c[12],
		     err *e)
{
	memset(c, 0, 12 * sizeof *c);
	if (sum) {
		for (int i = 0; i < store_res_rows(sum); i++) {
			stats_sum_row v;
			store_res_row(sum, i, stats_store_sum_cols, &v);
			if (!strcmp(v.group, code)) {
				c[0] = v.v[0];
				memcpy(c + 1, v.v + 13, 11 * sizeof *c);
			}
		}
		return 0;
	}
	quality_args a = q->a;
	a.lo = lo;
	a.hi = hi;
	store_res *r;
	int rc = quality_store_counts(s, &a, &r, e);
	if (rc)
		return rc;
	quality_counts_row n;
	store_res_row(r, 0, quality_store_counts_cols, &n);
	c[0] = n.active;
	memcpy(c + 1, n.q, sizeof n.q);
	store_res_free(r);
	return 0;
}

/* The quarter's per-village figures of the report's range summed per
 * region of `level`. */
static int current_sums(store *s, const actor *who, const qctx *q, int level,
			store_res **out, err *e)
{
	return quarter_stats_sums(s, who->now, &q->a,
				  (int)region_code_len(level), out, e);
}

int quality_report(store *s, const actor *who, const char *code_in,
		   const char *quarter, const char *rule, int64_t offset,
		   int limit, json_t **out, err *e)
{
	qctx q;
	int rc = setup(s, who, code_in, quarter, &q, e);
	if (rc)
		return rc;
	int only = 0;
	if (rule) {
		for (int i = 0; i < 11 && !only; i++)
			if (!strcmp(rule, rules[i].code))
				only = i + 1;
		if (!only)
			return err_field(e, ERR_INVALID, "invalid_query", "rule",
					 "规则代码应为 Q01 至 Q11");
	}
	/* Auditors see statistics, never identities (SPEC §1): names
	 * are for those who read the records themselves. */
	int names = perm_allows(who, PERM_CHILD_READ);
	store_res *sum;
	int64_t c[12];
	if ((rc = current_sums(s, who, &q, q.g.level, &sum, e)) ||
	    (rc = counts_of(s, &q, q.lo, q.hi, sum, q.g.code, c, e))) {
		store_res_free(sum);
		return rc;
	}
	store_res_free(sum);
	json_t *counts = json_object(), *rl = json_array(), *items = json_array();
	for (int i = 0; i < 11; i++) {
		int64_t n = c[1 + i];
		json_object_set_new(counts, rules[i].code, json_integer(n));
		json_array_append_new(
			rl, json_pack("{s:s, s:s, s:s, s:I}", "code",
				      rules[i].code, "severity",
				      rules[i].severity, "message",
				      rules[i].message, "count", (json_int_t)n));
		if (!names || (only && only != i + 1) || n == 0)
			continue;
		store_res *f;
		if ((rc = quality_store_failing(s, &q.a, i + 1, only ? offset : 0,
						only ? limit : 20, &f, e)))
			break;
		json_t *fa = failing_json(f, i + 1);
		json_array_extend(items, fa);
		json_decref(fa);
		store_res_free(f);
	}
	int64_t active = c[0];
	if (rc) {
		json_decref(counts);
		json_decref(rl);
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:o}", "region_code",
			 q.g.code, "region_name", q.g.name, "quarter", q.quarter,
			 "as_of", q.asof, "active", (json_int_t)active, "counts",
			 counts, "rules", rl, "items", items);
	return 0;
}

/* Is the county holding `code` approved for the quarter (frozen)? */
static int frozen(store *s, const char *code, const char *quarter, int *yes,
		  err *e)
{
	char county[REGION_CODE_MAX];
	snprintf(county, sizeof county, "%.6s", code);
	store_res *r;
	int rc = quality_store_signoff(s, county, quarter, &r, e);
	if (rc)
		return rc;
	quality_signoff_row so;
	store_res_row(r, 0, quality_store_signoff_cols, &so);
	*yes = store_res_rows(r) && !strcmp(so.state, "approved");
	store_res_free(r);
	return 0;
}

/* A verification, a sign-off or a due date, and its audit entry. */
typedef struct quarter_tx {
	const actor *who;
	const qctx *q;
	int64_t child_id;
	const char *region;
	const char *outcome;		/* verifying */
	const char *action, *next;	/* signing off */
	const char *comment;
	const char *quarter, *start, *end, *due;	/* setting a due date */
	const char *figures;	/* approving: the snapshot's JSON */
} quarter_tx;

static int verify_work(store *s, void *arg, err *e)
{
	quarter_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = quality_store_verify(s, x->child_id, x->q->quarter,
				      x->outcome, actor_name(x->who),
				      x->who->now, e);
	return rc ? rc
		  : audit_record(s, x->who, "child_verify",
				 audit_target(t, "child", x->child_id),
				 x->region,
				 json_pack("{s:s, s:s}", "quarter",
					   x->q->quarter, "outcome",
					   x->outcome),
				 e);
}

int quality_verify(store *s, const actor *who, int64_t child_id,
		   json_t *body, json_t **out, err *e)
{
	static const char *const fields[] = { "quarter", "outcome", NULL };
	const char *quarter, *outcome;
	int rc;
	if (!perm_allows(who, PERM_QUALITY_VERIFY))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "核实由儿童主任、儿童督导员或县级民政部门进行");
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "quarter", 0, 6, &quarter, e)) ||
	    (rc = jsonx_str(body, "outcome", 1, 12, &outcome, e)))
		return rc;
	if (code_value(outcomes, outcome) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "outcome",
				 "核实结果应为 unchanged（无变化）或 updated（已更新）");
	child_row row;
	if ((rc = child_store_get(s, child_id, &row, e)))
		return rc;
	char code[REGION_CODE_MAX], status[12];
	snprintf(code, sizeof code, "%s", row.region);
	snprintf(status, sizeof status, "%s", row.status);
	child_row_clear(&row);
	if (who->u && !region_in_scope(actor_scope(who), code))
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "儿童档案不存在或不在您的管辖范围内");
	if (strcmp(status, "active"))
		return err_set(e, ERR_CONFLICT, "record_exited", "该档案已退出");
	/* An optional text field given as "" is the same as absent
	 * (docs/API.md): the current quarter. */
	qctx q;
	if ((rc = setup_as(s, who, code, quarter && *quarter ? quarter : NULL,
			   "invalid_field", &q, e)))
		return rc;
	int fz;
	if ((rc = frozen(s, code, q.quarter, &fz, e)))
		return rc;
	if (fz)
		return err_set(e, ERR_CONFLICT, "quarter_frozen",
			       "%s 季度数据已由县级审核通过并冻结", q.quarter);
	quarter_tx x = { .who = who, .q = &q, .child_id = child_id,
			 .region = code, .outcome = outcome };
	if ((rc = store_tx(s, verify_work, &x, e)))
		return rc;
	*out = json_pack("{s:I, s:s, s:s, s:s}", "child_id", (json_int_t)child_id,
			 "quarter", q.quarter, "outcome", outcome, "verified_by",
			 actor_name(who));
	return 0;
}

/* The sign-off of `code` among `r` into *so: 1, or 0 when it has none. */
static int signoff_row(const store_res *r, const char *code,
		       quality_signoff_row *so)
{
	for (int i = 0; i < store_res_rows(r); i++) {
		store_res_row(r, i, quality_store_signoff_cols, so);
		if (!strcmp(so->region, code))
			return 1;
	}
	return 0;
}

/* A submission stands only while nothing changed after it: a record of
 * the region created or edited since puts it back to "changed" (报送后有
 * 变更), which counts as not submitted — the township sees it, and the
 * village submits again (issue #19).  Only changes by `until`, the
 * quarter's last second, count: a past quarter's figures are the records
 * as they were at its end, which later edits do not change.  Approved
 * quarters are frozen. */
static const char *state_of_in(store *s, const store_res *r, const char *code,
			       int64_t until)
{
	quality_signoff_row so;
	if (!signoff_row(r, code, &so))
		return "open";
	if (s && !strcmp(so.state, "submitted")) {
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
		int64_t n = 0;
		region_scope_range(code, lo, hi);
		if (quality_store_changed_since(s, lo, hi, so.at, until, &n,
						NULL) == 0 &&
		    n > 0)
			return "changed";
	}
	return so.state;
}

static const char *state_of(const store_res *r, const char *code)
{
	return state_of_in(NULL, r, code, 0);
}

void quality_due_on(store *s, const char *quarter, char due[11])
{
	char start[11], end[11];
	date_quarter(quarter, start, end);
	if (quality_store_due(s, quarter, due, NULL) != 0 || !*due)
		date_minus_days(end, -15, due);
}

static void due_of(store *s, const qctx *q, char due[11])
{
	quality_due_on(s, q->quarter, due);
}

/* A city or the province signs nothing off itself: its state is the
 * roll-up of its counties — "approved" once every one approved, else
 * "open".  `so` holds the sign-offs of a range covering `g`. */
static int rollup_state(store *s, const region *g, const store_res *so,
			const char **state, err *e)
{
	region *kids = NULL;
	int nk = 0, all = 1, rc;
	if ((rc = region_children(s, g->code, &kids, &nk, e)))
		return rc;
	for (int i = 0; i < nk && all && rc == 0; i++) {
		const char *st;
		if (kids[i].level < REGION_COUNTY)
			rc = rollup_state(s, &kids[i], so, &st, e);
		else
			st = state_of(so, kids[i].code);
		all = rc == 0 && !strcmp(st, "approved");
	}
	free(kids);
	*state = nk && all ? "approved" : "open";
	return rc;
}

/* The sign-off of `g` as progress shows it: state, and who set it, when,
 * with what comment (a return's comment goes back with the data). */
static int signoff_json(store *s, const region *g, const store_res *so,
			int64_t until, json_t *o, err *e)
{
	const char *st = "open";
	quality_signoff_row row;
	int found = 0, rc = 0;
	if (g->level < REGION_COUNTY)
		rc = rollup_state(s, g, so, &st, e);
	else if ((found = signoff_row(so, g->code, &row)))
		st = state_of_in(s, so, g->code, until);
	if (rc)
		return rc;
	const char *comment = found ? row.comment : NULL;
	json_object_set_new(o, "signoff", json_string(st));
	json_object_set_new(o, "signoff_by",
			    found ? json_string(row.by) : json_null());
	json_object_set_new(o, "signoff_at",
			    found ? jsonx_time(row.at) : json_null());
	json_object_set_new(o, "signoff_comment",
			    comment && *comment ? json_string(comment)
						: json_null());
	return 0;
}

int quality_progress(store *s, const actor *who, const char *code_in,
		     const char *quarter, json_t **out, err *e)
{
	qctx q;
	int rc = setup(s, who, code_in, quarter, &q, e);
	if (rc)
		return rc;
	char due[11], today[11];
	due_of(s, &q, due);
	date_of(who->now, today);
	region *kids = NULL;
	int nk = 0;
	if ((rc = region_children(s, q.g.code, &kids, &nk, e)))
		return rc;
	store_res *so;
	if ((rc = quality_store_signoffs(s, q.lo, q.hi, q.quarter, &so, e))) {
		free(kids);
		return rc;
	}
	json_t *items = json_array();
	store_res *sum = NULL;
	rc = current_sums(s, who, &q, nk ? kids[0].level : q.g.level, &sum, e);
	for (int k = 0; k < (nk ? nk : 1) && rc == 0; k++) {
		const region *g = nk ? &kids[k] : &q.g;
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
		region_scope_range(g->code, lo, hi);
		int64_t c[12];
		if ((rc = counts_of(s, &q, lo, hi, sum, g->code, c, e)))
			break;
		int64_t active = c[0];
		int64_t unverified = c[11];
		int64_t failures = 0;
		for (int i = 1; i <= 10; i++)
			failures += c[i];
		json_t *it = json_pack(
			"{s:s, s:s, s:s, s:I, s:I, s:f, s:I}", "code", g->code,
			"name", g->name, "level", region_level_name(g->level),
			"active", (json_int_t)active, "verified",
			(json_int_t)(active - unverified), "pct",
			active ? 100.0 * (double)(active - unverified) /
					 (double)active
			       : 100.0,
			"open_failures", (json_int_t)failures);
		if ((rc = signoff_json(s, g, so, q.a.at, it, e))) {
			json_decref(it);
			break;
		}
		const char *st = json_string_value(json_object_get(it, "signoff"));
		int done = !strcmp(st, "submitted") || !strcmp(st, "approved");
		json_object_set_new(it, "late",
				    json_boolean(strcmp(today, due) > 0 && !done &&
						 g->level >= REGION_COUNTY));
		json_array_append_new(items, it);
	}
	free(kids);
	store_res_free(sum);
	json_t *o = NULL;
	if (rc == 0) {
		o = json_pack("{s:s, s:s, s:s, s:s, s:o}", "region_code",
			      q.g.code, "quarter", q.quarter, "due_on", due,
			      "region_name", q.g.name, "items", items);
		items = NULL;
		rc = signoff_json(s, &q.g, so, q.a.at, o, e);
	}
	store_res_free(so);
	json_decref(items);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return 0;
}

/* The figures of q's region from its per-village figures: the same
 * numbers a report and progress sum, so a snapshot agrees with them. */
static json_t *figures_json(store *s, const actor *who, const qctx *q, err *e)
{
	store_res *sum;
	int64_t c[STATS_COLS];
	memset(c, 0, sizeof c);
	if (current_sums(s, who, q, q->g.level, &sum, e))
		return NULL;
	for (int i = 0; i < store_res_rows(sum); i++) {
		stats_sum_row v;
		store_res_row(sum, i, stats_store_sum_cols, &v);
		if (!strcmp(v.group, q->g.code))
			memcpy(c, v.v, sizeof c);
	}
	store_res_free(sum);
	json_t *cats = json_object(), *flags = json_object(), *qc = json_object();
	for (int i = 0; i < CAT_COUNT; i++)
		json_object_set_new(cats, classify_category_code(1u << i),
				    json_integer(c[1 + i]));
	for (int i = 0; i < FLAG_COUNT; i++)
		json_object_set_new(flags, classify_flag_code(1u << i),
				    json_integer(c[7 + i]));
	for (int i = 0; i < 11; i++)
		json_object_set_new(qc, rules[i].code, json_integer(c[13 + i]));
	return json_pack("{s:I, s:I, s:o, s:o, s:o}", "active",
			 (json_int_t)c[0], "verified",
			 (json_int_t)(c[0] - c[23]), "categories", cats,
			 "flags", flags, "quality", qc);
}

int quality_figures(store *s, const actor *who, const char *code_in,
		    const char *quarter, json_t **out, err *e)
{
	qctx q;
	int rc = setup(s, who, code_in, quarter, &q, e);
	if (rc)
		return rc;
	char *snap = NULL;
	if (q.g.level == REGION_COUNTY &&
	    (rc = quality_store_snapshot(s, q.g.code, q.quarter, &snap, e)))
		return rc;
	json_t *fig = snap ? json_loads(snap, 0, NULL)
			   : figures_json(s, who, &q, e);
	free(snap);
	if (!fig)
		return e && e->code ? e->code : ERR_STORE;
	*out = json_pack("{s:s, s:s, s:s, s:b, s:o}", "region_code", q.g.code,
			 "region_name", q.g.name, "quarter", q.quarter, "frozen",
			 snap != NULL, "figures", fig);
	return 0;
}

/* The new state; a return goes back to the villages with its comment,
 * and an approval freezes the quarter's figures in a snapshot. */
static int signoff_work(store *s, void *arg, err *e)
{
	quarter_tx *x = arg;
	const qctx *q = x->q;
	const actor *who = x->who;
	int rc = quality_store_set_signoff(s, q->g.code, q->quarter, x->next,
					   actor_name(who), who->now,
					   x->comment ? x->comment : "", e);
	if (rc == 0 && !strcmp(x->next, "returned")) {
		/* The comment goes back to the villages too. */
		region *v;
		int nv;
		if ((rc = region_children(s, q->g.code, &v, &nv, e)) == 0) {
			for (int i = 0; i < nv && rc == 0; i++)
				rc = quality_store_set_signoff(
					s, v[i].code, q->quarter, "returned",
					actor_name(who), who->now, x->comment,
					e);
			free(v);
		}
	}
	/* The county's villages' figures freeze as the snapshot was
	 * summed from them (just before), so progress and reports of the
	 * quarter never change after (issue #19 item 2). */
	if (rc == 0 && !strcmp(x->next, "approved") &&
	    (rc = quarter_stats_freeze(s, &q->a, e)) == 0)
		rc = quality_store_save_snapshot(s, q->g.code, q->quarter,
						 who->now, x->figures, e);
	if (rc)
		return rc;
	char target[AUDIT_TARGET_MAX];
	snprintf(target, sizeof target, "quarter:%s", q->quarter);
	return audit_record(s, who, "quarter_signoff", target, q->g.code,
			    json_pack("{s:s, s:s}", "action", x->action,
				      "state", x->next),
			    e);
}

static int due_work(store *s, void *arg, err *e)
{
	quarter_tx *x = arg;
	int rc = quality_store_set_due(s, x->quarter, x->start, x->end, x->due,
				       e);
	return rc ? rc
		  : audit_record(s, x->who, "quarter_due_set", "quarter",
				 actor_scope(x->who),
				 json_pack("{s:s, s:s}", "quarter", x->quarter,
					   "due_on", x->due),
				 e);
}

/* *n: the children of q's region failing an error-level rule. */
static int open_errors(store *s, const actor *who, const qctx *q, int64_t *n,
		       err *e)
{
	store_res *sum;
	int rc = current_sums(s, who, q, q->g.level, &sum, e);
	if (rc)
		return rc;
	*n = 0;
	for (int i = 0; i < store_res_rows(sum); i++) {
		stats_sum_row v;
		store_res_row(sum, i, stats_store_sum_cols, &v);
		if (!strcmp(v.group, q->g.code))
			*n = v.v[24];
	}
	store_res_free(sum);
	return 0;
}

int quality_signoff(store *s, const actor *who, const char *quarter,
		    json_t *body, json_t **out, err *e)
{
	static const char *const fields[] = { "region_code", "action",
					      "comment", NULL };
	const char *code, *action, *comment;
	int rc;
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "region_code", 1, 64, &code, e)) ||
	    (rc = jsonx_str(body, "action", 1, 10, &action, e)) ||
	    (rc = jsonx_str(body, "comment", 0, 200, &comment, e)))
		return rc;
	if (comment && !text_valid_name(comment, 0, 200))
		return err_field(e, ERR_INVALID, "invalid_field", "comment",
				 "意见过长或含有非法字符");
	qctx q;
	if ((rc = setup(s, who, code, quarter, &q, e)))
		return rc;
	int lvl = q.g.level;
	const char *next = NULL;
	store_res *cur, *kids_so;
	if ((rc = quality_store_signoff(s, q.g.code, q.quarter, &cur, e)))
		return rc;
	char state[16];
	snprintf(state, sizeof state, "%s", state_of_in(s, cur, q.g.code, q.a.at));
	store_res_free(cur);
	if (!strcmp(action, "submit")) {
		if (!((lvl == REGION_VILLAGE &&
		       perm_allows(who, PERM_QUARTER_SIGNOFF)) ||
		      (lvl == REGION_TOWNSHIP &&
		       perm_allows(who, PERM_QUARTER_SUBMIT_TOWNSHIP))))
			return err_set(e, ERR_FORBIDDEN, "forbidden",
				       "村（社区）由儿童主任报送，乡镇（街道）由儿童督导员审核后报送");
		if (!strcmp(state, "submitted") || !strcmp(state, "approved"))
			return err_set(e, ERR_CONFLICT, "already_submitted",
				       "该区划本季度数据已报送");
		if (lvl == REGION_TOWNSHIP) {
			/* Every village with records must have submitted. */
			region *v;
			int nv;
			if ((rc = region_children(s, q.g.code, &v, &nv, e)))
				return rc;
			if ((rc = quality_store_signoffs(s, q.lo, q.hi, q.quarter,
							 &kids_so, e))) {
				free(v);
				return rc;
			}
			int missing = 0;
			for (int i = 0; i < nv; i++) {
				child_filter f;
				memset(&f, 0, sizeof f);
				region_scope_range(v[i].code, f.lo, f.hi);
				f.limit = 1;
				child_row *rows;
				int n;
				int64_t total = 0;
				if (child_store_list(s, &f, &rows, &n, &total, NULL) == 0) {
					for (int k = 0; k < n; k++)
						child_row_clear(&rows[k]);
					free(rows);
				}
				if (total > 0 &&
				    strcmp(state_of_in(s, kids_so, v[i].code,
						       q.a.at),
					   "submitted"))
					missing++;
			}
			store_res_free(kids_so);
			free(v);
			if (missing)
				return err_set(e, ERR_CONFLICT, "villages_pending",
					       "还有%d个村（社区）未报送本季度数据", missing);
		}
		/* Submitting figures with error-level failures open needs a
		 * written reason, which the level above reads with the
		 * submission (issue #19). */
		int64_t with_error = 0;
		if ((rc = open_errors(s, who, &q, &with_error, e)))
			return rc;
		if (with_error > 0 && (!comment || !text_valid_name(comment, 2, 200)))
			return err_field(e, ERR_CONFLICT, "open_errors", "comment",
					 "仍有%lld名儿童存在错误级问题（Q01–Q04、Q09），"
					 "请先改正；确需报送的，请填写报送说明",
					 (long long)with_error);
		next = "submitted";
	} else if (!strcmp(action, "approve") || !strcmp(action, "return")) {
		if (!perm_allows(who, PERM_QUARTER_APPROVE))
			return err_set(e, ERR_FORBIDDEN, "forbidden",
				       "由县级民政部门审核");
		if (!strcmp(action, "approve")) {
			if (lvl != REGION_COUNTY)
				return err_field(e, ERR_INVALID, "invalid_field",
						 "region_code", "审核通过针对县（市、区）");
			if (!strcmp(state, "approved"))
				return err_set(e, ERR_CONFLICT, "already_approved",
					       "本季度已审核通过");
			region *t;
			int nt;
			if ((rc = region_children(s, q.g.code, &t, &nt, e)))
				return rc;
			if ((rc = quality_store_signoffs(s, q.lo, q.hi, q.quarter,
							 &kids_so, e))) {
				free(t);
				return rc;
			}
			int missing = 0;
			for (int i = 0; i < nt; i++)
				missing += strcmp(state_of_in(s, kids_so,
							      t[i].code,
							      q.a.at),
						  "submitted") != 0;
			store_res_free(kids_so);
			free(t);
			if (missing)
				return err_set(e, ERR_CONFLICT, "townships_pending",
					       "还有%d个乡镇（街道）未报送", missing);
			next = "approved";
		} else {
			if (lvl != REGION_TOWNSHIP ||
			    (strcmp(state, "submitted") && strcmp(state, "changed")))
				return err_set(e, ERR_CONFLICT, "nothing_to_return",
					       "只能退回已报送的乡镇（街道）数据");
			if (!comment || !text_valid_name(comment, 2, 200))
				return err_field(e, ERR_INVALID, "missing_field",
						 "comment", "退回时请填写意见");
			int fz;
			if ((rc = frozen(s, q.g.code, q.quarter, &fz, e)))
				return rc;
			if (fz)
				return err_set(e, ERR_CONFLICT, "quarter_frozen",
					       "本季度已审核通过并冻结");
			next = "returned";
		}
	} else {
		return err_field(e, ERR_INVALID, "invalid_field", "action",
				 "操作应为 submit、approve 或 return");
	}
	quarter_tx x = { .who = who, .q = &q, .action = action, .next = next,
			 .comment = comment };
	char *fig_text = NULL;
	if (!strcmp(next, "approved")) {
		/* Counted (and the villages' figures brought up to date)
		 * before the transaction that freezes them. */
		json_t *fig = figures_json(s, who, &q, e);
		if (!fig)
			return e && e->code ? e->code : ERR_STORE;
		fig_text = json_dumps(fig, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(fig);
		x.figures = fig_text;
	}
	rc = store_tx(s, signoff_work, &x, e);
	free(fig_text);
	if (rc)
		return rc;
	return quality_progress(s, who, q.g.code, q.quarter, out, e);
}

int quality_set_due(store *s, const actor *who, const char *quarter,
		    json_t *body, json_t **out, err *e)
{
	static const char *const fields[] = { "due_on", NULL };
	const char *due;
	char start[11], end[11];
	int rc;
	if ((rc = perm_need(who, PERM_QUARTER_SET_DUE, e)) ||
	    (rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "due_on", 1, 10, &due, e)))
		return rc;
	if (date_quarter(quarter, start, end) != 0)
		return err_set(e, ERR_NOTFOUND, "not_found", "季度代码无效");
	if (!child_date_valid(due) || strcmp(due, end) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "due_on",
				 "截止日期应为季度结束之后的有效日期");
	quarter_tx x = { .who = who, .quarter = quarter, .start = start,
			 .end = end, .due = due };
	if ((rc = store_tx(s, due_work, &x, e)))
		return rc;
	*out = json_pack("{s:s, s:s, s:s, s:s}", "quarter", quarter, "starts_on",
			 start, "ends_on", end, "due_on", due);
	return 0;
}

void quality_codes_json(json_t *out)
{
	json_t *r = json_array();
	for (size_t i = 0; i < sizeof rules / sizeof *rules; i++)
		json_array_append_new(r, json_pack("{s:s, s:s, s:s}", "code",
						   rules[i].code, "label",
						   rules[i].message, "severity",
						   rules[i].severity));
	json_object_set_new(out, "quality_rule", r);
	json_object_set_new(out, "severity", code_table_json(severities));
	json_object_set_new(out, "signoff_state", code_table_json(signoffs));
	json_object_set_new(out, "verification_outcome",
			    code_table_json(outcomes));
}
