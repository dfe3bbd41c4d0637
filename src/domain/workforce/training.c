#include "domain/workforce/training.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/core/perm.h"
#include "domain/core/region.h"
#include "domain/workforce/cert.h"
#include "domain/workforce/staff.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

static const code_entry modes[] = {
	{ 1, "lecture", "集中授课" },
	{ 2, "regional", "分点分片" },
	{ 3, "institution", "委托培训机构" },
	{ 4, "other", "其他" },
	{ 0, NULL, NULL },
};
static const code_entry results[] = {
	{ 1, "attended", "参加培训" },
	{ 2, "assessed", "参加考核" },
	{ 0, NULL, NULL },
};
/* The five core contents the notice names; more may be added. */
static const char *const core_topics[] = { "家庭走访", "信息更新", "强制报告",
					   "政策链接",
					   "推动落实家庭监护主体责任" };

static int can_read(const actor *who)
{
	return perm_allows(who, PERM_STAFF_READ);
}

static int can_train(const actor *who)
{
	return perm_allows(who, PERM_TRAINING_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}



static json_t *training_json(const staff_training_row *t)
{
	json_t *topics = json_loads(t->topics, 0, NULL);
	return json_pack("{s:I, s:s, s:s, s:s, s:f, s:s, s:s, s:s, s:s, s:o,"
			 " s:b, s:s, s:I}",
			 "id", (json_int_t)t->id, "region_code", t->region,
			 "title", t->title, "held_on", t->held_on, "hours",
			 t->hours_tenths / 10.0, "mode", t->mode, "mode_label",
			 code_label(modes, code_value(modes, t->mode)),
			 "organiser", t->organiser, "trainer", t->trainer,
			 "topics", topics ? topics : json_array(), "initial",
			 t->initial, "created_by", t->created_by, "attendees",
			 (json_int_t)t->attendees);
}

/* A training or a result of it, and its audit entry. */
typedef struct training_tx {
	const actor *who;
	int64_t id;		/* the training (created: the new one) */
	/* creating */
	const char *region, *title, *held, *mode, *organiser, *trainer,
		*topics;
	int tenths;		/* hours × 10 */
	int initial;
	/* a result */
	const staff_row *st;
	const char *result;
	int score, passed;
	int64_t cert;		/* a certificate issued */
} training_tx;

static int create_work(store *s, void *arg, err *e)
{
	training_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = staff_store_training_add(
		s, x->region, x->title, x->held, x->tenths, x->mode,
		x->organiser, x->trainer, x->topics, x->initial, x->who->now,
		actor_name(x->who), &x->id, e);
	return rc ? rc
		  : audit_record(s, x->who, "training_create",
				 audit_target(t, "training", x->id), x->region,
				 json_pack("{s:s, s:s}", "title", x->title,
					   "held_on", x->held),
				 e);
}

int training_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e)
{
	static const char *const fields[] = { "region_code", "title",
					      "held_on",     "hours",
					      "mode",	     "organiser",
					      "trainer",     "topics",
					      "initial",     NULL };
	const char *code, *title, *held, *mode, *org, *trainer;
	int initial = 0, rc;
	char today[11];
	date_of(who->now, today);
	if (!can_train(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "region_code", 0, 64, &code, e)) ||
	    (rc = jsonx_str(body, "title", 1, 60, &title, e)) ||
	    (rc = jsonx_str(body, "held_on", 1, 10, &held, e)) ||
	    (rc = jsonx_str(body, "mode", 1, 20, &mode, e)) ||
	    (rc = jsonx_str(body, "organiser", 1, 60, &org, e)) ||
	    (rc = jsonx_str(body, "trainer", 1, 60, &trainer, e)) ||
	    (rc = jsonx_bool(body, "initial", 0, &initial, e)))
		return rc;
	if (!text_valid_name(title, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "title",
				 "培训名称应为2至60个字符");
	if (!text_valid_name(org, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "organiser",
				 "组织单位应为2至60个字符");
	if (!text_valid_name(trainer, 2, 60))
		return err_field(e, ERR_INVALID, "invalid_field", "trainer",
				 "授课人应为2至60个字符");
	if (!child_date_valid(held))
		return err_field(e, ERR_INVALID, "invalid_field", "held_on",
				 "培训日期格式应为 YYYY-MM-DD");
	if (strcmp(held, today) > 0)
		return err_field(e, ERR_INVALID, "future_date", "held_on",
				 "培训日期不能晚于今天：只登记已举办的培训");
	if (code_value(modes, mode) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "mode",
				 "培训形式应为 lecture（集中授课）、regional（分点分片）、"
				 "institution（委托培训机构）或 other");
	json_t *h = json_object_get(body, "hours");
	if (!h || json_is_null(h))
		return err_field(e, ERR_INVALID, "missing_field", "hours",
				 "请填写学时");
	json_t *topics = json_object_get(body, "topics");
	/* null is absent, as for every other field (jsonx_str). */
	if (!topics || json_is_null(topics))
		return err_field(e, ERR_INVALID, "missing_field", "topics",
				 "请至少选择一项培训内容");
	if (!json_is_number(h) || json_number_value(h) <= 0 ||
	    json_number_value(h) > 200)
		return err_field(e, ERR_INVALID, "invalid_field", "hours",
				 "学时应为大于0、不超过200的数");
	if (!json_is_array(topics) || json_array_size(topics) == 0 ||
	    json_array_size(topics) > 20)
		return err_field(e, ERR_INVALID, "invalid_field", "topics",
				 "请至少选择一项培训内容（最多20项）");
	size_t i;
	json_t *t;
	json_array_foreach(topics, i, t)
		if (!json_is_string(t) ||
		    !text_valid_name(json_string_value(t), 2, 40))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "topics", "培训内容应为2至40个字符");
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 code ? code : actor_scope(who), &g, e)))
		return rc;
	if (g.level > REGION_COUNTY)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "培训由县级（或以上）民政部门组织");
	char *tt = json_dumps(topics, JSON_COMPACT);
	training_tx x = { .who = who, .region = g.code, .title = title,
			  .held = held,
			  .tenths = (int)(json_number_value(h) * 10 + 0.5),
			  .mode = mode, .organiser = org, .trainer = trainer,
			  .topics = tt, .initial = initial == 1 };
	rc = store_tx(s, create_work, &x, e);
	free(tt);
	return rc ? rc : training_get(s, who, x.id, out, e);
}

