/* report — what a county sends upward (SPEC §9): the dashboard as a
 * workbook, and the standard tables as xlsx, each with the region's path,
 * the period and the day it was made in the header.  The figures come from
 * the same functions as the dashboard and the lists, so they agree. */
#ifndef GUANAI_REPORT_H
#define GUANAI_REPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "store/store.h"

/* The dashboard of `region` (default: the caller's scope) as a workbook:
 * overview, children per child region, quarterly trend, campaigns and the
 * regions late with the quarterly sign-off, one sheet each. */
int report_dashboard_xlsx(store *s, const actor *who, const char *region,
			  const exportmark *mark, char **bytes, size_t *len,
			  char filename[128], err *e);

/* A campaign's progress (GET /campaigns/{id}) per child region, with the
 * total and the late ones marked.  Errors as campaign_progress. */
int report_campaign_xlsx(store *s, const actor *who, int64_t id,
			 const exportmark *mark, char **bytes, size_t *len,
			 char filename[128], err *e);

/* One standard table: `kind` "children" (by category per child region —
 * per township for a county), "workforce" (roster of supervisors and
 * directors in post), "training" (attendees of the year's trainings with
 * results; `year` default this year), "platforms" (roster of 儿童之家 and
 * 儿童活动中心 with the 五有 verdict), "cases" (case summary per child
 * region).  The reader roles are those of the underlying list.
 * Every workbook carries `mark` (exportmark.h); a roster of more staff
 * with whole ID numbers and phones than the threshold needs the mark of
 * an approved request.
 * Errors: 404 not_found for another kind, 400 invalid_query (year), the
 * list's own errors (scope, roles), 403 export_approval_required. */
int report_xlsx(store *s, const actor *who, const char *kind,
		const char *region, const char *year, const exportmark *mark,
		char **bytes, size_t *len, char filename[128], err *e);

/* Adds table "report" of GET /api/v1/codes to `out`: the standard
 * tables of report_xlsx, each with its menu label and the "action" it
 * needs (perm.c's name); the children's table also with its "titles"
 * by the level of the region it is asked for. */
void report_codes_json(json_t *out);

#endif
