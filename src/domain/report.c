#include "domain/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/classify.h"
#include "domain/audit.h"
#include "domain/perm.h"
#include "domain/case.h"
#include "domain/exportmark.h"
#include "domain/platform.h"
#include "domain/privacy.h"
#include "domain/region.h"
#include "domain/staff.h"
#include "domain/stats.h"
#include "io/xlsxout.h"
#include "store/stats_store.h"
#include "util/date.h"

/* Every sheet starts the same way: the title, then the region's path with
 * the period, then the day it was made. */
static int sheet_head(xlsxout *x, const char *title, const char *path,
		      const char *period, const char *today,
		      const xlsxout_col *cols, int n, err *e)
{
	char line[900];
	snprintf(line, sizeof line, "区划：%.600s　　统计时段：%.100s", path,
		 period);
	char made[64];
	snprintf(made, sizeof made, "制表日期：%s", today);
	int rc = xlsxout_header_line(x, title, e);
	if (!rc)
		rc = xlsxout_header_line(x, line, e);
	if (!rc)
		rc = xlsxout_header_line(x, made, e);
	return rc ? rc : xlsxout_columns(x, cols, n, e);
}

/* Cells are written from text; numbers go through these buffers. */
typedef struct cellbuf {
	char b[32][40];
	int n;
} cellbuf;

static const char *num(cellbuf *c, json_int_t v)
{
	char *p = c->b[c->n++ % 32];
	snprintf(p, 40, "%lld", (long long)v);
	return p;
}

static const char *dec(cellbuf *c, double v)
{
	char *p = c->b[c->n++ % 32];
	snprintf(p, 40, "%.1f", v);
	return p;
}

/* A JSON number (integer or real) as a cell; null as empty. */
static const char *jnum(cellbuf *c, const json_t *v)
{
	if (json_is_integer(v))
		return num(c, json_integer_value(v));
	if (json_is_real(v))
		return dec(c, json_real_value(v));
	return "";
}

