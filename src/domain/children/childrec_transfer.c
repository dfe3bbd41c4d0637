#include "domain/children/childrec_transfer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "domain/core/privacy.h"
#include "store/child_store.h"
#include "util/jsonx.h"
#include "util/mem.h"
#include "util/text.h"

/* ---- transfers ---- */

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

static json_t *transfer_json(store *s, const actor *who, const store_res *r,
			     int i)
{
	/* Village names are public: both sides see where a child goes to
	 * and comes from, though neither can browse the other's villages. */
	child_transfer_row x;
	store_res_row(r, i, child_store_transfer_cols, &x);
	char from[512] = "", to[512] = "";
	region_path_text(s, x.from_region, from, sizeof from, NULL);
	region_path_text(s, x.to_region, to, sizeof to, NULL);
	json_t *t = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o,"
			 " s:s, s:s, s:s, s:s}",
			 "id", (json_int_t)x.id, "child_id",
			 (json_int_t)x.child_id, "from_region", x.from_region,
			 "to_region", x.to_region, "state", x.state, "reason",
			 x.reason, "requested_by", x.requested_by,
			 "requested_at", jsonx_time(x.requested_at),
			 "decided_by", str_or_null(x.decided_by), "decided_at",
			 jsonx_time(x.decided_at), "note", x.note,
			 "child_name", x.child_name, "child_birth_date",
			 x.child_birth_date, "child_sex",
			 code_of(child_sex_codes, x.child_sex));
	json_object_set_new(t, "from_region_path", json_string(from));
	json_object_set_new(t, "to_region_path", json_string(to));
	/* The birth date is the hidden part of a masked ID (privacy.h). */
	if (!privacy_full(who, PRIVACY_LIST))
		json_object_set_new(t, "child_birth_date", json_null());
	return t;
}

/* A transfer asked or decided, and its audit entry, which names the
 * villages and nothing of the child. */
typedef struct transfer_tx {
	const actor *who;
	child_row *row;
	const char *to;		/* the receiving village */
	const char *reason;	/* asking: why */
	int64_t tid;		/* the transfer (asked: the new one) */
	int accept;		/* deciding: 1 accepts */
	const char *state;	/* deciding: accepted, rejected or cancelled */
	const char *note;
} transfer_tx;

static int ask_work(store *s, void *arg, err *e)
{
	transfer_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = child_store_transfer_add(s, x->row->id, x->row->region, x->to,
					  x->reason, actor_name(x->who),
					  x->who->now, &x->tid, e);
	return rc ? rc
		  : audit_record(s, x->who, "transfer_create",
				 audit_target(t, "child", x->row->id),
				 x->row->region,
				 json_pack("{s:s, s:s}", "from",
					   x->row->region, "to", x->to),
				 e);
}

/* The record moves with an accepted transfer: a new version in the
 * receiving village, its data's region included. */
static int move_record(store *s, transfer_tx *x, err *e)
{
	child_row *row = x->row;
	json_t *changes = json_pack("[{s:s, s:s, s:s}]", "field",
				    "region_code", "before", row->region,
				    "after", x->to);
	char *old_data = xstrdup(row->data);
	snprintf(row->region, sizeof row->region, "%s", x->to);
	json_t *d = json_loads(row->data, 0, NULL);
	if (d) {
		json_object_set_new(d, "region_code", json_string(x->to));
		free(row->data);
		row->data = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
	}
	row->updated_at = x->who->now;
	snprintf(row->updated_by, sizeof row->updated_by, "%s",
		 actor_name(x->who));
	int rc = child_store_update(s, row, e);
	if (rc == 0)
		rc = childrec__write_history(s, x->who, row, "transfer",
					     changes, old_data, e);
	free(old_data);
	json_decref(changes);
	return rc;
}

static int decide_work(store *s, void *arg, err *e)
{
	transfer_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = child_store_transfer_decide(s, x->tid, x->state,
					     actor_name(x->who), x->who->now,
					     x->note, e);
	if (rc == 0 && x->accept)
		rc = move_record(s, x, e);
	return rc ? rc
		  : audit_record(s, x->who,
				 x->accept ? "transfer_accept"
					   : "transfer_reject",
				 audit_target(t, "child", x->row->id),
				 x->row->region,
				 json_pack("{s:I, s:s}", "transfer",
					   (json_int_t)x->tid, "state",
					   x->state),
				 e);
}

