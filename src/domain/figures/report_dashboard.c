#include "domain/figures/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/children/classify.h"
#include "domain/core/region.h"
#include "domain/figures/sheet.h"
#include "domain/figures/stats.h"
#include "util/date.h"

/* --- the dashboard as a workbook: one sheet per section */

static int figure(xlsxout *x, const char *section, const char *what,
		  const char *value, err *e)
{
	const char *cells[] = { section, what, value };
	return xlsxout_row(x, cells, 3, e);
}

static int overview_sheet(xlsxout *x, const json_t *d, const char *path,
			  err *e)
{
	static const xlsxout_col cols[] = {
		{ "类别", 12, XLSXOUT_TEXT },
		{ "指标", 36, XLSXOUT_TEXT },
		{ "数值", 14, XLSXOUT_NUMBER },
	};
	char period[40];
	snprintf(period, sizeof period, "截至 %s", sheet_str(d, "as_of"));
	int rc = sheet_head(x, "统计概览", path, period, sheet_str(d, "as_of"),
			    cols, 3, e);
	sheet_cells c = { .n = 0 };
	const json_t *ch = json_object_get(d, "children");
	if (!rc)
		rc = figure(x, "儿童", "在册儿童",
			    sheet_num(&c, sheet_int(ch, "active")), e);
	for (int b = 0; b < CAT_COUNT && !rc; b++)
		rc = figure(
			x, "儿童", classify_category_label(1u << b),
			sheet_num(&c,
				  sheet_int(json_object_get(ch, "categories"),
					    classify_category_code(1u << b))),
			e);
	for (int b = 0; b < FLAG_COUNT && !rc; b++)
		rc = figure(
			x, "重点关注", classify_flag_label(1u << b),
			sheet_num(&c, sheet_int(json_object_get(ch, "flags"),
						classify_flag_code(1u << b))),
			e);
	const json_t *cov = json_object_get(json_object_get(d, "workforce"), "coverage");
	const json_t *tr = json_object_get(json_object_get(d, "workforce"), "training");
	const struct {
		const char *section, *label;
		const json_t *o;
		const char *key;
	} rows[] = {
		{ "工作队伍", "乡镇（街道）数", cov, "townships" },
		{ "工作队伍", "已配备儿童督导员的乡镇（街道）", cov, "townships_covered" },
		{ "工作队伍", "儿童督导员配备率（%）", cov, "township_pct" },
		{ "工作队伍", "村（社区）数", cov, "villages" },
		{ "工作队伍", "已配备儿童主任的村（社区）", cov, "villages_covered" },
		{ "工作队伍", "儿童主任配备率（%）", cov, "village_pct" },
		{ "工作队伍", "在岗人员", tr, "staff" },
		{ "工作队伍", "本年度已培训", tr, "trained_this_year" },
		{ "工作队伍", "培训覆盖率（%）", tr, "trained_pct" },
		{ "工作队伍", "持有效培训合格证", tr, "certified" },
		{ "工作队伍", "持证率（%）", tr, "certified_pct" },
		{ "服务阵地", "服务阵地总数", json_object_get(d, "platforms"), "total" },
		{ "服务阵地", "“五有”达标", json_object_get(d, "platforms"), "compliant" },
		{ "服务阵地", "“五有”达标率（%）", json_object_get(d, "platforms"), "compliant_pct" },
		{ "服务阵地", "儿童满100人而无儿童之家的村", json_object_get(d, "platforms"),
		  "villages_missing_home" },
		{ "服务阵地", "未被儿童之家覆盖的村", json_object_get(d, "platforms"),
		  "villages_uncovered" },
		{ "救助保护", "在办个案", json_object_get(d, "cases"), "open" },
		{ "救助保护", "其中逾期", json_object_get(d, "cases"), "overdue" },
		{ "救助保护", "受理时长中位数（小时）",
		  json_object_get(json_object_get(d, "cases"), "time_to_accept"), "median_hours" },
		{ "救助保护", "受理时长90分位（小时）",
		  json_object_get(json_object_get(d, "cases"), "time_to_accept"), "p90_hours" },
		{ "救助保护", "办结时长中位数（小时）",
		  json_object_get(json_object_get(d, "cases"), "time_to_close"), "median_hours" },
		{ "救助保护", "办结时长90分位（小时）",
		  json_object_get(json_object_get(d, "cases"), "time_to_close"), "p90_hours" },
		{ "数据质量", "无错误级问题的儿童占比（%）", json_object_get(d, "quality"), "no_error_pct" },
		{ "数据质量", "无任何问题的儿童占比（%）", json_object_get(d, "quality"), "clean_pct" },
		{ "数据质量", "本季度核实率（%）", json_object_get(d, "quality"), "verified_pct" },
		{ "留守妇女", "登记在册", json_object_get(d, "women"), "registered" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows && !rc; i++)
		rc = figure(
			x, rows[i].section, rows[i].label,
			sheet_jnum(&c, json_object_get(rows[i].o, rows[i].key)),
			e);
	size_t i;
	json_t *v;
	const char *key;
	json_object_foreach((json_t *)json_object_get(json_object_get(d, "quality"), "counts"),
			    key, v)
	{
		if (rc)
			break;
		char what[40];
		snprintf(what, sizeof what, "规则 %s 未通过的记录", key);
		rc = figure(x, "数据质量", what, sheet_jnum(&c, v), e);
	}
	json_array_foreach(json_object_get(json_object_get(d, "women"), "services"), i, v)
	{
		if (rc)
			break;
		char what[80];
		snprintf(what, sizeof what, "%s（服务人次）",
			 sheet_str(v, "label"));
		rc = figure(x, "留守妇女", what,
			    sheet_jnum(&c, json_object_get(v, "services")), e);
	}
	return rc;
}

static int trend_sheet(xlsxout *x, const json_t *d, const char *path, err *e)
{
	xlsxout_col cols[2 + CAT_COUNT] = {
		{ "季度", 10, XLSXOUT_TEXT },
		{ "在册儿童", 10, XLSXOUT_NUMBER },
	};
	int n = 2;
	for (int b = 0; b < CAT_COUNT; b++)
		cols[n++] = (xlsxout_col){ classify_category_label(1u << b), 12,
					   XLSXOUT_NUMBER };
	int rc = sheet_head(x, "季度趋势（已冻结的季度数据）", path, "各季度",
			    sheet_str(d, "as_of"), cols, n, e);
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(d, "trend"), i, q)
	{
		if (rc)
			break;
		sheet_cells c = { .n = 0 };
		const char *cells[2 + CAT_COUNT] = {
			sheet_str(q, "quarter"),
			sheet_num(&c, sheet_int(q, "active"))
		};
		int k = 2;
		for (int b = 0; b < CAT_COUNT; b++)
			cells[k++] = sheet_num(
				&c, sheet_int(json_object_get(q, "categories"),
					      classify_category_code(1u << b)));
		rc = xlsxout_row(x, cells, k, e);
	}
	return rc;
}

