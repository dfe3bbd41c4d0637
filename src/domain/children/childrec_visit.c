#include "domain/children/childrec_visit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "store/child_store.h"
#include "util/date.h"
#include "util/jsonx.h"
#include "util/text.h"

/* ---- visits ---- */

typedef struct visit_tx {
	const actor *who;
	const child_row *row;
	const char *date, *visitor, *met, *findings, *risk, *follow;
	int64_t id;	/* the new visit's */
} visit_tx;

/* The visit and its audit entry, which names the date and the risk and
 * nothing of what was found. */
static int visit_work(store *s, void *arg, err *e)
{
	visit_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = child_store_visit_add(s, x->row->id, x->row->region, x->date,
				       x->visitor, x->met, x->findings,
				       x->risk, x->follow, actor_name(x->who),
				       x->who->now, &x->id, e);
	return rc ? rc
		  : audit_record(s, x->who, "visit_create",
				 audit_target(t, "child", x->row->id),
				 x->row->region,
				 json_pack("{s:s, s:s}", "visit_date", x->date,
					   "risk_level", x->risk),
				 e);
}

int childrec_visit_add(store *s, const actor *who, int64_t id, json_t *body,
		       json_t **out, err *e)
{
	static const char *const fields[] = { "visit_date", "visitor", "met",
					      "findings",   "risk_level",
					      "follow_up",  NULL };
	static const char *const areas[] = { "living", "guardianship",
					     "mental_health", "education",
					     NULL };
	char today[11];
	date_of(who->now, today);
	const char *date, *visitor, *met, *risk, *follow;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_WRITE, e)) ||
	    (rc = jsonx_only(body, fields, e)) ||
	    (rc = jsonx_str(body, "visit_date", 1, 10, &date, e)) ||
	    (rc = jsonx_str(body, "visitor", 1, 20, &visitor, e)) ||
	    (rc = jsonx_str(body, "met", 1, 40, &met, e)) ||
	    (rc = jsonx_str(body, "risk_level", 1, 10, &risk, e)) ||
	    (rc = jsonx_str(body, "follow_up", 0, 200, &follow, e)))
		return rc;
	if (!child_date_valid(date) || strcmp(date, today) > 0)
		return err_field(e, ERR_INVALID, "invalid_field", "visit_date",
				 "走访日期应为不晚于今天的有效日期");
	if (!text_valid_name(visitor, 1, 20))
		return err_field(e, ERR_INVALID, "invalid_field", "visitor",
				 "走访人应为1至20个字符");
	if (!text_valid_name(met, 1, 40))
		return err_field(e, ERR_INVALID, "invalid_field", "met",
				 "见到的人应为1至40个字符");
	if (follow && !text_valid_text(follow, 0, 200))
		return err_field(e, ERR_INVALID, "invalid_field", "follow_up",
				 "跟进措施过长或含有非法字符");
	if (code_value(child_risk_codes, risk) < 0)
		return err_field(e, ERR_INVALID, "invalid_field", "risk_level",
				 "风险等级应为 low、medium 或 high");
	json_t *fd = json_object_get(body, "findings");
	if (!json_is_object(fd))
		return err_field(e, ERR_INVALID, "missing_field", "findings",
				 "请填写走访发现（基本生活、家庭监护、心理健康、学习教育）");
	if ((rc = jsonx_only(fd, areas, e)))
		return rc;
	for (const char *const *a = areas; *a; a++) {
		const char *v;
		char field[40];
		snprintf(field, sizeof field, "findings.%s", *a);
		if ((rc = jsonx_str(fd, *a, 0, 200, &v, e))) {
			if (e)
				snprintf(e->field, sizeof e->field, "%s", field);
			return rc;
		}
		if (v && !text_valid_text(v, 0, 200))
			return err_field(e, ERR_INVALID, "invalid_field", field,
					 "走访发现含有非法字符");
	}
	child_row row;
	child c;
	if ((rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	if (strcmp(row.status, "active") != 0) {
		child_row_clear(&row);
		return err_set(e, ERR_CONFLICT, "record_exited",
			       "该档案已退出");
	}
	if (strcmp(date, row.birth_date) < 0) {
		child_row_clear(&row);
		return err_field(e, ERR_INVALID, "invalid_field", "visit_date",
				 "走访日期不能早于出生日期");
	}
	char *fdt = json_dumps(fd, JSON_COMPACT | JSON_SORT_KEYS);
	visit_tx x = { who, &row, date, visitor, met, fdt, risk,
		       follow ? follow : "", 0 };
	rc = store_tx(s, visit_work, &x, e);
	int64_t vid = x.id;
	free(fdt);
	child_row_clear(&row);
	if (rc == 0)
		*out = json_pack("{s:I, s:I, s:s, s:s, s:s, s:O, s:s, s:s, s:s}",
				 "id", (json_int_t)vid, "child_id",
				 (json_int_t)id, "visit_date", date, "visitor",
				 visitor, "met", met, "findings", fd,
				 "risk_level", risk, "follow_up",
				 follow ? follow : "", "created_by",
				 actor_name(who));
	return rc;
}

int childrec_visits(store *s, const actor *who, int64_t id, json_t **out,
		    err *e)
{
	child_row row;
	child c;
	store_res *r;
	int rc;
	if ((rc = perm_need(who, PERM_CHILD_READ, e)) ||
	    (rc = childrec__load(s, who, id, &row, &c, e)))
		return rc;
	child_row_clear(&row);
	if ((rc = child_store_visits(s, id, &r, e)))
		return rc;
	json_t *items = json_array();
	for (int i = 0; i < store_res_rows(r); i++) {
		child_visit_row v;
		store_res_row(r, i, child_store_visit_cols, &v);
		json_t *fd = json_loads(v.findings, 0, NULL);
		json_array_append_new(
			items,
			json_pack("{s:I, s:s, s:s, s:s, s:o, s:s, s:s, s:s}",
				  "id", (json_int_t)v.id, "visit_date",
				  v.visit_date, "visitor", v.visitor, "met",
				  v.met, "findings", fd ? fd : json_object(),
				  "risk_level", v.risk_level, "follow_up",
				  v.follow_up, "created_by", v.created_by));
	}
	store_res_free(r);
	*out = json_pack("{s:o}", "items", items);
	return 0;
}
