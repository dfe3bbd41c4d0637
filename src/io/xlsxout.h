/* xlsxout — writes one table to an .xlsx workbook (libxlsxwriter).
 *
 * The sheet it makes is the one users print and filter in Excel:
 *
 *   row 1      the first header line: bold title, merged across the table
 *   row 2..k   further header lines (region, period, export date), merged
 *   row k+1    the column names: bold, shaded, frozen, with an autofilter
 *   row k+2..  one row per xlsxout_row call
 *
 * Lifecycle: xlsxout_open → xlsxout_header_line* → xlsxout_columns →
 * xlsxout_row* (→ xlsxout_sheet → header lines, columns, rows again for
 * another sheet) → xlsxout_close (to the path) or xlsxout_close_mem (to
 * memory), or xlsxout_abandon to drop it.  Rows are flushed to a temporary
 * file as they come (libxlsxwriter's constant-memory mode), so an export of
 * a whole province costs little memory; the .xlsx appears at the path only
 * when xlsxout_close succeeds, never half-written. */
#ifndef GUANAI_XLSXOUT_H
#define GUANAI_XLSXOUT_H

#include <stddef.h>

#include "util/err.h"

enum {
	XLSXOUT_MAX_COLUMNS = 256,
	XLSXOUT_MAX_HEADER_LINES = 8,
	/* Excel's own limits: a cell holds at most 32767 characters, a sheet
	 * 1048576 rows (header lines and the column row included). */
	XLSXOUT_MAX_CELL = 32767,
	XLSXOUT_MAX_ROWS = 1048576,
};

/* How a column's cells are written.  Whatever does not parse as the type
 * (an empty cell, "不详" in a date column) is written as text instead, so
 * nothing the caller passes is lost.  Identity-card and phone numbers are
 * TEXT: as numbers Excel would round them to 15 digits. */
typedef enum xlsxout_type {
	XLSXOUT_TEXT = 0,
	XLSXOUT_NUMBER, /* a decimal number ("12", "-3.5"), right-aligned */
	XLSXOUT_DATE,	/* "YYYY-MM-DD", written as an Excel date */
} xlsxout_type;

typedef struct xlsxout_col {
	const char *name; /* column header, UTF-8 */
	double width;	  /* in Excel character widths; 0 for 12.
			   * A Chinese character is about 2. */
	xlsxout_type type;
} xlsxout_col;

typedef struct xlsxout xlsxout;

/* Starts a workbook of one sheet named `sheet_title` (characters Excel
 * refuses in sheet names are replaced, and it is cut to 31 characters).
 * `path` is where xlsxout_close writes; NULL when the workbook is wanted in
 * memory through xlsxout_close_mem.  The file is made mode 0600: what is
 * exported is children's personal data.  The writer is the caller's, to end
 * with xlsxout_close, xlsxout_close_mem or xlsxout_abandon.
 * Errors: ERR_INTERNAL "xlsx_write" (no temporary file). */
int xlsxout_open(const char *path, const char *sheet_title, xlsxout **x,
		 err *e);

/* Marks the workbook as coming from someone, at some time, for some
 * purpose (`text`, UTF-8, one line): on every sheet it is the last line
 * above the column row, in view and printed; the header of every printed
 * page; and the workbook's properties (subject, comments and a custom
 * property "watermark"), so that a file found elsewhere still says where
 * it came from.  Only before the first xlsxout_columns; once.
 * Errors: ERR_TOOBIG "xlsx_too_big" past XLSXOUT_MAX_CELL, ERR_INTERNAL
 * "xlsx_write" when called late or twice. */
int xlsxout_watermark(xlsxout *x, const char *text, err *e);

/* Adds a line above the table; the first one is the title.  Only before
 * xlsxout_columns.  Errors: ERR_TOOBIG "xlsx_too_big" past
 * XLSXOUT_MAX_HEADER_LINES or XLSXOUT_MAX_CELL, ERR_INTERNAL "xlsx_write"
 * when called after xlsxout_columns. */
int xlsxout_header_line(xlsxout *x, const char *text, err *e);

/* Writes the header lines and the column row; once.  `cols` is read during
 * the call and its types kept.  Errors: ERR_INVALID "xlsx_write" for 0
 * columns, ERR_TOOBIG "xlsx_too_big" past XLSXOUT_MAX_COLUMNS,
 * ERR_INTERNAL "xlsx_write" when called twice. */
int xlsxout_columns(xlsxout *x, const xlsxout_col *cols, int n, err *e);

/* Appends a row of `n` cells (n ≤ the column count; the rest stay empty;
 * a NULL or "" cell is left blank).  Strings are never read as formulas.
 * Errors: ERR_TOOBIG "xlsx_too_big" for a cell over XLSXOUT_MAX_CELL bytes
 * or a row past Excel's last, ERR_INVALID "xlsx_write" for n over the
 * column count, ERR_INTERNAL "xlsx_write" before xlsxout_columns or when
 * libxlsxwriter fails. */
int xlsxout_row(xlsxout *x, const char *const *cells, int n, err *e);

/* Ends the current sheet (its columns must be written) and starts another
 * named `sheet_title`, with its own header lines, columns and rows.  Sheet
 * names must differ.  Errors: ERR_INTERNAL "xlsx_write". */
int xlsxout_sheet(xlsxout *x, const char *sheet_title, err *e);

/* Number of data rows written so far (all sheets). */
long xlsxout_rows(const xlsxout *x);

/* Finishes the workbook and moves it to the path given to xlsxout_open.
 * Frees `x` whatever happens.  Errors: ERR_INTERNAL "xlsx_write" (also
 * when the writer was opened for memory). */
int xlsxout_close(xlsxout *x, err *e);

/* Finishes the workbook and hands over its bytes in `*bytes` (malloc'ed,
 * the caller frees) and `*len`.  Frees `x` whatever happens.  Errors:
 * ERR_INTERNAL "xlsx_write". */
int xlsxout_close_mem(xlsxout *x, char **bytes, size_t *len, err *e);

/* Drops an unfinished workbook and its temporary files; NULL is a no-op. */
void xlsxout_abandon(xlsxout *x);

#endif
