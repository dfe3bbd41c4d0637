/* /api/v1/audit: the audit log, inside the caller's scope. */
#include <string.h>

#include "api/api.h"
#include "domain/core/audit_list.h"

static int audit_list(req *r, err *e)
{
	int64_t offset, total;
	int limit, rc;
	store_res *res;
	const char *action = req_query(r, "action");
	if (action && (strlen(action) > 32 || !*action))
		return err_field(e, ERR_INVALID, "invalid_query", "action",
				 "操作类型无效");
	if ((rc = req_page(r, &offset, &limit, e)) ||
	    (rc = audit_list_scope(r->db, r->se->u.region,
				   perm_role_may(r->se->u.role,
						 PERM_AUDIT_READ_ALL),
				   action, offset,
				   limit, &res, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(res); i++) {
		audit_entry a;
		store_res_row(res, i, audit_store_entry_cols, &a);
		json_t *detail = json_loads(a.detail, 0, NULL);
		json_array_append_new(
			items,
			json_pack("{s:I, s:o, s:s, s:s, s:s, s:s, s:s, s:o}",
				  "seq", (json_int_t)a.seq, "at",
				  api_time_json(a.at), "actor", a.actor,
				  "action", a.action, "target", a.target,
				  "region_code", a.region_code, "ip", a.ip,
				  "detail", detail ? detail : json_object()));
	}
	store_res_free(res);
	return req_reply(r, 200,
			 json_pack("{s:o, s:I}", "items", items, "total",
				   (json_int_t)total));
}

const route api_audit_routes[] = {
	{ "GET", "/api/v1/audit", audit_list, 0, PERM_AUDIT_READ },
	{ 0 },
};
