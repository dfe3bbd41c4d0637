#include "domain/figures/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/classify.h"
#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "domain/cases/case.h"
#include "domain/core/exportmark.h"
#include "domain/platforms/platform.h"
#include "domain/core/privacy.h"
#include "domain/core/region.h"
#include "domain/workforce/campaign.h"
#include "domain/workforce/staff.h"
#include "domain/workforce/training.h"
#include "domain/figures/sheet.h"
#include "domain/figures/stats.h"
#include "io/xlsxout.h"
#include "store/stats_store.h"
#include "util/date.h"

/* --- the standard reports */

/* The children's table is named by the level of the regions it sums:
 * a county's lists its townships. */
static const struct {
	const char *level, *title;
} children_titles[] = {
	{ "province", "分市（州）儿童分类统计表" },
	{ "city", "分县（市、区）儿童分类统计表" },
	{ "county", "分乡镇儿童分类统计表" },
	{ "township", "分村（社区）儿童分类统计表" },
};

static const char *children_title(const char *level)
{
	for (size_t i = 0; i < sizeof children_titles / sizeof *children_titles;
	     i++)
		if (!strcmp(children_titles[i].level, level))
			return children_titles[i].title;
	return "儿童分类统计表";
}

static int children_report(store *s, const actor *who, const char *code_in,
			   const exportmark *mark, xlsxout **xp,
			   char filename[128], char code[REGION_CODE_MAX],
			   err *e)
{
	json_t *d;
	int rc = stats_children(s, who, code_in, &d, e);
	if (rc)
		return rc;
	char path[512] = "";
	region_path_text(s, sheet_str(d, "region_code"), path, sizeof path,
			 NULL);
	const char *title = children_title(sheet_str(d, "level"));
	if (!(rc = exportmark_xlsx_open(who, mark, "儿童分类统计", xp, e)) &&
	    (rc = sheet_children(*xp, d, title, path, e))) {
		xlsxout_abandon(*xp);
		*xp = NULL;
	}
	if (!rc) {
		sheet_file_name(filename, title, sheet_str(d, "region_name"),
				sheet_str(d, "as_of"));
		snprintf(code, REGION_CODE_MAX, "%s",
			 sheet_str(d, "region_code"));
	}
	json_decref(d);
	return rc;
}

static int workforce_report(store *s, const actor *who, const region *g,
			    const char *path, const char *today, xlsxout *x,
			    err *e)
{
	static const xlsxout_col cols[] = {
		{ "岗位", 12, XLSXOUT_TEXT },	   { "所在区划", 40, XLSXOUT_TEXT },
		{ "姓名", 10, XLSXOUT_TEXT },	   { "性别", 6, XLSXOUT_TEXT },
		{ "身份证号", 21, XLSXOUT_TEXT },  { "联系电话", 14, XLSXOUT_TEXT },
		{ "人员来源", 22, XLSXOUT_TEXT },  { "专兼职", 8, XLSXOUT_TEXT },
		{ "任职日期", 12, XLSXOUT_DATE },
	};
	char period[40];
	snprintf(period, sizeof period, "截至 %s 在岗人员", today);
	int rc = sheet_head(x, "儿童督导员、儿童主任花名册", path, period,
			    today, cols, 9, e);
	for (int64_t off = 0; !rc; off += 200) {
		json_t *l;
		staff_query q = { .region = g->code, .status = "active",
				  .offset = off, .limit = 200 };
		if ((rc = staff_list(s, who, &q, &l, e)))
			break;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(l, "items"), i, p)
		{
			if (rc)
				break;
			const char *cells[] = {
				sheet_str(p, "post_label"),
				sheet_str(p, "region_path"),
				sheet_str(p, "name"),
				!strcmp(sheet_str(p, "sex"), "female") ? "女"
								       : "男",
				sheet_str(p, "id_number"),
				sheet_str(p, "phone"),
				sheet_str(p, "source_label"),
				!strcmp(sheet_str(p, "employment"), "full_time")
					? "专职"
					: "兼职",
				sheet_str(p, "appointed_on")
			};
			rc = xlsxout_row(x, cells, 9, e);
		}
		size_t got = json_array_size(json_object_get(l, "items"));
		json_decref(l);
		if (got < 200)
			break;
	}
	return rc;
}

