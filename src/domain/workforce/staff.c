#include "domain/workforce/staff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "domain/core/region.h"
#include "domain/workforce/cert.h"
#include "io/xlsxout.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

/* ---- code tables ---- */

static const code_entry posts[] = {
	{ REGION_TOWNSHIP, "supervisor", "儿童督导员" },
	{ REGION_VILLAGE, "director", "儿童主任" },
	{ 0, NULL, NULL },
};

/* Allowed sources per post (SPEC §3.1). */
static const code_entry supervisor_sources[] = {
	{ 1, "civil_affairs_office", "乡镇（街道）民政办干部" },
	{ 2, "womens_federation", "妇联干部" },
	{ 3, "dedicated", "专人" },
	{ 0, NULL, NULL },
};
static const code_entry director_sources[] = {
	{ 1, "civil_affairs_assistant", "村（社区）民政协理员" },
	{ 2, "community_worker", "社区工作人员" },
	{ 3, "women_director", "妇女主任" },
	{ 4, "college_graduate", "大学生村官" },
	{ 5, "left_behind_woman", "留守妇女" },
	{ 6, "volunteer", "爱心人士" },
	{ 7, "other", "其他" },
	{ 0, NULL, NULL },
};
static const code_entry employments[] = {
	{ 1, "full_time", "专职" },
	{ 2, "part_time", "兼职" },
	{ 0, NULL, NULL },
};
static const code_entry statuses[] = {
	{ 1, "active", "在岗" },
	{ 2, "left", "离任" },
	{ 0, NULL, NULL },
};
/* What a change in a person's history was. */
static const code_entry actions[] = {
	{ 1, "appoint", "任职登记" },
	{ 2, "update", "修改信息" },
	{ 3, "leave", "离任" },
	{ 0, NULL, NULL },
};

/* ---- roles ---- */

static int can_read(const actor *who)
{
	return perm_allows(who, PERM_STAFF_READ);
}

/* Coverage and campaign progress are counts per region, naming nobody:
 * whoever reads statistics reads them (the auditor too), as on the
 * dashboard. */
static int can_count(const actor *who)
{
	return perm_allows(who, PERM_STATS_READ);
}

/* Counties (and above) register and train; a supervisor registers the
 * directors of its own township. */
static int can_register(const actor *who, const char *post)
{
	return perm_allows(who, strcmp(post, "director") == 0
					? PERM_STAFF_REGISTER
					: PERM_STAFF_REGISTER_SUPERVISOR);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}


/* ---- staff ---- */

/* A person in post as `who` may see them.  Staff are seen whole by the
 * roles that work beside them — the county that registers and trains
 * them, the supervisor, the director — and masked, ID number and phone,
 * by province and city (privacy.h), who register too but through the
 * county's data. */
static json_t *staff_json(store *s, const actor *who, privacy_answer where,
			  const staff_row *r)
{
	char idm[19], ph[24], path[512] = "";
	snprintf(idm, sizeof idm, "%s", r->id_number);
	snprintf(ph, sizeof ph, "%s", r->phone);
	if (!privacy_id_full(who, where))
		privacy_mask_id(r->id_number, idm);
	if (!privacy_full(who, where))
		privacy_mask_phone(r->phone, ph, sizeof ph);
	region_path_text(s, r->region, path, sizeof path, NULL);
	const code_entry *src = strcmp(r->post, "director") ? supervisor_sources
							     : director_sources;
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
		" s:s, s:o, s:s, s:s, s:o, s:o, s:i}",
		"id", (json_int_t)r->id, "post", r->post, "post_label",
		code_label(posts, code_value(posts, r->post)), "region_code",
		r->region, "region_name", r->region_name, "region_path", path,
		"name", r->name, "id_number", idm, "sex",
		code_of(child_sex_codes, r->sex), "phone", ph, "source",
		r->source, "source_label",
		*r->source_other ? r->source_other
				 : code_label(src, code_value(src, r->source)),
		"employment", r->employment, "left_on",
		r->left_on[0] ? json_string(r->left_on) : json_null(),
		"appointed_on", r->appointed_on, "status", r->status, "user_id",
		r->user_id ? json_integer(r->user_id) : json_null(), "username",
		r->username[0] ? json_string(r->username) : json_null(),
		"version", r->version);
	json_object_set_new(o, "leave_reason",
			    r->leave_reason[0] ? json_string(r->leave_reason)
					       : json_null());
	return o;
}

