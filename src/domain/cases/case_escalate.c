#include "domain/cases/case_escalate.h"

#include "domain/cases/case.h"
#include "domain/cases/case_limits.h"
#include "domain/core/region.h"
#include "store/case_store.h"

/* ---- escalation ---- */

int case_escalate_due(store *s, int64_t now, int *moved, err *e)
{
	store_res *r;
	case_time_limits l;
	*moved = 0;
	case_limits_load(s, &l);
	int rc = case_store_due_reports(s, now, &r, e);
	if (rc)
		return rc;
	actor sys = { .u = NULL, .ip = "", .now = now };
	for (int i = 0; i < store_res_rows(r) && rc == 0; i++) {
		int64_t id = store_res_int(r, i, 0);
		int seen = (int)store_res_int(r, i, 1), did = 0;
		case_row c;
		if ((rc = store_begin(s, e)))
			break;
		if ((rc = case_store_get(s, id, &c, e)) == 0) {
			int64_t due = now + 3600 * (int64_t)(c.urgent ? l.urgent_hours
								      : l.accept_hours);
			if ((rc = case_store_escalate(s, id, seen, due, now, &did,
						      e)) == 0 &&
			    did)
				rc = case__record_new(s, &sys, &c, "escalate",
						json_pack("{s:s, s:s}", "from",
							  region_level_label(c.level),
							  "to",
							  region_level_label(c.level - 1)),
						e);
			case_row_clear(&c);
		}
		if (rc || (rc = store_commit(s, e)))
			store_rollback(s);
		else
			*moved += did;
	}
	store_res_free(r);
	return rc;
}
