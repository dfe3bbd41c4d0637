#include "domain/figures/sheet.h"

#include <stdio.h>
#include <stdlib.h>

#include "domain/children/classify.h"
#include "domain/core/audit.h"

/* Every sheet starts the same way: the title, then the region's path with
 * the period, then the day it was made. */
int sheet_head(xlsxout *x, const char *title, const char *path,
	       const char *period, const char *today, const xlsxout_col *cols,
	       int n, err *e)
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

const char *sheet_num(sheet_cells *c, json_int_t v)
{
	char *p = c->b[c->n++ % 32];
	snprintf(p, 40, "%lld", (long long)v);
	return p;
}

const char *sheet_dec(sheet_cells *c, double v)
{
	char *p = c->b[c->n++ % 32];
	snprintf(p, 40, "%.1f", v);
	return p;
}

/* A JSON number (integer or real) as a cell; null as empty. */
const char *sheet_jnum(sheet_cells *c, const json_t *v)
{
	if (json_is_integer(v))
		return sheet_num(c, json_integer_value(v));
	if (json_is_real(v))
		return sheet_dec(c, json_real_value(v));
	return "";
}

const char *sheet_str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

json_int_t sheet_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

void sheet_file_name(char out[128], const char *what, const char *name,
		     const char *today)
{
	snprintf(out, 128, "%s_%.40s_%s.xlsx", what, name, today);
}

/* Finishes the workbook and audits the export (SPEC §10); no file when the
 * audit entry cannot be written. */
int sheet_close(store *s, const actor *who, xlsxout *x, const char *action,
		const char *code, const char *what, char **bytes, size_t *len,
		err *e)
{
	int rc = xlsxout_close_mem(x, bytes, len, e);
	if (rc)
		return rc;
	if ((rc = audit_record_alone(s, who, action, code,
				     json_pack("{s:s, s:s}", "region", code,
					       "report", what),
				     e))) {
		free(*bytes);
		*bytes = NULL;
	}
	return rc;
}

/* --- the children by category, per child region (from the dashboard) */

int sheet_children(xlsxout *x, const json_t *d, const char *title,
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
	snprintf(period, sizeof period, "截至 %s", sheet_str(d, "as_of"));
	int rc = sheet_head(x, title, path, period, sheet_str(d, "as_of"), cols,
			    n, e);
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(d, "drilldown"), i, row)
	{
		if (rc)
			break;
		sheet_cells c = { .n = 0 };
		const char *cells[2 + 1 + CAT_COUNT + FLAG_COUNT] = {
			sheet_str(row, "code"), sheet_str(row, "name"),
			sheet_num(&c, sheet_int(row, "active"))
		};
		int k = 3;
		for (int b = 0; b < CAT_COUNT; b++)
			cells[k++] = sheet_num(
				&c,
				sheet_int(json_object_get(row, "categories"),
					  classify_category_code(1u << b)));
		for (int b = 0; b < FLAG_COUNT; b++)
			cells[k++] = sheet_num(
				&c, sheet_int(json_object_get(row, "flags"),
					      classify_flag_code(1u << b)));
		rc = xlsxout_row(x, cells, k, e);
	}
	if (rc)
		return rc;
	/* the total, the dashboard's own figures */
	const json_t *ch = json_object_get(d, "children");
	sheet_cells c = { .n = 0 };
	const char *cells[2 + 1 + CAT_COUNT + FLAG_COUNT] = {
		sheet_str(d, "region_code"), "合计",
		sheet_num(&c, sheet_int(ch, "active"))
	};
	int k = 3;
	for (int b = 0; b < CAT_COUNT; b++)
		cells[k++] = sheet_num(
			&c, sheet_int(json_object_get(ch, "categories"),
				      classify_category_code(1u << b)));
	for (int b = 0; b < FLAG_COUNT; b++)
		cells[k++] =
			sheet_num(&c, sheet_int(json_object_get(ch, "flags"),
						classify_flag_code(1u << b)));
	return xlsxout_row(x, cells, k, e);
}