int staff__load(store *s, const actor *who, int64_t id, staff_row *r,
		      err *e)
{
	int rc = staff_store_get(s, id, r, e);
	if (rc == 0 && who->u && !region_in_scope(actor_scope(who), r->region))
		rc = err_out_of_scope(e, r->region,
				      "人员不存在或不在您的管辖范围内");
	return rc;
}

/* A linked account must exist, be in the post's region and not be linked
 * to another person in post already. */
static int check_user(store *s, const actor *who, int64_t uid,
		      const char *code, err *e)
{
	user u;
	if (uid <= 0)
		return err_field(e, ERR_INVALID, "invalid_field", "user_id",
				 "关联账号无效");
	int rc = account_get(s, &(actor){ .u = NULL, .now = who->now }, uid,
			     &u, NULL);
	if (rc || strcmp(u.region, code) != 0)
		return err_field(e, ERR_INVALID, "invalid_field", "user_id",
				 "关联账号不存在或不属于该岗位所在区划");
	return 0;
}

/* One person holds one post at a time (issue #17): the ID number in post
 * on another record is refused.  Inside the caller's scope the answer
 * names that record; outside it says only that the person is in post
 * elsewhere, like a child registered elsewhere. */
static int in_post_elsewhere(store *s, const actor *who, const char *idn,
			     int64_t self, err *e)
{
	int64_t other;
	char where[REGION_CODE_MAX];
	int rc = staff_store_in_post(s, idn, self, &other, where, e);
	if (rc || other == 0)
		return rc;
	if (!who->u || region_in_scope(actor_scope(who), where))
		return err_field(e, ERR_CONFLICT, "duplicate_id_number",
				 "id_number",
				 "该身份证号的人员已在岗（人员 #%lld）：同一人不能"
				 "同时担任两个岗位，请先办理原岗位的离任",
				 (long long)other);
	return err_field(e, ERR_CONFLICT, "registered_elsewhere", "id_number",
			 "该身份证号的人员已在其他地区在岗：请与原登记地联系，"
			 "办理离任后再登记");
}

/* A write to a person in post, its history and its audit entry. */
typedef struct staff_tx {
	const actor *who;
	staff_row *r;
	const char *step;	/* the history's: update or leave */
	json_t *changes;
} staff_tx;

static int create_work(store *s, void *arg, err *e)
{
	staff_tx *x = arg;
	staff_row *r = x->r;
	char last_left[11], t[AUDIT_TARGET_MAX];
	/* Someone in post is the first conflict; the person in post
	 * elsewhere the second (so that a post already held answers the
	 * same whoever is proposed for it); a start before the predecessor
	 * left the third. */
	int rc = staff_store_insert(s, r, e);
	if (rc == 0)
		rc = in_post_elsewhere(s, x->who, r->id_number, r->id, e);
	if (rc == 0 &&
	    (rc = staff_store_last_left(s, r->post, r->region, last_left,
					e)) == 0 &&
	    *last_left && strcmp(r->appointed_on, last_left) < 0)
		rc = err_field(e, ERR_CONFLICT, "post_overlap", "appointed_on",
			       "任职日期早于前任的离任日期（%s）：同一岗位同一时间只能有一人在岗",
			       last_left);
	if (rc == 0)
		rc = staff_store_history_add(s, r->id, x->who->now,
					     actor_name(x->who), "appoint",
					     "[]", e);
	return rc ? rc
		  : audit_record(s, x->who, "staff_create",
				 audit_target(t, "staff", r->id), r->region,
				 json_pack("{s:s, s:s}", "post", r->post,
					   "name", r->name),
				 e);
}

