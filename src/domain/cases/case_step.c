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

/* A step in the making: the case as loaded and what the step's body
 * said.  A check reads and checks the body and the case's state, and
 * sets what the step changes; nothing is written until every check has
 * passed. */
typedef struct step_ctx {
	const struct step_def *def;
	const actor *who;
	case_row c;		/* as loaded; a step that moves it changes it */
	case_time_limits l;
	char today[11];
	json_t *body;
	json_t *detail;		/* what the event and the audit entry say */
	int link_close;		/* closing ends the child's protection case */
	/* a referral, or its answer */
	const char *kind, *institution, *due, *answer;
	char due_buf[11];
	int64_t referral;
} step_ctx;

/* One step of the chain: its name (the last segment of its route), its
 * check, what it writes of its own beside the event (NULL: nothing), and
 * whether it moves the case (its state, deadline …: the case's row is
 * updated). */
typedef struct step_def {
	const char *name;
	int (*check)(store *s, step_ctx *x, err *e);
	int (*write)(store *s, step_ctx *x, err *e);
	int moves;
} step_def;

static int accept_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "note", NULL };
	const char *note;
	int64_t now = x->who->now;
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = note_field(x->body, "note", 0, 200, &note, e)))
		return rc;
	if (strcmp(x->c.state, "reported"))
		return out_of_order(&x->c, x->def->name, e);
	snprintf(x->c.state, sizeof x->c.state, "accepted");
	x->c.accepted_at = now;
	x->c.due_at = now + (x->c.urgent ? 3600 * (int64_t)x->l.urgent_hours
					 : 86400 * (int64_t)x->l.assess_days);
	x->detail = json_pack("{s:s}", "note", note ? note : "");
	return 0;
}

static int emergency_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "measures", "note", NULL };
	json_t *m;
	const char *note;
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = codes_list(x->body, "measures", case_emergency_codes, &m,
			     e)) ||
	    (rc = note_field(x->body, "note", 1, 300, &note, e)))
		return rc;
	if (strcmp(x->c.state, "accepted"))
		return out_of_order(&x->c, x->def->name, e);
	snprintf(x->c.state, sizeof x->c.state, "emergency");
	x->c.due_at = x->who->now + 86400 * (int64_t)x->l.assess_days;
	x->detail = json_pack("{s:O, s:s}", "measures", m, "note", note);
	return 0;
}

static int assessment_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "needs", "risk_level", "note", NULL };
	static const char *const areas[] = { "living", "guardianship",
					     "mental_health", "education",
					     NULL };
	const char *risk, *note;
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = jsonx_str(x->body, "risk_level", 1, 10, &risk, e)) ||
	    (rc = note_field(x->body, "note", 0, 300, &note, e)))
		return rc;
	json_t *needs = json_object_get(x->body, "needs");
	if (!needs || !json_is_object(needs) ||
	    (rc = jsonx_only(needs, areas, e))) {
		int absent = !needs || json_is_null(needs);
		return rc ? rc
			  : err_field(e, ERR_INVALID,
				      absent ? "missing_field"
					     : "invalid_field",
				      "needs",
				      "需求评估应为对象，可含生活、监护、心理健康、"
				      "教育四个方面（living、guardianship、"
				      "mental_health、education）");
	}
	/* Each area is optional ("" or null as absent). */
	for (const char *const *a = areas; *a; a++) {
		const char *v;
		if ((rc = note_field(needs, *a, 0, 200, &v, e)))
			return rc;
	}
	if (strcmp(risk, "low") && strcmp(risk, "medium") &&
	    strcmp(risk, "high"))
		return err_field(e, ERR_INVALID, "invalid_field", "risk_level",
				 "风险等级应为 low、medium 或 high");
	/* An urgent case is handled first, then assessed. */
	const case_row *c = &x->c;
	if (!(!strcmp(c->state, "emergency") ||
	      (!strcmp(c->state, "accepted") && !c->urgent)))
		return c->urgent && !strcmp(c->state, "accepted")
			       ? err_set(e, ERR_CONFLICT, "step_out_of_order",
					 "紧急案件须先进行应急处置，再评估")
			       : out_of_order(c, x->def->name, e);
	snprintf(x->c.state, sizeof x->c.state, "assessed");
	x->c.due_at = x->who->now + 86400 * (int64_t)x->l.plan_days;
	/* What is kept is the areas assessed. */
	json_t *kept = json_object();
	for (const char *const *a = areas; *a; a++) {
		const char *v = json_string_value(json_object_get(needs, *a));
		if (v && *v)
			json_object_set_new(kept, *a, json_string(v));
	}
	x->detail = json_pack("{s:o, s:s, s:s}", "needs", kept, "risk_level",
			      risk, "note", note ? note : "");
	return 0;
}

