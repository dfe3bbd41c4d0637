/* child_codes — the code tables of a child record: API code ↔ enum ↔
 * Chinese label.  The enumerations and one table per enumeration, used by
 * parsing, rendering, exports and the classification reasons alike. */
#ifndef GUANAI_CHILD_CODES_H
#define GUANAI_CHILD_CODES_H

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

/* Lookups in a table ended by a NULL code.  code_value returns -1 for an
 * unknown code; code_of and code_label return "" for an unknown value. */
int code_value(const code_entry *t, const char *code);
const char *code_of(const code_entry *t, int value);
const char *code_label(const code_entry *t, int value);

/* True when `name` is one of the 56 民族 (e.g. "汉族", "朝鲜族"). */
int child_ethnicity_valid(const char *name);

#endif
