#include "domain/cases/case.h"

#include <stdio.h>
#include <string.h>

#include "domain/cases/case_codes.h"
#include "domain/cases/case_limits.h"
#include "domain/children/child.h"
#include "domain/children/childrec.h"
#include "domain/core/perm.h"
#include "store/case_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

/* ---- the steps ---- */

static int out_of_order(const case_row *c, const char *step, err *e)
{
	return err_set(e, ERR_CONFLICT, "step_out_of_order",
		       "案件当前状态为“%s”，不能进行“%s”",
		       code_label(case_state_codes,
				  code_value(case_state_codes, c->state)),
		       code_label(case_step_codes,
				  code_value(case_step_codes, step)));
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
	case_time_limits l;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!perm_allows(who, PERM_CASE_HANDLE))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "受理和处置由儿童督导员或县级以上民政部门负责");
	if ((rc = case__load(s, who, id, &c, e)))
		return rc;
	case_limits_load(s, &l);
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
		    (rc = codes_list(body, "measures", case_emergency_codes, &m, e)) ||
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
		if (code_value(case_referral_codes, kind) < 0) {
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
		    (rc = case__record(s, who, &c, step, detail, e)) ||
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
		    (rc = case__record(s, who, &c, step, detail, e)) ||
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
		if (code_value(case_intervention_codes, kind) < 0) {
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
		if ((rc = case__record(s, who, &c, step, detail, e)) ||
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
		link_close = c.child_id && case__abuse_like(c.situation);
		detail = json_pack("{s:s}", "outcome", outcome);
	} else {
		rc = err_set(e, ERR_NOTFOUND, "not_found", "接口不存在");
		goto out;
	}
	/* The steps that change the case's state. */
	c.updated_at = who->now;
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = case_store_update(s, &c, e)) ||
		    (rc = case__record(s, who, &c, step, detail, e)) ||
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
