/* case_codes — the code tables of a protection case: API code ↔ Chinese
 * label, shared by the chain, its rendering and its PDF. */
#ifndef GUANAI_CASE_CODES_H
#define GUANAI_CASE_CODES_H

#include "domain/children/child_codes.h"

extern const code_entry case_reporter_codes[];
extern const code_entry case_situation_codes[];
extern const code_entry case_emergency_codes[];
extern const code_entry case_referral_codes[];
extern const code_entry case_intervention_codes[];
extern const code_entry case_state_codes[];
extern const code_entry case_step_codes[];	/* the steps, and escalate */
/* The time limits whose miss moves a report up a level. */
extern const code_entry case_escalate_rule_codes[];

/* Adds the tables of GET /api/v1/codes this module parses and renders
 * with to `out`: case_reporter_type, case_situation, case_emergency,
 * case_referral_kind, case_intervention, case_state, case_step,
 * case_escalate_rule. */
void case_codes_json(json_t *out);

#endif