/* The training `id` into *t, whose text lives in *r (the caller frees
 * it), if the caller may see it. */
static int load_training(store *s, const actor *who, int64_t id,
			 store_res **r, staff_training_row *t, err *e)
{
	int rc = staff_store_training_get(s, id, r, e);
	if (rc)
		return rc;
	store_res_row(*r, 0, staff_store_training_cols, t);
	/* A training organised above the caller's scope is visible to it
	 * (its staff attend); one elsewhere reads as absent. */
	if (store_res_rows(*r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), t->region) &&
	     !region_in_scope(t->region, actor_scope(who)))) {
		store_res_free(*r);
		return err_set(e, ERR_NOTFOUND, "not_found", "培训不存在");
	}
	return 0;
}

int training_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e)
{
	store_res *r, *a;
	staff_training_row t;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load_training(s, who, id, &r, &t, e)))
		return rc;
	if ((rc = staff_store_attendees(s, id, &a, e))) {
		store_res_free(r);
		return rc;
	}
	json_t *o = training_json(&t);
	json_t *list = json_array();
	int in_scope = 0;
	for (int i = 0; i < store_res_rows(a); i++) {
		staff_attendee_row at;
		store_res_row(a, i, staff_store_attendee_cols, &at);
		if (who->u && !region_in_scope(actor_scope(who), at.region))
			continue;
		in_scope++;
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b}",
				  "staff_id", (json_int_t)at.staff_id, "name",
				  at.name, "post", at.post, "region_code",
				  at.region, "result", at.result, "score",
				  at.score_null ? json_null()
						: json_integer(at.score),
				  "passed", at.passed));
	}
	json_object_set_new(o, "attendance", list);
	/* Only the attendees the caller may see are counted. */
	json_object_set_new(o, "attendees", json_integer(in_scope));
	json_object_set_new(o, "core_topics", json_pack("[s,s,s,s,s]",
							core_topics[0], core_topics[1],
							core_topics[2], core_topics[3],
							core_topics[4]));
	store_res_free(r);
	store_res_free(a);
	*out = o;
	return 0;
}

