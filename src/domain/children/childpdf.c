#include "domain/children/childpdf.h"

#include <stdio.h>
#include <string.h>

#include "domain/children/child_codes.h"
#include "domain/children/childrec_visit.h"
#include "domain/children/classify.h"
#include "io/pdfdoc.h"
#include "util/date.h"

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	return v ? v : "";
}

static const char *label(json_t *o, const char *key, const code_entry *t)
{
	const char *v = str(o, key);
	return *v ? code_label(t, code_value(t, v)) : "";
}

int childpdf_record(store *s, const actor *who, int64_t id,
		    const exportmark *mark, char **bytes, size_t *len,
		    char filename[128], err *e)
{
	json_t *c, *visits = NULL;
	int rc = childrec_get(s, who, id, &c, e);
	if (rc)
		return rc;
	if ((rc = childrec_visits(s, who, id, &visits, e))) {
		json_decref(c);
		return rc;
	}
	char today[11], sub[600], age[16], idno[32];
	date_of(who->now, today);
	snprintf(sub, sizeof sub, "%.400s　　档案编号：%lld　　打印日期：%s",
		 str(c, "region_path"), (long long)id, today);
	snprintf(age, sizeof age, "%lld岁",
		 (long long)json_integer_value(json_object_get(c, "age")));
	snprintf(idno, sizeof idno, "%s",
		 *str(c, "id_number") ? str(c, "id_number") : "无（无户籍）");
	json_t *fa = json_object_get(c, "father"), *mo = json_object_get(c, "mother");
	json_t *gu = json_object_get(c, "guardian"), *di = json_object_get(c, "disability");
	const pdfdoc_field basic[] = {
		{ "姓名", str(c, "name"), 0, 0 },
		{ "性别", label(c, "sex", child_sex_codes), 0, 0 },
		/* null for a masked role: the age stands for it (privacy.h) */
		{ "出生日期", *str(c, "birth_date") ? str(c, "birth_date")
						     : "（按权限不显示）",
		  0, 0 },
		{ "年龄", age, 0, 0 },
		{ "民族", str(c, "ethnicity"), 0, 0 },
		{ "身份证号", idno, 0, 0 },
		{ "户籍", strcmp(str(c, "hukou_status"), "none")
				  ? (json_is_true(json_object_get(c, "hukou_rural"))
					     ? "有户籍（农村）"
					     : "有户籍（城镇）")
				  : "无户籍",
		  0, 0 },
		{ "联系电话", str(c, "contact_phone"), 0, 0 },
		{ "居住地", str(c, "region_path"), 1, 0 },
		{ "家庭住址", str(c, "address"), 1, 0 },
		{ "就读学校", str(c, "school"), 0, 0 },
		{ "年级", str(c, "grade"), 0, 0 },
	};
	const pdfdoc_field family[] = {
		{ "父亲姓名", str(fa, "name"), 0, 0 },
		{ "父亲状况", label(fa, "status", child_parent_status_codes), 0, 0 },
		{ "父亲电话", str(fa, "phone"), 0, 0 },
		{ "父亲务工地", str(fa, "work_place"), 0, 0 },
		{ "母亲姓名", str(mo, "name"), 0, 0 },
		{ "母亲状况", label(mo, "status", child_parent_status_codes), 0, 0 },
		{ "母亲电话", str(mo, "phone"), 0, 0 },
		{ "母亲务工地", str(mo, "work_place"), 0, 0 },
		{ "受委托监护人", str(gu, "name"), 0, 0 },
		{ "与儿童关系", str(gu, "relationship"), 0, 0 },
		{ "监护人电话", str(gu, "phone"), 0, 0 },
		{ "家庭监护情况", label(c, "guardianship", child_guardianship_codes), 0, 0 },
	};
	const pdfdoc_field situation[] = {
		{ "基本生活保障", label(c, "living_support", child_support_codes), 0, 0 },
		{ "心理健康", label(c, "mental_health", child_mental_codes), 0, 0 },
		{ "心理健康说明", str(c, "mental_notes"), 1, 0 },
		{ "学习教育", label(c, "education", child_education_codes), 0, 0 },
		{ "健康状况", label(c, "health", child_health_codes), 0, 0 },
		{ "失辍学情况说明", str(c, "dropout_explanation"), 1, 0 },
		{ "所患疾病", str(c, "illness"), 0, 0 },
		{ "残疾情况", json_is_object(di) ? str(di, "type") : "无", 0, 0 },
	};
	pdfdoc *d;
	if ((rc = exportmark_pdf_new(who, mark, PDFDOC_A4, &d, e)))
		goto out;
	pdfdoc_title(d, "农村留守儿童和困境儿童档案表");
	pdfdoc_subtitle(d, sub);
	pdfdoc_form(d, "一、基本信息", basic, sizeof basic / sizeof *basic, 4);
	pdfdoc_form(d, "二、家庭与监护", family, sizeof family / sizeof *family, 4);
	pdfdoc_form(d, "三、生活、心理、教育与健康", situation,
		    sizeof situation / sizeof *situation, 4);
	pdfdoc_text(d, "四、分类与重点对象（系统依规则认定）", 11, PDFDOC_BOLD);
	static const pdfdoc_col ccols[] = { { "类别/标记", 1.2 },
					    { "认定依据", 3 } };
	pdfdoc_table_begin(d, ccols, 2);
	size_t i;
	json_t *it;
	json_t *cls = json_object_get(c, "classification");
	json_array_foreach(cls, i, it) {
		const char *cells[] = { str(it, "label"), str(it, "why") };
		pdfdoc_table_row(d, cells, 2);
	}
	if (json_array_size(cls) == 0) {
		const char *cells[] = { "无", "不属于任何类别，无重点对象标记" };
		pdfdoc_table_row(d, cells, 2);
	}
	pdfdoc_table_end(d);
	pdfdoc_space(d, 4);
	pdfdoc_text(d, "五、家庭走访记录", 11, PDFDOC_BOLD);
	static const pdfdoc_col vcols[] = { { "日期", 1 }, { "走访人", 1 },
					    { "见到", 1 },   { "风险", 0.6 },
					    { "发现与跟进", 3 } };
	pdfdoc_table_begin(d, vcols, 5);
	json_array_foreach(json_object_get(visits, "items"), i, it) {
		char note[900];
		json_t *f = json_object_get(it, "findings");
		snprintf(note, sizeof note, "生活：%.120s；监护：%.120s；心理：%.120s；学习：%.120s%s%.200s",
			 str(f, "living"), str(f, "guardianship"),
			 str(f, "mental_health"), str(f, "education"),
			 *str(it, "follow_up") ? "；跟进：" : "",
			 str(it, "follow_up"));
		const char *risk = str(it, "risk_level");
		const char *cells[] = { str(it, "visit_date"), str(it, "visitor"),
					str(it, "met"),
					!strcmp(risk, "high")	  ? "高"
					: !strcmp(risk, "medium") ? "中"
								  : "低",
					note };
		pdfdoc_table_row(d, cells, 5);
	}
	pdfdoc_table_end(d);
	pdfdoc_space(d, 10);
	pdfdoc_text(d, "填表人（签字）：____________　　儿童主任（签字）：____________　　日期：____年__月__日",
		    10, PDFDOC_LEFT);
	pdfdoc_footer(d, "本表含儿童个人信息，仅限儿童关爱保护工作使用，请妥善保管", 1);
	rc = pdfdoc_finish(d, bytes, len, e);
	if (rc == 0)
		snprintf(filename, 128, "儿童档案表_%.40s_%lld.pdf", str(c, "name"),
			 (long long)id);
out:
	json_decref(c);
	json_decref(visits);
	return rc;
}
