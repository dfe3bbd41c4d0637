#include "domain/women/women.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/children/childrec.h"
#include "domain/children/classify.h"
#include "domain/core/exportmark.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "io/xlsxout.h"
#include "store/women_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

static const code_entry employments[] = {
	{ 1, "farming", "务农" },	 { 2, "local_work", "就地就近务工" },
	{ 3, "self_employed", "个体经营" }, { 4, "unemployed", "无业" },
	{ 5, "other", "其他" },		 { 0, NULL, NULL },
};
static const code_entry services[] = {
	{ 1, "employment_guidance", "就业指导" },
	{ 2, "entrepreneurship", "创业支持" },
	{ 3, "cancer_screening", "两癌筛查" },
	{ 4, "rights", "权益保障" },
	{ 0, NULL, NULL },
};
static const code_entry screening[] = {
	{ 1, "normal", "未见异常" },
	{ 2, "abnormal", "异常，需复查" },
	{ 3, "diagnosed", "确诊" },
	{ 0, NULL, NULL },
};
/* What the free text of each kind of service holds, by service code. */
static const code_entry service_details[] = {
	{ 1, "employment_guidance", "指导内容" },
	{ 2, "entrepreneurship", "支持内容" },
	{ 3, "cancer_screening", "说明" },
	{ 4, "rights", "案件情况与处理结果" },
	{ 0, NULL, NULL },
};
static const code_entry statuses[] = {
	{ 1, "active", "在册" },
	{ 2, "exited", "已退出" },
	{ 0, NULL, NULL },
};

static int can_read(const actor *who)
{
	return perm_allows(who, PERM_WOMEN_READ);
}

/* Counts reveal no identity: the auditor may read them too. */
static int can_count(const actor *who)
{
	return perm_allows(who, PERM_STATS_READ);
}

static int can_write(const actor *who)
{
	return perm_allows(who, PERM_WOMEN_WRITE);
}

static int forbidden(err *e)
{
	return err_set(e, ERR_FORBIDDEN, "forbidden", "您的角色无权进行此操作");
}

/* A woman as `who` may see her: a masked role (privacy.h) gets her ID
 * number and phone masked and no birth date, her age standing for it. */
static json_t *woman_json(const actor *who, privacy_answer where,
			  const store_res *r, int i)
{
	woman_row w;
	store_res_row(r, i, women_store_cols, &w);
	int see = privacy_id_full(who, where);
	char idm[19], ph[24];
	snprintf(idm, sizeof idm, "%s", w.id_number);
	snprintf(ph, sizeof ph, "%s", w.phone);
	if (!see)
		privacy_mask_id(w.id_number, idm);
	if (!privacy_full(who, where))
		privacy_mask_phone(w.phone, ph, sizeof ph);
	char today[11];
	date_of(who->now, today);
	return json_pack(
		"{s:I, s:s, s:s, s:s, s:s, s:o, s:i, s:s, s:s, s:s, s:s, s:s, s:s,"
		" s:i, s:o}",
		"id", (json_int_t)w.id, "region_code", w.region, "region_name",
		w.region_name ? w.region_name : "", "name", w.name,
		"id_number", idm, "birth_date",
		see ? json_string(w.birth_date) : json_null(), "age",
		classify_age(w.birth_date, today), "phone", ph,
		"husband_work_place", w.husband_work_place, "employment",
		w.employment, "employment_label",
		code_label(employments, code_value(employments, w.employment)),
		"skills", w.skills, "status", w.status, "version", w.version,
		"created_at", jsonx_time(w.created_at));
}

/* A write to a woman's record and its audit entry.  The entry names
 * what changed, never the values: the audit log is read by auditors, who
 * see no identities. */
typedef struct woman_tx {
	const actor *who;
	int64_t id;		/* the woman (created: the new one) */
	const char *region;
	/* creating */
	const char *name, *id_number, *birth, *phone, *husband, *employment,
		*skills;
	/* updating: the version read, the new values and the fields that
	 * differ */
	int version;
	const char *const *values;
	json_t *changed;
	/* a service */
	const char *kind, *date, *result, *detail, *follow;
} woman_tx;

