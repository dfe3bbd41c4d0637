#include "domain/core/audit_list.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/actor.h"
#include "domain/core/audit.h"
#include "domain/core/exportmark.h"
#include "domain/core/region.h"
#include "io/xlsxout.h"
#include "util/date.h"
#include "util/text.h"

int audit_list_scope(store *s, const char *scope, int all, const char *action,
		     int64_t offset, int limit, store_res **out,
		     int64_t *total, err *e)
{
	char lo[REGION_CODE_MAX] = "", hi[REGION_CODE_MAX + 1] = ":";
	if (!all)
		region_scope_range(scope, lo, hi);
	return audit_store_list(s, lo, hi, action, offset, limit, out, total,
				e);
}

int audit_list_view(store *s, const char *scope, int all,
		    const audit_query *q, int64_t offset, int limit,
		    store_res **out, int64_t *total, err *e)
{
	char lo[REGION_CODE_MAX] = "", hi[REGION_CODE_MAX + 1] = ":";
	audit_filter f = { lo, hi, q->action, q->actor, 0, 0 };
	int rc;
	if (q->action && (!*q->action || strlen(q->action) > 32))
		return err_field(e, ERR_INVALID, "invalid_query", "action",
				 "操作类型无效");
	if (q->actor && !text_valid_text(q->actor, 1, 32))
		return err_field(e, ERR_INVALID, "invalid_query", "actor",
				 "操作人应为1至32个字符的用户名");
	if (q->from && (f.from = date_start(q->from)) < 0)
		return err_field(e, ERR_INVALID, "invalid_query", "from",
				 "起始日期应为有效日期（YYYY-MM-DD）");
	if (q->to) {
		int64_t t = date_start(q->to);
		if (t < 0)
			return err_field(e, ERR_INVALID, "invalid_query", "to",
					 "截止日期应为有效日期（YYYY-MM-DD）");
		f.to = t + 86400; /* the whole last day */
	}
	if (f.from && f.to && f.to <= f.from)
		return err_field(e, ERR_INVALID, "invalid_query", "to",
				 "截止日期不能早于起始日期");
	if (!all)
		region_scope_range(scope, lo, hi);
	if (q->region) {
		/* a region outside the scope is answered like an absent one */
		region g;
		if ((rc = region_resolve(s, all ? NULL : scope, q->region, &g,
					 e)))
			return rc;
		region_scope_range(g.code, lo, hi);
	}
	return audit_store_view(s, &f, offset, limit, out, total, e);
}

const char *audit_list_actor(const audit_view_row *r, char *out, size_t n)
{
	if (!strcmp(r->a.actor, "system"))
		snprintf(out, n, "系统定时任务（调度程序）");
	else if (r->actor_name && *r->actor_name)
		snprintf(out, n, "%s（%s）", r->actor_name, r->a.actor);
	else
		snprintf(out, n, "%s", r->a.actor);
	return out;
}

int audit_list_xlsx(store *s, const actor *who, int all,
		    const audit_query *q, const exportmark *m, char **bytes,
		    size_t *len, err *e)
{
	static const xlsxout_col cols[] = {
		{ "序号", 8, XLSXOUT_NUMBER },	  { "时间（北京时间）", 20, XLSXOUT_TEXT },
		{ "操作人", 22, XLSXOUT_TEXT },	  { "操作", 20, XLSXOUT_TEXT },
		{ "对象", 16, XLSXOUT_TEXT },	  { "区划", 24, XLSXOUT_TEXT },
		{ "来源地址", 16, XLSXOUT_TEXT }, { "详情", 60, XLSXOUT_TEXT },
	};
	store_res *r;
	int64_t total;
	xlsxout *x;
	int rc = audit_list_view(s, actor_scope(who), all, q, 0, 1, &r, &total,
				 e);
	if (rc)
		return rc;
	store_res_free(r);
	if (total > AUDIT_EXPORT_MAX)
		return err_set(e, ERR_TOOBIG, "export_too_big",
			       "符合条件的日志超过%d条，请缩小日期或其他条件",
			       AUDIT_EXPORT_MAX);
	char line[600];
	snprintf(line, sizeof line,
		 "日期：%s 至 %s　操作：%s　操作人：%s　区划：%s",
		 q->from ? q->from : "不限", q->to ? q->to : "不限",
		 q->action ? (audit_action_label(q->action)
				      ? audit_action_label(q->action)
				      : q->action)
			   : "全部",
		 q->actor ? q->actor : "全部", q->region ? q->region : "全部");
	if ((rc = exportmark_xlsx_open(who, m, "审计日志", &x, e)))
		return rc;
	if ((rc = xlsxout_header_line(x, "审计日志", e)) ||
	    (rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, cols, 8, e)))
		goto fail;
	/* Pages by seq as first read: entries appended meanwhile (this
	 * export's own among them) come after and shift nothing. */
	for (int64_t off = 0; off < total && rc == 0; off += 500) {
		if ((rc = audit_list_view(s, actor_scope(who), all, q, off, 500,
					  &r, &total, e)))
			goto fail;
		int n = store_res_rows(r);
		for (int i = 0; i < n && rc == 0; i++) {
			audit_view_row v;
			char seq[24], when[24], who_text[200], where[300];
			store_res_row(r, i, audit_store_view_cols, &v);
			snprintf(seq, sizeof seq, "%lld", (long long)v.a.seq);
			date_of(v.a.at, when);
			int64_t sec = (v.a.at + 8 * 3600) % 86400;
			snprintf(when + 10, sizeof when - 10, " %02d:%02d:%02d",
				 (int)(sec / 3600), (int)(sec / 60 % 60),
				 (int)(sec % 60));
			snprintf(where, sizeof where, "%s%s%s%s",
				 v.region_name ? v.region_name : "",
				 *v.a.region_code ? "（" : "", v.a.region_code,
				 *v.a.region_code ? "）" : "");
			const char *label = audit_action_label(v.a.action);
			const char *cells[] = {
				seq, when, audit_list_actor(&v, who_text, sizeof who_text),
				label ? label : v.a.action, v.a.target, where,
				v.a.ip, v.a.detail };
			rc = xlsxout_row(x, cells, 8, e);
		}
		store_res_free(r);
		if (n == 0)
			break;
	}
	if (rc)
		goto fail;
	if ((rc = audit_record_alone(
		     s, who, "audit_export", actor_scope(who),
		     json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:I}", "action",
			       q->action, "actor", q->actor, "region",
			       q->region, "from", q->from, "to", q->to, "rows",
			       (json_int_t)total),
		     e)))
		goto fail;
	return xlsxout_close_mem(x, bytes, len, e);
fail:
	xlsxout_abandon(x);
	return rc;
}
