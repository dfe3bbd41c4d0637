#include "domain/cases/case_pdf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/cases/case.h"
#include "domain/cases/case_codes.h"
#include "domain/core/exportmark.h"
#include "io/pdfdoc.h"
#include "util/buf.h"
#include "util/date.h"

/* ---- the timeline as PDF ---- */

/* A step's detail as Chinese text: labels for the keys, and for coded
 * values the label of the code.  The caller frees. */
/* The rule an escalation names (case_escalate). */
/* An instant "YYYY-MM-DDTHH:MM:SSZ" as China time "YYYY-MM-DD HH:MM". */
static void china_time(const char *instant, char *out, size_t n)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	out[0] = '\0';
	if (!instant || sscanf(instant, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year,
			       &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
			       &tm.tm_min, &tm.tm_sec) != 6)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	time_t t = timegm(&tm) + 8 * 3600;
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

static char *detail_text(json_t *d)
{
	static const struct {
		const char *key, *label;
		const code_entry *codes;
	} keys[] = {
		{ "situation", "情形", case_situation_codes },
		{ "reporter_type", "报告人", case_reporter_codes },
		{ "urgent", "紧急", NULL },
		{ "note", "说明", NULL },
		{ "measures", "措施", case_emergency_codes },
		{ "needs", "需求", NULL },
		{ "risk_level", "风险", NULL },
		{ "responsible_unit", "责任单位", NULL },
		{ "due_on", "期限", NULL },
		{ "kind", "类别", NULL },
		{ "institution", "机构", NULL },
		{ "referral_id", "转介", NULL },
		{ "answer", "回复", NULL },
		{ "outcome", "结果", NULL },
		{ "from", "原层级", NULL },
		{ "to", "上报至", NULL },
		{ "missed", "错过的期限", NULL },
		{ "rule", "规则", case_escalate_rule_codes },
		{ "hours", "时限（小时）", NULL },
	};
	static const struct {
		const char *code, *label;
	} words[] = { { "low", "低" },	      { "medium", "中" },
		      { "high", "高" },	      { "living", "生活" },
		      { "guardianship", "监护" }, { "mental_health", "心理" },
		      { "education", "学习" } };
	buf b = BUF_INIT;
	const char *k;
	json_t *v;
	json_object_foreach(d, k, v) {
		const char *label = k;
		const code_entry *codes = NULL;
		for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
			if (!strcmp(keys[i].key, k)) {
				label = keys[i].label;
				codes = keys[i].codes;
			}
		if (b.len)
			buf_puts(&b, "；");
		buf_printf(&b, "%s：", label);
		json_t *items = json_is_array(v) ? v : NULL;
		size_t n = items ? json_array_size(items) : 1;
		for (size_t i = 0; i < n; i++) {
			json_t *x = items ? json_array_get(items, i) : v;
			const char *text = json_string_value(x);
			char num[32];
			if (json_is_boolean(x))
				text = json_is_true(x) ? "是" : "否";
			else if (json_is_integer(x)) {
				snprintf(num, sizeof num, "%lld",
					 (long long)json_integer_value(x));
				text = num;
			} else if (json_is_object(x)) {
				const char *k2;
				json_t *v2;
				json_object_foreach(x, k2, v2) {
					const char *l2 = k2;
					for (size_t w = 0; w < sizeof words / sizeof *words; w++)
						if (!strcmp(words[w].code, k2))
							l2 = words[w].label;
					buf_printf(&b, "%s%s %s", i ? "、" : "", l2,
						   json_string_value(v2) ? json_string_value(v2) : "");
				}
				continue;
			}
			if (!text)
				text = "";
			/* An instant (an escalation's `missed`) in China time,
			 * like every other time the record prints. */
			char when[32];
			china_time(text, when, sizeof when);
			if (when[0])
				text = when;
			if (codes && code_value(codes, text) >= 0)
				text = code_label(codes,
						  code_value(codes, text));
			else if (!strcmp(k, "kind")) {
				const code_entry *t[] = {
					case_referral_codes,
					case_intervention_codes
				};
				for (size_t w = 0; w < 2; w++)
					if (code_value(t[w], text) >= 0)
						text = code_label(t[w],
								  code_value(t[w], text));
			} else
				for (size_t w = 0; w < sizeof words / sizeof *words; w++)
					if (!strcmp(words[w].code, text))
						text = words[w].label;
			buf_printf(&b, "%s%s", i ? "、" : "", text);
		}
	}
	return buf_steal(&b);
}

int case_pdf(store *s, const actor *who, int64_t id, const exportmark *mark,
	     char **bytes, size_t *len, char filename[128], err *e)
{
	json_t *c;
	int rc = case_get(s, who, id, &c, e);
	if (rc)
		return rc;
	pdfdoc *d;
	if ((rc = exportmark_pdf_new(who, mark, PDFDOC_A4, &d, e))) {
		json_decref(c);
		return rc;
	}
	char sub[600], date[11];
	date_of(who->now, date);
	snprintf(sub, sizeof sub, "案件编号：%lld　　%.300s　　打印日期：%s",
		 (long long)id,
		 json_string_value(json_object_get(c, "region_path")), date);
	pdfdoc_title(d, "儿童救助保护个案记录");
	pdfdoc_subtitle(d, sub);
	const pdfdoc_field f[] = {
		{ "儿童", json_string_value(json_object_get(c, "child_name")), 0, 0 },
		{ "状态", json_string_value(json_object_get(c, "state_label")), 0, 0 },
		{ "报告情形", json_string_value(json_object_get(c, "situation_label")), 1, 0 },
		{ "情况描述", json_string_value(json_object_get(c, "description")), 1, 2 },
		{ "紧急程度", json_is_true(json_object_get(c, "urgent")) ? "紧急" : "一般", 0, 0 },
		{ "当前负责层级", json_string_value(json_object_get(c, "level_label")), 0, 0 },
		{ "结案情况", json_string_value(json_object_get(c, "outcome")), 1, 0 },
	};
	pdfdoc_form(d, "案件概况", f, sizeof f / sizeof *f, 4);
	pdfdoc_text(d, "处置全过程", 11, PDFDOC_BOLD);
	static const pdfdoc_col cols[] = { { "时间", 1.3 }, { "环节", 1 },
					   { "经办人", 0.8 }, { "内容", 3 } };
	pdfdoc_table_begin(d, cols, 4);
	size_t i;
	json_t *ev;
	json_array_foreach(json_object_get(c, "timeline"), i, ev) {
		char when[32], *what = detail_text(json_object_get(ev, "detail"));
		china_time(json_string_value(json_object_get(ev, "at")), when,
			   sizeof when);
		/* the server's own work names the scheduler, as the audit
		 * log does (domain/core/audit_list.c) */
		const char *by = json_string_value(json_object_get(ev, "actor"));
		if (by && !strcmp(by, "system"))
			by = "系统定时任务（调度程序）";
		const char *cells[] = {
			when, json_string_value(json_object_get(ev, "step_label")),
			by, what };
		pdfdoc_table_row(d, cells, 4);
		free(what);
	}
	pdfdoc_table_end(d);
	pdfdoc_footer(d, "本记录含儿童个人信息，仅限救助保护工作使用", 1);
	rc = pdfdoc_finish(d, bytes, len, e);
	if (rc == 0)
		snprintf(filename, 128, "个案记录_%lld.pdf", (long long)id);
	json_decref(c);
	return rc;
}
