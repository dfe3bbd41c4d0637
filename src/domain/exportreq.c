#include "domain/exportreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/audit.h"
#include "domain/childrec.h"
#include "domain/childxlsx.h"
#include "domain/exportmark.h"
#include "domain/idcard.h"
#include "domain/perm.h"
#include "domain/privacy.h"
#include "domain/region.h"
#include "domain/report.h"
#include "domain/staff.h"
#include "domain/women.h"
#include "store/export_store.h"
#include "store/platform_store.h"
#include "util/jsonx.h"
#include "util/text.h"

/* The exports that can carry whole identities in many rows, and the
 * query parameters each takes. */
static const struct {
	const char *kind, *label;
	const char *const *filters;
} kinds[] = {
	{ "children", "儿童档案",
	  (const char *const[]){ "region", "category", "flag", "q", "status",
				 "age_min", "age_max", "not_visited_days",
				 "sort", "order", NULL } },
	{ "women", "农村留守妇女名册", (const char *const[]){ "region", NULL } },
	{ "workforce", "工作队伍花名册", (const char *const[]){ "region", NULL } },
};
enum { NKINDS = sizeof kinds / sizeof *kinds };

static int kind_of(const char *k)
{
	for (int i = 0; k && i < NKINDS; i++)
		if (strcmp(kinds[i].kind, k) == 0)
			return i;
	return -1;
}

static const struct {
	const char *state, *label;
} states[] = {
	{ "pending", "待审批" },     { "approved", "已批准，待下载" },
	{ "rejected", "已驳回" },    { "downloaded", "已下载" },
	{ "expired", "已过期" },
};

static const char *state_label(const char *st)
{
	for (size_t i = 0; i < sizeof states / sizeof *states; i++)
		if (strcmp(states[i].state, st) == 0)
			return states[i].label;
	return st;
}

/* The role that decides a request of role `r`: one level up.  ROLE_NONE
 * for the roles that never need an approval. */
static role approver_of(role r)
{
	switch (r) {
	case ROLE_DIRECTOR:
		return ROLE_SUPERVISOR;
	case ROLE_SUPERVISOR:
		return ROLE_COUNTY;
	case ROLE_COUNTY:
		return ROLE_CITY;
	default:
		return ROLE_NONE;
	}
}

static int audit(store *s, const actor *who, const char *action, int64_t id,
		 const char *code, json_t *detail, err *e)
{
	char target[32];
	snprintf(target, sizeof target, "export:%lld", (long long)id);
	char *d = json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(detail);
	audit_entry a = { .at = who->now, .actor = actor_name(who),
			  .action = action, .target = target,
			  .region_code = code, .ip = who->ip, .detail = d };
	int rc = audit_append(s, &a, e);
	free(d);
	return rc;
}

/* ---- what a request looks like, to whom ---- */

enum {
	C_ID, C_KIND, C_FILTERS, C_PURPOSE, C_REGION, C_SCOPE, C_ROWS,
	C_REQUESTER_ID, C_REQUESTER, C_ROLE, C_STATE, C_REQUESTED_AT,
	C_DECIDED_BY, C_DECIDED_AT, C_REASON, C_EXPIRES_AT, C_DOWNLOADED_AT,
	C_REGION_NAME,
};

static const char *col(const store_res *r, int i, int c)
{
	const char *v = store_res_text(r, i, c);
	return v ? v : "";
}

/* The state as it stands now: an approval not used in time expired. */
static const char *state_now(const actor *who, const store_res *r, int i)
{
	const char *st = col(r, i, C_STATE);
	if (strcmp(st, "approved") == 0 &&
	    store_res_int(r, i, C_EXPIRES_AT) <= who->now)
		return "expired";
	return st;
}

static int is_requester(const actor *who, const store_res *r, int i)
{
	return who->u && who->u->id == store_res_int(r, i, C_REQUESTER_ID);
}

/* A user one level up whose scope holds the requester's. */
static int is_approver(const actor *who, const store_res *r, int i)
{
	role asked = account_role_parse(col(r, i, C_ROLE));
	return who->u && approver_of(asked) != ROLE_NONE &&
	       who->u->role == approver_of(asked) &&
	       region_in_scope(actor_scope(who), col(r, i, C_SCOPE));
}

/* The requester, and the levels above it inside whose scope it asked. */
static int may_see(const actor *who, const store_res *r, int i)
{
	if (!who->u || is_requester(who, r, i))
		return 1;
	role asked = account_role_parse(col(r, i, C_ROLE));
	role me = who->u->role;
	return me > asked && me <= ROLE_PROVINCE &&
	       region_in_scope(actor_scope(who), col(r, i, C_SCOPE));
}