int staff_create(store *s, const actor *who, json_t *body, json_t **out,
		 err *e)
{
	static const char *const fields[] = {
		"post",	      "region_code", "name",	     "id_number", "sex",
		"phone",      "source",	     "source_other", "employment",
		"appointed_on", "user_id",   NULL };
	const char *post, *code, *name, *idn, *sex, *phone, *source, *other,
		*emp, *appointed;
	char today[11], id[19];
	date_of(who->now, today);
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "post", 1, 12, &post, e)) ||
	    (rc = jsonx_str(body, "region_code", 1, 64, &code, e)) ||
	    (rc = jsonx_str(body, "name", 1, 20, &name, e)) ||
	    (rc = jsonx_str(body, "id_number", 1, 20, &idn, e)) ||
	    (rc = jsonx_str(body, "sex", 0, 8, &sex, e)) ||
	    (rc = jsonx_str(body, "phone", 1, 20, &phone, e)) ||
	    (rc = jsonx_str(body, "source", 1, 40, &source, e)) ||
	    (rc = jsonx_str(body, "source_other", 0, 40, &other, e)) ||
	    (rc = jsonx_str(body, "employment", 1, 12, &emp, e)) ||
	    (rc = jsonx_str(body, "appointed_on", 1, 10, &appointed, e)))
		return rc;
	int level = code_value(posts, post);
	if (level < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "post",
				 "岗位应为 supervisor（儿童督导员）或 director（儿童主任）");
	if (!can_register(who, post))
		return forbidden(e);
	if (!text_valid_name(name, 2, 20))
		return err_field(e, ERR_INVALID, "invalid_field", "name",
				 "姓名应为2至20个字符");
	idcard_normalize(idn, id);
	if ((rc = idcard_validate(id, today, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "id_number");
		return rc;
	}
	int sx = idcard_sex(id);
	if (sex && code_value(child_sex_codes, sex) != sx)
		return err_field(e, ERR_INVALID, "id_mismatch", "id_number",
				 "身份证号中的性别与填写的性别不一致");
	if (!child_phone_valid(phone))
		return err_field(e, ERR_INVALID, "invalid_phone", "phone",
				 "电话号码格式不正确（手机11位，或区号-号码）");
	const code_entry *src = level == REGION_TOWNSHIP ? supervisor_sources
							 : director_sources;
	if (code_value(src, source) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "source",
				 "人员来源不在%s的允许范围内",
				 code_label(posts, level));
	if (strcmp(source, "other") == 0 &&
	    (!other || !text_valid_name(other, 2, 40)))
		return err_field(e, ERR_INVALID, "missing_field",
				 "source_other", "来源为“其他”时须注明");
	if (code_value(employments, emp) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "employment",
				 "应为 full_time（专职）或 part_time（兼职）");
	if (!child_date_valid(appointed) || strcmp(appointed, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "appointed_on",
				 "任职日期应为不晚于今天的有效日期");
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, &g, e))) {
		if (e && e->code == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "region_code");
		return rc;
	}
	if (g.level != level)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "%s的岗位区划应为%s级", code_label(posts, level),
				 region_level_label(level));
	staff_row r;
	memset(&r, 0, sizeof r);
	snprintf(r.post, sizeof r.post, "%s", post);
	snprintf(r.region, sizeof r.region, "%s", g.code);
	snprintf(r.name, sizeof r.name, "%s", name);
	snprintf(r.id_number, sizeof r.id_number, "%s", id);
	r.sex = sx;
	snprintf(r.phone, sizeof r.phone, "%s", phone);
	snprintf(r.source, sizeof r.source, "%s", source);
	snprintf(r.source_other, sizeof r.source_other, "%s",
		 other && strcmp(source, "other") == 0 ? other : "");
	snprintf(r.employment, sizeof r.employment, "%s", emp);
	snprintf(r.appointed_on, sizeof r.appointed_on, "%s", appointed);
	snprintf(r.status, sizeof r.status, "active");
	snprintf(r.region_name, sizeof r.region_name, "%s", g.name);
	r.created_at = r.updated_at = who->now;
	snprintf(r.created_by, sizeof r.created_by, "%s", actor_name(who));
	snprintf(r.updated_by, sizeof r.updated_by, "%s", actor_name(who));
	json_t *uid = json_object_get(body, "user_id");
	if (uid && !json_is_null(uid)) {
		if (!json_is_integer(uid))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "user_id", "关联账号应为整数");
		r.user_id = json_integer_value(uid);
		if ((rc = check_user(s, who, r.user_id, g.code, e)))
			return rc;
	}
	staff_tx x = { .who = who, .r = &r };
	if ((rc = store_tx(s, create_work, &x, e))) {
		/* The insert's conflict is either unique key: the post, or
		 * the ID number of someone registered at the same moment. */
		int held = 1;
		if (rc == ERR_CONFLICT && e && !strcmp(e->key, "post_taken") &&
		    staff_store_post_held(s, post, g.code, &held, NULL) == 0 &&
		    !held) {
			int again = in_post_elsewhere(s, who, id, 0, e);
			if (again)
				rc = again;
		}
		return rc;
	}
	return staff_get(s, who, r.id, out, e);
}

