/* childxlsx — children's records in and out of Excel (SPEC §9):
 * the published import template, the import of .xlsx and .csv files row
 * by row, and the export of any list.
 *
 * Import rules: each row is validated exactly as a record entered by hand;
 * good rows are stored, bad rows come back with the reason; a file that
 * cannot be read changes nothing; a row whose child is already registered
 * (same ID number, or for a child without hukou the same name, birth date
 * and village) is skipped, so importing a file twice adds nothing. */
#ifndef GUANAI_CHILDXLSX_H
#define GUANAI_CHILDXLSX_H

#include <stddef.h>
#include <stdio.h>

#include "domain/children/childrec_list.h"
#include "domain/core/exportmark.h"

/* The import template as .xlsx bytes (malloc'd, caller frees), with
 * `mark` on it like every file (exportmark.h). */
int childxlsx_template(const actor *who, const exportmark *mark, char **bytes,
		       size_t *len, err *e);

/* The list `q` (all pages, up to CHILDXLSX_EXPORT_MAX rows) as .xlsx, with
 * the region path, filters and date in the header and `mark` on it;
 * audited.  Whole identities in more rows than the threshold need the
 * mark of an approved request (exportmark_check).  *filename receives a
 * suggested Chinese file name.  Errors: the list's, ERR_TOOBIG
 * "export_too_big", ERR_FORBIDDEN "export_approval_required". */
enum { CHILDXLSX_EXPORT_MAX = 200000 };
int childxlsx_export(store *s, const actor *who, const childrec_query *q,
		     const exportmark *mark, char **bytes, size_t *len,
		     char filename[128], err *e);

typedef struct childxlsx_result {
	long rows;		/* data rows read */
	long imported, skipped, failed;
	char *report;		/* .xlsx of the failed and skipped rows with a
				 * reason column, malloc'd; NULL when none */
	size_t report_len;
	json_t *errors;		/* [{row, reason}] for the first 200 */
	int alone;		/* nobody else had the database open: the
				 * file was written in one transaction
				 * (store_bulk) */
} childxlsx_result;

/* Imports the file at `path` (.xlsx or .csv by content) for `who`.
 * Errors (of the whole file; then nothing was stored): ERR_INVALID
 * "file_unreadable", "xlsx_malformed", "csv_malformed", "bad_template"
 * (the header row is not the template's), ERR_TOOBIG. */
int childxlsx_import(store *s, const actor *who, const char *path,
		     childxlsx_result *out, err *e);
void childxlsx_result_free(childxlsx_result *r);

/* Writes the template's column row, or one child as a template row, as
 * CSV (RFC 4180 quoting) to `f`: what an import reads back. */
void childxlsx_csv_header(FILE *f);
void childxlsx_csv_row(FILE *f, const child *c);

#endif