static int plan_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "measures", "responsible_unit",
					 "due_on", NULL };
	const char *unit, *due;
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = note_field(x->body, "responsible_unit", 1, 60, &unit, e)) ||
	    (rc = jsonx_str(x->body, "due_on", 1, 10, &due, e)))
		return rc;
	json_t *m = json_object_get(x->body, "measures");
	if (!m || !json_is_array(m) || json_array_size(m) == 0 ||
	    json_array_size(m) > 20)
		return err_field(e, ERR_INVALID,
				 m && !json_is_array(m) ? "invalid_field"
							: "missing_field",
				 "measures", "请填写帮扶措施（1至20项）");
	size_t i;
	json_t *v;
	json_array_foreach(m, i, v)
		if (!json_is_string(v) ||
		    !text_valid_name(json_string_value(v), 2, 100))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "measures", "每项措施应为2至100个字符");
	if (!child_date_valid(due) || strcmp(due, x->today) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "due_on",
				 "完成期限应为今天或以后的有效日期");
	if (strcmp(x->c.state, "assessed"))
		return out_of_order(&x->c, x->def->name, e);
	snprintf(x->c.state, sizeof x->c.state, "planned");
	x->c.due_at = 0;
	x->detail = json_pack("{s:O, s:s, s:s}", "measures", m,
			      "responsible_unit", unit, "due_on", due);
	return 0;
}

static int referral_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "kind", "institution", "due_on",
					 NULL };
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = jsonx_str(x->body, "kind", 1, 24, &x->kind, e)) ||
	    (rc = note_field(x->body, "institution", 1, 60, &x->institution,
			     e)) ||
	    (rc = jsonx_str(x->body, "due_on", 0, 10, &x->due, e)))
		return rc;
	if (code_value(case_referral_codes, x->kind) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "kind",
				 "转介类别无效");
	if (!x->due) {
		date_minus_days(x->today, -x->l.referral_days, x->due_buf);
		x->due = x->due_buf;
	}
	if (!child_date_valid(x->due) || strcmp(x->due, x->today) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "due_on",
				 "回复期限应为今天或以后的有效日期");
	if (strcmp(x->c.state, "planned"))
		return out_of_order(&x->c, x->def->name, e);
	x->detail = json_pack("{s:s, s:s, s:s}", "kind", x->kind,
			      "institution", x->institution, "due_on", x->due);
	return 0;
}

static int referral_write(store *s, step_ctx *x, err *e)
{
	int64_t rid;
	return case_store_referral_add(s, x->c.id, x->kind, x->institution,
				       x->who->now, x->due, &rid, e);
}

static int answer_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "referral_id", "answer", NULL };
	int rc;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = note_field(x->body, "answer", 1, 300, &x->answer, e)))
		return rc;
	json_t *rid = json_object_get(x->body, "referral_id");
	if (!json_is_integer(rid))
		return err_field(e, ERR_INVALID,
				 rid ? "invalid_field" : "missing_field",
				 "referral_id", "转介编号应为整数");
	/* A referral of another case reads as absent. */
	store_res *rf;
	int found = 0;
	if ((rc = case_store_referrals(s, x->c.id, &rf, e)))
		return rc;
	for (int i = 0; i < store_res_rows(rf); i++) {
		case_referral_row ref;
		store_res_row(rf, i, case_store_referral_cols, &ref);
		found |= ref.id == json_integer_value(rid);
	}
	store_res_free(rf);
	if (!found)
		return err_field(e, ERR_NOTFOUND, "not_found", "referral_id",
				 "该案件没有这项转介");
	x->referral = json_integer_value(rid);
	x->detail = json_pack("{s:O, s:s}", "referral_id", rid, "answer",
			      x->answer);
	return 0;
}

static int answer_write(store *s, step_ctx *x, err *e)
{
	return case_store_referral_answer(s, x->c.id, x->referral, x->answer,
					  x->who->now, e);
}

