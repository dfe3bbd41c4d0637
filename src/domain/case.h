/* case — the 五位一体 protection chain (SPEC §6): monitoring lists,
 * mandatory reports, emergency handling, assessment, help plans with
 * referrals, guardianship intervention, closing; time limits; escalation.
 *
 * What must stay true:
 *   - a step out of order is refused and writes nothing;
 *   - every step is an event of the case (who, when, what) and an audit
 *     entry, in the step's transaction;
 *   - a report not accepted in time moves one level up, exactly once per
 *     deadline, whatever the number of servers or restarts (compare-and-
 *     set on the escalation count in the database);
 *   - a case is seen only inside the scope that holds its village; outside
 *     it is absent, its count included. */
#ifndef GUANAI_CASE_H
#define GUANAI_CASE_H

#include <jansson.h>

#include "domain/account.h"
#include "domain/exportmark.h"
#include "store/store.h"

/* Files a report.  Body: region_code (village), child_id?, child_name?,
 * reporter_type, reporter_name?, reporter_phone?, place?, situation,
 * description, urgent. */
int case_report(store *s, const actor *who, json_t *body, json_t **out,
		err *e);
int case_get(store *s, const actor *who, int64_t id, json_t **out, err *e);
/* state: NULL, "open" or a state; overdue: only past their deadline;
 * todo: those the caller's level answers for (or is above). */
int case_list(store *s, const actor *who, const char *state, int overdue,
	      int todo, int64_t offset, int limit, json_t **out, err *e);
/* One step of the chain: "accept", "emergency", "assessment", "plan",
 * "referral", "referral_answer", "intervention", "close". */
int case_step(store *s, const actor *who, int64_t id, const char *step,
	      json_t *body, json_t **out, err *e);
/* The whole timeline as PDF. */
int case_pdf(store *s, const actor *who, int64_t id, const exportmark *mark,
	     char **bytes, size_t *len, char filename[128], err *e);

/* The watch list (监测预防) of the caller's scope: flagged children,
 * overdue visits (no visit for `days`), left-behind children without a
 * guardian on record, and those whose last visit found high risk. */
int case_watchlist(store *s, const actor *who, const char *days,
		   json_t **out, err *e);

/* Escalates every report past its acceptance deadline at `now`; returns
 * how many moved.  Run by the server's scheduler. */
int case_escalate_due(store *s, int64_t now, int *moved, err *e);

/* The configured time limits: {"accept_hours", "urgent_hours",
 * "assess_days", "plan_days", "referral_days"}. */
int case_limits(store *s, json_t **out, err *e);
int case_set_limits(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);

/* Adds the tables of GET /api/v1/codes this module parses and renders
 * with to `out`: case_reporter_type, case_situation, case_emergency,
 * case_referral_kind, case_intervention, case_state, case_step. */
void case_codes_json(json_t *out);

#endif
