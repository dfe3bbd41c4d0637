/* classify — the derivation rules of SPEC §11, exactly.
 *
 * Pure functions of a child's facts and an as-of date: no I/O, no clock.
 * Each category and flag that fires comes with the rule that fired, in
 * Chinese, so a director can see why the system put the child there. */
#ifndef GUANAI_CLASSIFY_H
#define GUANAI_CLASSIFY_H

#include <jansson.h>

#include "domain/children/child.h"

/* Category bits (SPEC §11 codes in comments). */
enum {
	CAT_LEFT_BEHIND = 1 << 0,		/* left_behind 农村留守儿童 */
	CAT_ORPHAN = 1 << 1,			/* orphan 孤儿 */
	CAT_DE_FACTO_UNSUPPORTED = 1 << 2,	/* de_facto_unsupported 事实无人抚养儿童 */
	CAT_DIFFICULT_POVERTY = 1 << 3,		/* difficult_poverty */
	CAT_DIFFICULT_DISABILITY = 1 << 4,	/* difficult_disability */
	CAT_DIFFICULT_GUARDIANSHIP = 1 << 5,	/* difficult_guardianship */
	CAT_COUNT = 6
};

/* Flag bits. */
enum {
	FLAG_UNSUPERVISED = 1 << 0,	/* unsupervised 无人监护 */
	FLAG_POOR_GUARDIANSHIP = 1 << 1,	/* poor_guardianship 监护较差 */
	FLAG_DROPOUT = 1 << 2,		/* dropout 失辍学 */
	FLAG_NO_HUKOU = 1 << 3,		/* no_hukou 无户籍 */
	FLAG_ILL = 1 << 4,		/* ill 患病 */
	FLAG_DISABLED = 1 << 5,		/* disabled 残疾 */
	FLAG_COUNT = 6
};

/* One fired rule: the code and the reason in Chinese. */
typedef struct classify_reason {
	const char *code;		/* "left_behind", "dropout", … */
	char why[256];
} classify_reason;

typedef struct classify_result {
	unsigned categories;		/* CAT_* bits */
	unsigned flags;			/* FLAG_* bits */
	int n;				/* reasons, categories first */
	classify_reason reasons[CAT_COUNT + FLAG_COUNT];
} classify_result;

/* Whole years of age at `asof` (both YYYY-MM-DD): a child turns N on the
 * Nth birthday; one born on 29 February turns N on 1 March in a common
 * year.  Returns -1 for malformed dates or asof before birth. */
int classify_age(const char *birth, const char *asof);

/* The date on which a child born on `birth` turns `years` (out: 11 bytes).
 * Returns 0, or -1 for a malformed date. */
int classify_birthday(const char *birth, int years, char out[11]);

/* True for the statuses SPEC §11 calls unable to guard (无监护能力). */
int classify_parent_unable(parent_status s);
int classify_parent_migrant(parent_status s);

/* How a parent counts as of `asof` for the rules: "migrant" (away at
 * work), "unable" (unable to guard), or NULL (neither).  What a page
 * marks on the parent, so that it does not repeat the rule. */
const char *classify_parent_absence(const parent *p, const char *asof);

/* Derives categories and flags of `c` as of `asof` (YYYY-MM-DD).
 * A child whose age cannot be computed gets no age-bound category. */
void classify_child(const child *c, const char *asof, classify_result *out);

/* The age-independent part of each category (bits that hold whatever the
 * age), and the age limit of each category bit: 16 for left_behind, 18
 * for the others.  Stored with the record so that SQL can filter by
 * category as `(cat_base & bit) <> 0 AND birth_date > asof - limit`. */
unsigned classify_base(const child *c);
int classify_age_limit(unsigned cat_bit);

/* Codes and Chinese labels of the bits: "left_behind" / "农村留守儿童". */
const char *classify_category_code(unsigned bit);
const char *classify_category_label(unsigned bit);
const char *classify_flag_code(unsigned bit);
const char *classify_flag_label(unsigned bit);
/* The bit of a code, or 0. */
unsigned classify_category_bit(const char *code);
unsigned classify_flag_bit(const char *code);

/* Adds the tables of GET /api/v1/codes this module holds to `out`:
 * "category" (code, label, "short" — the name on a phone's chart axis —
 * and "age_limit") and "flag"; and reads the child record's tables
 * already in `out` (child_codes_json first) to mark each parent status
 * "migrant" and "unable", and each guardianship, education and health
 * value with the "flag" it raises, if any. */
void classify_codes_json(json_t *out);

#endif
