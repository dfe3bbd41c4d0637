/* xlsxin — reads the first worksheet of an .xlsx file as rows of strings.
 *
 * The files come from users, so everything in them is hostile: the zip
 * (libzip) and each XML part (expat) are read under the caps below, no
 * entry is trusted for its declared size, DTDs are refused, and every cap
 * that is exceeded is an error rather than a truncation.  Memory is
 * bounded by the caps (at worst about 200 MB for the parts and their
 * parse); time by one linear pass over at most 64 MB of sheet XML.
 *
 * What a row holds: one string per column, from column A to the last
 * column with a value; cells the file skips are "" at their place.  Values
 * are the text Excel stores: shared and inline strings (rich-text runs
 * joined, phonetic guides left out), numbers as written ("12", "3.5",
 * "1.2E-3"), booleans as "TRUE"/"FALSE", errors as "#N/A", the cached
 * result of formulas.  Dates stay the serial number Excel keeps
 * ("42071"); xlsxin_serial_to_date turns one into "2015-03-08".  The
 * first worksheet is the first in tab order that is not hidden; any
 * other can be read by its index (xlsxin_book_read, xlsxin_read_sheet). */
#ifndef GUANAI_XLSXIN_H
#define GUANAI_XLSXIN_H

#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

enum {
	XLSXIN_MAX_COLS = 64,	      /* a value past column BL */
	XLSXIN_MAX_CELL = 4096,	      /* bytes of one value */
	XLSXIN_MAX_ROWS = 1100000,    /* highest row number */
	XLSXIN_MAX_STRINGS = 2000000, /* entries in the shared-string table */
	XLSXIN_MAX_ENTRIES = 10000,   /* files in the zip */
	XLSXIN_MAX_RATIO = 200,	      /* uncompressed / compressed, per entry */
};

/* Uncompressed bytes of one zip entry: the worksheet, the shared strings,
 * any other part read (workbook, relationships). */
#define XLSXIN_MAX_SHEET_BYTES ((size_t)64 << 20)
#define XLSXIN_MAX_SST_BYTES   ((size_t)32 << 20)
#define XLSXIN_MAX_PART_BYTES  ((size_t)4 << 20)
/* The zip's central directory: real workbooks need a few kilobytes. */
#define XLSXIN_MAX_CDIR_BYTES ((uint64_t)4 << 20)
/* The ratio cap applies to entries larger than this: small parts of real
 * files compress far better than large ones. */
#define XLSXIN_RATIO_FROM ((size_t)1 << 20)

/* Called once per row that has a value, in sheet order, with the row's
 * fields (n ≥ 1, NUL-terminated UTF-8, owned by the reader and valid
 * during the call) and the sheet's 1-based row number (rows with no value
 * are not reported, so numbers can jump).  A non-zero return stops the
 * read and is returned. */
typedef int (*xlsxin_row_fn)(void *ctx, char **fields, int n, long row, err *e);

/* Reads the first worksheet of the file at `path`.
 * Errors: ERR_INVALID "file_unreadable" (cannot open), ERR_INVALID
 * "xlsx_malformed" (not an xlsx, a damaged zip or XML, an .xls or
 * password-protected file, a missing part, a bad cell reference),
 * ERR_TOOBIG "xlsx_too_big" (a cap above exceeded, with where), or what the
 * callback returned. */
int xlsxin_read(const char *path, xlsxin_row_fn fn, void *ctx, err *e);

/* What an import needs to know of a workbook before reading a sheet:
 * its worksheets in tab order (the first XLSXIN_MAX_LISTED; chartsheets
 * are not worksheets) and its date system. */
enum { XLSXIN_MAX_LISTED = 32 };
typedef struct xlsxin_book {
	int n;
	char name[XLSXIN_MAX_LISTED][96];	/* as the tab shows it */
	unsigned char hidden[XLSXIN_MAX_LISTED];
	int date1904;	/* workbookPr date1904: serial 0 is 1904-01-01 */
} xlsxin_book;

/* Describes the workbook at `path`.  Errors as xlsxin_read's. */
int xlsxin_book_read(const char *path, xlsxin_book *info, err *e);

/* As xlsxin_read, of worksheet `sheet` (an index of xlsxin_book's list;
 * -1: the first visible one, as xlsxin_read). */
int xlsxin_read_sheet(const char *path, int sheet, xlsxin_row_fn fn,
		      void *ctx, err *e);

/* As xlsxin_read, on a file already in memory (read, not kept). */
int xlsxin_read_mem(const void *data, size_t len, xlsxin_row_fn fn, void *ctx,
		    err *e);

/* Writes the date of an Excel serial number (1900 date system, the time
 * of day ignored) as "YYYY-MM-DD" into `out`.  Returns 0, or ERR_INVALID
 * (and "" in `out`) for serial 60, the 29 February 1900 that Excel
 * believes in, and for anything outside 1900-01-01 .. 9999-12-31.
 * Workbooks in the 1904 date system (old Mac Excel, xlsxin_book's
 * date1904) count from 1904-01-01: add 1462 to their serials first
 * (cellnorm_date does). */
int xlsxin_serial_to_date(double serial, char out[11]);

#endif
