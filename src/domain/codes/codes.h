/* codes — every code table of the domain in one answer, for the UI and
 * any other client (GET /api/v1/codes).
 *
 * Each table is rendered by the module that owns it, from the very table
 * it parses and renders with (child_codes_json, case_codes_json, …), so a
 * code and its Chinese label are written once, in C, and the browser
 * lists none of its own.  Besides code and label an entry may carry what
 * a page needs to know of the code without repeating a rule: a parent
 * status whether it counts as migrant or unable to guard, a value the
 * flag it raises, a post or a role the level of its region. */
#ifndef GUANAI_CODES_H
#define GUANAI_CODES_H

#include <jansson.h>

/* {"sex":[{"code":"male","label":"男"},…],…}: every table, each in its
 * module's order.  The same for the life of the process.  New
 * reference. */
json_t *codes_json(void);

#endif
