#include "domain/cases/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases/case_codes.h"
#include "domain/cases/case_limits.h"
#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/children/childrec.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "store/case_store.h"
#include "store/child_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

int case__abuse_like(const char *situation)
{
	return !strcmp(situation, "abuse") || !strcmp(situation, "unsupervised") ||
	       !strcmp(situation, "improper_guardianship");
}

/* ---- rendering ---- */

static json_t *time_or_null(int64_t t)
{
	return jsonx_time(t);
}

int case_overdue(const case_row *c, int64_t now)
{
	if (!strcmp(c->state, "closed"))
		return 0;
	return (c->due_at && c->due_at < now) ||
	       (!strcmp(c->state, "reported") && c->escalations > 0);
}

static json_t *case_json(store *s, const actor *who, const case_row *c,
			 int detail)
{
	int overdue = case_overdue(c, who->now);
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s,"
		" s:i, s:s, s:i, s:o, s:o, s:o, s:o, s:b, s:s, s:i}",
		"id", (json_int_t)c->id, "region_code", c->region, "region_name",
		c->region_name, "child_id",
		c->child_id ? json_integer(c->child_id) : json_null(),
		"child_name", c->child_name, "reporter_type", c->reporter_type,
		"situation", c->situation, "situation_label",
		code_label(case_situation_codes,
			   code_value(case_situation_codes, c->situation)),
		"description", c->description, "urgent", c->urgent, "state",
		c->state, "state_label",
		code_label(case_state_codes,
			   code_value(case_state_codes, c->state)), "level",
		c->level, "level_label", region_level_label(c->level),
		"escalations", c->escalations, "reported_at",
		jsonx_time(c->reported_at), "due_at", time_or_null(c->due_at),
		"accepted_at", time_or_null(c->accepted_at), "closed_at",
		time_or_null(c->closed_at), "overdue", overdue, "outcome",
		c->outcome, "version", c->version);
	if (!detail)
		return o;
	char path[512] = "";
	region_path_text(s, c->region, path, sizeof path, NULL);
	json_object_set_new(o, "region_path", json_string(path));
	json_object_set_new(o, "reporter_name", json_string(c->reporter_name));
	/* The reporter is a person on record too (privacy.h). */
	char phone[32];
	snprintf(phone, sizeof phone, "%s", c->reporter_phone);
	if (!privacy_full(who, PRIVACY_RECORD))
		privacy_mask_phone(c->reporter_phone, phone, sizeof phone);
	json_object_set_new(o, "reporter_phone", json_string(phone));
	json_object_set_new(o, "place", json_string(c->place));
	store_res *ev = NULL, *rf = NULL;
	json_t *tl = json_array(), *refs = json_array();
	if (case_store_events(s, c->id, &ev, NULL) == 0) {
		for (int i = 0; i < store_res_rows(ev); i++) {
			case_event_row v;
			store_res_row(ev, i, case_store_event_cols, &v);
			json_t *det = json_loads(v.detail, 0, NULL);
			json_array_append_new(
				tl,
				json_pack("{s:o, s:s, s:s, s:s, s:o}", "at",
					  jsonx_time(v.at), "actor", v.actor,
					  "step", v.step, "step_label",
					  code_label(case_step_codes,
						     code_value(case_step_codes,
								v.step)),
					  "detail", det ? det : json_object()));
		}
		store_res_free(ev);
	}
	char today[11];
	date_of(who->now, today);
	if (case_store_referrals(s, c->id, &rf, NULL) == 0) {
		for (int i = 0; i < store_res_rows(rf); i++) {
			case_referral_row f;
			store_res_row(rf, i, case_store_referral_cols, &f);
			json_array_append_new(
				refs,
				json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s,"
					  " s:b}",
					  "id", (json_int_t)f.id, "kind", f.kind,
					  "kind_label",
					  code_label(case_referral_codes,
						     code_value(case_referral_codes,
								f.kind)),
					  "institution", f.institution,
					  "sent_at", jsonx_time(f.sent_at),
					  "due_on", f.due_on, "answered_at",
					  f.open ? json_null()
						 : jsonx_time(f.answered_at),
					  "answer", f.answer, "overdue",
					  f.open && strcmp(f.due_on, today) < 0));
		}
		store_res_free(rf);
	}
	json_object_set_new(o, "timeline", tl);
	json_object_set_new(o, "referrals", refs);
	return o;
}

/* The event of the timeline and the audit entry "case_<step>" say the
 * same: the step's detail. */