/* A search word the children's list takes for an ID number (childrec.c):
 * 4–18 digits, an X allowed last of 18. */
static int idlike(const char *q)
{
	size_t n = strlen(q);
	if (n < 4 || n > 18)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(q[i] >= '0' && q[i] <= '9') &&
		    !((q[i] == 'X' || q[i] == 'x') && i == 17))
			return 0;
	return 1;
}

static json_t *request_json(const actor *who, const store_res *r, int i)
{
	json_t *filters = json_loads(col(r, i, C_FILTERS), 0, NULL);
	if (!json_is_object(filters)) {
		json_decref(filters);
		filters = json_object();
	}
	/* A number searched for, shown to a role that sees numbers masked,
	 * is masked like any other (privacy.h). */
	const char *q = json_string_value(json_object_get(filters, "q"));
	if (q && idlike(q) && !privacy_full(who, PRIVACY_LIST)) {
		char m[19];
		privacy_mask_id(q, m);
		json_object_set_new(filters, "q", json_string(m));
	}
	const char *st = state_now(who, r, i);
	int k = kind_of(col(r, i, C_KIND));
	role asked = account_role_parse(col(r, i, C_ROLE));
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s,"
		" s:s, s:o}",
		"id", (json_int_t)store_res_int(r, i, C_ID), "kind",
		col(r, i, C_KIND), "kind_label", k >= 0 ? kinds[k].label : "",
		"filters", filters, "purpose", col(r, i, C_PURPOSE),
		"region_code", col(r, i, C_REGION), "region_name",
		col(r, i, C_REGION_NAME), "rows",
		(json_int_t)store_res_int(r, i, C_ROWS), "requester",
		col(r, i, C_REQUESTER), "requester_role", col(r, i, C_ROLE),
		"approver_role", account_role_name(approver_of(asked)), "state",
		st, "state_label", state_label(st), "requested_at",
		jsonx_time(store_res_int(r, i, C_REQUESTED_AT)));
	json_object_set_new(o, "decided_by",
			    store_res_isnull(r, i, C_DECIDED_BY)
				    ? json_null()
				    : json_string(col(r, i, C_DECIDED_BY)));
	json_object_set_new(o, "decided_at",
			    jsonx_time(store_res_int(r, i, C_DECIDED_AT)));
	json_object_set_new(o, "reason", json_string(col(r, i, C_REASON)));
	json_object_set_new(o, "expires_at",
			    jsonx_time(store_res_int(r, i, C_EXPIRES_AT)));
	json_object_set_new(o, "downloaded_at",
			    jsonx_time(store_res_int(r, i, C_DOWNLOADED_AT)));
	json_object_set_new(o, "can_decide",
			    json_boolean(!strcmp(st, "pending") &&
					 is_approver(who, r, i)));
	json_object_set_new(o, "can_download",
			    json_boolean(!strcmp(st, "approved") &&
					 is_requester(who, r, i)));
	return o;
}

/* The request `id` as `who` may see it: *r holds its one row. */
static int load(store *s, const actor *who, int64_t id, store_res **r,
		err *e)
{
	int rc = export_store_get(s, id, r, e);
	if (rc)
		return rc;
	if (store_res_rows(*r) == 0 || !may_see(who, *r, 0)) {
		store_res_free(*r);
		*r = NULL;
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "导出申请不存在或不在您的管辖范围内");
	}
	return 0;
}

/* ---- asking ---- */

/* The export's rows as the requester would get them now, and the region
 * it covers; the same checks of role, scope and filters as the export. */
static int count_rows(store *s, const actor *who, int k, json_t *f,
		      int64_t *rows, region *g, err *e)
{
#define F(key) json_string_value(json_object_get(f, key))
	const char *in = F("region");
	int rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				in ? in : actor_scope(who), g, e);
	if (rc) {
		if (e && rc == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "filters.region");
		return rc;
	}
	json_t *out = NULL;
	if (k == 0) {
		childrec_query q = {
			.region = in, .category = F("category"),
			.flag = F("flag"), .q = F("q"), .status = F("status"),
			.age_min = F("age_min"), .age_max = F("age_max"),
			.not_visited_days = F("not_visited_days"),
			.sort = F("sort"), .order = F("order"), .limit = 1,
		};
		rc = childrec_list(s, who, &q, &out, e);
	} else if (k == 1) {
		rc = women_list(s, who, in, NULL, 0, 1, &out, e);
	} else {
		staff_query q = { .region = in, .status = "active", .limit = 1 };
		rc = staff_list(s, who, &q, &out, e);
	}