int staff_get(store *s, const actor *who, int64_t id, json_t **out, err *e)
{
	staff_row r;
	store_res *h = NULL, *t = NULL, *c = NULL;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = staff__load(s, who, id, &r, e)) ||
	    (rc = staff_store_history(s, id, &h, e)) ||
	    (rc = staff_store_trainings_of(s, id, &t, e)) ||
	    (rc = staff_store_certs_of(s, id, &c, e)))
		goto out;
	json_t *o = staff_json(s, who, PRIVACY_RECORD, &r);
	json_t *ha = json_array(), *ta = json_array(), *ca = json_array();
	int mask = !privacy_full(who, PRIVACY_RECORD);
	for (int i = 0; i < store_res_rows(h); i++) {
		staff_history_row hr;
		store_res_row(h, i, staff_store_history_cols, &hr);
		json_t *ch = json_loads(hr.changes, 0, NULL);
		size_t k;
		json_t *v;
		/* A masked role sees that the phone changed, not to what. */
		json_array_foreach(ch, k, v) {
			const char *f = json_string_value(json_object_get(v, "field"));
			if (mask && f && privacy_hidden_field(f)) {
				json_object_set_new(v, "before", json_string("***"));
				json_object_set_new(v, "after", json_string("***"));
			}
		}
		json_array_append_new(
			ha, json_pack("{s:o, s:s, s:s, s:o}", "at",
				      jsonx_time(hr.at), "actor", hr.actor,
				      "action", hr.action, "changes",
				      ch ? ch : json_array()));
	}
	for (int i = 0; i < store_res_rows(t); i++) {
		staff_attended_row a;
		store_res_row(t, i, staff_store_attended_cols, &a);
		json_array_append_new(
			ta,
			json_pack("{s:I, s:s, s:s, s:b, s:s, s:o, s:b}", "id",
				  (json_int_t)a.training_id, "title", a.title,
				  "held_on", a.held_on, "initial", a.initial,
				  "result", a.result, "score",
				  a.score_null ? json_null()
					       : json_integer(a.score),
				  "passed", a.passed));
	}
	for (int i = 0; i < store_res_rows(c); i++) {
		staff_cert_row k;
		store_res_row(c, i, staff_store_cert_cols, &k);
		json_array_append_new(
			ca, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)k.id, "number", k.number,
				      "check_code", k.check_code, "issued_on",
				      k.issued_on, "status", k.status));
	}
	json_object_set_new(o, "history", ha);
	json_object_set_new(o, "trainings", ta);
	json_object_set_new(o, "certificates", ca);
	*out = o;
out:
	store_res_free(h);
	store_res_free(t);
	store_res_free(c);
	return rc;
}

static int save_work(store *s, void *arg, err *e)
{
	staff_tx *x = arg;
	staff_row *r = x->r;
	char t[AUDIT_TARGET_MAX], *ch = json_dumps(x->changes, JSON_COMPACT);
	int rc = staff_store_update(s, r, e);
	if (rc == 0)
		rc = staff_store_history_add(s, r->id, x->who->now,
					     actor_name(x->who), x->step, ch, e);
	free(ch);
	return rc ? rc
		  : audit_record(s, x->who,
				 strcmp(x->step, "leave") ? "staff_update"
							  : "staff_leave",
				 audit_target(t, "staff", r->id), r->region,
				 json_pack("{s:O}", "changes", x->changes), e);
}

/* Writes `r` as changed by `step` (update or leave); takes `changes`. */
static int save(store *s, const actor *who, staff_row *r, const char *step,
		json_t *changes, err *e)
{
	r->updated_at = who->now;
	snprintf(r->updated_by, sizeof r->updated_by, "%s", actor_name(who));
	staff_tx x = { who, r, step, changes };
	int rc = store_tx(s, save_work, &x, e);
	json_decref(changes);
	return rc;
}

static void change(json_t *a, const char *field, const char *before,
		   const char *after)
{
	if (strcmp(before, after))
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "field",
						   field, "before", before,
						   "after", after));
}

