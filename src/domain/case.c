#include "domain/case.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/audit.h"
#include "domain/child.h"
#include "domain/child_codes.h"
#include "domain/childrec.h"
#include "domain/classify.h"
#include "domain/perm.h"
#include "domain/exportmark.h"
#include "domain/privacy.h"
#include "io/pdfdoc.h"
#include "store/case_store.h"
#include "store/child_store.h"
#include "store/platform_store.h"
#include "util/buf.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

static const code_entry reporters[] = {
	{ 1, "director", "儿童主任" },	     { 2, "school", "学校" },
	{ 3, "medical", "医疗机构" },	     { 4, "village_committee", "村（居）委会" },
	{ 5, "police", "公安" },	     { 6, "public", "群众" },
	{ 7, "other", "其他" },		     { 0, NULL, NULL },
};
static const code_entry situations[] = {
	{ 1, "unsupervised", "无人监护" },
	{ 2, "improper_guardianship", "监护不当" },
	{ 3, "abuse", "遭受或疑似遭受虐待、遗弃、性侵害、暴力伤害" },
	{ 4, "dropout", "失辍学" },
	{ 5, "no_hukou", "无户籍" },
	{ 6, "untreated_illness", "严重疾病或残疾无人照料" },
	{ 7, "begging", "流浪乞讨" },
	{ 8, "other", "其他" },
	{ 0, NULL, NULL },
};
static const code_entry emergencies[] = {
	{ 1, "temporary_care", "临时照料" }, { 2, "hospital", "送医" },
	{ 3, "police", "报警" },	     { 4, "temporary_guardianship", "临时监护" },
	{ 0, NULL, NULL },
};
static const code_entry referral_kinds[] = {
	{ 1, "health", "卫生保健" },	     { 2, "rehabilitation", "医疗康复" },
	{ 3, "psychological", "心理干预" },  { 4, "social_assistance", "社会救助" },
	{ 5, "judicial", "司法保护" },	     { 6, "education", "教育" },
	{ 0, NULL, NULL },
};
static const code_entry interventions[] = {
	{ 1, "criticism", "批评教育" },
	{ 2, "urge_duty", "督促履责" },
	{ 3, "temporary_guardianship", "临时监护" },
	{ 4, "revoke_application", "申请撤销监护资格" },
	{ 0, NULL, NULL },
};
static const code_entry states[] = {
	{ 1, "reported", "已报告，待受理" }, { 2, "accepted", "已受理" },
	{ 3, "emergency", "已应急处置" },    { 4, "assessed", "已评估" },
	{ 5, "planned", "帮扶中" },	     { 6, "closed", "已结案" },
	{ 0, NULL, NULL },
};
static const code_entry steps[] = {
	{ 1, "report", "报告" },	     { 2, "accept", "受理" },
	{ 3, "emergency", "应急处置" },	     { 4, "assessment", "评估" },
	{ 5, "plan", "制定帮扶方案" },	     { 6, "referral", "转介" },
	{ 7, "referral_answer", "转介回复" }, { 8, "intervention", "监护干预" },
	{ 9, "close", "结案" },		     { 10, "escalate", "超时未受理，上报上一级" },
	{ 0, NULL, NULL },
};

static int abuse_like(const char *situation)
{
	return !strcmp(situation, "abuse") || !strcmp(situation, "unsupervised") ||
	       !strcmp(situation, "improper_guardianship");
}



/* ---- time limits ---- */

typedef struct limits {
	int accept_hours, urgent_hours, assess_days, plan_days, referral_days;
} limits;

static void load_limits(store *s, limits *l)
{
	*l = (limits){ 24, 2, 7, 15, 30 };
	char *v = NULL;
	if (platform_store_setting(s, "case_limits", &v, NULL) != 0)
		return;
	json_t *j = json_loads(v, 0, NULL);
	free(v);
	if (!j)
		return;
	json_t *x;
	if (json_is_integer(x = json_object_get(j, "accept_hours")))
		l->accept_hours = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "urgent_hours")))
		l->urgent_hours = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "assess_days")))
		l->assess_days = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "plan_days")))
		l->plan_days = (int)json_integer_value(x);
	if (json_is_integer(x = json_object_get(j, "referral_days")))
		l->referral_days = (int)json_integer_value(x);
	json_decref(j);
}

