#include "domain/staff.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/child.h"
#include "domain/child_codes.h"
#include "domain/idcard.h"
#include "domain/perm.h"
#include "domain/privacy.h"
#include "domain/region.h"
#include "io/pdfdoc.h"
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
static const code_entry modes[] = {
	{ 1, "lecture", "集中授课" },
	{ 2, "regional", "分点分片" },
	{ 3, "institution", "委托培训机构" },
	{ 4, "other", "其他" },
	{ 0, NULL, NULL },
};
static const code_entry measures[] = {
	{ 1, "staff_registered", "定岗定人并实名登记" },
	{ 2, "staff_trained", "完成年度培训" },
	{ 3, "certificate_issued", "取得培训合格证" },
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
static const code_entry results[] = {
	{ 1, "attended", "参加培训" },
	{ 2, "assessed", "参加考核" },
	{ 0, NULL, NULL },
};
static const code_entry cert_statuses[] = {
	{ 1, "valid", "有效" },
	{ 2, "revoked", "已撤销" },
	{ 0, NULL, NULL },
};
/* The certificate each post's initial training earns, by post code. */
static const code_entry cert_titles[] = {
	{ 1, "supervisor", "儿童督导员培训合格证" },
	{ 2, "director", "儿童主任培训合格证" },
	{ 0, NULL, NULL },
};
static const char *cert_title(const char *post)
{
	return code_label(cert_titles, code_value(cert_titles, post));
}
/* The five core contents the notice names; more may be added. */
static const char *const core_topics[] = { "家庭走访", "信息更新", "强制报告",
					   "政策链接",
					   "推动落实家庭监护主体责任" };

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

static int can_train(const actor *who)
{
	return perm_allows(who, PERM_TRAINING_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}



static int audit(store *s, const actor *who, const char *action,
		 const char *target, const char *code, json_t *detail, err *e)
{
	char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	audit_entry a = { .at = who->now, .actor = actor_name(who),
			  .action = action, .target = target,
			  .region_code = code, .ip = who->ip, .detail = d };
	int rc = audit_append(s, &a, e);
	free(d);
	return rc;
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

static int load_staff(store *s, const actor *who, int64_t id, staff_row *r,
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
	char last_left[11];
	if ((rc = store_begin(s, e)))
		return rc;
	char target[32];
	/* Someone in post is the first conflict; the person in post
	 * elsewhere the second (so that a post already held answers the
	 * same whoever is proposed for it); a start before the predecessor
	 * left the third. */
	if ((rc = staff_store_insert(s, &r, e)) == 0)
		rc = in_post_elsewhere(s, who, id, r.id, e);
	if (rc == 0 &&
	    (rc = staff_store_last_left(s, post, g.code, last_left, e)) == 0 &&
	    *last_left && strcmp(appointed, last_left) < 0)
		rc = err_field(e, ERR_CONFLICT, "post_overlap", "appointed_on",
			       "任职日期早于前任的离任日期（%s）：同一岗位同一时间只能有一人在岗",
			       last_left);
	if (rc == 0) {
		snprintf(target, sizeof target, "staff:%lld", (long long)r.id);
		if ((rc = staff_store_history_add(s, r.id, who->now,
						  actor_name(who), "appoint",
						  "[]", e)) == 0)
			rc = audit(s, who, "staff_create", target, g.code,
				   json_pack("{s:s, s:s}", "post", post,
					     "name", name),
				   e);
	}
	if (rc || (rc = store_commit(s, e))) {
		store_rollback(s);
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
	if ((rc = load_staff(s, who, id, &r, e)) ||
	    (rc = staff_store_history(s, id, &h, e)) ||
	    (rc = staff_store_trainings_of(s, id, &t, e)) ||
	    (rc = staff_store_certs_of(s, id, &c, e)))
		goto out;
	json_t *o = staff_json(s, who, PRIVACY_RECORD, &r);
	json_t *ha = json_array(), *ta = json_array(), *ca = json_array();
	int mask = !privacy_full(who, PRIVACY_RECORD);
	for (int i = 0; i < store_res_rows(h); i++) {
		json_t *ch = json_loads(store_res_text(h, i, 3), 0, NULL);
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
				      jsonx_time(store_res_int(h, i, 0)),
				      "actor", store_res_text(h, i, 1),
				      "action", store_res_text(h, i, 2),
				      "changes", ch ? ch : json_array()));
	}
	for (int i = 0; i < store_res_rows(t); i++)
		json_array_append_new(
			ta,
			json_pack("{s:I, s:s, s:s, s:b, s:s, s:o, s:b}", "id",
				  (json_int_t)store_res_int(t, i, 0), "title",
				  store_res_text(t, i, 1), "held_on",
				  store_res_text(t, i, 2), "initial",
				  (int)store_res_int(t, i, 3), "result",
				  store_res_text(t, i, 4), "score",
				  store_res_isnull(t, i, 5)
					  ? json_null()
					  : json_integer(store_res_int(t, i, 5)),
				  "passed", (int)store_res_int(t, i, 6)));
	for (int i = 0; i < store_res_rows(c); i++)
		json_array_append_new(
			ca, json_pack("{s:I, s:s, s:s, s:s, s:s}", "id",
				      (json_int_t)store_res_int(c, i, 0),
				      "number", store_res_text(c, i, 1),
				      "check_code", store_res_text(c, i, 13),
				      "issued_on", store_res_text(c, i, 6),
				      "status", store_res_text(c, i, 7)));
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

static int save(store *s, const actor *who, staff_row *r, const char *action,
		json_t *changes, err *e)
{
	char target[32], *ch = json_dumps(changes, JSON_COMPACT);
	snprintf(target, sizeof target, "staff:%lld", (long long)r->id);
	r->updated_at = who->now;
	snprintf(r->updated_by, sizeof r->updated_by, "%s", actor_name(who));
	int rc = store_begin(s, e);
	if (rc == 0) {
		if ((rc = staff_store_update(s, r, e)) ||
		    (rc = staff_store_history_add(s, r->id, who->now,
						  actor_name(who), action, ch,
						  e)) ||
		    (rc = audit(s, who,
				strcmp(action, "leave") ? "staff_update"
							: "staff_leave",
				target, r->region,
				json_pack("{s:O}", "changes", changes), e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	free(ch);
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
	if ((rc = load_staff(s, who, id, &r, e)))
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
	if ((rc = load_staff(s, who, id, &r, e)))
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
	long tt = 0, tc = 0, vt = 0, vc = 0;
	for (int k = 0; k < nk || (nk == 0 && k == 0); k++) {
		const char *code = nk ? kids[k].code : g.code;
		long t = 0, tcov = 0, v = 0, vcov = 0;
		for (int i = 0; i < store_res_rows(r); i++) {
			if (strcmp(store_res_text(r, i, 0), code))
				continue;
			if (store_res_int(r, i, 1) == REGION_TOWNSHIP) {
				t = store_res_int(r, i, 2);
				tcov = store_res_int(r, i, 3);
			} else {
				v = store_res_int(r, i, 2);
				vcov = store_res_int(r, i, 3);
			}
		}
		tt += t, tc += tcov, vt += v, vc += vcov;
		json_array_append_new(
			items,
			json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:f}",
				  "code", code, "name", nk ? kids[k].name : g.name,
				  "level",
				  region_level_name(nk ? kids[k].level : g.level),
				  "townships", (int)t, "townships_covered",
				  (int)tcov, "villages", (int)v,
				  "villages_covered", (int)vcov,
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
		long t = 0, tcov = 0, v = 0, vcov = 0;
		for (int i = 0; i < store_res_rows(r); i++) {
			if (strcmp(store_res_text(r, i, 0), g.code))
				continue;
			if (store_res_int(r, i, 1) == REGION_TOWNSHIP) {
				t += store_res_int(r, i, 2);
				tcov += store_res_int(r, i, 3);
			} else {
				v += store_res_int(r, i, 2);
				vcov += store_res_int(r, i, 3);
			}
		}
		if (t || v) {
			char own[160];
			snprintf(own, sizeof own, "%s（本级）", g.name);
			tt += t, tc += tcov, vt += v, vc += vcov;
			json_array_append_new(
				items,
				json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:f, s:f}",
					  "code", g.code, "name", own, "level",
					  region_level_name(g.level), "townships",
					  (int)t, "townships_covered", (int)tcov,
					  "villages", (int)v, "villages_covered",
					  (int)vcov, "township_pct",
					  t ? 100.0 * tcov / t : 100.0, "village_pct",
					  v ? 100.0 * vcov / v : 100.0));
		}
	}
	json_t *unc = json_array();
	for (int i = 0; i < store_res_rows(u); i++)
		json_array_append_new(
			unc, json_pack("{s:s, s:s, s:s, s:s}", "code",
				       store_res_text(u, i, 0), "name",
				       store_res_text(u, i, 1), "level",
				       region_level_name((int)store_res_int(u, i, 2)),
				       "missing",
				       store_res_int(u, i, 2) == REGION_TOWNSHIP
					       ? "儿童督导员"
					       : "儿童主任"));
	int64_t uncovered_total = (tt - tc) + (vt - vc);
	store_res_free(r);
	store_res_free(u);
	*out = json_pack("{s:s, s:s, s:s, s:o, s:{s:i, s:i, s:i, s:i, s:f,"
			 " s:f}, s:o, s:I, s:b}",
			 "region_code", g.code, "region_name", g.name, "date",
			 date, "items", items, "total", "townships", (int)tt,
			 "townships_covered", (int)tc, "villages", (int)vt,
			 "villages_covered", (int)vc, "township_pct",
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
	snprintf(filename, 128, "队伍覆盖_%.40s_%s.xlsx",
		 json_string_value(json_object_get(cov, "region_name")), date);
	char where[REGION_CODE_MAX], detail[80];
	snprintf(where, sizeof where, "%s",
		 json_string_value(json_object_get(cov, "region_code")));
	snprintf(detail, sizeof detail, "{\"region\":\"%s\",\"date\":\"%s\"}",
		 where, date);
	json_decref(cov);
	if ((rc = xlsxout_close_mem(x, bytes, len, e)))
		return rc;
	/* SPEC §10: every export is audited */
	if ((rc = audit_export(s, who, "coverage_export", where, detail, e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	json_decref(cov);
	xlsxout_abandon(x);
	return rc;
}

/* ---- training ---- */

static json_t *training_json(const store_res *r, int i)
{
	json_t *topics = json_loads(store_res_text(r, i, 8), 0, NULL);
	const char *mode = store_res_text(r, i, 5);
	return json_pack("{s:I, s:s, s:s, s:s, s:f, s:s, s:s, s:s, s:s, s:o,"
			 " s:b, s:s, s:I}",
			 "id", (json_int_t)store_res_int(r, i, 0), "region_code",
			 store_res_text(r, i, 1), "title",
			 store_res_text(r, i, 2), "held_on",
			 store_res_text(r, i, 3), "hours",
			 store_res_int(r, i, 4) / 10.0, "mode", mode,
			 "mode_label", code_label(modes, code_value(modes, mode)),
			 "organiser", store_res_text(r, i, 6), "trainer",
			 store_res_text(r, i, 7), "topics",
			 topics ? topics : json_array(), "initial",
			 (int)store_res_int(r, i, 9), "created_by",
			 store_res_text(r, i, 10), "attendees",
			 (json_int_t)store_res_int(r, i, 11));
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
	int64_t id = 0;
	if ((rc = store_begin(s, e)) == 0) {
		char target[32];
		if ((rc = staff_store_training_add(
			     s, g.code, title, held,
			     (int)(json_number_value(h) * 10 + 0.5), mode, org,
			     trainer, tt, initial == 1, who->now, actor_name(who),
			     &id, e)) == 0) {
			snprintf(target, sizeof target, "training:%lld",
				 (long long)id);
			rc = audit(s, who, "training_create", target, g.code,
				   json_pack("{s:s, s:s}", "title", title,
					     "held_on", held),
				   e);
		}
		if (rc || (rc = store_commit(s, e)))
			store_rollback(s);
	}
	free(tt);
	return rc ? rc : training_get(s, who, id, out, e);
}

static int load_training(store *s, const actor *who, int64_t id,
			 store_res **r, err *e)
{
	int rc = staff_store_training_get(s, id, r, e);
	if (rc)
		return rc;
	/* A training organised above the caller's scope is visible to it
	 * (its staff attend); one elsewhere reads as absent. */
	const char *code = store_res_text(*r, 0, 1);
	if (store_res_rows(*r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), code) &&
	     !region_in_scope(code, actor_scope(who)))) {
		store_res_free(*r);
		return err_set(e, ERR_NOTFOUND, "not_found", "培训不存在");
	}
	return 0;
}

int training_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e)
{
	store_res *r, *a;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load_training(s, who, id, &r, e)))
		return rc;
	if ((rc = staff_store_attendees(s, id, &a, e))) {
		store_res_free(r);
		return rc;
	}
	json_t *o = training_json(r, 0);
	json_t *list = json_array();
	int in_scope = 0;
	for (int i = 0; i < store_res_rows(a); i++) {
		if (who->u && !region_in_scope(actor_scope(who), store_res_text(a, i, 3)))
			continue;
		in_scope++;
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:o, s:b}", "staff_id",
				  (json_int_t)store_res_int(a, i, 0), "name",
				  store_res_text(a, i, 1), "post",
				  store_res_text(a, i, 2), "region_code",
				  store_res_text(a, i, 3), "result",
				  store_res_text(a, i, 4), "score",
				  store_res_isnull(a, i, 5)
					  ? json_null()
					  : json_integer(store_res_int(a, i, 5)),
				  "passed", (int)store_res_int(a, i, 6)));
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
		const char *code = store_res_text(r, i, 1);
		if (!region_in_scope(g.code, code) && !region_in_scope(code, g.code))
			continue;
		json_t *t = training_json(r, i);
		/* A session organised above the caller: count only the
		 * attendees inside the caller's scope. */
		if (who->u && !region_in_scope(actor_scope(who), code)) {
			store_res *a;
			int n = 0;
			if (staff_store_attendees(s, store_res_int(r, i, 0), &a,
						  NULL) == 0) {
				for (int k = 0; k < store_res_rows(a); k++)
					n += region_in_scope(actor_scope(who),
							     store_res_text(a, k, 3));
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

/* The certificate number: 吉 + issuing county + year + kind + sequence,
 * e.g. "JL220122-2018-Z-0001" (Z 儿童主任, D 儿童督导员). */
static int next_number(store *s, const char *county, const char *date,
		       const char *post, char out[40], err *e)
{
	char prefix[32];
	snprintf(prefix, sizeof prefix, "JL%.6s-%.4s-%s-", county, date,
		 strcmp(post, "director") ? "D" : "Z");
	int64_t n = 0;
	int rc = staff_store_cert_count(s, prefix, &n, e);
	if (rc == 0)
		snprintf(out, 40, "%.20s%04d", prefix, (int)(n % 100000));
	return rc;
}

/* The check code: CERT_CODE_LEN of 32 characters that cannot be misread
 * (no 0/O, 1/I), 30 bits: with the check throttled per address, out of
 * reach of walking the numbers.  Migration 17 draws the same way in SQL
 * for certificates issued before it. */
static const char cert_code_chars[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static void cert_code(char out[CERT_CODE_LEN + 1])
{
	for (int i = 0; i < CERT_CODE_LEN; i++)
		out[i] = cert_code_chars[randombytes_uniform(32)];
	out[CERT_CODE_LEN] = '\0';
}

/* Issues inside the caller's transaction; *id is the new certificate. */
static int issue(store *s, const actor *who, const staff_row *st,
		 int64_t training, const char *issued_on, int64_t *id, err *e)
{
	store_res *have;
	int rc = staff_store_certs_of(s, st->id, &have, e);
	if (rc)
		return rc;
	int valid = 0;
	for (int i = 0; i < store_res_rows(have); i++)
		valid |= strcmp(store_res_text(have, i, 7), "valid") == 0;
	store_res_free(have);
	if (valid)
		return err_set(e, ERR_CONFLICT, "certificate_exists",
			       "该人员已持有有效的培训合格证");
	char number[40], code[CERT_CODE_LEN + 1], county[REGION_CODE_MAX],
		target[32];
	snprintf(county, sizeof county, "%.6s", st->region);
	cert_code(code);
	if ((rc = next_number(s, county, issued_on, st->post, number, e)) ||
	    (rc = staff_store_cert_add(s, number, code, st->id, st->post,
				       county, training, issued_on, who->now,
				       actor_name(who), id, e)))
		return rc;
	snprintf(target, sizeof target, "certificate:%lld", (long long)*id);
	return audit(s, who, "certificate_issue", target, st->region,
		     json_pack("{s:s, s:I}", "number", number, "staff",
			       (json_int_t)st->id),
		     e);
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
	if ((rc = load_training(s, who, id, &t, e)))
		return rc;
	int initial = (int)store_res_int(t, 0, 9);
	char held[11];
	snprintf(held, sizeof held, "%s", store_res_text(t, 0, 3));
	store_res_free(t);
	staff_row st;
	if ((rc = load_staff(s, who, json_integer_value(sid), &st, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "staff_id");
		return rc;
	}
	if (strcmp(st.status, "active") || strcmp(st.appointed_on, held) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "staff_id",
				 "该人员在培训日期未在岗");
	if ((rc = store_begin(s, e)))
		return rc;
	char target[32];
	snprintf(target, sizeof target, "training:%lld", (long long)id);
	if ((rc = staff_store_attend(s, id, st.id, result, score, passed, e)) ||
	    (rc = audit(s, who, "training_result", target, st.region,
			json_pack("{s:I, s:s, s:b}", "staff", (json_int_t)st.id,
				  "result", result, "passed", passed),
			e)))
		goto fail;
	/* Passing the initial training issues the certificate (SPEC §3.2). */
	if (passed && initial) {
		int64_t cid;
		rc = issue(s, who, &st, id, held, &cid, e);
		if (rc == ERR_CONFLICT)
			rc = 0; /* already certified: nothing to issue */
		if (rc)
			goto fail;
	}
	if ((rc = store_commit(s, e)))
		goto fail;
	return training_get(s, who, id, out, e);
fail:
	store_rollback(s);
	return rc;
}

/* ---- certificates ---- */

static json_t *cert_json(const store_res *r, int i)
{
	const char *kind = store_res_text(r, i, 3);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s,"
			 " s:s, s:o, s:s, s:s, s:s}",
			 "id", (json_int_t)store_res_int(r, i, 0), "number",
			 store_res_text(r, i, 1), "check_code",
			 store_res_text(r, i, 13), "staff_id",
			 (json_int_t)store_res_int(r, i, 2), "kind", kind,
			 "title",
			 cert_title(kind),
			 "county_code", store_res_text(r, i, 4), "county_name",
			 store_res_text(r, i, 12) ? store_res_text(r, i, 12) : "",
			 "training_id", (json_int_t)store_res_int(r, i, 5),
			 "issued_on", store_res_text(r, i, 6), "status",
			 store_res_text(r, i, 7), "revoked_on",
			 store_res_isnull(r, i, 8)
				 ? json_null()
				 : json_string(store_res_text(r, i, 8)),
			 "revoke_reason", store_res_text(r, i, 9), "holder",
			 store_res_text(r, i, 10), "region_code",
			 store_res_text(r, i, 11));
}

static int load_cert(store *s, const actor *who, int64_t id, store_res **r,
		     err *e)
{
	int rc = staff_store_cert_get(s, id, r, e);
	if (rc)
		return rc;
	if (store_res_rows(*r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), store_res_text(*r, 0, 11)))) {
		store_res_free(*r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "证书不存在或不在您的管辖范围内");
	}
	return 0;
}

int cert_issue(store *s, const actor *who, int64_t staff_id,
	       int64_t training_id, json_t **out, err *e)
{
	staff_row st;
	store_res *t;
	int rc, yes = 0;
	if (!can_train(who))
		return forbidden(e);
	if ((rc = load_staff(s, who, staff_id, &st, e)) ||
	    (rc = load_training(s, who, training_id, &t, e)))
		return rc;
	char held[11];
	snprintf(held, sizeof held, "%s", store_res_text(t, 0, 3));
	store_res_free(t);
	if ((rc = staff_store_passed_initial(s, staff_id, training_id, &yes, e)))
		return rc;
	if (!yes)
		return err_set(e, ERR_INVALID, "not_passed",
			       "该人员未通过此次初任培训考核，不能发证");
	int64_t id;
	if ((rc = store_begin(s, e)))
		return rc;
	if ((rc = issue(s, who, &st, training_id, held, &id, e)) ||
	    (rc = store_commit(s, e))) {
		store_rollback(s);
		return rc;
	}
	store_res *r;
	if ((rc = staff_store_cert_get(s, id, &r, e)))
		return rc;
	*out = cert_json(r, 0);
	store_res_free(r);
	return 0;
}

int cert_revoke(store *s, const actor *who, int64_t id, const char *reason,
		json_t **out, err *e)
{
	store_res *r;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!can_train(who))
		return forbidden(e);
	if (!reason || !text_valid_name(reason, 2, 100))
		return err_field(e, ERR_INVALID, "missing_field", "reason",
				 "请填写撤销原因（2至100个字符）");
	if ((rc = load_cert(s, who, id, &r, e)))
		return rc;
	char code[REGION_CODE_MAX], target[32];
	snprintf(code, sizeof code, "%s", store_res_text(r, 0, 11));
	store_res_free(r);
	snprintf(target, sizeof target, "certificate:%lld", (long long)id);
	if ((rc = store_begin(s, e)))
		return rc;
	if ((rc = staff_store_cert_revoke(s, id, today, reason, e)) ||
	    (rc = audit(s, who, "certificate_revoke", target, code,
			json_pack("{s:s}", "reason", reason), e)) ||
	    (rc = store_commit(s, e))) {
		store_rollback(s);
		return rc;
	}
	if ((rc = staff_store_cert_get(s, id, &r, e)))
		return rc;
	*out = cert_json(r, 0);
	store_res_free(r);
	return 0;
}

int cert_list(store *s, const actor *who, const char *in, json_t **out,
	      err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	store_res *r;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 in ? in : (who->u ? actor_scope(who) : "22"), &g,
				 e)))
		return rc;
	region_scope_range(g.code, lo, hi);
	if ((rc = staff_store_certs(s, lo, hi, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++)
		json_array_append_new(items, cert_json(r, i));
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}

/* 张*明: the first and last characters, the rest starred. */
static void mask_name(const char *in, char *out, size_t n)
{
	const char *p = in;
	size_t chars = text_utf8_len(in), used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < chars && *p; i++) {
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		int keep = i == 0 || (i == chars - 1 && chars > 2);
		used += (size_t)snprintf(out + used, used < n ? n - used : 0,
					 "%.*s", keep ? (int)len : 1,
					 keep ? p : "*");
		p += len;
	}
	if (chars == 2 && used + 1 < n)
		snprintf(out + used, n - used, "*");
}

/* A code as printed, or as typed: case, spaces and hyphens do not
 * count.  0 when it cannot be one. */
static int normal_code(const char *in, char out[CERT_CODE_LEN + 1])
{
	size_t n = 0;
	for (const char *p = in ? in : ""; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (n == CERT_CODE_LEN)
			return 0;
		out[n++] = (char)toupper((unsigned char)*p);
	}
	out[n] = '\0';
	return n == CERT_CODE_LEN;
}

int cert_verify(store *s, const throttle_cfg *thr, const char *number,
		const char *code, const char *ip, int64_t now, json_t **out,
		err *e)
{
	store_res *r = NULL;
	char want[CERT_CODE_LEN + 1] = "";
	if (!number || strlen(number) > 32 || !text_valid_name(number, 6, 32))
		number = "";
	/* Held back, an address learns nothing, not even that a number is
	 * malformed. */
	int rc = throttle_check(s, thr, "cert", number, ip, now, e);
	if (rc)
		return rc;
	int good = normal_code(code, want);
	if (*number && (rc = staff_store_cert_by_number(s, number, &r, e)))
		return rc;
	/* One answer for an unknown number and for a wrong or missing code:
	 * the number alone tells nothing, so numbers that follow each other
	 * cannot be walked. */
	if (!r || store_res_rows(r) == 0 || !good ||
	    strlen(store_res_text(r, 0, 13)) != CERT_CODE_LEN ||
	    sodium_memcmp(store_res_text(r, 0, 13), want, CERT_CODE_LEN) != 0) {
		store_res_free(r);
		throttle_result tr;
		if ((rc = store_begin(s, e)))
			return rc;
		if ((rc = throttle_fail(s, thr, "cert", number, ip, now, &tr,
					e)) ||
		    (rc = store_commit(s, e))) {
			store_rollback(s);
			return rc;
		}
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "证书编号或校验码不正确");
	}
	char holder[96];
	mask_name(store_res_text(r, 0, 10), holder, sizeof holder);
	const char *kind = store_res_text(r, 0, 3);
	int valid = strcmp(store_res_text(r, 0, 7), "valid") == 0;
	*out = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s}", "number",
			 store_res_text(r, 0, 1), "valid", valid, "title",
			 cert_title(kind),
			 "holder", holder, "county_name",
			 store_res_text(r, 0, 12) ? store_res_text(r, 0, 12) : "",
			 "issued_on", store_res_text(r, 0, 6), "status",
			 valid ? "valid" : "revoked", "status_label",
			 code_label(cert_statuses, valid ? 1 : 2));
	store_res_free(r);
	return 0;
}

