/* child — children's records (SPEC §4, §11, §12).
 *
 * A child record holds the facts a director registers: identity, family
 * and guardianship, living, mental health, education, health.  Categories
 * and key-attention flags are never entered: they are derived from the
 * facts by classify.c, as of a date, every time they are needed. */
#ifndef GUANAI_CHILD_H
#define GUANAI_CHILD_H

#include <stdint.h>

#include "domain/children/child_codes.h"
#include "domain/core/region.h"

enum {
	CHILD_NAME_MAX = 64,		/* bytes, for up to 20 characters */
	CHILD_ID_MAX = 19,		/* 18 characters + NUL */
	CHILD_PHONE_MAX = 21,
	CHILD_TEXT_MAX = 512,		/* free text: address, notes */
	CHILD_DATE_MAX = 11,		/* YYYY-MM-DD */
};

typedef struct parent {
	char name[CHILD_NAME_MAX];
	char id_number[CHILD_ID_MAX];
	char phone[CHILD_PHONE_MAX];
	parent_status status;
	char work_place[CHILD_NAME_MAX * 2];	/* where a migrant works */
} parent;

typedef struct guardian {
	int present;			/* 0: no entrusted guardian recorded */
	char name[CHILD_NAME_MAX];
	char id_number[CHILD_ID_MAX];
	char relationship[CHILD_NAME_MAX];
	char phone[CHILD_PHONE_MAX];
} guardian;

typedef struct disability {
	int present;
	char type[CHILD_NAME_MAX];
	char grade[16];
	char certificate_no[32];
} disability;

typedef struct child {
	int64_t id;
	char name[CHILD_NAME_MAX];
	int sex;			/* 1 male, 2 female */
	char birth_date[CHILD_DATE_MAX];
	char id_number[CHILD_ID_MAX];	/* "" when no hukou */
	char ethnicity[32];		/* one of the 56 民族, e.g. "汉族" */
	char region[REGION_CODE_MAX];	/* 居住地: the village */
	char hukou_region[REGION_CODE_MAX];	/* 户籍地, may be "" */
	int hukou_rural;		/* 1 rural household registration */
	int hukou_registered;		/* 0: 无户籍 */
	char address[CHILD_TEXT_MAX];
	char school[CHILD_NAME_MAX * 2];
	char grade[32];
	char contact_phone[CHILD_PHONE_MAX];
	parent father, mother;
	guardian guardian;
	guardianship guardianship;
	living_support living_support;
	mental_health mental_health;
	char mental_notes[CHILD_TEXT_MAX];
	education education;
	char dropout_explanation[CHILD_TEXT_MAX];
	health health;
	char illness[CHILD_NAME_MAX * 2];
	disability disability;
	/* Set by the protection-case module: an open case of abuse,
	 * abandonment or neglect (SPEC §11 difficult_guardianship). */
	int open_abuse_case;
} child;

#endif

#ifndef GUANAI_CHILD_FUNCS
#define GUANAI_CHILD_FUNCS
#include <jansson.h>

#include "util/err.h"

/* Reads the editable fields of a record from a JSON object (the SPEC §12
 * shape) into *out, which the caller has zeroed.  Every field is checked
 * for type, code, length and format; a field the record does not have is
 * "unknown_field".  Cross-field rules are child_validate's.
 * Errors: ERR_INVALID with the field named. */
int child_parse(json_t *obj, child *out, err *e);

/* The editable fields as text by their JSON path ("name",
 * "father.status"), for a bulk import that reads cells rather than JSON:
 * path[i] has value[i], NULL when the cell is empty; a boolean is "true"
 * or "false", a code its API code.  Values must be valid UTF-8. */
typedef struct child_cells {
	int n;
	const char *const *path;
	const char *const *value;
} child_cells;

/* As child_parse, from cells: the same checks in the same order with the
 * same errors as child_parse of the JSON object holding the non-empty
 * cells at their paths. */
int child_parse_cells(const child_cells *cells, child *out, err *e);

/* As child_parse, for a record read back from the store: the format of
 * ID numbers and phone numbers is not checked (a legacy record may hold
 * a wrong check digit or a malformed phone — rules Q03 and Q10 report
 * them), so such a record can still be opened and corrected.  Every
 * write goes through child_parse and child_validate again. */
int child_parse_stored(json_t *obj, child *out, err *e);

/* The cross-field rules: ID number check digit and agreement with birth
 * date and sex, no ID number without hukou, birth date not after `today`,
 * explanation for 失学/辍学.  Errors: ERR_INVALID with the field named. */
int child_validate(const child *c, const char *today, err *e);

/* The editable fields as JSON (new reference). */
json_t *child_to_json(const child *c);

/* The same as compact JSON text, malloc'd (the caller frees it): byte for
 * byte what json_dumps(child_to_json(c), JSON_COMPACT) gives for a record
 * whose text is valid UTF-8 (every parsed record's is), without building
 * the object.  This is what the API shows. */
char *child_to_text(const child *c);

/* As child_to_text without the null members: what the store keeps in
 * `data`, some fifth smaller (a million records' nulls are 150 MB).
 * child_parse_stored reads an absent member as null, and records stored
 * with their nulls (before this) read the same. */
char *child_stored_text(const child *c);

/* A valid date YYYY-MM-DD (real calendar day). */
int child_date_valid(const char *s);

/* A mobile (1[3-9] + 9 digits) or landline (0 + area code + number, with
 * an optional hyphen) number. */
int child_phone_valid(const char *s);

/* Field-by-field differences between two records' JSON (flattened paths
 * like "father.status"): a JSON array of {field, before, after}. */
json_t *child_diff(json_t *before, json_t *after);

/* RFC 7386 merge patch of `patch` onto a copy of `target`. */
json_t *child_merge_patch(json_t *target, json_t *patch);

#endif
