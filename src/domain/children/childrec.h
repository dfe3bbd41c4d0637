/* childrec — the workflows on children's records (SPEC §4.4–4.5): create,
 * read (audited), update with history; beside it lists and search
 * (childrec_list.h), confirmation of categories and exits
 * (childrec_exit.h), visits (childrec_visit.h), transfers between
 * villages (childrec_transfer.h) and the director's copy for its phone
 * (childrec_offline.h).
 *
 * What must stay true:
 *   - every read and write is limited to the actor's scope, and a record
 *     outside it is reported exactly as an absent one;
 *   - an ID number is active on one record only; a clash in another
 *     region says "registered elsewhere" and nothing about that region;
 *   - every change keeps the previous version (child_history) and is
 *     audited in the same transaction; nothing is ever deleted;
 *   - categories and flags are derived on every read as of today, and the
 *     stored cat_base/flags columns are refreshed on every write;
 *   - ID and phone numbers are masked for roles that may not see them,
 *     and their birth dates withheld (privacy.h). */
#ifndef GUANAI_CHILDREC_H
#define GUANAI_CHILDREC_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/children/child.h"
#include "store/child_store.h"
#include "store/store.h"

/* Creates a record from the SPEC §12 JSON.  *out: the stored record.
 * Errors: ERR_INVALID (field named), ERR_NOTFOUND (region outside scope),
 * ERR_CONFLICT "duplicate_id_number" (in scope, with the record's id) or
 * "registered_elsewhere" (outside scope), ERR_FORBIDDEN. */
int childrec_create(store *s, const actor *who, json_t *body, json_t **out,
		    err *e);

/* The full record; the read is audited.  ERR_NOTFOUND outside scope. */
int childrec_get(store *s, const actor *who, int64_t id, json_t **out,
		 err *e);
/* The whole ID numbers of a record (the child's, the parents', the
 * guardian's, the disability certificate's), for the page that shows
 * them masked until asked: {"id_number","father":{"id_number"},
 * "mother":{"id_number"},"guardian":{"id_number"}|null,
 * "disability":{"certificate_no"}|null}.  The reveal is audited
 * (identity_reveal).  Errors: ERR_FORBIDDEN without identity.read,
 * ERR_NOTFOUND outside scope. */
int childrec_reveal(store *s, const actor *who, int64_t id, json_t **out,
		    err *e);

/* The same record as JSON text (caller frees): what the API sends. */
int childrec_get_text(store *s, const actor *who, int64_t id, char **text,
		      size_t *len, err *e);

/* Applies a merge patch (RFC 7386) of editable fields; `version` (when
 * > 0) must match the stored one.  Errors as create, and ERR_CONFLICT
 * "version_conflict". */
int childrec_update(store *s, const actor *who, int64_t id, json_t *patch,
		    int version, json_t **out, err *e);

/* The versions of a record, oldest first: [{version, at, actor, action,
 * changes:[{field, before, after}]}]. */
int childrec_history(store *s, const actor *who, int64_t id, json_t **out,
		     err *e);

/* A protection case of abuse, abandonment or neglect opened (1) or closed
 * (0) about the child: keeps the count of open cases, refreshes the
 * derived difficult_guardianship category and writes the history, in the
 * caller's transaction. */
int childrec_case_link(store *s, const actor *who, int64_t child_id,
		       int64_t case_id, int opened, err *e);

/* ---- for bulk paths (import, demo) ---- */

/* Everything childrec_create checks before writing: parse, validate,
 * region in scope and at village level.  Fills *c and *row (row->data is
 * the caller's to clear with child_row_clear).  No write. */
int childrec_prepare(store *s, const actor *who, json_t *body, child *c,
		     child_row *row, err *e);

/* Regions already looked up, so that a bulk path asks the store once per
 * village rather than once per row.  Zero-initialise; holds up to 512. */
