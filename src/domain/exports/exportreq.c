#include "domain/exports/exportreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/children/childrec_list.h"
#include "domain/children/childxlsx_export.h"
#include "domain/core/exportmark.h"
#include "domain/core/idcard.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "domain/core/region.h"
#include "domain/figures/report.h"
#include "domain/workforce/staff.h"
#include "domain/women/women.h"
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

/* A request asked, decided or downloaded, and its audit entry
 * ("export:id", in the region exported). */
typedef struct request_tx {
	const actor *who;
	int64_t id;
	const char *region;
	/* asking */
	const export_store_new *n;
	/* deciding */
	int approve;
	const char *reason;
	int64_t valid_until;
	/* the setting */
	const exportmark_policy *policy;
} request_tx;

static int ask_work(store *s, void *arg, err *e)
{
	request_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = export_store_insert(s, x->n, &x->id, e);
	return rc ? rc
		  : audit_record(s, x->who, "export_request",
				 audit_target(t, "export", x->id), x->region,
				 json_pack("{s:s, s:I, s:s}", "kind",
					   x->n->kind, "rows",
					   (json_int_t)x->n->rows, "purpose",
					   x->n->purpose),
				 e);
}

static int decide_work(store *s, void *arg, err *e)
{
	request_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int64_t changed = 0;
	int rc = export_store_decide(s, x->id,
				     x->approve ? "approved" : "rejected",
				     actor_name(x->who), x->who->now,
				     x->reason, x->valid_until, &changed, e);
	if (rc == 0 && !changed)
		rc = err_set(e, ERR_CONFLICT, "export_decided",
			     "该导出申请已由他人处理");
	return rc ? rc
		  : audit_record(s, x->who,
				 x->approve ? "export_approve"
					    : "export_reject",
				 audit_target(t, "export", x->id), x->region,
				 json_pack("{s:s}", "reason", x->reason), e);
}

/* Once: the first download to record itself wins. */
static int download_work(store *s, void *arg, err *e)
{
	request_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int64_t changed = 0;
	int rc = export_store_downloaded(s, x->id, x->who->now, &changed, e);
	if (rc == 0 && !changed)
		rc = err_set(e, ERR_CONFLICT, "export_downloaded",
			     "该导出文件已下载过，每次批准只能下载一次");
	return rc ? rc
		  : audit_record(s, x->who, "export_download",
				 audit_target(t, "export", x->id), x->region,
				 NULL, e);
}

/* ---- what a request looks like, to whom ---- */

/* A request's row, its text "" where the column is NULL (decided_by
 * apart: `undecided` says). */
static void request_of(const store_res *r, int i, export_row *x)
{
	store_res_row(r, i, export_store_cols, x);
	const char **texts[] = { &x->kind,	    &x->filters,
				 &x->purpose,	    &x->region,
				 &x->scope,	    &x->requester,
				 &x->requester_role, &x->state,
				 &x->decided_by,    &x->reason,
				 &x->region_name };
	for (size_t k = 0; k < sizeof texts / sizeof *texts; k++)
		if (!*texts[k])
			*texts[k] = "";
}

/* The state as it stands now: an approval not used in time expired. */
static const char *state_now(const actor *who, const export_row *x)
{
	const char *st = x->state;
	if (strcmp(st, "approved") == 0 &&
	    x->expires_at <= who->now)
		return "expired";
	return st;
}

static int is_requester(const actor *who, const export_row *x)
{
	return who->u && who->u->id == x->requester_id;
}

/* A user one level up whose scope holds the requester's. */
static int is_approver(const actor *who, const export_row *x)
{
	role asked = account_role_parse(x->requester_role);
	return who->u && approver_of(asked) != ROLE_NONE &&
	       who->u->role == approver_of(asked) &&
	       region_in_scope(actor_scope(who), x->scope);
}

/* The requester, and the levels above it inside whose scope it asked. */
static int may_see(const actor *who, const export_row *x)
{
	if (!who->u || is_requester(who, x))
		return 1;
	role asked = account_role_parse(x->requester_role);
	role me = who->u->role;
	return me > asked && me <= ROLE_PROVINCE &&
	       region_in_scope(actor_scope(who), x->scope);
}

/* A search word the children's list takes for an ID number
 * (childrec_list.c): 4–18 digits, an X allowed last of 18. */
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

static json_t *request_json(const actor *who, const export_row *x)
{
	json_t *filters = json_loads(x->filters, 0, NULL);
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
	const char *st = state_now(who, x);
	int k = kind_of(x->kind);
	role asked = account_role_parse(x->requester_role);
	json_t *o = json_pack(
		"{s:I, s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s,"
		" s:s, s:o}",
		"id", (json_int_t)x->id, "kind",
		x->kind, "kind_label", k >= 0 ? kinds[k].label : "",
		"filters", filters, "purpose", x->purpose,
		"region_code", x->region, "region_name",
		x->region_name, "rows",
		(json_int_t)x->rows, "requester",
		x->requester, "requester_role", x->requester_role,
		"approver_role", account_role_name(approver_of(asked)), "state",
		st, "state_label", state_label(st), "requested_at",
		jsonx_time(x->requested_at));
	json_object_set_new(o, "decided_by",
			    x->undecided
				    ? json_null()
				    : json_string(x->decided_by));
	json_object_set_new(o, "decided_at",
			    jsonx_time(x->decided_at));
	json_object_set_new(o, "reason", json_string(x->reason));
	json_object_set_new(o, "expires_at",
			    jsonx_time(x->expires_at));
	json_object_set_new(o, "downloaded_at",
			    jsonx_time(x->downloaded_at));
	json_object_set_new(o, "can_decide",
			    json_boolean(!strcmp(st, "pending") &&
					 is_approver(who, x)));
	json_object_set_new(o, "can_download",
			    json_boolean(!strcmp(st, "approved") &&
					 is_requester(who, x)));
	return o;
}

