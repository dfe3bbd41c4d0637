#include "domain/children/childrec_offline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/childrec.h"
#include "domain/children/childrec_list.h"
#include "domain/core/account.h"
#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "domain/core/region.h"
#include "store/child_store.h"
#include "store/staff_store.h"
#include "util/date.h"
#include "util/jsonw.h"

/* The name a visit form starts with: the director in post in the
 * caller's village, the account's display name when there is none (or
 * it is someone else's post). */
static void visitor_name(store *s, const actor *who, char *out, size_t n)
{
	snprintf(out, n, "%s", who->u->display_name);
	staff_filter f;
	memset(&f, 0, sizeof f);
	region_scope_range(who->u->region, f.lo, f.hi);
	f.post = "director";
	f.status = "active";
	f.limit = 2;
	staff_row *rows = NULL;
	int nrows = 0;
	int64_t total = 0;
	err ignored;
	if (staff_store_list(s, &f, &rows, &nrows, &total, &ignored) != 0)
		return;
	if (nrows == 1 && (rows[0].user_id == who->u->id || !rows[0].user_id))
		snprintf(out, n, "%s", rows[0].name);
	free(rows);
}

typedef struct offline_copy {
	const actor *who;
	const char *today;
	jsonw w;	/* the answer */
	int count;	/* records in it */
} offline_copy;

/* The records and their visits, in one read-only snapshot so that they
 * agree. */
static int copy_work(store *s, void *arg, err *e)
{
	offline_copy *x = arg;
	const actor *who = x->who;
	childrec_query q = { .status = "active", .sort = "id",
			     .limit = CHILDREC_OFFLINE_MAX + 1 };
	child_row *rows = NULL;
	int n = 0;
	int64_t total = 0;
	int rc = childrec__list_rows(s, who, &q, x->today, &rows, &n, &total,
				     e);
	if (rc)
		return rc;
	if (total > CHILDREC_OFFLINE_MAX) {
		for (int i = 0; i < n; i++)
			child_row_clear(&rows[i]);
		free(rows);
		return err_set(e, ERR_TOOBIG, "too_many_records",
			       "管辖范围内的档案超过%d份，不能全部存到本机",
			       CHILDREC_OFFLINE_MAX);
	}
	char visitor[128];
	visitor_name(s, who, visitor, sizeof visitor);
	jsonw *w = &x->w, v = JSONW_INIT;
	jsonw_object(w, NULL);
	jsonw_str(w, "as_of", x->today);
	jsonw_str(w, "region_code", who->u->region);
	jsonw_str(w, "visitor", visitor);
	jsonw_array(w, "items");
	jsonw_array(&v, NULL);
	for (int i = 0; i < n; i++) {
		child_row row;
		child c;
		store_res *r = NULL;
		if (rc == 0 &&
		    (rc = childrec__load(s, who, rows[i].id, &row, &c, e)) == 0) {
			size_t tl;
			char *t = childrec__render_text(s, who, &row, &c,
							x->today, &tl);
			jsonw_raw(w, NULL, t, tl);
			free(t);
			child_row_clear(&row);
		}
		if (rc == 0 &&
		    (rc = child_store_visits(s, rows[i].id, &r, e)) == 0) {
			for (int j = 0; j < store_res_rows(r) &&
					j < CHILDREC_OFFLINE_VISITS; j++) {
				child_visit_row vr;
				store_res_row(r, j, child_store_visit_cols, &vr);
				jsonw_object(&v, NULL);
				jsonw_int(&v, "child_id", rows[i].id);
				jsonw_str(&v, "visit_date", vr.visit_date);
				jsonw_str(&v, "visitor", vr.visitor);
				jsonw_str(&v, "met", vr.met);
				jsonw_str(&v, "risk_level", vr.risk_level);
				jsonw_end(&v);
			}
			store_res_free(r);
		}
		child_row_clear(&rows[i]);
	}
	free(rows);
	jsonw_end(w);
	jsonw_end(&v);
	size_t vl;
	char *vt = jsonw_steal(&v, &vl);
	jsonw_raw(w, "visits", vt, vl);
	free(vt);
	jsonw_end(w);
	x->count = n;
	return rc;
}

static int audit_copy(store *s, void *arg, err *e)
{
	const offline_copy *x = arg;
	/* SPEC §10: the copy is a read of every record in it, audited once
	 * for all, with their number; its target is the village copied. */
	return audit_record(s, x->who, "child_offline_sync", x->who->u->region,
			    x->who->u->region,
			    json_pack("{s:i}", "count", x->count), e);
}

int childrec_offline_text(store *s, const actor *who, char **text,
			  size_t *len, err *e)
{
	char today[11];
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_OFFLINE, e)))
		return rc;
	if (!who->u)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "命令行没有设备副本");
	date_of(who->now, today);
	offline_copy x = { .who = who, .today = today, .w = JSONW_INIT };
	if ((rc = store_tx_read(s, copy_work, &x, e)) ||
	    (rc = store_tx(s, audit_copy, &x, e))) {
		jsonw_free(&x.w);
		return rc;
	}
	*text = jsonw_steal(&x.w, len);
	return 0;
}