int staff_update(store *s, const actor *who, int64_t id, json_t *patch,
		 json_t **out, err *e)
{
	static const char *const fields[] = { "name",	    "phone",
					      "source",	    "source_other",
					      "employment", "user_id", NULL };
	staff_row r;
	const char *name, *phone, *source, *other, *emp;
	int rc;
	if ((rc = staff__load(s, who, id, &r, e)))
		return rc;
	if (!can_register(who, r.post))
		return forbidden(e);
	if ((rc = jsonx_only(patch, fields, e)) ||
	    (rc = jsonx_str(patch, "name", 0, 20, &name, e)) ||
	    (rc = jsonx_str(patch, "phone", 0, 20, &phone, e)) ||
	    (rc = jsonx_str(patch, "source", 0, 40, &source, e)) ||
	    (rc = jsonx_str(patch, "source_other", 0, 40, &other, e)) ||
	    (rc = jsonx_str(patch, "employment", 0, 12, &emp, e)))
		return rc;
	if (strcmp(r.status, "active"))
		return err_set(e, ERR_CONFLICT, "staff_left",
			       "该人员已离任，记录不能再修改");
	json_t *ch = json_array();
	if (name) {
		if (!text_valid_name(name, 2, 20)) {
			json_decref(ch);
			return err_field(e, ERR_INVALID, "invalid_field", "name",
					 "姓名应为2至20个字符");
		}
		change(ch, "name", r.name, name);
		snprintf(r.name, sizeof r.name, "%s", name);
	}
	if (phone) {
		if (!child_phone_valid(phone)) {
			json_decref(ch);
			return err_field(e, ERR_INVALID, "invalid_phone",
					 "phone", "电话号码格式不正确");
		}
		change(ch, "phone", r.phone, phone);
		snprintf(r.phone, sizeof r.phone, "%s", phone);
	}
	if (source) {
		const code_entry *src = strcmp(r.post, "director")
						? supervisor_sources
						: director_sources;
		if (code_value(src, source) < 0 ||
		    (!strcmp(source, "other") &&
		     (!other || !text_valid_name(other, 2, 40)))) {
			json_decref(ch);
			return err_field(e, ERR_INVALID, "invalid_field",
					 "source", "人员来源无效（“其他”须注明）");
		}
		change(ch, "source", r.source, source);
		snprintf(r.source, sizeof r.source, "%s", source);
		snprintf(r.source_other, sizeof r.source_other, "%s",
			 !strcmp(source, "other") ? other : "");
	}
	if (emp) {
		if (code_value(employments, emp) < 0) {
			json_decref(ch);
			return err_field(e, ERR_INVALID, "invalid_field",
					 "employment", "应为 full_time 或 part_time");
		}
		change(ch, "employment", r.employment, emp);
		snprintf(r.employment, sizeof r.employment, "%s", emp);
	}
	json_t *uid = json_object_get(patch, "user_id");
	if (uid) {
		int64_t v = json_is_null(uid) ? 0 : json_integer_value(uid);
		if (!json_is_null(uid) &&
		    (!json_is_integer(uid) ||
		     (rc = check_user(s, who, v, r.region, e)))) {
			json_decref(ch);
			return rc ? rc
				  : err_field(e, ERR_INVALID, "invalid_field",
					      "user_id", "关联账号应为整数");
		}
		char b[24], a[24];
		snprintf(b, sizeof b, "%lld", (long long)r.user_id);
		snprintf(a, sizeof a, "%lld", (long long)v);
		change(ch, "user_id", b, a);
		r.user_id = v;
	}
	if (json_array_size(ch) == 0) {
		json_decref(ch);
		return staff_get(s, who, id, out, e);
	}
	if ((rc = save(s, who, &r, "update", ch, e)))
		return rc;
	return staff_get(s, who, id, out, e);
}

int staff_leave(store *s, const actor *who, int64_t id, const char *date,
		const char *reason, json_t **out, err *e)
{
	staff_row r;
	char today[11];
	date_of(who->now, today);
	int rc;
	if ((rc = staff__load(s, who, id, &r, e)))
		return rc;
	if (!can_register(who, r.post))
		return forbidden(e);
	if (strcmp(r.status, "active"))
		return err_set(e, ERR_CONFLICT, "staff_left", "该人员已离任");
	if (!child_date_valid(date) || strcmp(date, today) > 0 ||
	    strcmp(date, r.appointed_on) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "left_on",
				 "离任日期应为任职日期至今天之间的有效日期");
	if (!reason || !text_valid_name(reason, 2, 100))
		return err_field(e, ERR_INVALID, "missing_field", "reason",
				 "请填写离任原因（2至100个字符）");
	json_t *ch = json_array();
	change(ch, "status", "active", "left");
	change(ch, "left_on", "", date);
	snprintf(r.status, sizeof r.status, "left");
	snprintf(r.left_on, sizeof r.left_on, "%s", date);
	snprintf(r.leave_reason, sizeof r.leave_reason, "%s", reason);
	if ((rc = save(s, who, &r, "leave", ch, e)))
		return rc;
	return staff_get(s, who, id, out, e);
}