/* The request `id` as `who` may see it: *r holds its one row. */
static int load(store *s, const actor *who, int64_t id, store_res **r,
		err *e)
{
	int rc = export_store_get(s, id, r, e);
	if (rc)
		return rc;
	export_row x;
	request_of(*r, 0, &x);
	if (store_res_rows(*r) == 0 || !may_see(who, &x)) {
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
	request_tx x = { .who = who, .region = g.code, .n = &n };
	rc = store_tx(s, ask_work, &x, e);
	free(ftext);
	return rc ? rc : exportreq_get(s, who, x.id, out, e);
}

/* ---- reading ---- */

int exportreq_get(store *s, const actor *who, int64_t id, json_t **out,
		  err *e)
{
	store_res *r;
	int rc = load(s, who, id, &r, e);
	if (rc)
		return rc;
	export_row x;
	request_of(r, 0, &x);
	*out = request_json(who, &x);
	store_res_free(r);
	return 0;
}

int exportreq_list(store *s, const actor *who, json_t **out, err *e)
{
	json_t *mine = json_array(), *decide = json_array();
	store_res *r = NULL;
	int rc = 0;
	if (who->u && (rc = export_store_mine(s, who->u->id, &r, e)) == 0) {
		for (int i = 0; i < store_res_rows(r); i++) {
			export_row x;
			request_of(r, i, &x);
			json_array_append_new(mine, request_json(who, &x));
		}
		store_res_free(r);
		r = NULL;
	}
	/* The requests of the level below, from inside the scope. */
	role below = ROLE_NONE;
	for (role lower = ROLE_DIRECTOR; who->u && lower <= ROLE_COUNTY;
	     lower++)
		if (approver_of(lower) == who->u->role)
			below = lower;
	if (rc == 0 && below != ROLE_NONE) {
		char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
		region_scope_range(actor_scope(who), lo, hi);
		if ((rc = export_store_for(s, lo, hi, account_role_name(below),
					   &r, e)) == 0) {
			for (int i = 0; i < store_res_rows(r); i++) {
				export_row x;
				request_of(r, i, &x);
				if (is_approver(who, &x))
					json_array_append_new(
						decide, request_json(who, &x));
			}
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
	export_row x0;
	request_of(r, 0, &x0);
	if (!is_approver(who, &x0)) {
		role asked = account_role_parse(x0.requester_role);
		rc = err_set(e, ERR_FORBIDDEN, "forbidden",
			     "导出申请须由上一级（%s）审批",
			     account_role_label(approver_of(asked)));
	} else if (strcmp(x0.state, "pending")) {
		rc = err_set(e, ERR_CONFLICT, "export_decided",
			     "该导出申请已处理（%s）",
			     state_label(state_now(who, &x0)));
	}
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", x0.region);
	store_res_free(r);
	if (rc)
		return rc;
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	request_tx x = { .who = who, .id = id, .region = code,
			 .approve = approve, .reason = reason ? reason : "" };
	if (approve)
		x.valid_until = who->now + 3600 * (int64_t)p.valid_hours;
	if ((rc = store_tx(s, decide_work, &x, e)))
		return rc;
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
	export_row x0;
	request_of(r, 0, &x0);
	const char *st = state_now(who, &x0);
	if (!is_requester(who, &x0))
		rc = err_set(e, ERR_FORBIDDEN, "forbidden",
			     "只有申请人本人可以下载批准的导出文件");
	else if (!strcmp(st, "pending"))
		rc = err_set(e, ERR_CONFLICT, "export_pending",
			     "该导出申请尚未审批");
	else if (!strcmp(st, "rejected"))
		rc = err_set(e, ERR_CONFLICT, "export_rejected",
			     "该导出申请已被驳回：%.300s", x0.reason);
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
	snprintf(m.purpose, sizeof m.purpose, "%s", x0.purpose);
	m.request = id;
	snprintf(m.approver, sizeof m.approver, "%s", x0.decided_by);
	int k = kind_of(x0.kind);
	json_t *f = json_loads(x0.filters, 0, NULL);
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", x0.region);
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
	request_tx x = { .who = who, .id = id, .region = code };
	if ((rc = store_tx(s, download_work, &x, e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
}

/* ---- the setting ---- */

/* The setting and its entry say the same. */
static int settings_work(store *s, void *arg, err *e)
{
	request_tx *x = arg;
	char text[80];
	snprintf(text, sizeof text, "{\"threshold\":%lld,\"valid_hours\":%d}",
		 (long long)x->policy->threshold, x->policy->valid_hours);
	int rc = platform_store_set_setting(s, "export_approval", text, e);
	return rc ? rc
		  : audit_record(s, x->who, "export_settings_set",
				 "settings:export_approval",
				 actor_scope(x->who),
				 json_pack("{s:I, s:i}", "threshold",
					   (json_int_t)x->policy->threshold,
					   "valid_hours",
					   x->policy->valid_hours),
				 e);
}

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
	request_tx x = { .who = who, .policy = &p };
	rc = store_tx(s, settings_work, &x, e);
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
