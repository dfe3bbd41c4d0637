#include "domain/children/childrec_exit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "store/child_store.h"
#include "util/date.h"
#include "util/text.h"

/* ---- confirmation and exits ---- */

static json_t *bits_json(unsigned bits, int count,
			 const char *(*code)(unsigned))
{
	json_t *a = json_array();
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(code(1u << i)));
	return a;
}

/* A new version of the record: its row, its history entry (`step`, with
 * `changes`) and the audit entry `action` saying `detail`. */
typedef struct version_tx {
	const actor *who;
	child_row *row;
	const char *step;
	json_t *changes;
	const char *action;
	json_t *detail;
} version_tx;

static int version_work(store *s, void *arg, err *e)
{
	version_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = child_store_update(s, x->row, e)) ||
	    (rc = childrec__write_history(s, x->who, x->row, x->step,
					  x->changes, x->row->data, e)))
		return rc;
	return audit_record(s, x->who, x->action,
			    audit_target(t, "child", x->row->id),
			    x->row->region, json_incref(x->detail), e);
}

int childrec_confirm(store *s, const actor *who, int64_t id, json_t **out,
		     err *e)
{
	char today[11];
	child_row row;
	child c;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_CONFIRM, e)) ||
	    (rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	classify_result cr;
	classify_child(&c, today, &cr);
	json_t *before = bits_json(row.confirmed >= 0 ? (unsigned)row.confirmed
						      : 0,
				   CAT_COUNT, classify_category_code);
	json_t *after = bits_json(cr.categories, CAT_COUNT,
				  classify_category_code);
	json_t *changes = json_pack("[{s:s, s:o, s:o}]", "field",
				    "confirmed_categories", "before", before,
				    "after", after);
	row.confirmed = cr.categories;
	snprintf(row.confirmed_by, sizeof row.confirmed_by, "%s",
		 actor_name(who));
	row.confirmed_at = who->now;
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	version_tx x = { who, &row, "confirm", changes, "child_confirm",
			 json_pack("{s:O}", "categories",
				   json_array_get(changes, 0)) };
	rc = store_tx(s, version_work, &x, e);
	json_decref(x.detail);
	json_decref(changes);
	if (rc == 0)
		*out = childrec__render(s, who, &row, &c, today);
	child_row_clear(&row);
	return rc;
}

int childrec_exit(store *s, const actor *who, int64_t id, const char *reason,
		  const char *date, const char *note, json_t **out, err *e)
{
	char today[11];
	child_row row;
	child c;
	date_of(who->now, today);
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	if (code_value(child_exit_reason_codes, reason) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "reason",
				 "退出原因应为 aged_out、parents_returned、"
				 "moved_away、died 或 other");
	if (!child_date_valid(date) || strcmp(date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "date",
				 "退出日期应为不晚于今天的有效日期");
	if (note && !text_valid_text(note, 0, 150))
		return err_field(e, ERR_INVALID, "invalid_field", "note",
				 "说明过长或含有非法字符");
	if (strcmp(reason, "other") == 0 && (!note || !text_valid_text(note, 2, 150)))
		return err_field(e, ERR_INVALID, "missing_field", "note",
				 "退出原因为“其他”时须填写说明");
	if ((rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	if (strcmp(row.status, "active") != 0) {
		child_row_clear(&row);
		return err_set(e, ERR_CONFLICT, "record_exited",
			       "该档案已退出");
	}
	int64_t pending;
	if ((rc = child_store_transfer_pending(s, id, &pending, e)) ||
	    (pending &&
	     (rc = err_set(e, ERR_CONFLICT, "transfer_pending",
			   "该儿童有待接收的迁移，请先处理迁移")))) {
		child_row_clear(&row);
		return rc;
	}
	if (strcmp(date, row.birth_date) < 0) {
		child_row_clear(&row);
		return err_field(e, ERR_INVALID, "invalid_field", "date",
				 "退出日期不能早于出生日期");
	}
	if (strcmp(reason, "aged_out") == 0 && !childrec_exit_due(&c, today)) {
		child_row_clear(&row);
		return err_field(e, ERR_CONFLICT, "not_aged_out", "reason",
				 "该儿童未满18周岁，且未满16周岁或仍符合"
				 "留守儿童以外的类别，不能以“年龄超出”退出");
	}
	snprintf(row.status, sizeof row.status, "exited");
	snprintf(row.exit_reason, sizeof row.exit_reason, "%s", reason);
	snprintf(row.exit_date, sizeof row.exit_date, "%s", date);
	snprintf(row.exit_note, sizeof row.exit_note, "%s", note ? note : "");
	row.updated_at = who->now;
	snprintf(row.updated_by, sizeof row.updated_by, "%s", actor_name(who));
	json_t *changes = json_pack(
		"[{s:s, s:s, s:s}, {s:s, s:n, s:s}]", "field", "status",
		"before", "active", "after", "exited", "field", "exit_reason",
		"before", "after", code_label(child_exit_reason_codes,
					      code_value(child_exit_reason_codes,
							 reason)));
	version_tx x = { who, &row, "exit", changes, "child_exit",
			 json_pack("{s:s, s:s}", "reason", reason, "date",
				   date) };
	rc = store_tx(s, version_work, &x, e);
	json_decref(x.detail);
	json_decref(changes);
	if (rc == 0)
		*out = childrec__render(s, who, &row, &c, today);
	child_row_clear(&row);
	return rc;
}

const char *childrec_exit_due(const child *c, const char *today)
{
	classify_result cr;
	int age = classify_age(c->birth_date, today);
	if (age >= 18)
		return "已满18周岁";
	classify_child(c, today, &cr);
	if (age >= 16 && cr.categories == 0)
		return "已满16周岁，不再符合任何类别";
	return NULL;
}

int childrec_exit_proposals(store *s, const actor *who, int64_t offset,
			    int limit, json_t **out, err *e)
{
	char today[11], d16[11], d18[11];
	child_filter f;
	int rc;
	memset(&f, 0, sizeof f);
	date_of(who->now, today);
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)))
		return rc;
	/* The rule of childrec_exit_due, in SQL so that the page and the
	 * total count every due child: 16 or older, and 18 or older or no
	 * category but left_behind (the one that lapses at 16) in cat_base,
	 * which holds the categories before age. */
	date_years_before(today, 16, d16);
	date_years_before(today, 18, d18);
	region_scope_range(actor_scope(who), f.lo, f.hi);
	f.status = "active";
	f.birth_max = d16;
	f.due_adult = d18;
	f.due_keep = ((1u << CAT_COUNT) - 1) & ~(unsigned)CAT_LEFT_BEHIND;
	f.sort = CHILD_SORT_BIRTH;
	f.offset = offset;
	f.limit = limit;
	child_row *rows;
	int n;
	int64_t total;
	if ((rc = child_store_list(s, &f, &rows, &n, &total, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		child c;
		err ignore;
		if (childrec__row_child(&rows[i], &c, &ignore) == 0) {
			const char *why = childrec_exit_due(&c, today);
			json_array_append_new(
				items,
				json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s}",
					  "id", (json_int_t)rows[i].id, "name",
					  c.name, "birth_date", c.birth_date,
					  "age",
					  classify_age(c.birth_date, today),
					  "region_code", rows[i].region,
					  "region_name", rows[i].region_name,
					  "reason",
					  why ? why : "已满16周岁，不再符合任何类别"));
		}
		child_row_clear(&rows[i]);
	}
	free(rows);
	*out = json_pack("{s:o, s:I}", "items", items, "total",
			 (json_int_t)total);
	return 0;
}