int case__record(store *s, const actor *who, const case_row *c,
		 const char *step, json_t *detail, err *e)
{
	char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = case_store_event(s, c->id, who->now, actor_name(who), step, d,
				  e);
	free(d);
	if (rc) {
		json_decref(detail);
		return rc;
	}
	char action[40], t[AUDIT_TARGET_MAX];
	snprintf(action, sizeof action, "case_%s", step);
	return audit_record(s, who, action, audit_target(t, "case", c->id),
			    c->region, detail, e);
}

/* ---- report ---- */

typedef struct report_tx {
	const actor *who;
	case_row *c;
} report_tx;

/* The report, its first event, and the protection case on the child's
 * record when one is named and the situation calls for it. */
static int report_work(store *s, void *arg, err *e)
{
	report_tx *x = arg;
	case_row *c = x->c;
	int rc;
	if ((rc = case_store_insert(s, c, e)) ||
	    (rc = case__record(s, x->who, c, "report",
			       json_pack("{s:s, s:s, s:b}", "situation",
					 c->situation, "reporter_type",
					 c->reporter_type, "urgent", c->urgent),
			       e)))
		return rc;
	if (c->child_id && case__abuse_like(c->situation))
		rc = childrec_case_link(s, x->who, c->child_id, c->id, 1, e);
	return rc;
}

int case_report(store *s, const actor *who, json_t *body, json_t **out,
		err *e)
{
	static const char *const fields[] = {
		"region_code", "child_id",   "child_name",   "reporter_type",
		"reporter_name", "reporter_phone", "place", "situation",
		"description", "urgent",     NULL };
	const char *code, *cname, *rtype, *rname, *rphone, *place, *sit, *desc;
	int urgent = 0, rc;
	/* Auditors only read (SPEC §1); the administrators have no child
	 * data. */
	if (!perm_allows(who, PERM_CASE_REPORT))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色不能填报儿童个案");
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "region_code", 0, 64, &code, e)) ||
	    (rc = jsonx_str(body, "child_name", 0, 20, &cname, e)) ||
	    (rc = jsonx_str(body, "reporter_type", 1, 24, &rtype, e)) ||
	    (rc = jsonx_str(body, "reporter_name", 0, 20, &rname, e)) ||
	    (rc = jsonx_str(body, "reporter_phone", 0, 20, &rphone, e)) ||
	    (rc = jsonx_str(body, "place", 0, 80, &place, e)) ||
	    (rc = jsonx_str(body, "situation", 1, 32, &sit, e)) ||
	    (rc = jsonx_str(body, "description", 1, 500, &desc, e)) ||
	    (rc = jsonx_bool(body, "urgent", 0, &urgent, e)))
		return rc;
	if (code_value(case_reporter_codes, rtype) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "reporter_type",
				 "报告人类型无效");
	if (code_value(case_situation_codes, sit) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "situation",
				 "报告情形无效");
	if (!text_valid_name(desc, 5, 500))
		return err_field(e, ERR_INVALID, "invalid_field", "description",
				 "情况描述应为5至500个字符");
	if (rname && !text_valid_name(rname, 0, 20))
		return err_field(e, ERR_INVALID, "invalid_field", "reporter_name",
				 "报告人姓名含有非法字符");
	if (place && !text_valid_name(place, 0, 80))
		return err_field(e, ERR_INVALID, "invalid_field", "place",
				 "地点含有非法字符");
	if (rphone && *rphone && !child_phone_valid(rphone))
		return err_field(e, ERR_INVALID, "invalid_phone",
				 "reporter_phone", "电话号码格式不正确");
	case_row c;
	memset(&c, 0, sizeof c);
	json_t *cid = json_object_get(body, "child_id");
	if (cid && !json_is_null(cid)) {
		child_row ch;
		memset(&ch, 0, sizeof ch);
		if (!json_is_integer(cid))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "child_id", "儿童档案编号应为整数");
		if (code) {
			char norm[REGION_CODE_MAX];
			if ((rc = region_normalize(code, norm, e))) {
				if (e)
					snprintf(e->field, sizeof e->field,
						 "region_code");
				return rc;
			}
		}
		if (child_store_get(s, json_integer_value(cid), &ch, NULL) != 0 ||
		    (who->u && !region_in_scope(actor_scope(who), ch.region)) ||
		    strcmp(ch.status, "active")) {
			child_row_clear(&ch);
			return err_field(e, ERR_NOTFOUND, "not_found", "child_id",
					 "儿童档案不存在或不在您的管辖范围内");
		}
		c.child_id = ch.id;
		snprintf(c.child_name, sizeof c.child_name, "%s", ch.name);
		snprintf(c.region, sizeof c.region, "%s", ch.region);
		child_row_clear(&ch);
	} else {
		region g;
		if (!code)
			return err_field(e, ERR_INVALID, "missing_field",
					 "region_code",
					 "未关联儿童档案时须填写儿童所在村（社区）");
		if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, &g,
					 e))) {
			if (e && e->code == ERR_INVALID)
				snprintf(e->field, sizeof e->field, "region_code");
			return rc;
		}
		if (g.level != REGION_VILLAGE)
			return err_field(e, ERR_INVALID, "invalid_field",
					 "region_code", "应为儿童所在的村（社区）");
		if (!cname || !*cname)
			return err_field(e, ERR_INVALID, "missing_field",
					 "child_name", "请填写儿童姓名（不知可填“不详”）");
		if (!text_valid_name(cname, 1, 20))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "child_name", "儿童姓名含有非法字符");
		snprintf(c.region, sizeof c.region, "%s", g.code);
		snprintf(c.child_name, sizeof c.child_name, "%s", cname);
	}
	case_time_limits l;
	case_limits_load(s, &l);
	snprintf(c.reporter_type, sizeof c.reporter_type, "%s", rtype);
	snprintf(c.reporter_name, sizeof c.reporter_name, "%s", rname ? rname : "");
	snprintf(c.reporter_phone, sizeof c.reporter_phone, "%s", rphone ? rphone : "");
	snprintf(c.place, sizeof c.place, "%s", place ? place : "");
	snprintf(c.situation, sizeof c.situation, "%s", sit);
	snprintf(c.description, sizeof c.description, "%s", desc);
	c.urgent = urgent == 1;
	snprintf(c.state, sizeof c.state, "reported");
	/* The township supervisor answers first; the county sees it too. */
	c.level = REGION_TOWNSHIP;
	c.reported_at = c.updated_at = who->now;
	c.due_at = who->now +
		   3600 * (int64_t)(c.urgent ? l.urgent_hours : l.accept_hours);
	c.data = xstrdup("{}");
	snprintf(c.created_by, sizeof c.created_by, "%s", actor_name(who));
	report_tx x = { who, &c };
	rc = store_tx(s, report_work, &x, e);
	int64_t id = c.id;
	case_row_clear(&c);
	return rc ? rc : case_get(s, who, id, out, e);
}

