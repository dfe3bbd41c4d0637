#include "domain/cases/case_escalate.h"

#include "domain/cases/case.h"
#include "domain/cases/case_limits.h"
#include "domain/core/region.h"
#include "store/case_store.h"

/* One report moved up, if it is still where it was when listed: the
 * compare-and-set on its escalation count `seen` makes a second server,
 * or a restart, find nothing to do. */
typedef struct escalate_tx {
	const actor *sys;
	const case_time_limits *l;
	int64_t id;
	int seen;
	int did;
} escalate_tx;

static int escalate_work(store *s, void *arg, err *e)
{
	escalate_tx *x = arg;
	int64_t now = x->sys->now;
	case_row c;
	int rc = case_store_get(s, x->id, &c, e);
	if (rc)
		return rc;
	int64_t due = now + 3600 * (int64_t)(c.urgent ? x->l->urgent_hours
						       : x->l->accept_hours);
	if ((rc = case_store_escalate(s, x->id, x->seen, due, now, &x->did,
				      e)) == 0 &&
	    x->did)
		rc = case__record(s, x->sys, &c, "escalate",
				  json_pack("{s:s, s:s}", "from",
					    region_level_label(c.level), "to",
					    region_level_label(c.level - 1)),
				  e);
	case_row_clear(&c);
	return rc;
}

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
		case_due_row d;
		store_res_row(r, i, case_store_due_cols, &d);
		escalate_tx x = { &sys, &l, d.id, d.escalations, 0 };
		if ((rc = store_tx(s, escalate_work, &x, e)) == 0)
			*moved += x.did;
	}
	store_res_free(r);
	return rc;
}
