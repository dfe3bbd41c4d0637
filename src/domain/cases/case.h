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

#include "domain/core/account.h"
#include "store/case_store.h"
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
/* Whether case `c` is overdue at `now`: open and past its deadline, or a
 * report still not accepted that missed a limit before (escalated): the
 * next level's fresh deadline never hides that it is late.  Taking the
 * late step ends it.  The SQL of the overdue list and the dashboard
 * (case_store, stats_store) says the same. */
int case_overdue(const case_row *c, int64_t now);
/* One step of the chain: "accept", "emergency", "assessment", "plan",
 * "referral", "referral_answer", "intervention", "close". */
int case_step(store *s, const actor *who, int64_t id, const char *step,
	      json_t *body, json_t **out, err *e);
/* ---- for the other modules of cases/ ---- */

/* The case `id`, if inside the actor's scope.  Errors: ERR_NOTFOUND
 * (absent, or outside the scope: err.out_of_scope), ERR_STORE. */
int case__load(store *s, const actor *who, int64_t id, case_row *c, err *e);
/* Records a step of case `c` as an event of its timeline and the audit
 * entry "case_<step>", inside the caller's transaction; takes `detail`
 * (as audit_record does). */
int case__record(store *s, const actor *who, const case_row *c,
		 const char *step, json_t *detail, err *e);
/* A situation that opens a protection case on the child's record
 * (childrec_case_link): abuse, or no or improper guardianship. */
int case__abuse_like(const char *situation);

#endif