static int create_work(store *s, void *arg, err *e)
{
	woman_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = women_store_insert(s, x->region, x->name, x->id_number,
				    x->birth, x->phone, x->husband,
				    x->employment, x->skills, x->who->now,
				    actor_name(x->who), &x->id, e);
	return rc ? rc
		  : audit_record(s, x->who, "woman_create",
				 audit_target(t, "woman", x->id), x->region,
				 NULL, e);
}

static int update_work(store *s, void *arg, err *e)
{
	woman_tx *x = arg;
	const char *const *v = x->values;
	char t[AUDIT_TARGET_MAX];
	int rc = women_store_update(s, x->id, x->version, v[0], v[1], v[2], v[3],
				    v[4], x->who->now, e);
	return rc ? rc
		  : audit_record(s, x->who, "woman_update",
				 audit_target(t, "woman", x->id), x->region,
				 json_incref(x->changed), e);
}

static int service_work(store *s, void *arg, err *e)
{
	woman_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int64_t sid;
	int rc = women_store_service_add(s, x->id, x->kind, x->date, x->result,
					 x->detail, x->follow,
					 actor_name(x->who), x->who->now,
					 &sid, e);
	return rc ? rc
		  : audit_record(s, x->who, "woman_service",
				 audit_target(t, "woman", x->id), x->region,
				 json_pack("{s:s}", "kind", x->kind), e);
}

static int check_texts(const char *husband, const char *skills, err *e)
{
	if (husband && !text_valid_name(husband, 0, 40))
		return err_field(e, ERR_INVALID, "invalid_field",
				 "husband_work_place",
				 "丈夫务工地过长或含有非法字符");
	if (skills && !text_valid_text(skills, 0, 100))
		return err_field(e, ERR_INVALID, "invalid_field", "skills",
				 "技能特长过长或含有非法字符");
	return 0;
}

static int load(store *s, const actor *who, int64_t id, store_res **r, err *e)
{
	int rc = women_store_get(s, id, r, e);
	if (rc)
		return rc;
	if (store_res_rows(*r) == 0) {
		store_res_free(*r);
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "记录不存在或不在您的管辖范围内");
	}
	woman_row w;
	store_res_row(*r, 0, women_store_cols, &w);
	if (who->u && !region_in_scope(actor_scope(who), w.region)) {
		rc = err_out_of_scope(e, w.region,
				      "记录不存在或不在您的管辖范围内");
		store_res_free(*r);
		return rc;
	}
	return 0;
}

