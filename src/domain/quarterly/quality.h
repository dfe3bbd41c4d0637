/* quality — quarterly verification (SPEC §7, rules Q01–Q11 of §11).
 *
 * The rules are code in two modules: the static part of each rule, which
 * a record fails by its own facts, is computed on every write of the
 * record (children/child_quality.h); the rest (age, visits, verification,
 * duplicates) here, against the quarter, when a report is asked for.  Sign-off runs village →
 * township → county; a county's approval freezes that quarter's figures
 * in a snapshot, which later edits do not change. */
#ifndef GUANAI_QUALITY_H
#define GUANAI_QUALITY_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/children/child.h"
#include "domain/children/child_quality.h"
#include "store/store.h"

/* The quarter's sign-off due date: the configured one, else 15 days after
 * the quarter ends. */
void quality_due_on(store *s, const char *quarter, char due[11]);

/* GET /quality: counts of every rule and failing records (a rule's list
 * when `rule` is given, else the first `limit` of each). */
int quality_report(store *s, const actor *who, const char *code_in,
		   const char *quarter, const char *rule, int64_t offset,
		   int limit, json_t **out, err *e);

/* The rules Q01–Q11 with the children failing each among `active`:
 * [{code, severity, message, failing, pct}], a new reference.  q[] holds
 * the counts of Q01..Q11. */
json_t *quality_rules_json(const int64_t q[11], int64_t active);

/* Marks a record verified for a quarter: outcome unchanged or updated. */
int quality_verify(store *s, const actor *who, int64_t child_id,
		   json_t *body, json_t **out, err *e);

/* Per child region: records, verified %, open failures (Q01–Q10),
 * sign-off state with who set it, when and a return's comment, due date
 * and lateness.  A city's or the province's state is the roll-up of its
 * counties (approved once all are). */
int quality_progress(store *s, const actor *who, const char *code_in,
		     const char *quarter, json_t **out, err *e);

/* Sign-off: action submit (village by its director, township by its
 * supervisor), approve or return (county officer, on a township). */
int quality_signoff(store *s, const actor *who, const char *quarter,
		    json_t *body, json_t **out, err *e);

/* The quarter's figures of a county: from its snapshot once approved
 * (frozen: true), else live. */
int quality_figures(store *s, const actor *who, const char *code_in,
		    const char *quarter, json_t **out, err *e);

/* Due date of a quarter (province/admin may set it). */
int quality_set_due(store *s, const actor *who, const char *quarter,
		    json_t *body, json_t **out, err *e);

/* The label of a sign-off state (open, submitted, returned, approved):
 * "未提交" for any other. */
const char *quality_signoff_label(const char *state);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * quality_rule (code Q01…, label the rule's message, and its
 * "severity"), severity, signoff_state, verification_outcome. */
void quality_codes_json(json_t *out);

#endif