#undef F
	if (rc == 0)
		*rows = json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	return rc;
}

int exportreq_create(store *s, const actor *who, json_t *body, json_t **out,
		     err *e)
{
	static const char *const fields[] = { "kind", "filters", "purpose",
					      NULL };
	const char *kind, *purpose;
	int rc;
	if ((rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "kind", 1, 16, &kind, e)) ||
	    (rc = jsonx_str(body, "purpose", 1, EXPORTMARK_PURPOSE_CHARS,
			    &purpose, e)))
		return rc;
	int k = kind_of(kind);
	if (k < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "kind",
				 "导出种类应为 children、women 或 workforce");
	char why[96];
	const char *bad = text_fault(purpose, 2, EXPORTMARK_PURPOSE_CHARS, 0,
				     why, sizeof why);
	if (bad)
		return err_field(e, ERR_INVALID, "invalid_field", "purpose",
				 "导出用途%s", bad);
	json_t *given = json_object_get(body, "filters");
	if (given && !json_is_null(given) && !json_is_object(given))
		return err_field(e, ERR_INVALID, "invalid_field", "filters",
				 "筛选条件应为对象");
	/* Only the export's own parameters, as strings: what is stored is
	 * what the export is made with. */
	json_t *f = json_object();
	const char *key;
	json_t *v;
	json_object_foreach(json_is_object(given) ? given : f, key, v) {
		const char *val;
		char field[80];
		snprintf(field, sizeof field, "filters.%.40s", key);
		int known = 0;
		for (const char *const *a = kinds[k].filters; *a && !known; a++)
			known = strcmp(*a, key) == 0;
		if (!known)
			rc = err_field(e, ERR_INVALID, "unknown_field", field,
				       "不支持的筛选条件: %.40s", key);
		else if ((rc = jsonx_str(given, key, 0, 40, &val, e)) && e)
			snprintf(e->field, sizeof e->field, "filters.%.40s", key);
		if (rc) {
			json_decref(f);
			return rc;
		}
		if (val && *val)
			json_object_set_new(f, key, json_string(val));
	}
	int64_t rows = 0;
	region g;
	if ((rc = count_rows(s, who, k, f, &rows, &g, e))) {
		json_decref(f);
		return rc;
	}
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	if (!privacy_full(who, PRIVACY_EXPORT) || !who->u ||
	    approver_of(who->u->role) == ROLE_NONE) {
		json_decref(f);
		return err_set(e, ERR_CONFLICT, "approval_not_needed",
			       "您导出的数据中身份证号、电话为部分隐藏，无需审批，"
			       "可直接导出");
	}
	if (rows <= p.threshold) {
		json_decref(f);
		return err_set(e, ERR_CONFLICT, "approval_not_needed",
			       "符合条件的记录%lld条，不超过%lld条，无需审批，可直接导出",
			       (long long)rows, (long long)p.threshold);
	}
	char *ftext = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(f);
	export_store_new n = { .kind = kinds[k].kind, .filters = ftext,
			       .purpose = purpose, .region = g.code,
			       .scope = actor_scope(who), .rows = rows,
			       .requester_id = who->u->id,
			       .requester = who->u->username,
			       .requester_role = account_role_name(who->u->role),
			       .at = who->now };
	int64_t id = 0;
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = export_store_insert(s, &n, &id, e)) ||
		    (rc = audit(s, who, "export_request", id, g.code,
				json_pack("{s:s, s:I, s:s}", "kind",
					  kinds[k].kind, "rows",
					  (json_int_t)rows, "purpose", purpose),
				e)) ||
		    (rc = store_commit(s, e)))
			store_rollback(s);
	}
	free(ftext);
	return rc ? rc : exportreq_get(s, who, id, out, e);
}

/* ---- reading ---- */

int exportreq_get(store *s, const actor *who, int64_t id, json_t **out,
		  err *e)
{
	store_res *r;
	int rc = load(s, who, id, &r, e);
	if (rc)
		return rc;
	*out = request_json(who, r, 0);
	store_res_free(r);
	return 0;
}