int women_create(store *s, const actor *who, json_t *body, json_t **out,
		 err *e)
{
	static const char *const fields[] = { "region_code", "name", "id_number",
					      "phone", "husband_work_place",
					      "employment", "skills", NULL };
	const char *code, *name, *idn, *phone, *husband, *emp, *skills;
	char today[11], id[19], birth[11];
	date_of(who->now, today);
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "region_code", 1, 64, &code, e)) ||
	    (rc = jsonx_str(body, "name", 1, 20, &name, e)) ||
	    (rc = jsonx_str(body, "id_number", 1, 20, &idn, e)) ||
	    (rc = jsonx_str(body, "phone", 0, 20, &phone, e)) ||
	    (rc = jsonx_str(body, "husband_work_place", 0, 40, &husband, e)) ||
	    (rc = jsonx_str(body, "employment", 1, 20, &emp, e)) ||
	    (rc = jsonx_str(body, "skills", 0, 100, &skills, e)))
		return rc;
	if (!text_valid_name(name, 2, 20))
		return err_field(e, ERR_INVALID, "invalid_field", "name",
				 "姓名应为2至20个字符");
	idcard_normalize(idn, id);
	if ((rc = idcard_validate(id, today, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "id_number");
		return rc;
	}
	if (idcard_sex(id) != 2)
		return err_field(e, ERR_INVALID, "id_mismatch", "id_number",
				 "身份证号显示为男性：本登记为农村留守妇女");
	idcard_birth(id, birth);
	/* The registry is of wives whose husbands work away: adults. */
	char adult[24];
	snprintf(adult, sizeof adult, "%04d%s", atoi(birth) + 18, birth + 4);
	if (strcmp(adult, today) > 0)
		return err_field(e, ERR_INVALID, "not_adult", "id_number",
				 "身份证号显示未满18周岁：本登记为成年农村留守妇女");
	if (phone && *phone && !child_phone_valid(phone))
		return err_field(e, ERR_INVALID, "invalid_phone", "phone",
				 "电话号码格式不正确");
	if (code_value(employments, emp) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "employment",
				 "就业状况应为 farming、local_work、self_employed、"
				 "unemployed 或 other");
	if ((rc = check_texts(husband, skills, e)))
		return rc;
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL, code, &g,
				 e))) {
		if (e && e->code == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "region_code");
		return rc;
	}
	if (g.level != REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "应为所在村（社区）");
	woman_tx x = { .who = who, .region = g.code, .name = name,
		       .id_number = id, .birth = birth,
		       .phone = phone ? phone : "",
		       .husband = husband ? husband : "", .employment = emp,
		       .skills = skills ? skills : "" };
	if ((rc = store_tx(s, create_work, &x, e)))
		return rc;
	return women_get(s, who, x.id, out, e);
}

int women_get(store *s, const actor *who, int64_t id, json_t **out, err *e)
{
	store_res *r, *sv;
	int rc;
	if (!can_read(who))
		return forbidden(e);
	if ((rc = load(s, who, id, &r, e)))
		return rc;
	if ((rc = women_store_services(s, id, &sv, e))) {
		store_res_free(r);
		return rc;
	}
	json_t *o = woman_json(who, PRIVACY_RECORD, r, 0);
	json_t *list = json_array();
	for (int i = 0; i < store_res_rows(sv); i++) {
		woman_service_row v;
		store_res_row(sv, i, women_store_service_cols, &v);
		json_array_append_new(
			list,
			json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "id",
				  (json_int_t)v.id, "kind", v.kind, "kind_label",
				  code_label(services, code_value(services, v.kind)),
				  "served_on", v.served_on, "result", v.result,
				  "detail", v.detail, "follow_up", v.follow_up,
				  "created_by", v.created_by));
	}
	json_object_set_new(o, "services", list);
	store_res_free(r);
	store_res_free(sv);
	*out = o;
	return 0;
}