int case_limits(store *s, json_t **out, err *e)
{
	(void)e;
	limits l;
	load_limits(s, &l);
	*out = json_pack("{s:i, s:i, s:i, s:i, s:i}", "accept_hours",
			 l.accept_hours, "urgent_hours", l.urgent_hours,
			 "assess_days", l.assess_days, "plan_days", l.plan_days,
			 "referral_days", l.referral_days);
	return 0;
}

int case_set_limits(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	static const char *const fields[] = { "accept_hours", "urgent_hours",
					      "assess_days",  "plan_days",
					      "referral_days", NULL };
	int rc = perm_need(who, PERM_CASE_LIMITS_WRITE, e);
	if (rc || (rc = jsonx_only(body, fields, e)))
		return rc;
	json_t *cur;
	case_limits(s, &cur, e);
	for (const char *const *f = fields; *f; f++) {
		json_t *v = json_object_get(body, *f);
		if (!v)
			continue;
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > 720) {
			json_decref(cur);
			return err_field(e, ERR_INVALID, "invalid_field", *f,
					 "时限应为1至720的整数");
		}
		json_object_set(cur, *f, v);
	}
	char *text = json_dumps(cur, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(cur);
	if ((rc = store_begin(s, e)) == 0) {
		audit_entry a = { .at = who->now, .actor = actor_name(who),
				  .action = "case_limits_set",
				  .target = "settings:case_limits",
				  .region_code = actor_scope(who), .ip = who->ip,
				  .detail = text };
		if ((rc = platform_store_set_setting(s, "case_limits", text, e)) ||
		    (rc = audit_append(s, &a, e)) || (rc = store_commit(s, e)))
			store_rollback(s);
	}
	free(text);
	return rc ? rc : case_limits(s, out, e);
}

/* ---- rendering ---- */

static json_t *time_or_null(int64_t t)
{
	return jsonx_time(t);
}

static json_t *case_json(store *s, const actor *who, const case_row *c,
			 int detail)
{
	int overdue = strcmp(c->state, "closed") && c->due_at &&
		      c->due_at < who->now;
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:s,"
		" s:i, s:s, s:i, s:o, s:o, s:o, s:o, s:b, s:s, s:i}",
		"id", (json_int_t)c->id, "region_code", c->region, "region_name",
		c->region_name, "child_id",
		c->child_id ? json_integer(c->child_id) : json_null(),
		"child_name", c->child_name, "reporter_type", c->reporter_type,
		"situation", c->situation, "situation_label",
		code_label(situations, code_value(situations, c->situation)),
		"description", c->description, "urgent", c->urgent, "state",
		c->state, "state_label",
		code_label(states, code_value(states, c->state)), "level",
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
			const char *step = store_res_text(ev, i, 2);
			json_t *det = json_loads(store_res_text(ev, i, 3), 0, NULL);
			json_array_append_new(
				tl, json_pack("{s:o, s:s, s:s, s:s, s:o}", "at",
					      jsonx_time(store_res_int(ev, i, 0)),
					      "actor", store_res_text(ev, i, 1),
					      "step", step, "step_label",
					      code_label(steps,
							 code_value(steps, step)),
					      "detail", det ? det : json_object()));
		}
		store_res_free(ev);
	}
	char today[11];
	date_of(who->now, today);
	if (case_store_referrals(s, c->id, &rf, NULL) == 0) {
		for (int i = 0; i < store_res_rows(rf); i++) {
			const char *kind = store_res_text(rf, i, 1);
			int answered = !store_res_isnull(rf, i, 5);
			json_array_append_new(
				refs,
				json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:o, s:s,"
					  " s:b}",
					  "id", (json_int_t)store_res_int(rf, i, 0),
					  "kind", kind, "kind_label",
					  code_label(referral_kinds,
						     code_value(referral_kinds, kind)),
					  "institution", store_res_text(rf, i, 2),
					  "sent_at",
					  jsonx_time(store_res_int(rf, i, 3)),
					  "due_on", store_res_text(rf, i, 4),
					  "answered_at",
					  answered ? jsonx_time(store_res_int(rf, i, 5))
						   : json_null(),
					  "answer", store_res_text(rf, i, 6),
					  "overdue",
					  !answered &&
						  strcmp(store_res_text(rf, i, 4),
							 today) < 0));
		}
		store_res_free(rf);
	}
	json_object_set_new(o, "timeline", tl);
	json_object_set_new(o, "referrals", refs);
	return o;
}