static int training_report(store *s, const actor *who, const region *g,
			   const char *path, const char *today, const char *year,
			   xlsxout *x, err *e)
{
	static const xlsxout_col cols[] = {
		{ "培训日期", 12, XLSXOUT_DATE },  { "培训名称", 30, XLSXOUT_TEXT },
		{ "主办单位", 20, XLSXOUT_TEXT },  { "学时", 6, XLSXOUT_NUMBER },
		{ "培训方式", 10, XLSXOUT_TEXT },  { "初任培训", 8, XLSXOUT_TEXT },
		{ "姓名", 10, XLSXOUT_TEXT },	   { "岗位", 12, XLSXOUT_TEXT },
		{ "区划代码", 14, XLSXOUT_TEXT },  { "考核结果", 10, XLSXOUT_TEXT },
		{ "成绩", 6, XLSXOUT_NUMBER },	   { "是否合格", 8, XLSXOUT_TEXT },
	};
	char period[40];
	snprintf(period, sizeof period, "%s 年度", year);
	json_t *l;
	int rc = sheet_head(x, "培训花名册", path, period, today, cols, 12, e);
	if (rc || (rc = training_list(s, who, g->code, year, &l, e)))
		return rc;
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(l, "items"), i, t)
	{
		json_t *full;
		if (rc ||
		    (rc = training_get(s, who, sheet_int(t, "id"), &full, e)))
			break;
		size_t j;
		json_t *a;
		json_array_foreach(json_object_get(full, "attendance"), j, a)
		{
			if (rc)
				break;
			/* only the attendees inside the report's region */
			if (!region_in_scope(g->code,
					     sheet_str(a, "region_code")))
				continue;
			sheet_cells c = { .n = 0 };
			const char *cells[] = {
				sheet_str(full, "held_on"),
				sheet_str(full, "title"),
				sheet_str(full, "organiser"),
				sheet_jnum(&c, json_object_get(full, "hours")),
				sheet_str(full, "mode_label"),
				json_is_true(json_object_get(full, "initial"))
					? "是"
					: "否",
				sheet_str(a, "name"),
				!strcmp(sheet_str(a, "post"), "supervisor")
					? "儿童督导员"
					: "儿童主任",
				sheet_str(a, "region_code"),
				!strcmp(sheet_str(a, "result"), "assessed")
					? "参加考核"
					: "参加培训",
				sheet_jnum(&c, json_object_get(a, "score")),
				json_is_true(json_object_get(a, "passed"))
					? "合格"
					: "不合格"
			};
			rc = xlsxout_row(x, cells, 12, e);
		}
		json_decref(full);
	}
	json_decref(l);
	return rc;
}

static int platform_report(store *s, const actor *who, const region *g,
			   const char *path, const char *today, xlsxout *x,
			   err *e)
{
	static const xlsxout_col cols[] = {
		{ "名称", 28, XLSXOUT_TEXT },	     { "类型", 16, XLSXOUT_TEXT },
		{ "所在区划", 40, XLSXOUT_TEXT },    { "依托", 18, XLSXOUT_TEXT },
		{ "地址", 30, XLSXOUT_TEXT },	     { "负责人", 10, XLSXOUT_TEXT },
		{ "启用日期", 12, XLSXOUT_DATE },    { "状态", 8, XLSXOUT_TEXT },
		{ "“五有”达标", 10, XLSXOUT_TEXT }, { "未达标项", 40, XLSXOUT_TEXT },
	};
	char period[40];
	snprintf(period, sizeof period, "截至 %s", today);
	int rc = sheet_head(x, "儿童之家（儿童活动中心）名册", path, period,
			    today, cols, 10, e);
	for (int64_t off = 0; !rc; off += 200) {
		json_t *l;
		if ((rc = platform_list(s, who, g->code, NULL, NULL, NULL, off,
					200, &l, e)))
			break;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(l, "items"), i, p)
		{
			if (rc)
				break;
			char failing[400] = "";
			size_t j, used = 0;
			json_t *f;
			json_array_foreach(json_object_get(p, "failing"), j, f)
			{
				int w = snprintf(failing + used, sizeof failing - used,
						 "%s%s", j ? "、" : "",
						 json_string_value(f) ? json_string_value(f) : "");
				if (w < 0 || (size_t)w >= sizeof failing - used)
					break;
				used += (size_t)w;
			}
			int active = !strcmp(sheet_str(p, "status"), "active");
			const char *cells[] = { sheet_str(p, "name"),
						sheet_str(p, "kind_label"),
						sheet_str(p, "region_path"),
						sheet_str(p, "host_label"),
						sheet_str(p, "address"),
						sheet_str(p, "manager_name"),
						sheet_str(p, "opened_on"),
						active ? "运行" : "已关闭",
						!active ? ""
						: json_is_true(json_object_get(
							  p, "compliant"))
							? "达标"
							: "未达标",
						active ? failing : "" };
			rc = xlsxout_row(x, cells, 10, e);
		}
		size_t got = json_array_size(json_object_get(l, "items"));
		json_decref(l);
		if (got < 200)
			break;
	}
	return rc;
}