typedef struct childrec_regions {
	int n, nh;
	region r[512];		/* villages, as checked for the actor */
	unsigned short slot[1024];	/* 1 + index into r, by the code's hash */
	char hin[64][REGION_CODE_MAX];	/* hukou regions as written … */
	region h[64];			/* … and as resolved */
} childrec_regions;

/* As childrec_prepare, resolving the village through `cache`. */
int childrec_prepare_cached(store *s, const actor *who, json_t *body,
			    childrec_regions *cache, child *c, child_row *row,
			    err *e);

/* childrec_prepare_cached in two steps, for a row of a sheet.  First the
 * work that needs no store, which may run on another thread than the
 * store's: the checks (role, child_parse_cells — the same checks and
 * errors as from JSON — and child_validate) and, when they pass, the row's
 * columns and data as the record stands.  Then, on a record that passed,
 * with the same `row`: the village and hukou region through `cache`, and
 * the rest of the row (its columns are redone only if resolving the
 * region codes changed them).  row->data is the caller's to clear with
 * child_row_clear after either step. */
int childrec_check_cells(const actor *who, const child_cells *cells,
			 child *c, child_row *row, err *e);
int childrec_prepare_checked(store *s, const actor *who,
			     childrec_regions *cache, child *c,
			     child_row *row, err *e);

/* The active record a new one would duplicate: same ID number, or for a
 * child without one, same name, birth date and village.  *other is its id
 * (0: none) and *outside tells whether it lies outside the actor's scope. */
int childrec_find_duplicate(store *s, const actor *who, const child *c,
			    int64_t *other, int *outside, err *e);

/* childrec_find_duplicate for the ID numbers nums[0..n), n at most
 * CHILD_FIND_MANY, in one question to the store. */
int childrec_find_duplicates(store *s, const actor *who,
			     const char *const *nums, int n, int64_t *other,
			     int *outside, err *e);

/* Inserts a prepared row and its first history entry, inside the
 * caller's transaction; the caller writes the audit entry. */
int childrec_insert_prepared(store *s, const actor *who, child_row *row,
			     err *e);

/* As childrec_insert_prepared for n rows in their order, several to a
 * statement (child_store_insert_batch): the rows' ids are not read back. */
int childrec_insert_batch(store *s, const actor *who, child_row *const *rows,
			  int n, err *e);

/* ---- for the other modules of children/ ---- */

/* The record `id` and its parsed data, if inside the actor's scope.
 * row->data is the caller's to clear with child_row_clear (only on
 * success).  Errors: ERR_NOTFOUND (absent or outside the scope:
 * err.out_of_scope), ERR_STORE (corrupt data). */
int childrec__load(store *s, const actor *who, int64_t id, child_row *row,
		   child *c, err *e);
/* The stored JSON of a row as a record (lenient: child_parse_stored). */
int childrec__row_child(const child_row *row, child *c, err *e);
/* The record as the API shows it to `who`, derived fields as of `today`;
 * as JSON text (caller frees) or as a tree. */
char *childrec__render_text(store *s, const actor *who, const child_row *row,
			    const child *c, const char *today, size_t *len);
json_t *childrec__render(store *s, const actor *who, const child_row *row,
			 const child *c, const char *today);
/* Writes version row->version (already stored) to the history with its
 * changes, inside the caller's transaction; `before` is the first
 * version's data, written when the record is first changed. */
int childrec__write_history(store *s, const actor *who, const child_row *row,
			    const char *action, json_t *changes,
			    const char *before, err *e);
/* The codes of the bits set in `bits`, as an array named `key`. */
struct jsonw;
void childrec__bits_write(struct jsonw *w, const char *key, unsigned bits,
			  int count, const char *(*code)(unsigned));
/* An answer written as text (rc its writer's result), read back as JSON
 * into *out; takes `text`. */
int childrec__text_json(int rc, char *text, size_t len, json_t **out,
			err *e);

#endif