static int audit(store *s, const actor *who, const char *action,
		 const case_row *c, json_t *detail, err *e)
{
	char target[32], *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	snprintf(target, sizeof target, "case:%lld", (long long)c->id);
	audit_entry a = { .at = who->now, .actor = actor_name(who),
			  .action = action, .target = target,
			  .region_code = c->region, .ip = who->ip, .detail = d };
	int rc = audit_append(s, &a, e);
	free(d);
	return rc;
}

/* Records the step as an event and an audit entry. */
static int record(store *s, const actor *who, const case_row *c,
		  const char *step, json_t *detail, err *e)
{
	char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	int rc = case_store_event(s, c->id, who->now, actor_name(who), step, d, e);
	free(d);
	if (rc == 0) {
		char action[40];
		snprintf(action, sizeof action, "case_%s", step);
		rc = audit(s, who, action, c, detail, e);
	}
	return rc;
}

/* As record, taking ownership of `detail`. */
static int record_new(store *s, const actor *who, const case_row *c,
		      const char *step, json_t *detail, err *e)
{
	int rc = record(s, who, c, step, detail, e);
	json_decref(detail);
	return rc;
}

/* ---- report ---- */

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
	if (code_value(reporters, rtype) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "reporter_type",
				 "报告人类型无效");
	if (code_value(situations, sit) < 0)
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
	limits l;
	load_limits(s, &l);
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
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = case_store_insert(s, &c, e)) ||
		    (rc = record_new(s, who, &c, "report",
				     json_pack("{s:s, s:s, s:b}", "situation",
					       sit, "reporter_type", rtype,
					       "urgent", c.urgent),
				     e)) ||
		    (c.child_id && abuse_like(sit) &&
		     (rc = childrec_case_link(s, who, c.child_id, c.id, 1, e))) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	int64_t id = c.id;
	case_row_clear(&c);
	return rc ? rc : case_get(s, who, id, out, e);
}

static int load(store *s, const actor *who, int64_t id, case_row *c, err *e)
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
	int rc = load(s, who, id, &c, e);
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
	if (state && strcmp(state, "open") && code_value(states, state) < 0)
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

/* ---- the steps ---- */

static int out_of_order(const case_row *c, const char *step, err *e)
{
	return err_set(e, ERR_CONFLICT, "step_out_of_order",
		       "案件当前状态为“%s”，不能进行“%s”",
		       code_label(states, code_value(states, c->state)),
		       code_label(steps, code_value(steps, step)));
}

static int codes_list(json_t *body, const char *key, const code_entry *t,
		      json_t **out, err *e)
{
	json_t *a = json_object_get(body, key);
	*out = a;
	if (a && !json_is_array(a))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "应为选项代码的列表");
	if (!a || json_array_size(a) == 0 || json_array_size(a) > 10)
		return err_field(e, ERR_INVALID, "missing_field", key,
				 "请至少选择一项（最多10项）");
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		if (!json_is_string(v) || code_value(t, json_string_value(v)) < 0)
			return err_field(e, ERR_INVALID, "invalid_field", key,
					 "选项代码无效");
	return 0;
}

/* A text field of a step.  "" is the same as absent (API.md): an
 * optional one gives *out = NULL, a required one missing_field, as null
 * and absence do. */
static int note_field(json_t *body, const char *key, int required, int max,
		      const char **out, err *e)
{
	int rc = jsonx_str(body, key, required, (size_t)max, out, e);
	if (rc)
		return rc;
	if (*out && !**out) {
		*out = NULL;
		if (required)
			return err_field(e, ERR_INVALID, "missing_field", key,
					 "缺少必填字段: %s（空字符串视同未填）", key);
	}
	if (*out && !text_valid_name(*out, required ? 2 : 1, (size_t)max))
		return err_field(e, ERR_INVALID, "invalid_field", key,
				 "应为%s%d个字符的文字，不含控制字符",
				 required ? "2至" : "不超过", max);
	return 0;
}