int case__load(store *s, const actor *who, int64_t id, case_row *c, err *e)
{
	int rc = case_store_get(s, id, c, e);
	if (rc == 0 && who->u && !region_in_scope(actor_scope(who), c->region)) {
		char where[sizeof c->region];
		snprintf(where, sizeof where, "%s", c->region);
		case_row_clear(c);
		rc = err_out_of_scope(e, where, "案件不存在或不在您的管辖范围内");
	}
	return rc;
}

int case_get(store *s, const actor *who, int64_t id, json_t **out, err *e)
{
	case_row c;
	if (!perm_allows(who, PERM_CASE_READ))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权查看儿童个案");
	int rc = case__load(s, who, id, &c, e);
	if (rc)
		return rc;
	*out = case_json(s, who, &c, 1);
	case_row_clear(&c);
	return 0;
}

int case_list(store *s, const actor *who, const char *state, int overdue,
	      int todo, int64_t offset, int limit, json_t **out, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	if (!perm_allows(who, PERM_CASE_READ))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权查看儿童个案");
	if (state && strcmp(state, "open") && code_value(case_state_codes, state) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "state",
				 "状态无效");
	region_scope_range(actor_scope(who), lo, hi);
	/* A to-do is what the caller's level answers for, or is above. */
	/* The to-do of a level: what it answers for now, and what the
	 * level just below answers for — a new report reaches the township
	 * and the county at once (SPEC §6), and each escalation brings the
	 * next level in. */
	int min_level = 0, max_level = 9;
	if (todo && who->u) {
		region g;
		if (region_resolve(s, NULL, actor_scope(who), &g, NULL) == 0) {
			min_level = g.level;
			max_level = g.level + 1;
		}
		if (!state)
			state = "open";
	}
	case_row *rows;
	int n;
	int64_t total;
	int rc = case_store_list(s, lo, hi, state, overdue, who->now, min_level,
				 max_level, offset, limit, &rows, &n, &total, e);
	if (rc)
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_array_append_new(items, case_json(s, who, &rows[i], 0));
		case_row_clear(&rows[i]);
	}
	free(rows);
	*out = json_pack("{s:o, s:I}", "items", items, "total",
			 (json_int_t)total);
	return 0;
}