int exportreq_list(store *s, const actor *who, json_t **out, err *e)
{
	json_t *mine = json_array(), *decide = json_array();
	store_res *r = NULL;
	int rc = 0;
	if (who->u && (rc = export_store_mine(s, who->u->id, &r, e)) == 0) {
		for (int i = 0; i < store_res_rows(r); i++)
			json_array_append_new(mine, request_json(who, r, i));
		store_res_free(r);
		r = NULL;
	}
	/* The requests of the level below, from inside the scope. */
	role below = ROLE_NONE;
	for (role x = ROLE_DIRECTOR; who->u && x <= ROLE_COUNTY; x++)
		if (approver_of(x) == who->u->role)
			below = x;
	if (rc == 0 && below != ROLE_NONE) {
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
		region_scope_range(actor_scope(who), lo, hi);
		if ((rc = export_store_for(s, lo, hi, account_role_name(below),
					   &r, e)) == 0) {
			for (int i = 0; i < store_res_rows(r); i++)
				if (is_approver(who, r, i))
					json_array_append_new(
						decide, request_json(who, r, i));
			store_res_free(r);
		}
	}
	if (rc) {
		json_decref(mine);
		json_decref(decide);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "mine", mine, "to_decide", decide);
	return 0;
}

/* ---- deciding ---- */

int exportreq_decide(store *s, const actor *who, int64_t id, int approve,
		     const char *reason, json_t **out, err *e)
{
	char why[96];
	if (reason && *reason &&
	    text_fault(reason, 2, 100, 0, why, sizeof why))
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "理由%s", why);
	if (!approve && (!reason || !*reason))
		return err_field(e, ERR_INVALID, "missing_field", "reason",
				 "驳回导出申请须填写理由（2至100个字符）");
	store_res *r;
	int rc = load(s, who, id, &r, e);
	if (rc)
		return rc;
	if (!is_approver(who, r, 0)) {
		role asked = account_role_parse(col(r, 0, C_ROLE));
		rc = err_set(e, ERR_FORBIDDEN, "forbidden",
			     "导出申请须由上一级（%s）审批",
			     account_role_label(approver_of(asked)));
	} else if (strcmp(col(r, 0, C_STATE), "pending")) {
		rc = err_set(e, ERR_CONFLICT, "export_decided",
			     "该导出申请已处理（%s）",
			     state_label(state_now(who, r, 0)));
	}
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", col(r, 0, C_REGION));
	store_res_free(r);
	if (rc)
		return rc;
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	int64_t changed = 0;
	if ((rc = store_begin(s, e)))
		return rc;
	if ((rc = export_store_decide(
		     s, id, approve ? "approved" : "rejected", actor_name(who),
		     who->now, reason ? reason : "",
		     approve ? who->now + 3600 * (int64_t)p.valid_hours : 0,
		     &changed, e)) == 0 &&
	    !changed)
		rc = err_set(e, ERR_CONFLICT, "export_decided",
			     "该导出申请已由他人处理");
	if (rc == 0)
		rc = audit(s, who, approve ? "export_approve" : "export_reject",
			   id, code,
			   json_pack("{s:s}", "reason", reason ? reason : ""),
			   e);
	if (rc || (rc = store_commit(s, e))) {
		store_rollback(s);
		return rc;
	}
	return exportreq_get(s, who, id, out, e);
}

/* ---- downloading ---- */