int case_step(store *s, const actor *who, int64_t id, const char *step,
	      json_t *body, json_t **out, err *e)
{
	case_row c;
	limits l;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!perm_allows(who, PERM_CASE_HANDLE))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "受理和处置由儿童督导员或县级以上民政部门负责");
	if ((rc = load(s, who, id, &c, e)))
		return rc;
	load_limits(s, &l);
	json_t *detail = NULL;
	int link_close = 0;
	if (!strcmp(step, "accept")) {
		static const char *const f[] = { "note", NULL };
		const char *note;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = note_field(body, "note", 0, 200, &note, e)))
			goto out;
		if (strcmp(c.state, "reported")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		snprintf(c.state, sizeof c.state, "accepted");
		c.accepted_at = who->now;
		c.due_at = who->now + (c.urgent ? 3600 * (int64_t)l.urgent_hours
						: 86400 * (int64_t)l.assess_days);
		detail = json_pack("{s:s}", "note", note ? note : "");
	} else if (!strcmp(step, "emergency")) {
		static const char *const f[] = { "measures", "note", NULL };
		json_t *m;
		const char *note;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = codes_list(body, "measures", emergencies, &m, e)) ||
		    (rc = note_field(body, "note", 1, 300, &note, e)))
			goto out;
		if (strcmp(c.state, "accepted")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		snprintf(c.state, sizeof c.state, "emergency");
		c.due_at = who->now + 86400 * (int64_t)l.assess_days;
		detail = json_pack("{s:O, s:s}", "measures", m, "note", note);
	} else if (!strcmp(step, "assessment")) {
		static const char *const f[] = { "needs", "risk_level", "note",
						 NULL };
		static const char *const areas[] = { "living", "guardianship",
						     "mental_health", "education",
						     NULL };
		const char *risk, *note;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = jsonx_str(body, "risk_level", 1, 10, &risk, e)) ||
		    (rc = note_field(body, "note", 0, 300, &note, e)))
			goto out;
		json_t *needs = json_object_get(body, "needs");
		if (!needs || !json_is_object(needs) ||
		    (rc = jsonx_only(needs, areas, e))) {
			int absent = !needs || json_is_null(needs);
			rc = rc ? rc
				: err_field(e, ERR_INVALID,
					    absent ? "missing_field" : "invalid_field",
					    "needs",
					    "需求评估应为对象，可含生活、监护、心理健康、"
					    "教育四个方面（living、guardianship、"
					    "mental_health、education）");
			goto out;
		}
		/* Each area is optional ("" or null as absent). */
		for (const char *const *a = areas; *a; a++) {
			const char *v;
			if ((rc = note_field(needs, *a, 0, 200, &v, e)))
				goto out;
		}
		if (strcmp(risk, "low") && strcmp(risk, "medium") &&
		    strcmp(risk, "high")) {
			rc = err_field(e, ERR_INVALID, "invalid_field",
				       "risk_level", "风险等级应为 low、medium 或 high");
			goto out;
		}
		/* An urgent case is handled first, then assessed. */
		if (!(!strcmp(c.state, "emergency") ||
		      (!strcmp(c.state, "accepted") && !c.urgent))) {
			rc = c.urgent && !strcmp(c.state, "accepted")
				     ? err_set(e, ERR_CONFLICT, "step_out_of_order",
					       "紧急案件须先进行应急处置，再评估")
				     : out_of_order(&c, step, e);
			goto out;
		}
		snprintf(c.state, sizeof c.state, "assessed");
		c.due_at = who->now + 86400 * (int64_t)l.plan_days;
		/* What is kept is the areas assessed. */
		json_t *kept = json_object();
		for (const char *const *a = areas; *a; a++) {
			const char *v = json_string_value(json_object_get(needs, *a));
			if (v && *v)
				json_object_set_new(kept, *a, json_string(v));
		}
		detail = json_pack("{s:o, s:s, s:s}", "needs", kept,
				   "risk_level", risk, "note", note ? note : "");
	} else if (!strcmp(step, "plan")) {
		static const char *const f[] = { "measures", "responsible_unit",
						 "due_on", NULL };
		const char *unit, *due;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = note_field(body, "responsible_unit", 1, 60, &unit, e)) ||
		    (rc = jsonx_str(body, "due_on", 1, 10, &due, e)))
			goto out;
		json_t *m = json_object_get(body, "measures");
		if (!m || !json_is_array(m) || json_array_size(m) == 0 ||
		    json_array_size(m) > 20) {
			rc = err_field(e, ERR_INVALID,
				       m && !json_is_array(m) ? "invalid_field"
							      : "missing_field",
				       "measures", "请填写帮扶措施（1至20项）");
			goto out;
		}
		size_t i;
		json_t *v;
		json_array_foreach(m, i, v)
			if (!json_is_string(v) ||
			    !text_valid_name(json_string_value(v), 2, 100)) {
				rc = err_field(e, ERR_INVALID, "invalid_field",
					       "measures", "每项措施应为2至100个字符");
				goto out;
			}
		if (!child_date_valid(due) || strcmp(due, today) < 0) {
			rc = err_field(e, ERR_INVALID, "invalid_field", "due_on",
				       "完成期限应为今天或以后的有效日期");
			goto out;
		}
		if (strcmp(c.state, "assessed")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		snprintf(c.state, sizeof c.state, "planned");
		c.due_at = 0;
		detail = json_pack("{s:O, s:s, s:s}", "measures", m,
				   "responsible_unit", unit, "due_on", due);
	} else if (!strcmp(step, "referral")) {
		static const char *const f[] = { "kind", "institution", "due_on",
						 NULL };
		const char *kind, *inst, *due;
		char dflt[11];
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = jsonx_str(body, "kind", 1, 24, &kind, e)) ||
		    (rc = note_field(body, "institution", 1, 60, &inst, e)) ||
		    (rc = jsonx_str(body, "due_on", 0, 10, &due, e)))
			goto out;
		if (code_value(referral_kinds, kind) < 0) {
			rc = err_field(e, ERR_INVALID, "invalid_field", "kind",
				       "转介类别无效");
			goto out;
		}
		if (!due) {
			date_minus_days(today, -l.referral_days, dflt);
			due = dflt;
		}
		if (!child_date_valid(due) || strcmp(due, today) < 0) {
			rc = err_field(e, ERR_INVALID, "invalid_field", "due_on",
				       "回复期限应为今天或以后的有效日期");
			goto out;
		}
		if (strcmp(c.state, "planned")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		int64_t rid;
		if ((rc = store_begin(s, e)))
			goto out;
		detail = json_pack("{s:s, s:s, s:s}", "kind", kind,
				   "institution", inst, "due_on", due);
		if ((rc = case_store_referral_add(s, id, kind, inst, who->now,
						  due, &rid, e)) ||
		    (rc = record(s, who, &c, step, detail, e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
		goto out;
	} else if (!strcmp(step, "referral_answer")) {
		static const char *const f[] = { "referral_id", "answer", NULL };
		const char *answer;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = note_field(body, "answer", 1, 300, &answer, e)))
			goto out;
		json_t *rid = json_object_get(body, "referral_id");
		if (!json_is_integer(rid)) {
			rc = err_field(e, ERR_INVALID,
				       rid ? "invalid_field" : "missing_field",
				       "referral_id", "转介编号应为整数");
			goto out;
		}
		/* A referral of another case reads as absent. */
		store_res *rf;
		int found = 0;
		if ((rc = case_store_referrals(s, id, &rf, e)))
			goto out;
		for (int i = 0; i < store_res_rows(rf); i++)
			found |= store_res_int(rf, i, 0) == json_integer_value(rid);
		store_res_free(rf);
		if (!found) {
			rc = err_field(e, ERR_NOTFOUND, "not_found", "referral_id",
				       "该案件没有这项转介");
			goto out;
		}
		if ((rc = store_begin(s, e)))
			goto out;
		detail = json_pack("{s:O, s:s}", "referral_id", rid, "answer",
				   answer);
		if ((rc = case_store_referral_answer(s, id, json_integer_value(rid),
						     answer, who->now, e)) ||
		    (rc = record(s, who, &c, step, detail, e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
		goto out;
	} else if (!strcmp(step, "intervention")) {
		static const char *const f[] = { "kind", "note", NULL };
		const char *kind, *note;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = jsonx_str(body, "kind", 1, 30, &kind, e)) ||
		    (rc = note_field(body, "note", 1, 300, &note, e)))
			goto out;
		if (code_value(interventions, kind) < 0) {
			rc = err_field(e, ERR_INVALID, "invalid_field", "kind",
				       "干预方式无效");
			goto out;
		}
		if (strcmp(c.state, "assessed") && strcmp(c.state, "planned")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		if ((rc = store_begin(s, e)))
			goto out;
		detail = json_pack("{s:s, s:s}", "kind", kind, "note", note);
		if ((rc = record(s, who, &c, step, detail, e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
		goto out;
	} else if (!strcmp(step, "close")) {
		static const char *const f[] = { "outcome", NULL };
		const char *outcome;
		if ((rc = jsonx_only(body, f, e)) ||
		    (rc = note_field(body, "outcome", 1, 300, &outcome, e)))
			goto out;
		if (strcmp(c.state, "planned")) {
			rc = out_of_order(&c, step, e);
			goto out;
		}
		store_res *rf;
		if ((rc = case_store_referrals(s, id, &rf, e)))
			goto out;
		int open = 0;
		for (int i = 0; i < store_res_rows(rf); i++)
			open += store_res_isnull(rf, i, 5);
		store_res_free(rf);
		if (open) {
			rc = err_set(e, ERR_CONFLICT, "referrals_open",
				     "还有%d项转介未回复，不能结案", open);
			goto out;
		}
		snprintf(c.state, sizeof c.state, "closed");
		snprintf(c.outcome, sizeof c.outcome, "%s", outcome);
		c.closed_at = who->now;
		c.due_at = 0;
		link_close = c.child_id && abuse_like(c.situation);
		detail = json_pack("{s:s}", "outcome", outcome);
	} else {
		rc = err_set(e, ERR_NOTFOUND, "not_found", "接口不存在");
		goto out;
	}
	/* The steps that change the case's state. */
	c.updated_at = who->now;
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = case_store_update(s, &c, e)) ||
		    (rc = record(s, who, &c, step, detail, e)) ||
		    (link_close &&
		     (rc = childrec_case_link(s, who, c.child_id, c.id, 0, e))) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
out:
	json_decref(detail);
	case_row_clear(&c);
	return rc ? rc : case_get(s, who, id, out, e);
}

/* ---- escalation ---- */

int case_escalate_due(store *s, int64_t now, int *moved, err *e)
{
	store_res *r;
	limits l;
	*moved = 0;
	load_limits(s, &l);
	int rc = case_store_due_reports(s, now, &r, e);
	if (rc)
		return rc;
	actor sys = { .u = NULL, .ip = "", .now = now };
	for (int i = 0; i < store_res_rows(r) && rc == 0; i++) {
		int64_t id = store_res_int(r, i, 0);
		int seen = (int)store_res_int(r, i, 1), did = 0;
		case_row c;
		if ((rc = store_begin(s, e)))
			break;
		if ((rc = case_store_get(s, id, &c, e)) == 0) {
			int64_t due = now + 3600 * (int64_t)(c.urgent ? l.urgent_hours
								      : l.accept_hours);
			if ((rc = case_store_escalate(s, id, seen, due, now, &did,
						      e)) == 0 &&
			    did)
				rc = record_new(s, &sys, &c, "escalate",
						json_pack("{s:s, s:s}", "from",
							  region_level_label(c.level),
							  "to",
							  region_level_label(c.level - 1)),
						e);
			case_row_clear(&c);
		}
		if (rc || (rc = store_commit(s, e)))
			store_rollback(s);
		else
			*moved += did;
	}
	store_res_free(r);
	return rc;
}

/* ---- watch list ---- */

int case_watchlist(store *s, const actor *who, const char *days,
		   json_t **out, err *e)
{
	int d = 90;
	if (!perm_allows(who, PERM_CASE_READ))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权查看儿童个案");
	if (days) {
		if (!text_is_digits(days) || strlen(days) > 4 || atoi(days) < 1 ||
		    atoi(days) > 3650)
			return err_field(e, ERR_INVALID, "invalid_query", "days",
					 "天数应为1至3650的整数");
		d = atoi(days);
	}
	char nd[8];
	snprintf(nd, sizeof nd, "%d", d);
	json_t *flagged = NULL, *unvisited = NULL, *lb = NULL;
	int rc;
	childrec_query q = { .limit = 200 };
	q.flag = NULL;
	/* Children with any key-attention flag: one list per flag keeps
	 * each query on the index. */
	json_t *fl = json_array();
	static const char *const flags[] = { "unsupervised", "poor_guardianship",
					     "dropout", "no_hukou", "ill",
					     "disabled" };
	for (size_t i = 0; i < 6; i++) {
		q.flag = flags[i];
		if ((rc = childrec_list(s, who, &q, &flagged, e))) {
			json_decref(fl);
			return rc;
		}
		json_array_append_new(
			fl, json_pack("{s:s, s:s, s:O, s:O}", "flag", flags[i],
				      "label",
				      classify_flag_label(classify_flag_bit(flags[i])),
				      "total", json_object_get(flagged, "total"),
				      "items", json_object_get(flagged, "items")));
		json_decref(flagged);
	}
	q.flag = NULL;
	q.not_visited_days = nd;
	if ((rc = childrec_list(s, who, &q, &unvisited, e))) {
		json_decref(fl);
		return rc;
	}
	q.not_visited_days = NULL;
	q.category = "left_behind";
	q.no_guardian = 1;
	if ((rc = childrec_list(s, who, &q, &lb, e))) {
		json_decref(fl);
		json_decref(unvisited);
		return rc;
	}
	*out = json_pack("{s:o, s:i, s:O, s:O, s:O, s:O}", "flags", fl, "days",
			 d, "not_visited_total", json_object_get(unvisited, "total"),
			 "not_visited", json_object_get(unvisited, "items"),
			 "left_behind_without_guardian_total",
			 json_object_get(lb, "total"),
			 "left_behind_without_guardian",
			 json_object_get(lb, "items"));
	json_decref(lb);
	json_decref(unvisited);
	return 0;
}

/* ---- the timeline as PDF ---- */

/* A step's detail as Chinese text: labels for the keys, and for coded
 * values the label of the code.  The caller frees. */
static char *detail_text(json_t *d)
{
	static const struct {
		const char *key, *label;
		const code_entry *codes;
	} keys[] = {
		{ "situation", "情形", situations },
		{ "reporter_type", "报告人", reporters },
		{ "urgent", "紧急", NULL },
		{ "note", "说明", NULL },
		{ "measures", "措施", emergencies },
		{ "needs", "需求", NULL },
		{ "risk_level", "风险", NULL },
		{ "responsible_unit", "责任单位", NULL },
		{ "due_on", "期限", NULL },
		{ "kind", "类别", NULL },
		{ "institution", "机构", NULL },
		{ "referral_id", "转介", NULL },
		{ "answer", "回复", NULL },
		{ "outcome", "结果", NULL },
		{ "from", "原层级", NULL },
		{ "to", "上报至", NULL },
	};
	static const struct {
		const char *code, *label;
	} words[] = { { "low", "低" },	      { "medium", "中" },
		      { "high", "高" },	      { "living", "生活" },
		      { "guardianship", "监护" }, { "mental_health", "心理" },
		      { "education", "学习" } };
	buf b = BUF_INIT;
	const char *k;
	json_t *v;
	json_object_foreach(d, k, v) {
		const char *label = k;
		const code_entry *codes = NULL;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (!strcmp(keys[i].key, k)) {
				label = keys[i].label;
				codes = keys[i].codes;
			}
		if (b.len)
			buf_puts(&b, "；");
		buf_printf(&b, "%s：", label);
		json_t *items = json_is_array(v) ? v : NULL;
		size_t n = items ? json_array_size(items) : 1;
		for (size_t i = 0; i < n; i++) {
			json_t *x = items ? json_array_get(items, i) : v;
			const char *text = json_string_value(x);
			char num[32];
			if (json_is_boolean(x))
				text = json_is_true(x) ? "是" : "否";
			else if (json_is_integer(x)) {
				snprintf(num, sizeof num, "%lld",
					 (long long)json_integer_value(x));
				text = num;
			} else if (json_is_object(x)) {
				const char *k2;
				json_t *v2;
				json_object_foreach(x, k2, v2) {
					const char *l2 = k2;
					for (size_t w = 0; w < sizeof words / sizeof *words; w++)
						if (!strcmp(words[w].code, k2))
							l2 = words[w].label;
					buf_printf(&b, "%s%s %s", i ? "、" : "", l2,
						   json_string_value(v2) ? json_string_value(v2) : "");
				}
				continue;
			}
			if (!text)
				text = "";
			if (codes && code_value(codes, text) >= 0)
				text = code_label(codes, code_value(codes, text));
			else if (!strcmp(k, "kind")) {
				const code_entry *t[] = { referral_kinds, interventions };
				for (size_t w = 0; w < 2; w++)
					if (code_value(t[w], text) >= 0)
						text = code_label(t[w], code_value(t[w], text));
			} else
				for (size_t w = 0; w < sizeof words / sizeof *words; w++)
					if (!strcmp(words[w].code, text))
						text = words[w].label;
			buf_printf(&b, "%s%s", i ? "、" : "", text);
		}
	}
	return buf_steal(&b);
}

/* An instant "YYYY-MM-DDTHH:MM:SSZ" as China time "YYYY-MM-DD HH:MM". */
static void china_time(const char *instant, char *out, size_t n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	out[0] = '\0';
	if (!instant || sscanf(instant, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year,
			       &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			       &tm.tm_min, &tm.tm_sec) != 6)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

int case_pdf(store *s, const actor *who, int64_t id, const exportmark *mark,
	     char **bytes, size_t *len, char filename[128], err *e)
{
	json_t *c;
	int rc = case_get(s, who, id, &c, e);
	if (rc)
		return rc;
	pdfdoc *d;
	if ((rc = exportmark_pdf_new(who, mark, PDFDOC_A4, &d, e))) {
		json_decref(c);
		return rc;
	}
	char sub[600], date[11];
	date_of(who->now, date);
	snprintf(sub, sizeof sub, "案件编号：%lld　　%.300s　　打印日期：%s",
		 (long long)id,
		 json_string_value(json_object_get(c, "region_path")), date);
	pdfdoc_title(d, "儿童救助保护个案记录");
	pdfdoc_subtitle(d, sub);
	const pdfdoc_field f[] = {
		{ "儿童", json_string_value(json_object_get(c, "child_name")), 0, 0 },
		{ "状态", json_string_value(json_object_get(c, "state_label")), 0, 0 },
		{ "报告情形", json_string_value(json_object_get(c, "situation_label")), 1, 0 },
		{ "情况描述", json_string_value(json_object_get(c, "description")), 1, 2 },
		{ "紧急程度", json_is_true(json_object_get(c, "urgent")) ? "紧急" : "一般", 0, 0 },
		{ "当前负责层级", json_string_value(json_object_get(c, "level_label")), 0, 0 },
		{ "结案情况", json_string_value(json_object_get(c, "outcome")), 1, 0 },
	};
	pdfdoc_form(d, "案件概况", f, sizeof f / sizeof *f, 4);
	pdfdoc_text(d, "处置全过程", 11, PDFDOC_BOLD);
	static const pdfdoc_col cols[] = { { "时间", 1.3 }, { "环节", 1 },
					   { "经办人", 0.8 }, { "内容", 3 } };
	pdfdoc_table_begin(d, cols, 4);
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(c, "timeline"), i, ev) {
		char when[32], *what = detail_text(json_object_get(ev, "detail"));
		china_time(json_string_value(json_object_get(ev, "at")), when,
			   sizeof when);
		const char *cells[] = {
			when, json_string_value(json_object_get(ev, "step_label")),
			json_string_value(json_object_get(ev, "actor")), what };
		pdfdoc_table_row(d, cells, 4);
		free(what);
	}
	pdfdoc_table_end(d);
	pdfdoc_footer(d, "本记录含儿童个人信息，仅限救助保护工作使用", 1);
	rc = pdfdoc_finish(d, bytes, len, e);
	if (rc == 0)
		snprintf(filename, 128, "个案记录_%lld.pdf", (long long)id);
	json_decref(c);
	return rc;
}

void case_codes_json(json_t *out)
{
	json_object_set_new(out, "case_reporter_type",
			    code_table_json(reporters));
	json_object_set_new(out, "case_situation", code_table_json(situations));
	json_object_set_new(out, "case_emergency", code_table_json(emergencies));
	json_object_set_new(out, "case_referral_kind",
			    code_table_json(referral_kinds));
	json_object_set_new(out, "case_intervention",
			    code_table_json(interventions));
	json_object_set_new(out, "case_state", code_table_json(states));
	json_object_set_new(out, "case_step", code_table_json(steps));
}
