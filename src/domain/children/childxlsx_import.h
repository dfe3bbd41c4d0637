/* childxlsx_import — children's records imported from .xlsx and .csv files
 * in the template's shape (childxlsx.h).
 *
 * Import rules: each row is validated exactly as a record entered by hand;
 * good rows are stored, bad rows come back with the reason; a file that
 * cannot be read changes nothing; a row whose child is already registered
 * (same ID number, or for a child without hukou the same name, birth date
 * and village) is skipped, so importing a file twice adds nothing. */
#ifndef GUANAI_CHILDXLSX_IMPORT_H
#define GUANAI_CHILDXLSX_IMPORT_H

#include <jansson.h>
#include <stddef.h>

#include "domain/core/account.h"
#include "store/store.h"

typedef struct childxlsx_result {
	long rows;		/* data rows read */
	long imported, skipped, failed;
	char *report;		/* .xlsx of the failed and skipped rows with a
				 * reason column, malloc'd; NULL when none */
	size_t report_len;
	json_t *errors;		/* [{row, reason}] for the first 200 */
	char sheet[96];		/* the worksheet read ("" for CSV) */
	long header_row;	/* where its header row was found */
	json_t *ignored;	/* ["序号（A列）", …]: columns not imported */
	int alone;		/* nobody else had the database open: the
				 * file was written in one transaction
				 * (store_bulk) */
} childxlsx_result;

/* Imports the file at `path` (.xlsx or .csv by content) for `who`.  The
 * header row is looked for by its titles in the first 30 rows of each
 * sheet, visible sheets first; columns are taken by title in any order.
 * Errors (of the whole file; then nothing was stored): ERR_INVALID
 * "file_unreadable", "xlsx_malformed", "csv_malformed", "bad_template"
 * (no header row; a required column missing, named), ERR_TOOBIG. */
int childxlsx_import(store *s, const actor *who, const char *path,
		     childxlsx_result *out, err *e);
void childxlsx_import_free(childxlsx_result *r);

#endif
