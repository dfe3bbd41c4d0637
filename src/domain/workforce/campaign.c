#include "domain/workforce/campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/core/perm.h"
#include "domain/core/region.h"
#include "store/region_store.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

static const code_entry measures[] = {
	{ 1, "staff_registered", "定岗定人并实名登记" },
	{ 2, "staff_trained", "完成年度培训" },
	{ 3, "certificate_issued", "取得培训合格证" },
	{ 0, NULL, NULL },
};

/* What each measure counts against (its target), said on every card so
 * that a share of posts and a share of people are not read alike. */
static const code_entry targets[] = {
	{ 1, "staff_registered", "乡镇（街道）、村（社区）岗位" },
	{ 2, "staff_trained", "截止日在岗人员（应受培训）" },
	{ 3, "certificate_issued", "截止日在岗人员（应取得合格证）" },
	{ 0, NULL, NULL },
};

/* Coverage and campaign progress are counts per region, naming nobody:
 * whoever reads statistics reads them (the auditor too), as on the
 * dashboard. */
static int can_count(const actor *who)
{
	return perm_allows(who, PERM_STATS_READ);
}

static int can_train(const actor *who)
{
	return perm_allows(who, PERM_TRAINING_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}



typedef struct campaign_tx {
	const actor *who;
	const char *name, *measure, *region, *due;
	int64_t id;	/* the new campaign */
} campaign_tx;

static int create_work(store *s, void *arg, err *e)
{
	campaign_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = staff_store_campaign_add(s, x->name, x->measure, x->region,
					  x->due, x->who->now,
					  actor_name(x->who), &x->id, e);
	return rc ? rc
		  : audit_record(s, x->who, "campaign_create",
				 audit_target(t, "campaign", x->id), x->region,
				 json_pack("{s:s, s:s, s:s}", "name", x->name,
					   "measure", x->measure, "due_on",
					   x->due),
				 e);
}

int campaign_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	static const char *const fields[] = { "name", "measure", "region_code",
					      "due_on", NULL };
	const char *name, *measure, *code, *due;
	int rc;
	if (!can_train(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "name", 1, 60, &name, e)) ||
	    (rc = jsonx_str(body, "measure", 1, 30, &measure, e)) ||
	    (rc = jsonx_str(body, "region_code", 0, 64, &code, e)) ||
	    (rc = jsonx_str(body, "due_on", 1, 10, &due, e)))
		return rc;
	if (!text_valid_name(name, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "name",
				 "任务名称应为2至60个字符");
	if (code_value(measures, measure) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "measure",
				 "考核指标应为 staff_registered、staff_trained 或 "
				 "certificate_issued");
	if (!child_date_valid(due))
		return err_field(e, ERR_INVALID, "invalid_field", "due_on",
				 "截止日期格式应为 YYYY-MM-DD");
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 code ? code : actor_scope(who), &g, e)))
		return rc;
	campaign_tx x = { who, name, measure, g.code, due, 0 };
	if ((rc = store_tx(s, create_work, &x, e)))
		return rc;
	return campaign_progress(s, who, x.id, out, e);
}

static int progress_at(store *s, const actor *who, int64_t id, const char *at,
		       json_t **out, err *e);

int campaign_list(store *s, const actor *who, json_t **out, err *e)
{
	return campaign_list_at(s, who, NULL, out, e);
}

