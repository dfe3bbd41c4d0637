/* demo_story — the demo county's recent work, so that a new installation
 * shows the dashboard's trend, the protection chain's timeliness and who
 * is late: protection cases at every stage of the chain, and the quarterly
 * verification of the last quarters (see demo.h). */
#include "demo/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases/case.h"
#include "domain/quarterly/quality.h"
#include "domain/core/region.h"
#include "store/child_store.h"
#include "store/quality_store.h"
#include "util/date.h"

/* Noon in China of a YYYY-MM-DD date, as unix time (days from the civil
 * date, H. Hinnant's algorithm). */
static int64_t noon_of(const char *date)
{
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153u * (unsigned)(m > 2 ? m - 3 : m + 9) + 2) / 5 +
		       (unsigned)d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
	return days * 86400 + 4 * 3600;
}

/* The active children of `county`, oldest records first (ids only). */
static int county_children(store *s, const char *county, int64_t **ids,
			   int *n, err *e)
{
	child_filter f;
	memset(&f, 0, sizeof f);
	region_scope_range(county, f.lo, f.hi);
	f.sort = CHILD_SORT_ID;
	f.limit = 20000;
	child_row *rows;
	int64_t total;
	int rc = child_store_list(s, &f, &rows, n, &total, e);
	if (rc)
		return rc;
	*ids = calloc((size_t)(*n ? *n : 1), sizeof **ids);
	for (int i = 0; i < *n; i++) {
		(*ids)[i] = rows[i].id;
		child_row_clear(&rows[i]);
	}
	free(rows);
	return *ids ? 0 : err_set(e, ERR_INTERNAL, "internal", "内存不足");
}

static int step(store *s, const actor *who, int64_t id, const char *name,
		json_t *body, err *e)
{
	json_t *out = NULL;
	int rc = case_step(s, who, id, name, body, &out, e);
	json_decref(body);
	json_decref(out);
	return rc;
}

int demo_cases(store *s, const actor *who, const char *county, err *e)
{
	static const char *const situations[] = {
		"unsupervised", "improper_guardianship", "dropout", "untreated_illness",
		"begging",	"no_hukou",		 "abuse",   "other",
	};
	static const char *const reporters[] = { "director", "school", "medical",
						 "village_committee", "police",
						 "public" };
	static const char *const kinds[] = { "psychological", "health",
					      "education", "social_assistance" };
	int64_t *ids;
	int n;
	int rc = county_children(s, county, &ids, &n, e);
	if (rc)
		return rc;
	for (int i = 0; i < 24 && i < n && rc == 0; i++) {
		/* one report every few days over the last four months; the
		 * stage reached depends on its age (the newest are the least
		 * advanced), a few are left unanswered to show as overdue */
		int64_t at = who->now - (int64_t)(2 + i * 5) * 86400 - (i % 7) * 3600;
		actor a = *who;
		a.now = at;
		int urgent = i % 5 == 1;
		json_t *out = NULL;
		json_t *body = json_pack(
			"{s:I, s:s, s:s, s:s, s:b}", "child_id",
			(json_int_t)ids[(i * 97) % n], "reporter_type",
			reporters[i % 6], "situation", situations[i % 8],
			"description",
			urgent ? "群众反映该儿童近日独自在家，无人照料，情况紧急"
			       : "村儿童主任走访发现该儿童家庭情况发生变化，需要关注",
			"urgent", urgent);
		rc = case_report(s, &a, body, &out, e);
		json_decref(body);
		int64_t id = out ? json_integer_value(json_object_get(out, "id")) : 0;
		json_decref(out);
		if (rc)
			break;
		int stage = i < 3 ? 0 : i < 6 ? 1 : i < 10 ? 2 : i < 14 ? 3 : 4;
		if (i == 1)
			stage = 0; /* reported, never accepted: escalates */
		if (stage == 0)
			continue;
		a.now = at + (urgent ? 1 : 5 + i % 17) * 3600;
		if ((rc = step(s, &a, id, "accept",
			       json_pack("{s:s}", "note", "已受理，安排督导员入户核实"), e)))
			break;
		if (urgent) {
			a.now += 3600;
			if ((rc = step(s, &a, id, "emergency",
				       json_pack("{s:[s,s], s:s}", "measures",
						 "temporary_care", "hospital", "note",
						 "已送医检查并安排亲属临时照料"),
				       e)))
				break;
		}
		if (stage == 1)
			continue;
		a.now += (2 + i % 4) * 86400;
		if ((rc = step(s, &a, id, "assessment",
			       json_pack("{s:{s:s, s:s}, s:s}", "needs", "living",
					 "家庭生活困难，需临时救助", "guardianship",
					 "祖父母年迈，监护能力不足", "risk_level",
					 i % 3 ? "medium" : "high"),
			       e)))
			break;
		if (stage == 2)
			continue;
		char due[11];
		date_of(a.now + 20 * 86400, due);
		a.now += 3 * 86400;
		if ((rc = step(s, &a, id, "plan",
			       json_pack("{s:[s,s], s:s, s:s}", "measures",
					 "每周入户走访一次", "协调学校安排心理老师",
					 "responsible_unit", "乡镇民政办", "due_on", due),
			       e)))
			break;
		a.now += 86400;
		if ((rc = step(s, &a, id, "referral",
			       json_pack("{s:s, s:s}", "kind", kinds[i % 4],
					 "institution", "农安县未成年人保护中心"),
			       e)))
			break;
		if (stage == 3)
			continue;
		json_t *c = NULL;
		if ((rc = case_get(s, &a, id, &c, e)))
			break;
		int64_t ref = json_integer_value(json_object_get(
			json_array_get(json_object_get(c, "referrals"), 0), "id"));
		json_decref(c);
		a.now += 4 * 86400;
		if ((rc = step(s, &a, id, "referral_answer",
			       json_pack("{s:I, s:s}", "referral_id", (json_int_t)ref,
					 "answer", "已接收并开展服务"),
			       e)))
			break;
		a.now += 2 * 86400;
		rc = step(s, &a, id, "close",
			  json_pack("{s:s}", "outcome", "儿童已妥善照料，风险解除"), e);
	}
	free(ids);
	return rc;
}