int cert_pdf(store *s, const actor *who, int64_t id, int card,
	     const char *base, const exportmark *mark, char **bytes,
	     size_t *len, char filename[128], err *e)
{
	store_res *r;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load_cert(s, who, id, &r, e)))
		return rc;
	const char *kind = store_res_text(r, 0, 3);
	const char *title = strcmp(kind, "director") ? "儿童督导员培训合格证"
						     : "儿童主任培训合格证";
	char l1[300], l2[200], l3[200], l4[120], l5[80];
	snprintf(l1, sizeof l1, "%s　同志：", store_res_text(r, 0, 10));
	snprintf(l2, sizeof l2,
		 "参加%s民政局组织的%s初任培训，经考核合格，特发此证。",
		 store_res_text(r, 0, 12) ? store_res_text(r, 0, 12) : "",
		 strcmp(kind, "director") ? "儿童督导员" : "儿童主任");
	snprintf(l3, sizeof l3, "证书编号：%s", store_res_text(r, 0, 1));
	snprintf(l4, sizeof l4, "发证日期：%s%s", store_res_text(r, 0, 6),
		 strcmp(store_res_text(r, 0, 7), "valid") ? "（已撤销）" : "");
	snprintf(l5, sizeof l5, "校验码：%s", store_res_text(r, 0, 13));
	pdfdoc *d;
	if ((rc = exportmark_pdf_new(who, mark, card ? PDFDOC_CARD : PDFDOC_A4,
				     &d, e))) {
		store_res_free(r);
		return rc;
	}
	pdfdoc_frame(d);
	pdfdoc_space(d, card ? 2 : 30);
	char big[128];
	snprintf(big, sizeof big, "《%s》", title);
	pdfdoc_title(d, big);
	pdfdoc_space(d, card ? 2 : 20);
	pdfdoc_text(d, l1, card ? 9 : 16, PDFDOC_LEFT | PDFDOC_SERIF);
	pdfdoc_text(d, l2, card ? 8 : 14, PDFDOC_LEFT | PDFDOC_SERIF);
	pdfdoc_space(d, card ? 2 : 20);
	pdfdoc_text(d, l3, card ? 8 : 12, PDFDOC_RIGHT);
	pdfdoc_text(d, l5, card ? 8 : 12, PDFDOC_RIGHT);
	pdfdoc_text(d, l4, card ? 8 : 12, PDFDOC_RIGHT);
	/* The QR code: the public check page of this number and code (both
	 * are letters, digits and hyphens: nothing to escape). */
	char url[512];
	size_t bl = base ? strlen(base) : 0;
	while (bl && base[bl - 1] == '/')
		bl--;
	if (bl)
		snprintf(url, sizeof url, "%.*s/#/verify?number=%s&code=%s",
			 (int)bl, base, store_res_text(r, 0, 1),
			 store_res_text(r, 0, 13));
	else
		snprintf(url, sizeof url, "%s %s", store_res_text(r, 0, 1),
			 store_res_text(r, 0, 13));
	if (card) {
		pdfdoc_qr(d, url, 13, PDFDOC_CORNER);
		pdfdoc_text(d, "扫码或凭编号和校验码核验真伪", 6, PDFDOC_LEFT);
	} else {
		pdfdoc_space(d, 8);
		pdfdoc_qr(d, url, 30, PDFDOC_CENTER);
		pdfdoc_text(d, "扫描二维码，或凭证书编号和校验码在系统中核验真伪",
			    10, PDFDOC_CENTER);
	}
	rc = pdfdoc_finish(d, bytes, len, e);
	if (rc == 0)
		snprintf(filename, 128, "%s_%.40s.pdf", title,
			 store_res_text(r, 0, 1));
	store_res_free(r);
	return rc;
}

