#include "domain/children/childxlsx_export.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/children/classify.h"
#include "domain/core/audit.h"
#include "domain/core/exportmark.h"
#include "domain/core/privacy.h"
#include "io/xlsxout.h"
#include "util/date.h"

/* ---- export ---- */

static const char *codes_text(unsigned bits, int count,
			      const char *(*label)(unsigned), char *out,
			      size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (int i = 0; i < count; i++)
		if (bits & (1u << i))
			used += (size_t)snprintf(out + used,
						 used < n ? n - used : 0,
						 "%s%s", used ? "、" : "",
						 label(1u << i));
	return out;
}

int childxlsx_export(store *s, const actor *who, const childrec_query *q,
		     const exportmark *mark, char **bytes, size_t *len,
		     char filename[128], err *e)
{
	char today[11];
	date_of(who->now, today);
	/* The list call checks role, scope and every filter first. */
	childrec_query page = *q;
	page.kind = PRIVACY_EXPORT;	/* the file's rows, not a list's */
	page.offset = 0;
	page.limit = 200;
	json_t *first;
	int rc = childrec_list(s, who, &page, &first, e);
	if (rc)
		return rc;
	json_int_t total = json_integer_value(json_object_get(first, "total"));
	json_decref(first);
	if (total > CHILDXLSX_EXPORT_MAX)
		return err_set(e, ERR_TOOBIG, "export_too_big",
			       "符合条件的记录有%lld条，超过单次导出上限%d条，请缩小范围",
			       (long long)total, CHILDXLSX_EXPORT_MAX);
	if ((rc = exportmark_check(s, who, mark,
				   privacy_full(who, PRIVACY_EXPORT), total, e)))
		return rc;
	const char *scope = q->region ? q->region
				      : (who->u ? who->u->region : "22");
	region g;
	char path[512] = "";
	if (region_resolve(s, NULL, scope, &g, NULL) == 0)
		region_path_text(s, g.code, path, sizeof path, NULL);
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "儿童档案", &x, e)))
		return rc;
	char line[700];
	static const xlsxout_col out_cols[] = {
		{ "序号", 6, XLSXOUT_NUMBER },	   { "姓名", 10, XLSXOUT_TEXT },
		{ "性别", 6, XLSXOUT_TEXT },	   { "出生日期", 12, XLSXOUT_DATE },
		{ "年龄", 6, XLSXOUT_NUMBER },	   { "身份证号", 21, XLSXOUT_TEXT },
		{ "居住地", 24, XLSXOUT_TEXT },	   { "类别", 30, XLSXOUT_TEXT },
		{ "重点对象", 20, XLSXOUT_TEXT },  { "受委托监护人", 12, XLSXOUT_TEXT },
		{ "联系电话", 14, XLSXOUT_TEXT },  { "最近走访", 12, XLSXOUT_DATE },
		{ "状态", 8, XLSXOUT_TEXT },
	};
	snprintf(line, sizeof line, "区划：%.400s　　统计日期：%s　　导出人：%s", path,
		 today, who->u ? who->u->username : "system");
	if ((rc = xlsxout_header_line(x, "农村留守儿童和困境儿童档案名册", e)) ||
	    (rc = xlsxout_header_line(x, line, e)))
		goto fail;
	{
		/* Every filter the list was made with, so a printed sheet
		 * says what it counts. */
		size_t u = (size_t)snprintf(line, sizeof line, "筛选：");
		const struct {
			const char *label, *value;
		} fl[] = {
			{ "区划", q->region },	 { "类别", q->category },
			{ "重点标记", q->flag }, { "搜索", q->q },
			{ "状态", q->status },	 { "最小年龄", q->age_min },
			{ "最大年龄", q->age_max },
			{ "未走访天数", q->not_visited_days },
		};
		int any = 0;
		for (size_t i = 0; i < sizeof fl / sizeof *fl; i++) {
			if (!fl[i].value || u >= sizeof line)
				continue;
			u += (size_t)snprintf(line + u, sizeof line - u,
					      "%s%s=%.40s", any ? "，" : "",
					      fl[i].label, fl[i].value);
			any = 1;
		}
		if (!any && u < sizeof line)
			snprintf(line + u, sizeof line - u, "全部在册儿童");
	}
	/* A masked sheet leaves the birth-date column out: the list gives
	 * the age instead (privacy.h). */
	enum { NOUT = sizeof out_cols / sizeof *out_cols, BIRTH_COL = 3 };
	int see = privacy_full(who, PRIVACY_EXPORT);
	xlsxout_col shown[NOUT];
	int ncols = 0;
	for (int c = 0; c < NOUT; c++)
		if (see || c != BIRTH_COL)
			shown[ncols++] = out_cols[c];
	if ((rc = xlsxout_header_line(x, line, e)) ||
	    (rc = xlsxout_columns(x, shown, ncols, e)))
		goto fail;
	long seq = 0;
	for (int64_t off = 0; off < total; off += 200) {
		page.offset = off;
		json_t *lst;
		if ((rc = childrec_list(s, who, &page, &lst, e)))
			goto fail;
		size_t i;
		json_t *it;
		json_array_foreach(json_object_get(lst, "items"), i, it) {
			char num[24], age[24], cats[200], flags[200];
			unsigned cb = 0, fb = 0;
			size_t k;
			json_t *v;
			json_array_foreach(json_object_get(it, "categories"), k, v)
				cb |= classify_category_bit(json_string_value(v));
			json_array_foreach(json_object_get(it, "flags"), k, v)
				fb |= classify_flag_bit(json_string_value(v));
			snprintf(num, sizeof num, "%ld", ++seq);
			snprintf(age, sizeof age, "%lld",
				 (long long)json_integer_value(
					 json_object_get(it, "age")));
			const char *sex = json_string_value(json_object_get(it, "sex"));
			const char *all[] = {
				num,
				json_string_value(json_object_get(it, "name")),
				sex && !strcmp(sex, "male") ? "男" : "女",
				json_string_value(json_object_get(it, "birth_date")),
				age,
				json_string_value(json_object_get(it, "id_number")),
				json_string_value(json_object_get(it, "region_name")),
				codes_text(cb, CAT_COUNT, classify_category_label,
					   cats, sizeof cats),
				codes_text(fb, FLAG_COUNT, classify_flag_label,
					   flags, sizeof flags),
				json_string_value(json_object_get(it, "guardian_name")),
				json_string_value(json_object_get(it, "contact_phone")),
				json_string_value(json_object_get(it, "last_visit_date")),
				strcmp(json_string_value(json_object_get(it, "status")),
				       "active") ? "已退出" : "在册",
			};
			_Static_assert(sizeof all / sizeof *all == NOUT,
				       "a cell per column");
			const char *cells[NOUT];
			int n_cells = 0;
			for (int c = 0; c < NOUT; c++)
				if (see || c != BIRTH_COL)
					cells[n_cells++] = all[c];
			if ((rc = xlsxout_row(x, cells, n_cells, e))) {
				json_decref(lst);
				goto fail;
			}
		}
		json_decref(lst);
	}
	if ((rc = xlsxout_close_mem(x, bytes, len, e)))
		return rc;
	snprintf(filename, 128, "儿童档案_%.60s_%s.xlsx", g.name, today);
	if ((rc = audit_record_alone(s, who, "child_export", g.code,
				     json_pack("{s:I, s:s}", "rows",
					       (json_int_t)seq, "region",
					       g.code),
				     e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
fail:
	xlsxout_abandon(x);
	return rc;
}