static int campaigns_sheet(xlsxout *x, const json_t *d, const char *path,
			   err *e)
{
	static const xlsxout_col cols[] = {
		{ "工作任务", 36, XLSXOUT_TEXT }, { "考核指标", 18, XLSXOUT_TEXT },
		{ "截止日期", 12, XLSXOUT_DATE }, { "应完成", 10, XLSXOUT_NUMBER },
		{ "已完成", 10, XLSXOUT_NUMBER }, { "完成率（%）", 10, XLSXOUT_NUMBER },
		{ "是否逾期", 10, XLSXOUT_TEXT },
	};
	int rc = sheet_head(x, "工作任务进度", path, "全部任务",
			    sheet_str(d, "as_of"), cols, 7, e);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(d, "campaigns"), i, t)
	{
		if (rc)
			break;
		sheet_cells c = { .n = 0 };
		const char *cells[] = {
			sheet_str(t, "name"),
			sheet_str(t, "measure_label"),
			sheet_str(t, "due_on"),
			sheet_jnum(&c, json_object_get(t, "target")),
			sheet_jnum(&c, json_object_get(t, "done")),
			sheet_jnum(&c, json_object_get(t, "pct")),
			json_is_true(json_object_get(t, "late")) ? "逾期" : "否"
		};
		rc = xlsxout_row(x, cells, 7, e);
	}
	return rc;
}

static int verification_sheet(xlsxout *x, const json_t *d, const char *path,
			      err *e)
{
	static const xlsxout_col cols[] = {
		{ "区划代码", 14, XLSXOUT_TEXT }, { "区划名称", 20, XLSXOUT_TEXT },
		{ "层级", 8, XLSXOUT_TEXT },	  { "签报状态", 10, XLSXOUT_TEXT },
	};
	const json_t *v = json_object_get(d, "verification");
	char period[80];
	snprintf(period, sizeof period, "%s季度核实（截止 %s）",
		 sheet_str(v, "quarter"), sheet_str(v, "due_on"));
	int rc = sheet_head(x, "季度核实逾期未报", path, period,
			    sheet_str(d, "as_of"), cols, 4, e);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(v, "late"), i, t)
	{
		if (rc)
			break;
		const char *lv = sheet_str(t, "level");
		const char *cells[] = { sheet_str(t, "code"),
					sheet_str(t, "name"),
					!strcmp(lv, "county")	  ? "县级"
					: !strcmp(lv, "township") ? "乡级"
								  : "村级",
					sheet_str(t, "state_label") };
		rc = xlsxout_row(x, cells, 4, e);
	}
	return rc;
}

int report_dashboard_xlsx(store *s, const actor *who, const char *code_in,
			  const exportmark *mark, char **bytes, size_t *len,
			  char filename[128], err *e)
{
	json_t *d;
	int rc = stats_dashboard(s, who, code_in, &d, e);
	if (rc)
		return rc;
	char path[512] = "";
	region_path_text(s, sheet_str(d, "region_code"), path, sizeof path,
			 NULL);
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "统计概览", &x, e))) {
		json_decref(d);
		return rc;
	}
	if (!(rc = overview_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "分区域儿童", e)) &&
	    !(rc = sheet_children(x, d, "儿童分类统计（按下级区划）", path,
				  e)) &&
	    !(rc = xlsxout_sheet(x, "季度趋势", e)) &&
	    !(rc = trend_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "工作任务", e)) &&
	    !(rc = campaigns_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "季度核实", e)) &&
	    !(rc = verification_sheet(x, d, path, e))) {
		sheet_file_name(filename, "统计概览",
				sheet_str(d, "region_name"),
				sheet_str(d, "as_of"));
		char code[REGION_CODE_MAX];
		snprintf(code, sizeof code, "%s", sheet_str(d, "region_code"));
		json_decref(d);
		return sheet_close(s, who, x, "dashboard_export", code,
				   "dashboard", bytes, len, e);
	}
	xlsxout_abandon(x);
	json_decref(d);
	return rc;
}
