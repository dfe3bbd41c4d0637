/* region_store — the SQL of the regions table. */
#ifndef GUANAI_REGION_STORE_H
#define GUANAI_REGION_STORE_H

#include "store/store.h"

/* A region code at its natural length (domain/core/region.h), and a
 * region as stored. */
enum { REGION_CODE_MAX = 13, REGION_NAME_MAX = 128, REGION_REASON_MAX = 404 };

typedef struct region {
	char code[REGION_CODE_MAX];
	char name[REGION_NAME_MAX];
	int level;
	char parent[REGION_CODE_MAX];	/* "" for a province */
	int statistical;		/* 1: from the statistical tables */
	int has_children;
	/* Marked as needing no 儿童主任 and no 儿童之家 (issue #19): the
	 * reason given, "" when not marked. */
	int exempt;
	char exempt_reason[REGION_REASON_MAX];
} region;

/* Errors: ERR_NOTFOUND, ERR_STORE. */
int region_store_get(store *s, const char *code, region *out, err *e);
/* The region `code` and its ancestors, top first, in out[0..*n) (at most
 * five), by parent links, in one query.  Errors: ERR_NOTFOUND (the region,
 * or a link of its chain), ERR_STORE. */
int region_store_path(store *s, const char *code, region out[5], int *n,
		      err *e);
/* The names alone, top first ("" above the top), in one query of five
 * index lookups: the path every record read shows.  Errors as
 * region_store_path. */
int region_store_path_names(store *s, const char *code,
			    char names[5][REGION_NAME_MAX], int *n, err *e);
/* *out: malloc'd array of *n children, sorted by code. */
int region_store_children(store *s, const char *parent, region **out, int *n,
			  err *e);
/* Inserts or renames (by code). */
int region_store_upsert(store *s, const region *r, err *e);
/* All the child codes of `parent`, into *out (caller frees the result;
 * rows of store_text_cols). */
int region_store_child_codes(store *s, const char *parent, store_res **out,
			     err *e);
/* 1 when the parent has a child of that name already. */
int region_store_name_taken(store *s, const char *parent, const char *name,
			    int *taken, err *e);

/* Codes of the villages (level 5) in [lo, hi), ordered (rows of
 * store_text_cols). */
int region_store_villages(store *s, const char *lo, const char *hi,
			  store_res **out, err *e);

/* ---- units marked as needing no posts or platforms (issue #19) ---- */

/* Sets (reason non-NULL) or clears (NULL) the mark of the village-level
 * unit `code`, with who and when; *changed is 1 when a row was
 * updated.  Errors: ERR_STORE. */
int region_store_exempt_set(store *s, const char *code, const char *reason,
			    const char *by, int64_t at, int *changed, err *e);

/* A marked unit, or a unit proposed for marking. */
typedef struct region_exempt_row {
	const char *code, *name, *parent_name;
	const char *reason, *by;	/* NULL for a proposal */
	int64_t at;
} region_exempt_row;
extern const store_col region_store_exempt_cols[];

/* The marked units in [lo, hi), ordered by code, a page of `limit` from
 * `offset`; *total counts them all.  Errors: ERR_STORE. */
int region_store_exempt_list(store *s, const char *lo, const char *hi,
			     int64_t offset, int limit, store_res **out,
			     int64_t *total, err *e);

/* How many marked units lie in [lo, hi).  Errors: ERR_STORE. */
int region_store_exempt_count(store *s, const char *lo, const char *hi,
			      int64_t *n, err *e);

/* The unmarked village-level units in [lo, hi) whose name matches one of
 * the REGION_EXEMPT_PATTERNS LIKE patterns, or whose own three digits
 * lie in [seg_lo, seg_hi] (the statistical tables' 类似居委会 and
 * 类似村委会), a page by code; *total counts them all.
 * Errors: ERR_STORE. */
enum { REGION_EXEMPT_PATTERNS = 5 };
int region_store_exempt_proposals(store *s, const char *lo, const char *hi,
				  const char *const pats[REGION_EXEMPT_PATTERNS],
				  const char *seg_lo, const char *seg_hi,
				  int64_t offset, int limit, store_res **out,
				  int64_t *total, err *e);

#endif