int women_update(store *s, const actor *who, int64_t id, json_t *patch,
		 int version, json_t **out, err *e)
{
	static const char *const fields[] = { "phone", "husband_work_place",
					      "employment", "skills", "status",
					      NULL };
	const char *phone, *husband, *emp, *skills, *status;
	store_res *r;
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(patch, fields, e)) ||
	    (rc = jsonx_str(patch, "phone", 0, 20, &phone, e)) ||
	    (rc = jsonx_str(patch, "husband_work_place", 0, 40, &husband, e)) ||
	    (rc = jsonx_str(patch, "employment", 0, 20, &emp, e)) ||
	    (rc = jsonx_str(patch, "skills", 0, 100, &skills, e)) ||
	    (rc = jsonx_str(patch, "status", 0, 8, &status, e)))
		return rc;
	if (phone && *phone && !child_phone_valid(phone))
		return err_field(e, ERR_INVALID, "invalid_phone", "phone",
				 "电话号码格式不正确");
	if (emp && code_value(employments, emp) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "employment",
				 "就业状况代码无效");
	if (status && code_value(statuses, status) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "status",
				 "状态应为 active 或 exited（丈夫返乡等）");
	if ((rc = check_texts(husband, skills, e)))
		return rc;
	if ((rc = load(s, who, id, &r, e)))
		return rc;
	woman_row w;
	store_res_row(r, 0, women_store_cols, &w);
	if (version > 0 && version != w.version) {
		store_res_free(r);
		return err_set(e, ERR_CONFLICT, "version_conflict",
			       "该记录已被他人修改，请刷新后重试");
	}
	/* The new values, and which of them differ from the stored ones. */
	const char *now[] = { phone, husband, emp, skills, status };
	static const char *const names[] = { "phone", "husband_work_place",
					     "employment", "skills", "status" };
	const char *stored[] = { w.phone, w.husband_work_place, w.employment,
				 w.skills, w.status };
	json_t *diff = json_array();
	for (int k = 0; k < 5; k++) {
		if (!now[k])
			now[k] = stored[k];
		else if (strcmp(now[k], stored[k]))
			json_array_append_new(diff, json_string(names[k]));
	}
	woman_tx x = { .who = who, .id = id, .region = w.region,
		       .version = w.version, .values = now,
		       .changed = json_pack("{s:o}", "fields", diff) };
	/* Nothing to change: no new version, no audit entry. */
	if (json_array_size(diff) > 0)
		rc = store_tx(s, update_work, &x, e);
	json_decref(x.changed);
	store_res_free(r);
	return rc ? rc : women_get(s, who, id, out, e);
}

static int scope_region(store *s, const actor *who, const char *in,
			region *g, err *e)
{
	return region_resolve(s, who->u ? actor_scope(who) : NULL,
			      in ? in : (who->u ? actor_scope(who) : "22"), g, e);
}

int women_list(store *s, const actor *who, const char *in,
	       const char *service, int64_t offset, int limit, json_t **out,
	       err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = can_read(who) ? scope_region(s, who, in, &g, e) : forbidden(e);
	if (rc)
		return rc;
	if (service && code_value(services, service) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "service",
				 "服务类别无效");
	region_scope_range(g.code, lo, hi);
	store_res *r;
	int64_t total;
	if ((rc = women_store_list(s, lo, hi, service, offset, limit, &r, &total,
				   e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++)
		json_array_append_new(items, woman_json(who, PRIVACY_LIST, r, i));
	store_res_free(r);
	*out = json_pack("{s:o, s:I}", "items", items, "total", (json_int_t)total);
	return 0;
}

int women_service_add(store *s, const actor *who, int64_t id, json_t *body,
		      json_t **out, err *e)
{
	static const char *const fields[] = { "kind", "served_on", "result",
					      "detail", "follow_up", NULL };
	const char *kind, *date, *result, *detail, *follow;
	char today[11];
	date_of(who->now, today);
	int rc;
	if (!can_write(who))
		return forbidden(e);
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "kind", 1, 30, &kind, e)) ||
	    (rc = jsonx_str(body, "served_on", 1, 10, &date, e)) ||
	    (rc = jsonx_str(body, "result", 0, 20, &result, e)) ||
	    (rc = jsonx_str(body, "detail", 0, 300, &detail, e)) ||
	    (rc = jsonx_str(body, "follow_up", 0, 300, &follow, e)))
		return rc;
	if (code_value(services, kind) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "kind",
				 "服务类别应为 employment_guidance、entrepreneurship、"
				 "cancer_screening 或 rights");
	if (!child_date_valid(date) || strcmp(date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "served_on",
				 "服务日期应为不晚于今天的有效日期");
	/* A screening has a result; a rights case has what happened. */
	if (!strcmp(kind, "cancer_screening") && (!result || !*result))
		return err_field(e, ERR_INVALID, "missing_field", "result",
				 "两癌筛查须填写结果：normal、abnormal 或 diagnosed");
	if (!strcmp(kind, "cancer_screening") &&
	    code_value(screening, result) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "result",
				 "筛查结果应为 normal（未见异常）、abnormal（异常）"
				 "或 diagnosed（确诊）");
	if (!strcmp(kind, "cancer_screening") && strcmp(result, "normal") &&
	    (!follow || !text_valid_text(follow, 2, 300)))
		return err_field(e, ERR_INVALID, "missing_field", "follow_up",
				 "筛查结果异常时须填写后续跟进");
	if (strcmp(kind, "cancer_screening") && result && *result)
		return err_field(e, ERR_INVALID, "invalid_field", "result",
				 "只有两癌筛查填写结果");
	if (!strcmp(kind, "rights") && (!detail || !text_valid_text(detail, 2, 300)))
		return err_field(e, ERR_INVALID, "missing_field", "detail",
				 "权益保障须填写案件情况与处理结果");
	if ((detail && !text_valid_text(detail, 0, 300)) ||
	    (follow && !text_valid_text(follow, 0, 300)))
		return err_field(e, ERR_INVALID, "invalid_field", "detail",
				 "文字过长或含有非法字符");
	store_res *r;
	if ((rc = load(s, who, id, &r, e)))
		return rc;
	char code[16];
	woman_row w;
	store_res_row(r, 0, women_store_cols, &w);
	snprintf(code, sizeof code, "%s", w.region);
	int exited = strcmp(w.status, "active") != 0;
	store_res_free(r);
	if (exited)
		return err_set(e, ERR_CONFLICT, "record_exited",
			       "该妇女已退出登记，不能再记录服务");
	woman_tx x = { .who = who, .id = id, .region = code, .kind = kind,
		       .date = date, .result = result ? result : "",
		       .detail = detail ? detail : "",
		       .follow = follow ? follow : "" };
	if ((rc = store_tx(s, service_work, &x, e)))
		return rc;
	return women_get(s, who, id, out, e);
}