int staff_list(store *s, const actor *who, const staff_query *q,
	       json_t **out, err *e)
{
	staff_filter f;
	memset(&f, 0, sizeof f);
	int rc;
	if (!can_read(who))
		return forbidden(e);
	const char *sc = actor_scope(who);
	region g;
	if (q->region) {
		if ((rc = region_resolve(s, who->u ? sc : NULL, q->region, &g, e)))
			return rc;
		sc = g.code;
	}
	region_scope_range(sc, f.lo, f.hi);
	if (q->post && code_value(posts, q->post) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "post",
				 "岗位应为 supervisor 或 director");
	if (q->status && code_value(statuses, q->status) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "status",
				 "状态应为 active 或 left");
	f.post = q->post;
	f.status = q->status;
	char from[11], to[11];
	if (q->untrained_year) {
		if (!text_is_digits(q->untrained_year) ||
		    strlen(q->untrained_year) != 4)
			return err_field(e, ERR_INVALID, "invalid_query",
					 "untrained_year", "年份应为4位数字");
		snprintf(from, sizeof from, "%s-01-01", q->untrained_year);
		snprintf(to, sizeof to, "%s-12-31", q->untrained_year);
		f.year_from = from;
		f.year_to = to;
	}
	char like[100];
	if (q->q && *q->q) {
		if (!text_valid_name(q->q, 1, 20))
			return err_field(e, ERR_INVALID, "invalid_query", "q",
					 "搜索词应为1至20个字符");
		text_like_pattern(q->q, like, sizeof like);
		f.name_like = like;
	}
	f.offset = q->offset;
	f.limit = q->limit;
	staff_row *rows;
	int n;
	int64_t total;
	if ((rc = staff_store_list(s, &f, &rows, &n, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items,
				      staff_json(s, who, PRIVACY_LIST, &rows[i]));
	free(rows);
	*out = json_pack("{s:o, s:I}", "items", items, "total",
			 (json_int_t)total);
	return 0;
}

/* ---- coverage ---- */

static int coverage_scope(store *s, const actor *who, const char *in,
			  const char *date_in, region *g, char date[11],
			  err *e)
{
	if (!can_count(who))
		return forbidden(e);
	int rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				in ? in : (who->u ? actor_scope(who) : "22"), g, e);
	if (rc)
		return rc;
	date_of(who->now, date);
	if (date_in) {
		if (!child_date_valid(date_in))
			return err_field(e, ERR_INVALID, "invalid_query", "date",
					 "日期格式应为 YYYY-MM-DD");
		snprintf(date, 11, "%s", date_in);
	}
	return 0;
}

int staff_coverage(store *s, const actor *who, const char *in,
		   const char *date_in, json_t **out, err *e)
{
	region g;
	char date[11], lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = coverage_scope(s, who, in, date_in, &g, date, e);
	if (rc)
		return rc;
	region_scope_range(g.code, lo, hi);
	int child_level = g.level < REGION_VILLAGE ? g.level + 1 : g.level;
	int glen = (int)region_code_len(child_level);
	store_res *r, *u;
	if ((rc = staff_store_coverage(s, lo, hi, glen, date, &r, e)))
		return rc;
	if ((rc = staff_store_uncovered(s, lo, hi, date, &u, e))) {
		store_res_free(r);
		return rc;
	}
	region *kids = NULL;
	int nk = 0;
	region_children(s, g.code, &kids, &nk, NULL);
	json_t *items = json_array();
	long tt = 0, tc = 0, vt = 0, vc = 0, vxt = 0;
	for (int k = 0; k < nk || (nk == 0 && k == 0); k++) {
		const char *code = nk ? kids[k].code : g.code;
		long t = 0, tcov = 0, v = 0, vcov = 0, vx = 0;
		for (int i = 0; i < store_res_rows(r); i++) {
			staff_coverage_row c;
			store_res_row(r, i, staff_store_coverage_cols, &c);
			if (strcmp(c.group, code))
				continue;
			if (c.level == REGION_TOWNSHIP) {
				t = c.posts;
				tcov = c.covered;
			} else {
				v = c.posts;
				vcov = c.covered;
				vx = c.exempt;
			}
		}
		tt += t, tc += tcov, vt += v, vc += vcov, vxt += vx;
		json_array_append_new(
			items,
			json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:f, s:f}",
				  "code", code, "name", nk ? kids[k].name : g.name,
				  "level",
				  region_level_name(nk ? kids[k].level : g.level),
				  "townships", (int)t, "townships_covered",
				  (int)tcov, "villages", (int)v,
				  "villages_covered", (int)vcov,
				  "villages_exempt", (int)vx,
				  "township_pct", t ? 100.0 * tcov / t : 100.0,
				  "village_pct", v ? 100.0 * vcov / v : 100.0));
		if (nk == 0)
			break;
	}
	free(kids);
	/* Posts of the region itself (a township's own supervisor when the
	 * children are villages) belong to no child region: they get a row
	 * of their own ("本级"), so the rows still add up to the total. */
	if (nk) {
		long t = 0, tcov = 0, v = 0, vcov = 0, vx = 0;
		for (int i = 0; i < store_res_rows(r); i++) {
			staff_coverage_row c;
			store_res_row(r, i, staff_store_coverage_cols, &c);
			if (strcmp(c.group, g.code))
				continue;
			if (c.level == REGION_TOWNSHIP) {
				t += c.posts;
				tcov += c.covered;
			} else {
				v += c.posts;
				vcov += c.covered;
				vx += c.exempt;
			}
		}
		if (t || v || vx) {
			char own[160];
			snprintf(own, sizeof own, "%s（本级）", g.name);
			tt += t, tc += tcov, vt += v, vc += vcov, vxt += vx;
			json_array_append_new(
				items,
				json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:f, s:f}",
					  "code", g.code, "name", own, "level",
					  region_level_name(g.level), "townships",
					  (int)t, "townships_covered", (int)tcov,
					  "villages", (int)v, "villages_covered",
					  (int)vcov, "villages_exempt", (int)vx,
					  "township_pct",
					  t ? 100.0 * tcov / t : 100.0, "village_pct",
					  v ? 100.0 * vcov / v : 100.0));
		}
	}
	json_t *unc = json_array();
	for (int i = 0; i < store_res_rows(u); i++) {
		staff_uncovered_row g2;
		store_res_row(u, i, staff_store_uncovered_cols, &g2);
		json_array_append_new(
			unc, json_pack("{s:s, s:s, s:s, s:s}", "code", g2.code,
				       "name", g2.name, "level",
				       region_level_name(g2.level), "missing",
				       g2.level == REGION_TOWNSHIP ? "儿童督导员"
								   : "儿童主任"));
	}
	int64_t uncovered_total = (tt - tc) + (vt - vc);
	store_res_free(r);
	store_res_free(u);
	*out = json_pack("{s:s, s:s, s:s, s:o, s:{s:i, s:i, s:i, s:i, s:i,"
			 " s:f, s:f}, s:o, s:I, s:b}",
			 "region_code", g.code, "region_name", g.name, "date",
			 date, "items", items, "total", "townships", (int)tt,
			 "townships_covered", (int)tc, "villages", (int)vt,
			 "villages_covered", (int)vc, "villages_exempt",
			 (int)vxt, "township_pct",
			 tt ? 100.0 * tc / tt : 100.0, "village_pct",
			 vt ? 100.0 * vc / vt : 100.0, "uncovered", unc,
			 "uncovered_total", (json_int_t)uncovered_total,
			 "uncovered_truncated",
			 (int64_t)json_array_size(unc) < uncovered_total);
	return 0;
}

