#include "domain/figures/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/region.h"
#include "domain/figures/sheet.h"
#include "domain/workforce/campaign.h"
#include "util/date.h"

/* --- one campaign's progress, per child region */

/* "from" or "from至to": the days a campaign's shortfall was made good. */
static const char *made_good_dates(const json_t *m, char when[32])
{
	const char *from = json_string_value(json_object_get(m, "from"));
	const char *to = json_string_value(json_object_get(m, "to"));
	if (!from)
		return "";
	if (!to || !strcmp(from, to))
		snprintf(when, 32, "%.10s", from);
	else
		snprintf(when, 32, "%.10s至%.10s", from, to);
	return when;
}

int report_campaign_xlsx(store *s, const actor *who, int64_t id,
			 const exportmark *mark, char **bytes, size_t *len,
			 char filename[128], err *e)
{
	static const xlsxout_col cols[] = {
		{ "区划代码", 14, XLSXOUT_TEXT },  { "区划名称", 24, XLSXOUT_TEXT },
		{ "应完成", 10, XLSXOUT_NUMBER },  { "已完成", 10, XLSXOUT_NUMBER },
		{ "完成率（%）", 12, XLSXOUT_NUMBER }, { "是否逾期", 10, XLSXOUT_TEXT },
		{ "截止后补齐", 12, XLSXOUT_NUMBER }, { "补齐日期", 24, XLSXOUT_TEXT },
	};
	json_t *p;
	int rc = campaign_progress(s, who, id, &p, e);
	if (rc)
		return rc;
	char today[11], path[512] = "", title[200], period[160];
	date_of(who->now, today);
	region_path_text(s, sheet_str(p, "view_region"), path, sizeof path,
			 NULL);
	snprintf(title, sizeof title, "工作任务进度：%.160s",
		 sheet_str(p, "name"));
	/* The verdict is the state on the due date; what was made good after
	 * it stands in columns of its own. */
	snprintf(period, sizeof period, "%.40s，截止 %s（按截止日状态评定）",
		 sheet_str(p, "measure_label"), sheet_str(p, "due_on"));
	xlsxout *x;
	if ((rc = exportmark_xlsx_open(who, mark, "工作任务进度", &x, e))) {
		json_decref(p);
		return rc;
	}
	rc = sheet_head(x, title, path, period, today, cols, 8, e);
	size_t i;
	json_t *it;
	json_array_foreach(json_object_get(p, "items"), i, it)
	{
		if (rc)
			break;
		sheet_cells c = { .n = 0 };
		char when[32];
		const char *cells[] = {
			sheet_str(it, "code"),
			sheet_str(it, "name"),
			sheet_jnum(&c, json_object_get(it, "target")),
			sheet_jnum(&c, json_object_get(it, "done")),
			sheet_jnum(&c, json_object_get(it, "pct")),
			json_is_true(json_object_get(it, "late")) ? "逾期"
								  : "否",
			sheet_jnum(&c, json_object_get(json_object_get(it, "made_good"), "count")),
			made_good_dates(json_object_get(it, "made_good"), when)
		};
		rc = xlsxout_row(x, cells, 8, e);
	}
	if (!rc) {
		sheet_cells c = { .n = 0 };
		char when[32];
		const char *cells[] = {
			sheet_str(p, "view_region"),
			"合计",
			sheet_jnum(&c, json_object_get(p, "target")),
			sheet_jnum(&c, json_object_get(p, "done")),
			sheet_jnum(&c, json_object_get(p, "pct")),
			json_is_true(json_object_get(p, "late")) ? "逾期" : "否",
			sheet_jnum(&c, json_object_get(json_object_get(p, "made_good"), "count")),
			made_good_dates(json_object_get(p, "made_good"), when)
		};
		rc = xlsxout_row(x, cells, 8, e);
	}
	if (rc) {
		xlsxout_abandon(x);
		json_decref(p);
		return rc;
	}
	sheet_file_name(filename, "工作任务进度", sheet_str(p, "name"), today);
	char code[REGION_CODE_MAX];
	snprintf(code, sizeof code, "%s", sheet_str(p, "view_region"));
	json_decref(p);
	return sheet_close(s, who, x, "campaign_export", code, "campaign",
			   bytes, len, e);
}
