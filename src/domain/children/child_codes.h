/* child_codes — the code tables of a child record: API code ↔ enum ↔
 * Chinese label.  One table per enumeration, used by parsing, rendering,
 * exports and the classification reasons alike. */
#ifndef GUANAI_CHILD_CODES_H
#define GUANAI_CHILD_CODES_H

#include "domain/children/child.h"

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
