/* exportmark — what every file the system hands out carries, and when a
 * file needs an approval first (SPEC §10; issue #17; docs/API.md
 * "Exports").
 *
 * The mark: every xlsx and PDF says who made it (username and name), when
 * (China time) and why (the purpose stated with the request, or 日常工作),
 * and for an approved export which request and who approved it — in view
 * on every sheet and page and in the file's properties.  Every exporter
 * opens its writer through exportmark_xlsx_open or exportmark_pdf_new,
 * so none can leave without it.
 *
 * The threshold: an export that would carry more rows with whole ID
 * numbers or phones (privacy.h) than the setting `export_approval.threshold`
 * (1,000 by default) is made only for an approved request (exportreq.h):
 * exportmark_check refuses it otherwise.  Masked exports need no approval,
 * whatever their size. */
#ifndef GUANAI_EXPORTMARK_H
#define GUANAI_EXPORTMARK_H

#include <stddef.h>
#include <stdint.h>

#include "domain/core/account.h"
#include "io/pdfdoc.h"
#include "io/xlsxout.h"
#include "store/store.h"

enum {
	EXPORTMARK_PURPOSE_MAX = 256,	/* bytes: up to 60 characters */
	EXPORTMARK_PURPOSE_CHARS = 60,
	EXPORTMARK_TEXT_MAX = 640,
	EXPORTMARK_THRESHOLD = 1000,	/* the default threshold */
	EXPORTMARK_VALID_HOURS = 24,	/* the default download window */
};

#define EXPORTMARK_DEFAULT_PURPOSE "日常工作"

typedef struct exportmark {
	char purpose[EXPORTMARK_PURPOSE_MAX];
	int64_t request;		/* the approved request, 0 for none */
	char approver[ACCOUNT_USERNAME_MAX];
} exportmark;

/* A mark for `purpose` (the request's `purpose` parameter; NULL or "" for
 * the default 日常工作): 2–60 characters of one line, checked as every
 * name is (text_valid_name).  Errors: ERR_INVALID "invalid_query" field
 * `purpose`. */
int exportmark_init(exportmark *m, const char *purpose, err *e);

/* The mark's line: "导出人：zhuren（张三）　导出时间：2026-12-08 09:30（北京时间）
 * 　用途：日常工作[　审批：第12号申请，lisi 批准]". */
void exportmark_text(const actor *who, const exportmark *m, char *out,
		     size_t n);

/* xlsxout_open and pdfdoc_new (in memory) with the mark set. */
int exportmark_xlsx_open(const actor *who, const exportmark *m,
			 const char *sheet, xlsxout **x, err *e);
int exportmark_pdf_new(const actor *who, const exportmark *m,
		       pdfdoc_size size, pdfdoc **d, err *e);

/* The setting: threshold (rows with whole identities beyond which an
 * export needs approval, 0 or more) and valid_hours (how long an approved
 * export may be downloaded).  Defaults when unset or unreadable. */
typedef struct exportmark_policy {
	int64_t threshold;
	int valid_hours;
} exportmark_policy;
void exportmark_policy_get(store *s, exportmark_policy *p);

/* May `who` export `rows` rows of which every one carries whole
 * identities (`full`: privacy_full for the export) without an approval?
 * Yes when the mark is of an approved request, when the rows are masked,
 * or when they are at most the threshold.  Errors: ERR_FORBIDDEN
 * "export_approval_required" saying how many rows and the threshold. */
int exportmark_check(store *s, const actor *who, const exportmark *m,
		     int full, int64_t rows, err *e);

#endif