static int signoff(store *s, const actor *who, const char *quarter,
		   const char *code, const char *action, err *e)
{
	json_t *body = json_pack("{s:s, s:s}", "region_code", code, "action",
				 action);
	json_t *out = NULL;
	int rc = quality_signoff(s, who, quarter, body, &out, e);
	if (rc == ERR_CONFLICT && e && !strcmp(e->key, "open_errors")) {
		/* Errors still open are submitted with a written reason
		 * (issue #19 item 3), as a director would. */
		json_object_set_new(body, "comment",
				    json_string("部分问题正在整改，下季度核实时补齐"));
		rc = quality_signoff(s, who, quarter, body, &out, e);
	}
	json_decref(body);
	json_decref(out);
	return rc;
}

/* One past or current quarter: `share` per mille of the children verified
 * `days_before_end` days before its end (or yesterday), then the
 * sign-offs: all villages and townships but the last `late` townships,
 * and the county's approval when none is late and `approve`. */
static int demo_quarter(store *s, const actor *who, const char *county,
			const int64_t *ids, int n, const char *quarter,
			int share, int late, int approve, err *e)
{
	char start[11], end[11], today[11];
	date_quarter(quarter, start, end);
	date_of(who->now, today);
	int current = strcmp(end, today) >= 0;
	int64_t at = current ? who->now - 86400 : noon_of(end) - 10 * 86400;
	if (at < noon_of(start))
		at = noon_of(start);
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++)
		if ((int)((ids[i] * 7919) % 1000) < share)
			rc = quality_store_verify(s, ids[i], quarter,
						  i % 11 ? "unchanged" : "updated",
						  "zhuren", at, e);
	if (rc || current)
		return rc;
	region *towns = NULL;
	int nt = 0;
	if ((rc = region_children(s, county, &towns, &nt, e)))
		return rc;
	actor a = *who;
	a.now = noon_of(end) + 3 * 86400;
	for (int t = 0; t < nt - late && rc == 0; t++) {
		region *vs = NULL;
		int nv = 0;
		if ((rc = region_children(s, towns[t].code, &vs, &nv, e)))
			break;
		for (int v = 0; v < nv && rc == 0; v++) {
			rc = signoff(s, &a, quarter, vs[v].code, "submit", e);
			if (rc == ERR_CONFLICT) /* nothing to submit */
				rc = 0;
		}
		free(vs);
		if (rc == 0)
			rc = signoff(s, &a, quarter, towns[t].code, "submit", e);
	}
	free(towns);
	if (rc == 0 && approve && late == 0) {
		a.now = noon_of(end) + 10 * 86400;
		rc = signoff(s, &a, quarter, county, "approve", e);
	}
	return rc;
}

int demo_quarters(store *s, const actor *who, const char *county, err *e)
{
	char today[11], q[4][8], start[11], end[11], before[11];
	date_of(who->now, today);
	date_quarter_of(today, q[0]);
	for (int i = 1; i < 4; i++) {
		date_quarter(q[i - 1], start, end);
		date_minus_days(start, 1, before);
		date_quarter_of(before, q[i]);
	}
	int64_t *ids;
	int n;
	int rc = county_children(s, county, &ids, &n, e);
	if (rc)
		return rc;
	/* two quarters approved and frozen (the trend), the last one with
	 * two townships late, the current one under way */
	if ((rc = demo_quarter(s, who, county, ids, n, q[3], 990, 0, 1, e)) ||
	    (rc = demo_quarter(s, who, county, ids, n, q[2], 985, 0, 1, e)) ||
	    (rc = demo_quarter(s, who, county, ids, n, q[1], 950, 2, 0, e)))
		goto out;
	rc = demo_quarter(s, who, county, ids, n, q[0], 350, 0, 0, e);
out:
	free(ids);
	return rc;
}