/* ---- campaigns ---- */

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
	int64_t id;
	if ((rc = store_begin(s, e)))
		return rc;
	char target[32];
	if ((rc = staff_store_campaign_add(s, name, measure, g.code, due,
					   who->now, actor_name(who), &id, e)) ||
	    (snprintf(target, sizeof target, "campaign:%lld", (long long)id),
	     rc = audit(s, who, "campaign_create", target, g.code,
			json_pack("{s:s, s:s, s:s}", "name", name, "measure",
				  measure, "due_on", due),
			e)) ||
	    (rc = store_commit(s, e))) {
		store_rollback(s);
		return rc;
	}
	return campaign_progress(s, who, id, out, e);
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
		json_t *p;
		if (progress_at(s, who, store_res_int(r, i, 0), at, &p,
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

/* The progress seen from `at` (NULL: the caller's scope). */
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
	const char *ccode = store_res_text(c, 0, 3);
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
	const char *measure = store_res_text(c, 0, 2);
	const char *due = store_res_text(c, 0, 4);
	int late_possible = strcmp(today, due) > 0;
	region *kids = NULL;
	int nk = 0;
	region_children(s, g.code, &kids, &nk, NULL);
	json_t *items = json_array();
	long tot_t = 0, tot_d = 0;
	if (strcmp(measure, "staff_registered") == 0) {
		json_t *cov;
		if ((rc = staff_coverage(s, &(actor){ .u = NULL, .now = who->now },
					 g.code, NULL, &cov, e)) == 0) {
			size_t i;
			json_t *it, *tot = json_object_get(cov, "total");
			tot_t = json_integer_value(json_object_get(tot, "townships")) +
				json_integer_value(json_object_get(tot, "villages"));
			tot_d = json_integer_value(json_object_get(tot, "townships_covered")) +
				json_integer_value(json_object_get(tot, "villages_covered"));
			json_array_foreach(json_object_get(cov, "items"), i, it) {
				long t = json_integer_value(json_object_get(it, "townships")) +
					 json_integer_value(json_object_get(it, "villages"));
				long d = json_integer_value(json_object_get(it, "townships_covered")) +
					 json_integer_value(json_object_get(it, "villages_covered"));
				json_array_append_new(
					items,
					json_pack("{s:O, s:O, s:i, s:i, s:f, s:b}",
						  "code", json_object_get(it, "code"),
						  "name", json_object_get(it, "name"),
						  "target", (int)t, "done", (int)d,
						  "pct", t ? 100.0 * d / t : 100.0,
						  "late", late_possible && d < t));
			}
			json_decref(cov);
		}
	} else {
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], from[11];
		region_scope_range(g.code, lo, hi);
		snprintf(from, sizeof from, "%.4s-01-01", due);
		int child_level = g.level < REGION_VILLAGE ? g.level + 1 : g.level;
		store_res *p;
		if ((rc = staff_store_progress(
			     s, lo, hi, (int)region_code_len(child_level), from,
			     due, strcmp(measure, "certificate_issued") == 0,
			     &p, e)) == 0) {
			/* Every group counts in the total, the region's own
			 * post included (as a row "本级" of its own). */
			for (int i = 0; i < store_res_rows(p); i++) {
				tot_t += store_res_int(p, i, 1);
				tot_d += store_res_int(p, i, 2);
				if (nk && !strcmp(store_res_text(p, i, 0), g.code)) {
					char own[160];
					long t = store_res_int(p, i, 1),
					     d = store_res_int(p, i, 2);
					snprintf(own, sizeof own, "%s（本级）", g.name);
					json_array_append_new(
						items,
						json_pack("{s:s, s:s, s:i, s:i, s:f, s:b}",
							  "code", g.code, "name", own,
							  "target", (int)t, "done", (int)d,
							  "pct", t ? 100.0 * d / t : 100.0,
							  "late", late_possible && d < t));
				}
			}
			for (int k = 0; k < (nk ? nk : 1); k++) {
				const char *code = nk ? kids[k].code : g.code;
				long t = 0, d = 0;
				for (int i = 0; i < store_res_rows(p); i++)
					if (!strcmp(store_res_text(p, i, 0), code)) {
						t = store_res_int(p, i, 1);
						d = store_res_int(p, i, 2);
					}
				json_array_append_new(
					items,
					json_pack("{s:s, s:s, s:i, s:i, s:f, s:b}",
						  "code", code, "name",
						  nk ? kids[k].name : g.name,
						  "target", (int)t, "done",
						  (int)d, "pct",
						  t ? 100.0 * d / t : 100.0,
						  "late", late_possible && d < t));
			}
			store_res_free(p);
		}
	}
	free(kids);
	if (rc == 0)
		*out = json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i,"
			" s:f, s:b, s:o}",
			"id", (json_int_t)id, "name", store_res_text(c, 0, 1),
			"measure", measure, "measure_label",
			code_label(measures, code_value(measures, measure)),
			"region_code", ccode, "view_region", g.code,
			"view_name", g.name, "due_on", due, "target",
			(int)tot_t, "done", (int)tot_d, "pct",
			tot_t ? 100.0 * tot_d / tot_t : 100.0, "late",
			late_possible && tot_d < tot_t, "items", items);
	else
		json_decref(items);
	store_res_free(c);
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
	json_object_set_new(out, "training_mode", code_table_json(modes));
	json_t *topics = json_array();
	for (size_t k = 0; k < sizeof core_topics / sizeof *core_topics; k++)
		json_array_append_new(topics,
				      json_pack("{s:s, s:s}", "code",
						core_topics[k], "label",
						core_topics[k]));
	json_object_set_new(out, "training_topic", topics);
	json_object_set_new(out, "attendance_result", code_table_json(results));
	json_object_set_new(out, "certificate_status",
			    code_table_json(cert_statuses));
	json_object_set_new(out, "campaign_measure", code_table_json(measures));
}
