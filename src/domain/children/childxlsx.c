#include "domain/children/childxlsx.h"

#include <stdio.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/core/exportmark.h"
#include "io/xlsxout.h"

/* ---- the template: one column per importable field ---- */

const childxlsx_col childxlsx__cols[] = {
	{ "姓名*", "name", CHILDXLSX_TEXT, NULL, 10 },
	{ "性别*", "sex", CHILDXLSX_CODE, child_sex_codes, 6 },
	{ "出生日期*", "birth_date", CHILDXLSX_DATE, NULL, 12 },
	{ "身份证号", "id_number", CHILDXLSX_IDNUM, NULL, 21 },
	{ "民族*", "ethnicity", CHILDXLSX_TEXT, NULL, 8 },
	{ "居住地区划代码*", "region_code", CHILDXLSX_REGION, NULL, 16 },
	{ "户籍状态", "hukou_status", CHILDXLSX_HUKOU, NULL, 10 },
	{ "农村户籍", "hukou_rural", CHILDXLSX_YESNO, NULL, 9 },
	{ "户籍地区划代码", "hukou_region", CHILDXLSX_REGION, NULL, 16 },
	{ "家庭住址", "address", CHILDXLSX_TEXT, NULL, 20 },
	{ "就读学校", "school", CHILDXLSX_TEXT, NULL, 16 },
	{ "年级", "grade", CHILDXLSX_TEXT, NULL, 8 },
	{ "联系电话", "contact_phone", CHILDXLSX_PHONE, NULL, 14 },
	{ "父亲姓名", "father.name", CHILDXLSX_TEXT, NULL, 10 },
	{ "父亲身份证号", "father.id_number", CHILDXLSX_IDNUM, NULL, 21 },
	{ "父亲电话", "father.phone", CHILDXLSX_PHONE, NULL, 14 },
	{ "父亲状况", "father.status", CHILDXLSX_CODE, child_parent_status_codes, 12 },
	{ "父亲务工地", "father.work_place", CHILDXLSX_TEXT, NULL, 12 },
	{ "母亲姓名", "mother.name", CHILDXLSX_TEXT, NULL, 10 },
	{ "母亲身份证号", "mother.id_number", CHILDXLSX_IDNUM, NULL, 21 },
	{ "母亲电话", "mother.phone", CHILDXLSX_PHONE, NULL, 14 },
	{ "母亲状况", "mother.status", CHILDXLSX_CODE, child_parent_status_codes, 12 },
	{ "母亲务工地", "mother.work_place", CHILDXLSX_TEXT, NULL, 12 },
	{ "受委托监护人姓名", "guardian.name", CHILDXLSX_TEXT, NULL, 12 },
	{ "监护人身份证号", "guardian.id_number", CHILDXLSX_IDNUM, NULL, 21 },
	{ "与儿童关系", "guardian.relationship", CHILDXLSX_TEXT, NULL, 10 },
	{ "监护人电话", "guardian.phone", CHILDXLSX_PHONE, NULL, 14 },
	{ "家庭监护情况", "guardianship", CHILDXLSX_CODE, child_guardianship_codes, 12 },
	{ "基本生活保障", "living_support", CHILDXLSX_CODE, child_support_codes, 12 },
	{ "心理健康", "mental_health", CHILDXLSX_CODE, child_mental_codes, 10 },
	{ "心理健康说明", "mental_notes", CHILDXLSX_LINES, NULL, 16 },
	{ "学习教育", "education", CHILDXLSX_CODE, child_education_codes, 10 },
	{ "失辍学情况说明", "dropout_explanation", CHILDXLSX_LINES, NULL, 24 },
	{ "健康状况", "health", CHILDXLSX_CODE, child_health_codes, 10 },
	{ "所患疾病", "illness", CHILDXLSX_TEXT, NULL, 12 },
	{ "残疾类别", "disability.type", CHILDXLSX_TEXT, NULL, 10 },
	{ "残疾等级", "disability.grade", CHILDXLSX_TEXT, NULL, 8 },
	{ "残疾证号", "disability.certificate_no", CHILDXLSX_TEXT, NULL, 16 },
};
_Static_assert(sizeof childxlsx__cols / sizeof *childxlsx__cols ==
		       CHILDXLSX_NCOLS,
	       "CHILDXLSX_NCOLS counts the template's columns");