static int cases_report(store *s, const actor *who, const region *g,
		       const char *path, const char *today, xlsxout *x, err *e)
{
	static const xlsxout_col cols[] = {
		{ "区划代码", 14, XLSXOUT_TEXT }, { "区划名称", 20, XLSXOUT_TEXT },
		{ "报告总数", 10, XLSXOUT_NUMBER }, { "在办", 8, XLSXOUT_NUMBER },
		{ "其中逾期", 10, XLSXOUT_NUMBER }, { "已办结", 8, XLSXOUT_NUMBER },
		{ "紧急报告", 10, XLSXOUT_NUMBER },
	};
	/* Counts per region like the dashboard's (report_xlsx checked
	 * stats.read); no case is named. */
	int rc;
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1], period[40];
	region_scope_range(g->code, lo, hi);
	snprintf(period, sizeof period, "截至 %s", today);
	int child_level = g->level < REGION_VILLAGE ? g->level + 1 : g->level;
	region *kids = NULL;
	int nk = 0;
	store_res *r;
	if ((rc = sheet_head(x, "救助保护个案汇总表", path, period, today, cols,
			     7, e)) ||
	    (rc = region_children(s, g->code, &kids, &nk, e)))
		return rc;
	if ((rc = stats_store_case_summary(s, lo, hi,
					   (int)region_code_len(child_level),
					   who->now, &r, e))) {
		free(kids);
		return rc;
	}
	int64_t tot[5] = { 0 };
	for (int k = 0; k < (nk ? nk : 1) && !rc; k++) {
		const region *u = nk ? &kids[k] : g;
		int64_t v[5] = { 0 };
		for (int i = 0; i < store_res_rows(r); i++) {
			stats_case_summary_row cs;
			store_res_row(r, i, stats_store_case_summary_cols, &cs);
			if (!strcmp(cs.group, u->code))
				memcpy(v, cs.v, sizeof v);
		}
		for (int j = 0; j < 5; j++)
			tot[j] += v[j];
		sheet_cells c = { .n = 0 };
		const char *cells[] = { u->code,
					u->name,
					sheet_num(&c, v[0]),
					sheet_num(&c, v[1]),
					sheet_num(&c, v[2]),
					sheet_num(&c, v[3]),
					sheet_num(&c, v[4]) };
		rc = xlsxout_row(x, cells, 7, e);
	}
	/* cases recorded at the region itself (a township's own) count too */
	for (int i = 0; i < store_res_rows(r) && nk; i++) {
		stats_case_summary_row cs;
		store_res_row(r, i, stats_store_case_summary_cols, &cs);
		int known = 0;
		for (int k = 0; k < nk && !known; k++)
			known = !strcmp(cs.group, kids[k].code);
		if (!known)
			for (int j = 0; j < 5; j++)
				tot[j] += cs.v[j];
	}
	free(kids);
	store_res_free(r);
	if (rc)
		return rc;
	sheet_cells c = { .n = 0 };
	const char *cells[] = { g->code,
				"合计",
				sheet_num(&c, tot[0]),
				sheet_num(&c, tot[1]),
				sheet_num(&c, tot[2]),
				sheet_num(&c, tot[3]),
				sheet_num(&c, tot[4]) };
	return xlsxout_row(x, cells, 7, e);
}

/* Issue #19: one answer per permission.  The figure tables (counts per
 * region, nobody named) are the dashboard's figures, so whoever reads
 * statistics exports them, the auditor included; the rosters name people
 * and need the right to read their module's records.  `title` heads the
 * workbook (the children's table names its regions' level instead);
 * `label` names it in a menu. */
