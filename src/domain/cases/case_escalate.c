#include "domain/cases/case_escalate.h"

#include "domain/cases/case.h"
#include "domain/cases/case_limits.h"
#include "domain/core/region.h"
#include "store/case_store.h"
#include "util/jsonx.h"

/* One report moved up, if it is still where it was when listed: the
 * compare-and-set on its escalation count `seen` makes a second server,
 * or a restart, find nothing to do.  The next level's deadline runs from
 * the deadline missed, not from when the scheduler came round: a report
 * late for days (a server that was down) climbs every level it would
 * have climbed on time, and the answer does not depend on when servers
 * ran. */
typedef struct escalate_tx {
	const actor *sys;
	const case_time_limits *l;
	int64_t id;
	int seen;
	int did;
	int64_t new_due;
	int level;	/* after the move */
} escalate_tx;

static int escalate_work(store *s, void *arg, err *e)
{
	escalate_tx *x = arg;
	int64_t now = x->sys->now;
	case_row c;
	int rc = case_store_get(s, x->id, &c, e);
	if (rc)
		return rc;
	int hours = c.urgent ? x->l->urgent_hours : x->l->accept_hours;
	x->new_due = c.due_at + 3600 * (int64_t)hours;
	x->level = c.level - 1;
	if ((rc = case_store_escalate(s, x->id, x->seen, x->new_due, now,
				      &x->did, e)) == 0 &&
	    x->did)
		rc = case__record(
			s, x->sys, &c, "escalate",
			json_pack("{s:s, s:s, s:o, s:s, s:i}", "from",
				  region_level_label(c.level), "to",
				  region_level_label(c.level - 1), "missed",
				  jsonx_time(c.due_at), "rule",
				  c.urgent ? "urgent_hours" : "accept_hours",
				  "hours", hours),
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
		/* Level by level, one transaction each, while the deadline
		 * of the level reached has passed too. */
		for (int seen = d.escalations; rc == 0; seen++) {
			escalate_tx x = { &sys, &l, d.id, seen, 0, 0, 0 };
			if ((rc = store_tx(s, escalate_work, &x, e)) || !x.did)
				break;
			*moved += 1;
			if (x.new_due >= now || x.level <= 1)
				break;
		}
	}
	store_res_free(r);
	return rc;
}