int childrec_transfer(store *s, const actor *who, int64_t id,
		      const char *to_region, const char *reason, json_t **out,
		      err *e)
{
	child_row row;
	child c;
	region to;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (reason && !text_valid_name(reason, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "迁移原因过长或含有非法字符");
	/* The receiving village may lie outside the sender's scope: that is
	 * the point of a transfer.  Only its existence and level are
	 * checked; nothing about it is returned beyond its code. */
	if ((rc = region_resolve(s, NULL, to_region, &to, e))) {
		if (e)
			snprintf(e->field, sizeof e->field, "to_region");
		return rc;
	}
	if (to.level != REGION_VILLAGE)
		return err_field(e, ERR_INVALID, "invalid_field", "to_region",
				 "迁入地应为村（社区）");
	if ((rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	int64_t pending = 0, tid = 0;
	if (strcmp(row.status, "active") != 0)
		rc = err_set(e, ERR_CONFLICT, "record_exited", "该档案已退出");
	else if (strcmp(row.region, to.code) == 0)
		rc = err_field(e, ERR_INVALID, "invalid_field", "to_region",
			       "迁入地与现居住地相同");
	else if ((rc = child_store_transfer_pending(s, id, &pending, e)) == 0 &&
		 pending)
		rc = err_set(e, ERR_CONFLICT, "transfer_pending",
			     "该儿童已有待接收的迁移");
	transfer_tx x = { .who = who, .row = &row, .to = to.code,
			  .reason = reason ? reason : "" };
	if (rc == 0 && (rc = store_tx(s, ask_work, &x, e)) == 0)
		tid = x.tid;
	child_row_clear(&row);
	if (rc)
		return rc;
	store_res *r;
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	*out = transfer_json(s, who, r, 0);
	store_res_free(r);
	return 0;
}

int childrec_transfer_decide(store *s, const actor *who, int64_t tid,
			     int accept, const char *note, json_t **out,
			     err *e)
{
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (note && !text_valid_name(note, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "note",
				 "说明过长或含有非法字符");
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	child_transfer_row tr;
	store_res_row(r, 0, child_store_transfer_cols, &tr);
	if (store_res_rows(r) == 0 ||
	    (who->u && !region_in_scope(actor_scope(who), tr.to_region) &&
	     !region_in_scope(actor_scope(who), tr.from_region))) {
		store_res_free(r);
		return err_set(e, ERR_NOTFOUND, "not_found", "迁移记录不存在");
	}
	char to[REGION_CODE_MAX];
	snprintf(to, sizeof to, "%s", tr.to_region);
	int64_t child_id = tr.child_id;
	int receiving = !who->u || region_in_scope(actor_scope(who), to);
	store_res_free(r);
	/* The receiving side accepts or rejects; the sending side may
	 * only withdraw (reject its own request). */
	if (accept && !receiving)
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "只有迁入地可以接收迁移");
	child_row row;
	memset(&row, 0, sizeof row);
	if ((rc = child_store_get(s, child_id, &row, e)))
		return rc;
	transfer_tx x = { .who = who, .row = &row, .to = to, .tid = tid,
			  .accept = accept, .note = note ? note : "" };
	x.state = accept ? "accepted" : receiving ? "rejected" : "cancelled";
	rc = store_tx(s, decide_work, &x, e);
	child_row_clear(&row);
	if (rc)
		return rc;
	if ((rc = child_store_transfer_get(s, tid, &r, e)))
		return rc;
	*out = transfer_json(s, who, r, 0);
	store_res_free(r);
	return 0;
}

int childrec_transfers(store *s, const actor *who, const char *state,
		       json_t **out, err *e)
{
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)))
		return rc;
	if (state && code_value(child_transfer_state_codes, state) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "state",
				 "状态无效");
	region_scope_range(actor_scope(who), lo, hi);
	if ((rc = child_store_transfers(s, lo, hi, state, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		child_transfer_row x;
		store_res_row(r, i, child_store_transfer_cols, &x);
		json_t *t = transfer_json(s, who, r, i);
		json_object_set_new(
			t, "direction",
			json_string(region_in_scope(actor_scope(who),
						    x.to_region)
					    ? "incoming"
					    : "outgoing"));
		json_array_append_new(items, t);
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
