/* /api/v1/audit: the audit log, inside the caller's scope. */
#include <string.h>

#include "api/api.h"
#include "domain/core/audit.h"
#include "domain/core/audit_list.h"

static void query_of(req *r, audit_query *q)
{
	*q = (audit_query){
		.action = req_query(r, "action"),
		.actor = req_query(r, "actor"),
		.region = req_query(r, "region"),
		.from = req_query(r, "from"),
		.to = req_query(r, "to"),
	};
}

static int read_all(req *r)
{
	return perm_role_may(r->se->u.role, PERM_AUDIT_READ_ALL);
}

static int audit_list(req *r, err *e)
{
	int64_t offset, total;
	int limit, rc;
	store_res *res;
	audit_query q;
	query_of(r, &q);
	if ((rc = req_page(r, &offset, &limit, e)) ||
	    (rc = audit_list_view(r->db, r->se->u.region, read_all(r), &q,
				  offset, limit, &res, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(res); i++) {
		audit_view_row v;
		char name[200];
		store_res_row(res, i, audit_store_view_cols, &v);
		json_t *detail = json_loads(v.a.detail, 0, NULL);
		const char *label = audit_action_label(v.a.action);
		json_t *o = json_pack(
			"{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "seq",
			(json_int_t)v.a.seq, "at", api_time_json(v.a.at),
			"actor", v.a.actor, "action", v.a.action, "target",
			v.a.target, "region_code", v.a.region_code, "ip",
			v.a.ip, "action_label", label ? label : v.a.action,
			"detail", detail ? detail : json_object());
		json_object_set_new(o, "actor_name",
				    json_string(audit_list_actor(&v, name,
								 sizeof name)));
		json_object_set_new(o, "region_name",
				    json_string(v.region_name ? v.region_name
							      : ""));
		json_array_append_new(items, o);
	}
	store_res_free(res);
	return req_reply(r, 200,
			 json_pack("{s:o, s:I}", "items", items, "total",
				   (json_int_t)total));
}

static int audit_export(req *r, err *e)
{
	actor who = req_actor(r);
	audit_query q;
	exportmark m;
	char *bytes;
	size_t len;
	query_of(r, &q);
	int rc = api_export_mark(r, &m, e);
	if (!rc)
		rc = audit_list_xlsx(r->db, &who, read_all(r), &q, &m, &bytes,
				     &len, e);
	return rc ? rc
		  : req_reply_file(r, bytes, len, XLSX_TYPE, "审计日志.xlsx");
}

static int audit_actions(req *r, err *e)
{
	(void)e;
	return req_reply(r, 200,
			 json_pack("{s:o}", "items", audit_action_codes()));
}

const route api_audit_routes[] = {
	{ "GET", "/api/v1/audit/actions", audit_actions, 0, PERM_AUDIT_READ },
	{ "GET", "/api/v1/audit", audit_list, 0, PERM_AUDIT_READ },
	{ "GET", "/api/v1/audit/export", audit_export, 0, PERM_AUDIT_READ },
	{ 0 },
};