int women_stats(store *s, const actor *who, const char *in, json_t **out,
		err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	int rc = can_count(who) ? scope_region(s, who, in, &g, e) : forbidden(e);
	if (rc)
		return rc;
	region_scope_range(g.code, lo, hi);
	store_res *r;
	int64_t reg;
	if ((rc = women_store_stats(s, lo, hi, &r, &reg, e)))
		return rc;
	json_t *items = json_array();
	for (const code_entry *c = services; c->code; c++) {
		int64_t n = 0, w = 0;
		for (int i = 0; i < store_res_rows(r); i++) {
			woman_stat_row st;
			store_res_row(r, i, women_store_stat_cols, &st);
			if (!strcmp(st.kind, c->code)) {
				n = st.services;
				w = st.women;
			}
		}
		json_array_append_new(items,
				      json_pack("{s:s, s:s, s:I, s:I}", "kind",
						c->code, "label", c->label,
						"services", (json_int_t)n,
						"women", (json_int_t)w));
	}
	store_res_free(r);
	*out = json_pack("{s:s, s:s, s:I, s:o}", "region_code", g.code,
			 "region_name", g.name, "registered", (json_int_t)reg,
			 "services", items);
	return 0;
}

int women_xlsx(store *s, const actor *who, const char *in,
	       const exportmark *mark, char **bytes, size_t *len,
	       char filename[128], err *e)
{
	region g;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], today[11], path[512] = "",
		line[700];
	int rc = can_read(who) ? scope_region(s, who, in, &g, e) : forbidden(e);
	if (rc)
		return rc;
	date_of(who->now, today);
	region_scope_range(g.code, lo, hi);
	region_path_text(s, g.code, path, sizeof path, NULL);
	/* A masked sheet has no birth-date column: the age stands for it
	 * (privacy.h). */
	int see = privacy_full(who, PRIVACY_EXPORT);
	static const xlsxout_col cols[] = {
		{ "姓名", 10, XLSXOUT_TEXT },	   { "身份证号", 21, XLSXOUT_TEXT },
		{ "出生日期", 12, XLSXOUT_DATE },  { "年龄", 6, XLSXOUT_NUMBER },
		{ "村（社区）", 20, XLSXOUT_TEXT },
		{ "联系电话", 14, XLSXOUT_TEXT },  { "丈夫务工地", 14, XLSXOUT_TEXT },
		{ "就业状况", 12, XLSXOUT_TEXT },  { "技能特长", 20, XLSXOUT_TEXT },
		{ "状态", 8, XLSXOUT_TEXT },
	};
	xlsxout_col shown[10];
	int ncols = 0;
	for (int c = 0; c < 10; c++)
		if (see || c != 2)
			shown[ncols++] = cols[c];
	int64_t rows = 0;
	xlsxout *x;
	/* The size first: whole identities in many rows need an approved
	 * request (exportmark.h). */
	store_res *probe;
	int64_t registered = 0;
	if ((rc = women_store_list(s, lo, hi, NULL, 0, 1, &probe, &registered,
				   e)))
		return rc;
	store_res_free(probe);
	if ((rc = exportmark_check(s, who, mark, see, registered, e)) ||
	    (rc = exportmark_xlsx_open(who, mark, "农村留守妇女", &x, e)))
		return rc;
	snprintf(line, sizeof line, "区划：%.400s　　统计日期：%s", path, today);
	if ((rc = xlsxout_header_line(x, "农村留守妇女名册", e)) ||
	    (rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, shown, ncols, e)))
		goto fail;
	for (int64_t off = 0;; off += 500) {
		store_res *r;
		int64_t total;
		if ((rc = women_store_list(s, lo, hi, NULL, off, 500, &r, &total, e)))
			goto fail;
		int n = store_res_rows(r);
		for (int i = 0; i < n && rc == 0; i++) {
			json_t *w = woman_json(who, PRIVACY_EXPORT, r, i);
			char age[16];
			snprintf(age, sizeof age, "%lld",
				 (long long)json_integer_value(
					 json_object_get(w, "age")));
			const char *all[] = {
				json_string_value(json_object_get(w, "name")),
				json_string_value(json_object_get(w, "id_number")),
				json_string_value(json_object_get(w, "birth_date")),
				age,
				json_string_value(json_object_get(w, "region_name")),
				json_string_value(json_object_get(w, "phone")),
				json_string_value(json_object_get(w, "husband_work_place")),
				json_string_value(json_object_get(w, "employment_label")),
				json_string_value(json_object_get(w, "skills")),
				strcmp(json_string_value(json_object_get(w, "status")), "active")
					? "已退出" : "在册" };
			const char *cells[10];
			int n_cells = 0;
			for (int c = 0; c < 10; c++)
				if (see || c != 2)
					cells[n_cells++] = all[c];
			rc = xlsxout_row(x, cells, n_cells, e);
			rows++;
			json_decref(w);
		}
		store_res_free(r);
		if (rc)
			goto fail;
		if (n < 500)
			break;
	}
	snprintf(filename, 128, "农村留守妇女_%.40s_%s.xlsx", g.name, today);
	if ((rc = xlsxout_close_mem(x, bytes, len, e)))
		return rc;
	/* SPEC §10: every export is audited, in its region. */
	if ((rc = audit_record_alone(s, who, "woman_export", g.code,
				     json_pack("{s:s, s:I}", "region", g.code,
					       "rows", (json_int_t)rows),
				     e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	xlsxout_abandon(x);
	return rc;
}

void women_codes_json(json_t *out)
{
	json_t *sv = code_table_json(services);
	size_t i;
	json_t *entry;
	json_array_foreach(sv, i, entry)
		json_object_set_new(
			entry, "detail",
			json_string(code_label(service_details,
					       code_value(service_details,
							  services[i].code))));
	json_object_set_new(out, "woman_employment",
			    code_table_json(employments));
	json_object_set_new(out, "woman_service", sv);
	json_object_set_new(out, "screening_result", code_table_json(screening));
	json_object_set_new(out, "woman_status", code_table_json(statuses));
}