static const struct report_kind {
	const char *kind, *title, *label;
	perm_action need;
} report_kinds[] = {
	{ "children", NULL, "儿童分类统计表", PERM_STATS_READ },
	{ "workforce", "工作队伍花名册", "工作队伍花名册", PERM_STAFF_READ },
	{ "training", "培训花名册", "培训花名册", PERM_STAFF_READ },
	{ "platforms", "服务阵地名册", "服务阵地名册", PERM_PLATFORM_READ },
	{ "cases", "个案汇总表", "个案汇总表", PERM_STATS_READ },
};
enum { NREPORT_KINDS = sizeof report_kinds / sizeof *report_kinds };

void report_codes_json(json_t *out)
{
	json_t *a = json_array();
	for (int i = 0; i < NREPORT_KINDS; i++) {
		json_t *r = json_pack("{s:s, s:s, s:s}", "code",
				      report_kinds[i].kind, "label",
				      report_kinds[i].label, "action",
				      perm_name(report_kinds[i].need));
		/* The children's table as the dashboard of each level
		 * names it. */
		if (!report_kinds[i].title) {
			json_t *t = json_object();
			for (size_t k = 0; k < sizeof children_titles /
						       sizeof *children_titles;
			     k++)
				json_object_set_new(
					t, children_titles[k].level,
					json_string(children_titles[k].title));
			json_object_set_new(r, "titles", t);
		}
		json_array_append_new(a, r);
	}
	json_object_set_new(out, "report", a);
}

int report_xlsx(store *s, const actor *who, const char *kind,
		const char *code_in, const char *year, const exportmark *mark,
		char **bytes, size_t *len, char filename[128], err *e)
{
	const struct report_kind *kinds = report_kinds;
	int which = -1;
	for (int i = 0; i < NREPORT_KINDS && which < 0; i++)
		if (!strcmp(kind, kinds[i].kind))
			which = i;
	if (which < 0)
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "报表不存在（应为 children、workforce、training、"
			       "platforms 或 cases）");
	int rc = perm_need(who, kinds[which].need, e);
	if (rc)
		return rc;
	char today[11], yr[5];
	date_of(who->now, today);
	if (year && (strlen(year) != 4 || strspn(year, "0123456789") != 4 ||
		     strcmp(year, "2000") < 0 || strncmp(year, today, 4) > 0))
		return err_field(e, ERR_INVALID, "invalid_query", "year",
				 "年度应为2000年至今年的四位数字");
	snprintf(yr, sizeof yr, "%.4s", year ? year : today);
	xlsxout *x = NULL;
	if (which == 0) {
		char code[REGION_CODE_MAX];
		if ((rc = children_report(s, who, code_in, mark, &x, filename,
					  code, e)))
			return rc;
		return sheet_close(s, who, x, "report_export", code, kind,
				   bytes, len, e);
	}
	region g;
	if ((rc = region_resolve(s, who->u ? actor_scope(who) : NULL,
				 code_in ? code_in : actor_scope(who), &g, e)))
		return rc;
	char path[512] = "";
	region_path_text(s, g.code, path, sizeof path, NULL);
	/* The roster carries staff ID numbers and phones: whole ones in many
	 * rows need an approved request (exportmark.h). */
	if (which == 1) {
		json_t *l;
		staff_query q = { .region = g.code, .status = "active",
				  .limit = 1 };
		if ((rc = staff_list(s, who, &q, &l, e)))
			return rc;
		json_int_t n = json_integer_value(json_object_get(l, "total"));
		json_decref(l);
		if ((rc = exportmark_check(s, who, mark,
					   privacy_full(who, PRIVACY_EXPORT),
					   n, e)))
			return rc;
	}
	if ((rc = exportmark_xlsx_open(who, mark, kinds[which].title, &x, e)))
		return rc;
	switch (which) {
	case 1:
		rc = workforce_report(s, who, &g, path, today, x, e);
		break;
	case 2:
		rc = training_report(s, who, &g, path, today, yr, x, e);
		break;
	case 3:
		rc = platform_report(s, who, &g, path, today, x, e);
		break;
	default:
		rc = cases_report(s, who, &g, path, today, x, e);
		break;
	}
	if (rc) {
		xlsxout_abandon(x);
		return rc;
	}
	sheet_file_name(filename, kinds[which].title, g.name, today);
	return sheet_close(s, who, x, "report_export", g.code, kind, bytes, len,
			   e);
}