int campaign_list_at(store *s, const actor *who, const char *at,
		     json_t **out, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	store_res *r;
	int rc;
	if (!can_count(who))
		return forbidden(e);
	region_scope_range(at ? at : who->u ? actor_scope(who) : "", lo, hi);
	if ((rc = staff_store_campaigns(s, lo, hi, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		staff_campaign_row c;
		store_res_row(r, i, staff_store_campaign_cols, &c);
		json_t *p;
		if (progress_at(s, who, c.id, at, &p,
				NULL) == 0)
			json_array_append_new(items, p);
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

int campaign_progress(store *s, const actor *who, int64_t id, json_t **out,
		      err *e)
{
	return progress_at(s, who, id, NULL, out, e);
}

/* One row of progress: target and done as they stood on the campaign's
 * date, and apart from them what was made good after it ("补齐"). */
static json_t *progress_item(const char *code, const char *name, long t,
			     long d, long later, const char *from,
			     const char *to, int late_possible)
{
	return json_pack("{s:s, s:s, s:i, s:i, s:f, s:b, s:{s:i, s:s?, s:s?}}",
			 "code", code, "name", name, "target", (int)t, "done",
			 (int)d, "pct", t ? 100.0 * d / t : 100.0, "late",
			 late_possible && d < t, "made_good", "count",
			 (int)later, "from", from, "to", to);
}

/* The earlier of two dates (NULL counts as none). */
static const char *date_min(const char *a, const char *b)
{
	return !a ? b : !b ? a : strcmp(a, b) <= 0 ? a : b;
}

static const char *date_max(const char *a, const char *b)
{
	return !a ? b : !b ? a : strcmp(a, b) >= 0 ? a : b;
}

/* The progress seen from `at` (NULL: the caller's scope).
 *
 * The verdict is the state on the due date: who was in post then, who
 * had been trained or certified by then (SPEC §3.2, issue #19).  Posts
 * filled and people trained after it do not change it; they are counted
 * apart as made good (补齐) with the first and last day of it.  People
 * appointed after the due date are not part of the campaign at all.
 * Before the due date the campaign stands as of today. */
static int progress_at(store *s, const actor *who, int64_t id, const char *at,
		       json_t **out, err *e)
{
	store_res *c;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!can_count(who))
		return forbidden(e);
	if ((rc = staff_store_campaign_get(s, id, &c, e)))
		return rc;
	if (store_res_rows(c) == 0) {
		store_res_free(c);
		return err_set(e, ERR_NOTFOUND, "not_found", "工作任务不存在");
	}
	staff_campaign_row cr;
	store_res_row(c, 0, staff_store_campaign_cols, &cr);
	const char *ccode = cr.region;
	/* The part of the campaign the caller sees: its own scope when the
	 * campaign was set above it, else the campaign's region. */
	const char *seen = at ? at : actor_scope(who);
	const char *view = (!who->u && !at) || region_in_scope(seen, ccode)
				   ? ccode
				   : (region_in_scope(ccode, seen) ? seen : NULL);
	if (!view) {
		store_res_free(c);
		return err_set(e, ERR_NOTFOUND, "not_found", "工作任务不存在");
	}
	region g;
	if ((rc = region_resolve(s, NULL, view, &g, e))) {
		store_res_free(c);
		return rc;
	}
	const char *measure = cr.measure;
	const char *due = cr.due_on;
	int late_possible = strcmp(today, due) > 0;
	/* The day the verdict is read: the due date once it has passed. */
	const char *judged = late_possible ? due : today;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], from[11];
	region_scope_range(g.code, lo, hi);
	snprintf(from, sizeof from, "%.4s-01-01", due);
	int child_level = g.level < REGION_VILLAGE ? g.level + 1 : g.level;
	int glen = (int)region_code_len(child_level);
	store_res *p;
	rc = strcmp(measure, "staff_registered") == 0
		     ? staff_store_campaign_posts(s, lo, hi, glen, judged,
						  today, &p, e)
		     : staff_store_progress(
			       s, lo, hi, glen, from, judged, today,
			       strcmp(measure, "certificate_issued") == 0, &p,
			       e);
	/* Units marked as needing no 儿童主任 are no post to fill (issue
	 * #19): the staffing campaign leaves them out and says how many. */
	int64_t exempt = 0;
	if (rc == 0 && strcmp(measure, "staff_registered") == 0 &&
	    (rc = region_store_exempt_count(s, lo, hi, &exempt, e)))
		store_res_free(p);
	if (rc) {
		store_res_free(c);
		return rc;
	}
	region *kids = NULL;
	int nk = 0;
	region_children(s, g.code, &kids, &nk, NULL);
	json_t *items = json_array();
	long tot_t = 0, tot_d = 0, tot_l = 0;
	const char *tot_from = NULL, *tot_to = NULL;
	/* Every group counts in the total, the region's own posts and people
	 * included (as a row "本级" of its own), so the rows add up. */
	for (int i = 0; i < store_res_rows(p); i++) {
		staff_progress_row pr;
		store_res_row(p, i, staff_store_progress_cols, &pr);
		tot_t += pr.staff;
		tot_d += pr.done;
		tot_l += pr.later;
		tot_from = date_min(tot_from, pr.later_from);
		tot_to = date_max(tot_to, pr.later_to);
		if (nk && !strcmp(pr.group, g.code)) {
			char own[160];
			snprintf(own, sizeof own, "%s（本级）", g.name);
			json_array_append_new(
				items, progress_item(g.code, own, pr.staff,
						     pr.done, pr.later,
						     pr.later_from,
						     pr.later_to,
						     late_possible));
		}
	}
	for (int k = 0; k < (nk ? nk : 1); k++) {
		const char *code = nk ? kids[k].code : g.code;
		staff_progress_row pr = { 0 };
		for (int i = 0; i < store_res_rows(p); i++) {
			staff_progress_row r;
			store_res_row(p, i, staff_store_progress_cols, &r);
			if (!strcmp(r.group, code))
				pr = r;
		}
		json_array_append_new(
			items, progress_item(code, nk ? kids[k].name : g.name,
					     pr.staff, pr.done, pr.later,
					     pr.later_from, pr.later_to,
					     late_possible));
	}
	free(kids);
	*out = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i,"
		" s:f, s:b, s:{s:i, s:s?, s:s?}, s:o, s:I}",
		"id", (json_int_t)id, "name", cr.name, "measure", measure,
		"measure_label",
		code_label(measures, code_value(measures, measure)),
		"target_label", code_label(targets, code_value(measures, measure)),
		"region_code", ccode, "view_region", g.code, "view_name",
		g.name, "due_on", due, "judged_on", judged, "target",
		(int)tot_t, "done", (int)tot_d, "pct",
		tot_t ? 100.0 * tot_d / tot_t : 100.0, "late",
		late_possible && tot_d < tot_t, "made_good", "count",
		(int)tot_l, "from", tot_from, "to", tot_to, "items", items,
		"exempt", (json_int_t)exempt);
	store_res_free(p);
	store_res_free(c);
	return 0;
}

void campaign_codes_json(json_t *out)
{
	json_object_set_new(out, "campaign_measure", code_table_json(measures));
	json_object_set_new(out, "campaign_target", code_table_json(targets));
}