int training_list(store *s, const actor *who, const char *in,
		  const char *year, json_t **out, err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], from[11], to[11];
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 in ? in : (who->u ? actor_scope(who) : "22"), &g,
				 e)))
		return rc;
	if (year && (!text_is_digits(year) || strlen(year) != 4))
		return err_field(e, ERR_INVALID, "invalid_query", "year",
				 "年份应为4位数字");
	snprintf(from, sizeof from, "%s-01-01", year ? year : "1900");
	snprintf(to, sizeof to, "%s-12-31", year ? year : "9999");
	/* Trainings organised by the region or above it (by prefix) or
	 * inside it: a county's staff attend the province's sessions. */
	store_res *r;
	region_scope_range(g.code, lo, hi);
	lo[2] = '\0';
	snprintf(hi, sizeof hi, "%.2s:", g.code);
	if ((rc = staff_store_trainings(s, lo, hi, from, to, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		staff_training_row tr;
		store_res_row(r, i, staff_store_training_cols, &tr);
		const char *code = tr.region;
		if (!region_in_scope(g.code, code) && !region_in_scope(code, g.code))
			continue;
		json_t *t = training_json(&tr);
		/* A session organised above the caller: count only the
		 * attendees inside the caller's scope. */
		if (who->u && !region_in_scope(actor_scope(who), code)) {
			store_res *a;
			int n = 0;
			if (staff_store_attendees(s, tr.id, &a, NULL) == 0) {
				for (int k = 0; k < store_res_rows(a); k++) {
					staff_attendee_row at;
					store_res_row(a, k,
						      staff_store_attendee_cols,
						      &at);
					n += region_in_scope(actor_scope(who),
							     at.region);
				}
				store_res_free(a);
			}
			json_object_set_new(t, "attendees", json_integer(n));
		}
		json_array_append_new(items, t);
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

static int attend_work(store *s, void *arg, err *e)
{
	training_tx *x = arg;
	const staff_row *st = x->st;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = staff_store_attend(s, x->id, st->id, x->result, x->score,
				     x->passed, e)) ||
	    (rc = audit_record(s, x->who, "training_result",
			       audit_target(t, "training", x->id), st->region,
			       json_pack("{s:I, s:s, s:b}", "staff",
					 (json_int_t)st->id, "result",
					 x->result, "passed", x->passed),
			       e)))
		return rc;
	/* Passing the initial training issues the certificate (SPEC §3.2). */
	if (x->passed && x->initial) {
		int64_t cid;
		rc = cert__grant(s, x->who, st, x->id, x->held, &cid, e);
		if (rc == ERR_CONFLICT)
			rc = 0; /* already certified: nothing to issue */
	}
	return rc;
}

int training_attend(store *s, const actor *who, int64_t id, json_t *body,
		    json_t **out, err *e)
{
	static const char *const fields[] = { "staff_id", "result", "score",
					      "passed", NULL };
	const char *result;
	int passed = 0, rc;
	store_res *t;
	if (!can_train(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "result", 1, 12, &result, e)) ||
	    (rc = jsonx_bool(body, "passed", 1, &passed, e)))
		return rc;
	json_t *sid = json_object_get(body, "staff_id");
	json_t *sc = json_object_get(body, "score");
	if (!sid)
		return err_field(e, ERR_INVALID, "missing_field", "staff_id",
				 "请选择参训人员");
	if (!json_is_integer(sid))
		return err_field(e, ERR_INVALID, "invalid_field", "staff_id",
				 "人员编号应为整数");
	if (code_value(results, result) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "result",
				 "结果应为 attended（参训）或 assessed（已考核）");
	int score = -1;
	if (sc && !json_is_null(sc)) {
		if (!json_is_integer(sc) || json_integer_value(sc) < 0 ||
		    json_integer_value(sc) > 100)
			return err_field(e, ERR_INVALID, "invalid_field",
					 "score", "成绩应为0至100的整数");
		score = (int)json_integer_value(sc);
	}
	if (passed && strcmp(result, "assessed"))
		return err_field(e, ERR_INVALID, "invalid_field", "passed",
				 "未经考核不能记为合格");
	staff_training_row tr;
	if ((rc = load_training(s, who, id, &t, &tr, e)))
		return rc;
	int initial = tr.initial;
	char held[11];
	snprintf(held, sizeof held, "%s", tr.held_on);
	store_res_free(t);
	staff_row st;
	if ((rc = staff__load(s, who, json_integer_value(sid), &st, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "staff_id");
		return rc;
	}
	if (strcmp(st.status, "active") || strcmp(st.appointed_on, held) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "staff_id",
				 "该人员在培训日期未在岗");
	training_tx x = { .who = who, .id = id, .held = held,
			  .initial = initial, .st = &st, .result = result,
			  .score = score, .passed = passed };
	if ((rc = store_tx(s, attend_work, &x, e)))
		return rc;
	return training_get(s, who, id, out, e);
}

static int certify_work(store *s, void *arg, err *e)
{
	training_tx *x = arg;
	return cert__grant(s, x->who, x->st, x->id, x->held, &x->cert, e);
}

int training_certify(store *s, const actor *who, int64_t staff_id,
		      int64_t training_id, json_t **out, err *e)
{
	staff_row st;
	store_res *t;
	staff_training_row tr;
	int rc, yes = 0;
	if (!can_train(who))
		return forbidden(e);
	if ((rc = staff__load(s, who, staff_id, &st, e)) ||
	    (rc = load_training(s, who, training_id, &t, &tr, e)))
		return rc;
	char held[11];
	snprintf(held, sizeof held, "%s", tr.held_on);
	store_res_free(t);
	if ((rc = staff_store_passed_initial(s, staff_id, training_id, &yes, e)))
		return rc;
	if (!yes)
		return err_set(e, ERR_INVALID, "not_passed",
			       "该人员未通过此次初任培训考核，不能发证");
	training_tx x = { .who = who, .id = training_id, .held = held,
			  .st = &st };
	if ((rc = store_tx(s, certify_work, &x, e)))
		return rc;
	return cert__get(s, x.cert, out, e);
}

void training_codes_json(json_t *out)
{
	json_object_set_new(out, "training_mode", code_table_json(modes));
	json_t *topics = json_array();
	for (size_t k = 0; k < sizeof core_topics / sizeof *core_topics; k++)
		json_array_append_new(topics,
				      json_pack("{s:s, s:s}", "code",
						core_topics[k], "label",
						core_topics[k]));
	json_object_set_new(out, "training_topic", topics);
	json_object_set_new(out, "attendance_result", code_table_json(results));
}