static const char *jstr(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static json_int_t jint(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static void file_name(char out[128], const char *what, const char *name,
		      const char *today)
{
	snprintf(out, 128, "%s_%.40s_%s.xlsx", what, name, today);
}

/* Finishes the workbook and audits the export (SPEC §10); no file when the
 * audit entry cannot be written. */
static int close_audited(store *s, const actor *who, xlsxout *x,
			 const char *action, const char *code,
			 const char *what, char **bytes, size_t *len, err *e)
{
	int rc = xlsxout_close_mem(x, bytes, len, e);
	if (rc)
		return rc;
	char detail[160];
	snprintf(detail, sizeof detail, "{\"region\":\"%s\",\"report\":\"%s\"}",
		 code, what);
	if ((rc = audit_export(s, who, action, code, detail, e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
}

/* --- the children by category, per child region (from the dashboard) */

static int children_sheet(xlsxout *x, const json_t *d, const char *title,
			  const char *path, err *e)
{
	xlsxout_col cols[2 + 1 + CAT_COUNT + FLAG_COUNT] = {
		{ "区划代码", 14, XLSXOUT_TEXT },
		{ "区划名称", 18, XLSXOUT_TEXT },
		{ "在册儿童", 10, XLSXOUT_NUMBER },
	};
	int n = 3;
	for (int b = 0; b < CAT_COUNT; b++)
		cols[n++] = (xlsxout_col){ classify_category_label(1u << b), 12,
					   XLSXOUT_NUMBER };
	for (int b = 0; b < FLAG_COUNT; b++)
		cols[n++] = (xlsxout_col){ classify_flag_label(1u << b), 12,
					   XLSXOUT_NUMBER };
	char period[40];
	snprintf(period, sizeof period, "截至 %s", jstr(d, "as_of"));
	int rc = sheet_head(x, title, path, period, jstr(d, "as_of"), cols, n, e);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(d, "drilldown"), i, row)
	{
		if (rc)
			break;
		cellbuf c = { .n = 0 };
		const char *cells[2 + 1 + CAT_COUNT + FLAG_COUNT] = {
			jstr(row, "code"), jstr(row, "name"),
			num(&c, jint(row, "active"))
		};
		int k = 3;
		for (int b = 0; b < CAT_COUNT; b++)
			cells[k++] = num(&c, jint(json_object_get(row, "categories"),
						  classify_category_code(1u << b)));
		for (int b = 0; b < FLAG_COUNT; b++)
			cells[k++] = num(&c, jint(json_object_get(row, "flags"),
						  classify_flag_code(1u << b)));
		rc = xlsxout_row(x, cells, k, e);
	}
	if (rc)
		return rc;
	/* the total, the dashboard's own figures */
	const json_t *ch = json_object_get(d, "children");
	cellbuf c = { .n = 0 };
	const char *cells[2 + 1 + CAT_COUNT + FLAG_COUNT] = {
		jstr(d, "region_code"), "合计", num(&c, jint(ch, "active"))
	};
	int k = 3;
	for (int b = 0; b < CAT_COUNT; b++)
		cells[k++] = num(&c, jint(json_object_get(ch, "categories"),
					  classify_category_code(1u << b)));
	for (int b = 0; b < FLAG_COUNT; b++)
		cells[k++] = num(&c, jint(json_object_get(ch, "flags"),
					  classify_flag_code(1u << b)));
	return xlsxout_row(x, cells, k, e);
}

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
	snprintf(period, sizeof period, "截至 %s", jstr(d, "as_of"));
	int rc = sheet_head(x, "统计概览", path, period, jstr(d, "as_of"), cols,
			    3, e);
	cellbuf c = { .n = 0 };
	const json_t *ch = json_object_get(d, "children");
	if (!rc)
		rc = figure(x, "儿童", "在册儿童", num(&c, jint(ch, "active")), e);
	for (int b = 0; b < CAT_COUNT && !rc; b++)
		rc = figure(x, "儿童", classify_category_label(1u << b),
			    num(&c, jint(json_object_get(ch, "categories"),
					 classify_category_code(1u << b))),
			    e);
	for (int b = 0; b < FLAG_COUNT && !rc; b++)
		rc = figure(x, "重点关注", classify_flag_label(1u << b),
			    num(&c, jint(json_object_get(ch, "flags"),
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
		{ "数据质量", "数据质量评分", json_object_get(d, "quality"), "score" },
		{ "数据质量", "本季度核实率（%）", json_object_get(d, "quality"), "verified_pct" },
		{ "留守妇女", "登记在册", json_object_get(d, "women"), "registered" },
	};
	for (size_t i = 0; i < sizeof rows / sizeof *rows && !rc; i++)
		rc = figure(x, rows[i].section, rows[i].label,
			    jnum(&c, json_object_get(rows[i].o, rows[i].key)), e);
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
		rc = figure(x, "数据质量", what, jnum(&c, v), e);
	}
	json_array_foreach(json_object_get(json_object_get(d, "women"), "services"), i, v)
	{
		if (rc)
			break;
		char what[80];
		snprintf(what, sizeof what, "%s（服务人次）", jstr(v, "label"));
		rc = figure(x, "留守妇女", what, jnum(&c, json_object_get(v, "services")), e);
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
			    jstr(d, "as_of"), cols, n, e);
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(d, "trend"), i, q)
	{
		if (rc)
			break;
		cellbuf c = { .n = 0 };
		const char *cells[2 + CAT_COUNT] = { jstr(q, "quarter"),
						     num(&c, jint(q, "active")) };
		int k = 2;
		for (int b = 0; b < CAT_COUNT; b++)
			cells[k++] = num(&c, jint(json_object_get(q, "categories"),
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
	int rc = sheet_head(x, "工作任务进度", path, "全部任务", jstr(d, "as_of"),
			    cols, 7, e);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(d, "campaigns"), i, t)
	{
		if (rc)
			break;
		cellbuf c = { .n = 0 };
		const char *cells[] = {
			jstr(t, "name"), jstr(t, "measure_label"), jstr(t, "due_on"),
			jnum(&c, json_object_get(t, "target")),
			jnum(&c, json_object_get(t, "done")),
			jnum(&c, json_object_get(t, "pct")),
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
		 jstr(v, "quarter"), jstr(v, "due_on"));
	int rc = sheet_head(x, "季度核实逾期未报", path, period,
			    jstr(d, "as_of"), cols, 4, e);
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(v, "late"), i, t)
	{
		if (rc)
			break;
		const char *lv = jstr(t, "level");
		const char *cells[] = {
			jstr(t, "code"), jstr(t, "name"),
			!strcmp(lv, "county")	  ? "县级"
			: !strcmp(lv, "township") ? "乡级"
						  : "村级",
			jstr(t, "state_label")
		};
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
	region_path_text(s, jstr(d, "region_code"), path, sizeof path, NULL);
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "统计概览", &x, e))) {
		json_decref(d);
		return rc;
	}
	if (!(rc = overview_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "分区域儿童", e)) &&
	    !(rc = children_sheet(x, d, "儿童分类统计（按下级区划）", path, e)) &&
	    !(rc = xlsxout_sheet(x, "季度趋势", e)) &&
	    !(rc = trend_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "工作任务", e)) &&
	    !(rc = campaigns_sheet(x, d, path, e)) &&
	    !(rc = xlsxout_sheet(x, "季度核实", e)) &&
	    !(rc = verification_sheet(x, d, path, e))) {
		file_name(filename, "统计概览", jstr(d, "region_name"),
			  jstr(d, "as_of"));
		char code[REGION_CODE_MAX];
		snprintf(code, sizeof code, "%s", jstr(d, "region_code"));
		json_decref(d);
		return close_audited(s, who, x, "dashboard_export", code,
				     "dashboard", bytes, len, e);
	}
	xlsxout_abandon(x);
	json_decref(d);
	return rc;
}

/* --- one campaign's progress, per child region */

int report_campaign_xlsx(store *s, const actor *who, int64_t id,
			 const exportmark *mark, char **bytes, size_t *len,
			 char filename[128], err *e)
{
	static const xlsxout_col cols[] = {
		{ "区划代码", 14, XLSXOUT_TEXT },  { "区划名称", 24, XLSXOUT_TEXT },
		{ "应完成", 10, XLSXOUT_NUMBER },  { "已完成", 10, XLSXOUT_NUMBER },
		{ "完成率（%）", 12, XLSXOUT_NUMBER }, { "是否逾期", 10, XLSXOUT_TEXT },
	};
	json_t *p;
	int rc = campaign_progress(s, who, id, &p, e);
	if (rc)
		return rc;
	char today[11], path[512] = "", title[200], period[80];
	date_of(who->now, today);
	region_path_text(s, jstr(p, "view_region"), path, sizeof path, NULL);
	snprintf(title, sizeof title, "工作任务进度：%.160s", jstr(p, "name"));
	snprintf(period, sizeof period, "%.40s，截止 %s", jstr(p, "measure_label"),
		 jstr(p, "due_on"));
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "工作任务进度", &x, e))) {
		json_decref(p);
		return rc;
	}
	rc = sheet_head(x, title, path, period, today, cols, 6, e);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(p, "items"), i, it)
	{
		if (rc)
			break;
		cellbuf c = { .n = 0 };
		const char *cells[] = {
			jstr(it, "code"), jstr(it, "name"),
			jnum(&c, json_object_get(it, "target")),
			jnum(&c, json_object_get(it, "done")),
			jnum(&c, json_object_get(it, "pct")),
			json_is_true(json_object_get(it, "late")) ? "逾期" : "否"
		};
		rc = xlsxout_row(x, cells, 6, e);
	}
	if (!rc) {
		cellbuf c = { .n = 0 };
		const char *cells[] = {
			jstr(p, "view_region"), "合计",
			jnum(&c, json_object_get(p, "target")),
			jnum(&c, json_object_get(p, "done")),
			jnum(&c, json_object_get(p, "pct")),
			json_is_true(json_object_get(p, "late")) ? "逾期" : "否"
		};
		rc = xlsxout_row(x, cells, 6, e);
	}
	if (rc) {
		xlsxout_abandon(x);
		json_decref(p);
		return rc;
	}
	file_name(filename, "工作任务进度", jstr(p, "name"), today);
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", jstr(p, "view_region"));
	json_decref(p);
	return close_audited(s, who, x, "campaign_export", code, "campaign",
			     bytes, len, e);
}

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
	region_path_text(s, jstr(d, "region_code"), path, sizeof path, NULL);
	const char *title = children_title(jstr(d, "level"));
	if (!(rc = exportmark_xlsx_open(who, mark, "儿童分类统计", xp, e)) &&
	    (rc = children_sheet(*xp, d, title, path, e))) {
		xlsxout_abandon(*xp);
		*xp = NULL;
	}
	if (!rc) {
		file_name(filename, title, jstr(d, "region_name"), jstr(d, "as_of"));
		snprintf(code, REGION_CODE_MAX, "%s", jstr(d, "region_code"));
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
	int rc = sheet_head(x, "儿童督导员、儿童主任花名册", path, period, today,
			    cols, 9, e);
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
				jstr(p, "post_label"), jstr(p, "region_path"),
				jstr(p, "name"),
				!strcmp(jstr(p, "sex"), "female") ? "女" : "男",
				jstr(p, "id_number"), jstr(p, "phone"),
				jstr(p, "source_label"),
				!strcmp(jstr(p, "employment"), "full_time") ? "专职" : "兼职",
				jstr(p, "appointed_on")
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
		if (rc || (rc = training_get(s, who, jint(t, "id"), &full, e)))
			break;
		size_t j;
		json_t *a;
		json_array_foreach(json_object_get(full, "attendance"), j, a)
		{
			if (rc)
				break;
			/* only the attendees inside the report's region */
			if (!region_in_scope(g->code, jstr(a, "region_code")))
				continue;
			cellbuf c = { .n = 0 };
			const char *cells[] = {
				jstr(full, "held_on"), jstr(full, "title"),
				jstr(full, "organiser"),
				jnum(&c, json_object_get(full, "hours")),
				jstr(full, "mode_label"),
				json_is_true(json_object_get(full, "initial")) ? "是" : "否",
				jstr(a, "name"),
				!strcmp(jstr(a, "post"), "supervisor") ? "儿童督导员"
								       : "儿童主任",
				jstr(a, "region_code"),
				!strcmp(jstr(a, "result"), "assessed") ? "参加考核"
								       : "参加培训",
				jnum(&c, json_object_get(a, "score")),
				json_is_true(json_object_get(a, "passed")) ? "合格" : "不合格"
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
	int rc = sheet_head(x, "儿童之家（儿童活动中心）名册", path, period, today,
			    cols, 10, e);
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
			int active = !strcmp(jstr(p, "status"), "active");
			const char *cells[] = {
				jstr(p, "name"), jstr(p, "kind_label"),
				jstr(p, "region_path"), jstr(p, "host_label"),
				jstr(p, "address"), jstr(p, "manager_name"),
				jstr(p, "opened_on"), active ? "运行" : "已关闭",
				!active ? "" : json_is_true(json_object_get(p, "compliant")) ? "达标" : "未达标",
				active ? failing : ""
			};
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
		for (int i = 0; i < store_res_rows(r); i++)
			if (!strcmp(store_res_text(r, i, 0), u->code))
				for (int j = 0; j < 5; j++)
					v[j] = store_res_int(r, i, 1 + j);
		for (int j = 0; j < 5; j++)
			tot[j] += v[j];
		cellbuf c = { .n = 0 };
		const char *cells[] = { u->code,	    u->name,
					num(&c, v[0]), num(&c, v[1]),
					num(&c, v[2]), num(&c, v[3]),
					num(&c, v[4]) };
		rc = xlsxout_row(x, cells, 7, e);
	}
	/* cases recorded at the region itself (a township's own) count too */
	for (int i = 0; i < store_res_rows(r) && nk; i++) {
		int known = 0;
		for (int k = 0; k < nk && !known; k++)
			known = !strcmp(store_res_text(r, i, 0), kids[k].code);
		if (!known)
			for (int j = 0; j < 5; j++)
				tot[j] += store_res_int(r, i, 1 + j);
	}
	free(kids);
	store_res_free(r);
	if (rc)
		return rc;
	cellbuf c = { .n = 0 };
	const char *cells[] = { g->code,	  "合计",	  num(&c, tot[0]),
				num(&c, tot[1]), num(&c, tot[2]), num(&c, tot[3]),
				num(&c, tot[4]) };
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
		return close_audited(s, who, x, "report_export", code, kind,
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
	file_name(filename, kinds[which].title, g.name, today);
	return close_audited(s, who, x, "report_export", g.code, kind, bytes,
			     len, e);
}