/* The template's columns (childxlsx.h). */
static const childxlsx_col *const cols = childxlsx__cols;
enum { NCOLS = CHILDXLSX_NCOLS };

int childxlsx__write_columns(xlsxout *x, const childxlsx_col *t, int n,
			     const char *extra, const char *extra2, err *e)
{
	xlsxout_col c[NCOLS + 2];
	for (int i = 0; i < n; i++)
		c[i] = (xlsxout_col){ t[i].title, t[i].width, XLSXOUT_TEXT };
	if (extra)
		c[n++] = (xlsxout_col){ extra, 10, XLSXOUT_TEXT };
	if (extra2)
		c[n++] = (xlsxout_col){ extra2, 40, XLSXOUT_TEXT };
	return xlsxout_columns(x, c, n, e);
}

int childxlsx_template(const actor *who, const exportmark *mark, char **bytes,
		       size_t *len, err *e)
{
	xlsxout *x;
	int rc = exportmark_xlsx_open(who, mark, "儿童信息导入模板", &x, e);
	if (rc)
		return rc;
	const char *sample[NCOLS] = {
		CHILDXLSX_SAMPLE_MARK "张小明", "男", "2012-05-01",
		CHILDXLSX_SAMPLE_ID, "汉族",
		"220122100207", "有户籍", "是", "220122", "十里堡村3组12号",
		"十里堡小学", "六年级", "13800000000", "张建国", "", "",
		"省外务工", "北京市", "李秀英", "", "", "省内务工", "长春市",
		"张德福", "", "祖父", "13900000000", "一般", "无", "正常", "",
		"在校", "", "健康", "", "", "", "",
	};
	if ((rc = xlsxout_header_line(x, "农村留守儿童和困境儿童信息导入模板",
				      e)) ||
	    (rc = xlsxout_header_line(
		     x,
		     "说明：带*为必填；有户籍的儿童须填身份证号；父母状况填"
		     "“在家、省内务工、省外务工、死亡、失踪、服刑在押、"
		     "强制隔离戒毒、重残、重病、被撤销监护资格”等；"
		     "失学、辍学须填情况说明；日期格式 2012-05-01。"
		     "标有“【示例】”的示例行不会导入。",
		     e)) ||
	    (rc = childxlsx__write_columns(x, cols, NCOLS, NULL, NULL, e)) ||
	    (rc = xlsxout_row(x, sample, NCOLS, e))) {
		xlsxout_abandon(x);
		return rc;
	}
	return xlsxout_close_mem(x, bytes, len, e);
}

/* ---- CSV in the template's shape ---- */

static void csv_cell(FILE *f, const char *v, int first)
{
	if (!first)
		fputc(',', f);
	if (!strpbrk(v, ",\"\r\n")) {
		fputs(v, f);
		return;
	}
	fputc('"', f);
	for (; *v; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

void childxlsx_csv_header(FILE *f)
{
	for (int i = 0; i < NCOLS; i++)
		csv_cell(f, cols[i].title, i == 0);
	fputs("\r\n", f);
}

void childxlsx_csv_row(FILE *f, const child *c)
{
	json_t *o = child_to_json(c);
	for (int i = 0; i < NCOLS; i++) {
		const char *path = cols[i].path, *dot = strchr(path, '.');
		json_t *v;
		if (dot) {
			char head[32];
			snprintf(head, sizeof head, "%.*s", (int)(dot - path),
				 path);
			v = json_object_get(json_object_get(o, head), dot + 1);
		} else {
			v = json_object_get(o, path);
		}
		const char *text = "";
		if (json_is_string(v)) {
			text = json_string_value(v);
			if (cols[i].kind == CHILDXLSX_CODE)
				text = code_label(cols[i].codes,
						  code_value(cols[i].codes, text));
			else if (cols[i].kind == CHILDXLSX_HUKOU)
				text = strcmp(text, "none") ? "有户籍" : "无户籍";
		} else if (json_is_boolean(v)) {
			text = json_is_true(v) ? "是" : "否";
		}
		csv_cell(f, text, i == 0);
	}
	fputs("\r\n", f);
	json_decref(o);
}