int exportreq_file(store *s, const actor *who, int64_t id, char **bytes,
		   size_t *len, const char **type, char filename[128], err *e)
{
	store_res *r;
	int rc = load(s, who, id, &r, e);
	if (rc)
		return rc;
	const char *st = state_now(who, r, 0);
	if (!is_requester(who, r, 0))
		rc = err_set(e, ERR_FORBIDDEN, "forbidden",
			     "只有申请人本人可以下载批准的导出文件");
	else if (!strcmp(st, "pending"))
		rc = err_set(e, ERR_CONFLICT, "export_pending",
			     "该导出申请尚未审批");
	else if (!strcmp(st, "rejected"))
		rc = err_set(e, ERR_CONFLICT, "export_rejected",
			     "该导出申请已被驳回：%.300s", col(r, 0, C_REASON));
	else if (!strcmp(st, "downloaded"))
		rc = err_set(e, ERR_CONFLICT, "export_downloaded",
			     "该导出文件已下载过，每次批准只能下载一次");
	else if (!strcmp(st, "expired"))
		rc = err_set(e, ERR_CONFLICT, "export_expired",
			     "批准的下载期限已过，请重新申请");
	if (rc) {
		store_res_free(r);
		return rc;
	}
	/* The file is made now, for the requester's scope, marked with the
	 * request and its approver. */
	exportmark m;
	exportmark_init(&m, NULL, NULL);
	snprintf(m.purpose, sizeof m.purpose, "%s", col(r, 0, C_PURPOSE));
	m.request = id;
	snprintf(m.approver, sizeof m.approver, "%s", col(r, 0, C_DECIDED_BY));
	int k = kind_of(col(r, 0, C_KIND));
	json_t *f = json_loads(col(r, 0, C_FILTERS), 0, NULL);
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", col(r, 0, C_REGION));
	store_res_free(r);
#define F(key) json_string_value(json_object_get(f, key))
	*type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	if (k == 0) {
		childrec_query q = {
			.region = F("region"), .category = F("category"),
			.flag = F("flag"), .q = F("q"), .status = F("status"),
			.age_min = F("age_min"), .age_max = F("age_max"),
			.not_visited_days = F("not_visited_days"),
			.sort = F("sort"), .order = F("order"),
		};
		rc = childxlsx_export(s, who, &q, &m, bytes, len, filename, e);
	} else if (k == 1) {
		rc = women_xlsx(s, who, F("region"), &m, bytes, len, filename,
				e);
	} else if (k == 2) {
		rc = report_xlsx(s, who, "workforce", F("region"), NULL, &m,
				 bytes, len, filename, e);
	} else {
		rc = err_set(e, ERR_INTERNAL, "internal", "导出种类无效");
	}
#undef F
	json_decref(f);
	if (rc)
		return rc;
	/* Once: the first download to record itself wins. */
	int64_t changed = 0;
	if ((rc = store_begin(s, e)) == 0) {
		if ((rc = export_store_downloaded(s, id, who->now, &changed,
						  e)) == 0 &&
		    !changed)
			rc = err_set(e, ERR_CONFLICT, "export_downloaded",
				     "该导出文件已下载过，每次批准只能下载一次");
		if (rc == 0)
			rc = audit(s, who, "export_download", id, code,
				   json_object(), e);
		if (rc || (rc = store_commit(s, e)))
			store_rollback(s);
	}
	if (rc) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
}

/* ---- the setting ---- */

int exportreq_settings(store *s, json_t **out, err *e)
{
	(void)e;
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	*out = json_pack("{s:I, s:i}", "threshold", (json_int_t)p.threshold,
			 "valid_hours", p.valid_hours);
	return 0;
}

int exportreq_settings_set(store *s, const actor *who, json_t *body,
			   json_t **out, err *e)
{
	static const char *const fields[] = { "threshold", "valid_hours",
					      NULL };
	int rc;
	if ((rc = perm_need(who, PERM_EXPORT_POLICY_WRITE, e)) ||
	    (rc = jsonx_only(body, fields, e)))
		return rc;
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	json_t *t = json_object_get(body, "threshold");
	json_t *h = json_object_get(body, "valid_hours");
	if (t && (!json_is_integer(t) || json_integer_value(t) < 0 ||
		  json_integer_value(t) > 1000000))
		return err_field(e, ERR_INVALID, "invalid_field", "threshold",
				 "需审批的行数应为0至1000000的整数");
	if (h && (!json_is_integer(h) || json_integer_value(h) < 1 ||
		  json_integer_value(h) > 720))
		return err_field(e, ERR_INVALID, "invalid_field",
				 "valid_hours",
				 "批准后可下载的时限应为1至720小时的整数");
	if (t)
		p.threshold = json_integer_value(t);
	if (h)
		p.valid_hours = (int)json_integer_value(h);
	char text[80];
	snprintf(text, sizeof text, "{\"threshold\":%lld,\"valid_hours\":%d}",
		 (long long)p.threshold, p.valid_hours);
	if ((rc = store_begin(s, e)) == 0) {
		audit_entry a = { .at = who->now, .actor = actor_name(who),
				  .action = "export_settings_set",
				  .target = "settings:export_approval",
				  .region_code = actor_scope(who),
				  .ip = who->ip, .detail = text };
		if ((rc = platform_store_set_setting(s, "export_approval", text,
						     e)) ||
		    (rc = audit_append(s, &a, e)) || (rc = store_commit(s, e)))
			store_rollback(s);
	}
	return rc ? rc : exportreq_settings(s, out, e);
}

void exportreq_codes_json(json_t *out)
{
	json_t *k = json_array(), *st = json_array();
	for (int i = 0; i < NKINDS; i++)
		json_array_append_new(k, json_pack("{s:s, s:s}", "code",
						   kinds[i].kind, "label",
						   kinds[i].label));
	for (size_t i = 0; i < sizeof states / sizeof *states; i++)
		json_array_append_new(st, json_pack("{s:s, s:s}", "code",
						    states[i].state, "label",
						    states[i].label));
	json_object_set_new(out, "export_kind", k);
	json_object_set_new(out, "export_state", st);
}
