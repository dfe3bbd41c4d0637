/* child_codes — the code tables of a child record: API code ↔ enum ↔
 * Chinese label.  The enumerations and one table per enumeration, used by
 * parsing, rendering, exports and the classification reasons alike. */
#ifndef GUANAI_CHILD_CODES_H
#define GUANAI_CHILD_CODES_H

#include <jansson.h>

/* Parent status codes of SPEC §11, in their order there. */
typedef enum parent_status {
	PARENT_UNKNOWN = 0,	/* not entered: a quality failure (Q07) */
	PARENT_AT_HOME,
	PARENT_MIGRANT_IN_PROVINCE,
	PARENT_MIGRANT_OUT_PROVINCE,
	PARENT_DECEASED,
	PARENT_MISSING,
	PARENT_IMPRISONED,
	PARENT_DRUG_REHAB,
	PARENT_RESTRICTED_LIBERTY,
	PARENT_SEVERE_DISABILITY,
	PARENT_SERIOUS_ILLNESS,
	PARENT_GUARDIANSHIP_REVOKED,
	PARENT_DEPORTED,
	PARENT_OTHER,
	PARENT_STATUS_COUNT
} parent_status;

typedef enum guardianship { GUARD_UNSET = 0, GUARD_GOOD, GUARD_FAIR, GUARD_POOR, GUARD_NONE } guardianship;
typedef enum living_support { SUPPORT_UNSET = 0, SUPPORT_NONE, SUPPORT_DIBAO, SUPPORT_TEKUN } living_support;
typedef enum mental_health { MENTAL_UNSET = 0, MENTAL_NORMAL, MENTAL_ATTENTION, MENTAL_INTERVENTION } mental_health;
typedef enum education {
	EDU_UNSET = 0,
	EDU_PRESCHOOL,
	EDU_IN_SCHOOL,
	EDU_OUT_OF_SCHOOL,
	EDU_DROPPED_OUT,
	EDU_SUSPENDED,
	EDU_HOME_SCHOOLING,
} education;
typedef enum health { HEALTH_UNSET = 0, HEALTH_HEALTHY, HEALTH_ILL, HEALTH_SERIOUS_ILLNESS } health;

typedef struct code_entry {
	int value;
	const char *code;	/* API code, e.g. "migrant_out_province" */
	const char *label;	/* 中文, e.g. "省外务工" */
} code_entry;

extern const code_entry child_parent_status_codes[];
extern const code_entry child_guardianship_codes[];
extern const code_entry child_support_codes[];
extern const code_entry child_mental_codes[];
extern const code_entry child_education_codes[];
extern const code_entry child_health_codes[];
extern const code_entry child_sex_codes[];
/* hukou_status: value 1 registered 有户籍, 0 none 无户籍. */
extern const code_entry child_hukou_codes[];

/* The record's life (SPEC §4.5): its status, the reasons of an exit,
 * the states of a transfer, the actions of its history, and of a visit
 * the risk levels and the four areas of §4.3 (which a case's assessment
 * names too).  Values are positions; the code is what is stored. */
extern const code_entry child_status_codes[];
extern const code_entry child_exit_reason_codes[];
extern const code_entry child_transfer_state_codes[];
extern const code_entry child_history_action_codes[];
extern const code_entry child_risk_codes[];
extern const code_entry child_area_codes[];

/* Lookups in a table ended by a NULL code.  code_value returns -1 for an
 * unknown code; code_of and code_label return "" for an unknown value. */
int code_value(const code_entry *t, const char *code);
const char *code_of(const code_entry *t, int value);
const char *code_label(const code_entry *t, int value);

/* True when `name` is one of the 56 民族 (e.g. "汉族", "朝鲜族"). */
int child_ethnicity_valid(const char *name);

/* A table as JSON, [{"code","label"}…] in its order: what GET
 * /api/v1/codes sends of it (codes.h).  New reference. */
json_t *code_table_json(const code_entry *t);

/* Adds the child record's tables to `out` under their names in GET
 * /api/v1/codes: sex, hukou_status, parent_status, guardianship,
 * living_support, mental_health, education, health, ethnicity (code and
 * label both the name), child_status, exit_reason, transfer_state,
 * history_action, risk_level, area.  What classify.c reads in them is
 * added by codes.c. */
void child_codes_json(json_t *out);

#endif