static int intervention_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "kind", "note", NULL };
	const char *kind, *note;
	int rc;
	(void)s;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = jsonx_str(x->body, "kind", 1, 30, &kind, e)) ||
	    (rc = note_field(x->body, "note", 1, 300, &note, e)))
		return rc;
	if (code_value(case_intervention_codes, kind) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "kind",
				 "干预方式无效");
	if (strcmp(x->c.state, "assessed") && strcmp(x->c.state, "planned"))
		return out_of_order(&x->c, x->def->name, e);
	x->detail = json_pack("{s:s, s:s}", "kind", kind, "note", note);
	return 0;
}

static int close_check(store *s, step_ctx *x, err *e)
{
	static const char *const f[] = { "outcome", NULL };
	const char *outcome;
	int rc;
	if ((rc = jsonx_only(x->body, f, e)) ||
	    (rc = note_field(x->body, "outcome", 1, 300, &outcome, e)))
		return rc;
	if (strcmp(x->c.state, "planned"))
		return out_of_order(&x->c, x->def->name, e);
	store_res *rf;
	if ((rc = case_store_referrals(s, x->c.id, &rf, e)))
		return rc;
	int open = 0;
	for (int i = 0; i < store_res_rows(rf); i++) {
		case_referral_row ref;
		store_res_row(rf, i, case_store_referral_cols, &ref);
		open += ref.open;
	}
	store_res_free(rf);
	if (open)
		return err_set(e, ERR_CONFLICT, "referrals_open",
			       "还有%d项转介未回复，不能结案", open);
	snprintf(x->c.state, sizeof x->c.state, "closed");
	snprintf(x->c.outcome, sizeof x->c.outcome, "%s", outcome);
	x->c.closed_at = x->who->now;
	x->c.due_at = 0;
	x->link_close = x->c.child_id && case__abuse_like(x->c.situation);
	x->detail = json_pack("{s:s}", "outcome", outcome);
	return 0;
}

/* The chain (SPEC §6).  A report is filed by case_report, escalated by
 * case_escalate; these are the steps of those who handle it. */
static const step_def steps[] = {
	{ "accept", accept_check, NULL, 1 },
	{ "emergency", emergency_check, NULL, 1 },
	{ "assessment", assessment_check, NULL, 1 },
	{ "plan", plan_check, NULL, 1 },
	{ "referral", referral_check, referral_write, 0 },
	{ "referral_answer", answer_check, answer_write, 0 },
	{ "intervention", intervention_check, NULL, 0 },
	{ "close", close_check, NULL, 1 },
};

/* The step's writes, its event and audit entry, and the end of the
 * child's protection case when a case closes: one transaction. */
static int step_work(store *s, void *arg, err *e)
{
	step_ctx *x = arg;
	int rc = 0;
	if (x->def->moves) {
		x->c.updated_at = x->who->now;
		rc = case_store_update(s, &x->c, e);
	}
	if (rc == 0 && x->def->write)
		rc = x->def->write(s, x, e);
	if (rc == 0)
		rc = case__record(s, x->who, &x->c, x->def->name,
				  json_incref(x->detail), e);
	if (rc == 0 && x->link_close)
		rc = childrec_case_link(s, x->who, x->c.child_id, x->c.id, 0,
					e);
	return rc;
}

int case_step(store *s, const actor *who, int64_t id, const char *step,
	      json_t *body, json_t **out, err *e)
{
	if (!perm_allows(who, PERM_CASE_HANDLE))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "受理和处置由儿童督导员或县级以上民政部门负责");
	step_ctx x = { .who = who, .body = body };
	int rc = case__load(s, who, id, &x.c, e);
	if (rc)
		return rc;
	date_of(who->now, x.today);
	case_limits_load(s, &x.l);
	for (size_t i = 0; i < sizeof steps / sizeof *steps && !x.def; i++)
		if (!strcmp(steps[i].name, step))
			x.def = &steps[i];
	if (!x.def)
		rc = err_set(e, ERR_NOTFOUND, "not_found", "接口不存在");
	else if ((rc = x.def->check(s, &x, e)) == 0)
		rc = store_tx(s, step_work, &x, e);
	json_decref(x.detail);
	case_row_clear(&x.c);
	return rc ? rc : case_get(s, who, id, out, e);
}