int staff_coverage_xlsx(store *s, const actor *who, const char *in,
			const char *date_in, const exportmark *mark,
			char **bytes, size_t *len, char filename[128], err *e)
{
	json_t *cov;
	int rc = staff_coverage(s, who, in, date_in, &cov, e);
	if (rc)
		return rc;
	char path[512] = "", line[700];
	const char *code = json_string_value(json_object_get(cov, "region_code"));
	const char *date = json_string_value(json_object_get(cov, "date"));
	region_path_text(s, code, path, sizeof path, NULL);
	xlsxout *x;
	static const xlsxout_col cols[] = {
		{ "区划", 24, XLSXOUT_TEXT },	{ "乡镇（街道）数", 12, XLSXOUT_NUMBER },
		{ "已配儿童督导员", 14, XLSXOUT_NUMBER },
		{ "覆盖率%", 10, XLSXOUT_NUMBER },
		{ "村（社区）数", 12, XLSXOUT_NUMBER },
		{ "已配儿童主任", 12, XLSXOUT_NUMBER },
		{ "覆盖率%", 10, XLSXOUT_NUMBER },
	};
	if ((rc = exportmark_xlsx_open(who, mark, "队伍覆盖", &x, e))) {
		json_decref(cov);
		return rc;
	}
	snprintf(line, sizeof line, "区划：%.400s　　统计日期：%s", path, date);
	if ((rc = xlsxout_header_line(x, "儿童督导员、儿童主任配备情况", e)) ||
	    (rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, cols, 7, e)))
		goto fail;
	size_t i;
	json_t *it;
	json_t *rows = json_object_get(cov, "items");
	json_array_foreach(rows, i, it) {
		char c[6][24];
		snprintf(c[0], 24, "%lld", (long long)json_integer_value(json_object_get(it, "townships")));
		snprintf(c[1], 24, "%lld", (long long)json_integer_value(json_object_get(it, "townships_covered")));
		snprintf(c[2], 24, "%.1f", json_real_value(json_object_get(it, "township_pct")));
		snprintf(c[3], 24, "%lld", (long long)json_integer_value(json_object_get(it, "villages")));
		snprintf(c[4], 24, "%lld", (long long)json_integer_value(json_object_get(it, "villages_covered")));
		snprintf(c[5], 24, "%.1f", json_real_value(json_object_get(it, "village_pct")));
		const char *cells[] = { json_string_value(json_object_get(it, "name")),
					c[0], c[1], c[2], c[3], c[4], c[5] };
		if ((rc = xlsxout_row(x, cells, 7, e)))
			goto fail;
	}
	json_t *t = json_object_get(cov, "total");
	char c[6][24];
	snprintf(c[0], 24, "%lld", (long long)json_integer_value(json_object_get(t, "townships")));
	snprintf(c[1], 24, "%lld", (long long)json_integer_value(json_object_get(t, "townships_covered")));
	snprintf(c[2], 24, "%.1f", json_real_value(json_object_get(t, "township_pct")));
	snprintf(c[3], 24, "%lld", (long long)json_integer_value(json_object_get(t, "villages")));
	snprintf(c[4], 24, "%lld", (long long)json_integer_value(json_object_get(t, "villages_covered")));
	snprintf(c[5], 24, "%.1f", json_real_value(json_object_get(t, "village_pct")));
	const char *total[] = { "合计", c[0], c[1], c[2], c[3], c[4], c[5] };
	if ((rc = xlsxout_row(x, total, 7, e)))
		goto fail;
	long long nx = json_integer_value(json_object_get(t, "villages_exempt"));
	if (nx > 0) {
		/* The count of the units left out, so that the sheet says why
		 * its villages are fewer than the statistical tables'. */
		char note[200];
		snprintf(note, sizeof note,
			 "另有%lld个统计单位已标记为无需配备儿童主任，未计入村（社区）数",
			 nx);
		const char *cells[] = { note, "", "", "", "", "", "" };
		if ((rc = xlsxout_row(x, cells, 7, e)))
			goto fail;
	}
	snprintf(filename, 128, "队伍覆盖_%.40s_%s.xlsx",
		 json_string_value(json_object_get(cov, "region_name")), date);
	char where[REGION_CODE_MAX];
	snprintf(where, sizeof where, "%s",
		 json_string_value(json_object_get(cov, "region_code")));
	json_t *detail = json_pack("{s:s, s:s}", "region", where, "date", date);
	json_decref(cov);
	if ((rc = xlsxout_close_mem(x, bytes, len, e))) {
		json_decref(detail);
		return rc;
	}
	/* SPEC §10: every export is audited */
	if ((rc = audit_record_alone(s, who, "coverage_export", where, detail,
				     e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	json_decref(cov);
	xlsxout_abandon(x);
	return rc;
}

void staff_codes_json(json_t *out)
{
	json_t *p = code_table_json(posts);
	size_t i;
	json_t *entry;
	json_array_foreach(p, i, entry) {
		json_object_set_new(entry, "level",
				    json_string(region_level_name(posts[i].value)));
		json_object_set_new(entry, "certificate",
				    json_string(cert_title(posts[i].code)));
	}
	json_object_set_new(out, "staff_post", p);
	json_t *src = json_array();
	static const code_entry *const by_post[] = { supervisor_sources,
						     director_sources };
	for (size_t k = 0; k < 2; k++)
		for (const code_entry *c = by_post[k]; c->code; c++)
			json_array_append_new(
				src, json_pack("{s:s, s:s, s:s}", "code", c->code,
					       "label", c->label, "post",
					       posts[k].code));
	json_object_set_new(out, "staff_source", src);
	json_object_set_new(out, "staff_employment",
			    code_table_json(employments));
	json_object_set_new(out, "staff_status", code_table_json(statuses));
	json_object_set_new(out, "staff_action", code_table_json(actions));
}
