#include "domain/core/exportmark.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/core/privacy.h"
#include "store/platform_store.h"
#include "util/text.h"

int exportmark_init(exportmark *m, const char *purpose, err *e)
{
	memset(m, 0, sizeof *m);
	if (!purpose || !*purpose) {
		snprintf(m->purpose, sizeof m->purpose, "%s",
			 EXPORTMARK_DEFAULT_PURPOSE);
		return 0;
	}
	char why[96];
	const char *bad = text_fault(purpose, 2, EXPORTMARK_PURPOSE_CHARS, 0,
				     why, sizeof why);
	if (bad || strlen(purpose) >= sizeof m->purpose)
		return err_field(e, ERR_INVALID, "invalid_query", "purpose",
				 "导出用途%s", bad ? bad : "过长");
	snprintf(m->purpose, sizeof m->purpose, "%s", purpose);
	return 0;
}

/* "2026-12-08 09:30" in China (UTC+8, no daylight saving). */
static void china_minute(int64_t t, char out[17])
{
	time_t c = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&c, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

void exportmark_text(const actor *who, const exportmark *m, char *out,
		     size_t n)
{
	char when[17], by[200];
	china_minute(who->now, when);
	if (who->u && who->u->display_name[0])
		snprintf(by, sizeof by, "%s（%s）", who->u->username,
			 who->u->display_name);
	else
		snprintf(by, sizeof by, "%s", actor_name(who));
	int used = snprintf(out, n, "导出人：%s　导出时间：%s（北京时间）　用途：%s",
			    by, when, m->purpose);
	if (m->request && used >= 0 && (size_t)used < n)
		snprintf(out + used, n - (size_t)used,
			 "　审批：第%lld号申请，%s 批准", (long long)m->request,
			 m->approver);
}

int exportmark_xlsx_open(const actor *who, const exportmark *m,
			 const char *sheet, xlsxout **x, err *e)
{
	char text[EXPORTMARK_TEXT_MAX];
	exportmark_text(who, m, text, sizeof text);
	int rc = xlsxout_open(NULL, sheet, x, e);
	if (rc == 0 && (rc = xlsxout_watermark(*x, text, e))) {
		xlsxout_abandon(*x);
		*x = NULL;
	}
	return rc;
}

int exportmark_pdf_new(const actor *who, const exportmark *m,
		       pdfdoc_size size, pdfdoc **d, err *e)
{
	char text[EXPORTMARK_TEXT_MAX];
	exportmark_text(who, m, text, sizeof text);
	int rc = pdfdoc_new(NULL, size, d, e);
	if (rc == 0 && (rc = pdfdoc_watermark(*d, text))) {
		pdfdoc_free(*d);
		*d = NULL;
		return err_set(e, ERR_INTERNAL, "pdf_render", "无法设置水印");
	}
	return rc;
}

void exportmark_policy_get(store *s, exportmark_policy *p)
{
	p->threshold = EXPORTMARK_THRESHOLD;
	p->valid_hours = EXPORTMARK_VALID_HOURS;
	char *v = NULL;
	if (platform_store_setting(s, "export_approval", &v, NULL) != 0 || !v)
		return;
	json_t *o = json_loads(v, 0, NULL);
	free(v);
	json_t *t = json_object_get(o, "threshold");
	json_t *h = json_object_get(o, "valid_hours");
	if (json_is_integer(t) && json_integer_value(t) >= 0)
		p->threshold = json_integer_value(t);
	if (json_is_integer(h) && json_integer_value(h) >= 1 &&
	    json_integer_value(h) <= 24 * 30)
		p->valid_hours = (int)json_integer_value(h);
	json_decref(o);
}

int exportmark_check(store *s, const actor *who, const exportmark *m,
		     int full, int64_t rows, err *e)
{
	(void)who;
	if (m->request || !full)
		return 0;
	exportmark_policy p;
	exportmark_policy_get(s, &p);
	if (rows <= p.threshold)
		return 0;
	return err_set(e, ERR_FORBIDDEN, "export_approval_required",
		       "本次导出含完整身份证号、电话的记录%lld条，超过%lld条须经上一级"
		       "审批：请填写导出用途并提交导出申请，批准后下载",
		       (long long)rows, (long long)p.threshold);
}
