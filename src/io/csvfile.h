/* csvfile — reads a CSV file (RFC 4180, UTF-8, optional BOM) row by row.
 * Parsing is libcsv's; this module adds the caps and the row callback. */
#ifndef GUANAI_CSVFILE_H
#define GUANAI_CSVFILE_H

#include "util/err.h"

enum { CSVFILE_MAX_FIELDS = 64, CSVFILE_MAX_FIELD = 4096 };

/* Called once per row, header included, with the row's fields (NUL-
 * terminated, owned by the reader, valid during the call) and its 1-based
 * line number.  A non-zero return stops the read and is returned. */
typedef int (*csvfile_row_fn)(void *ctx, char **fields, int n, long line,
			      err *e);

/* Errors: ERR_INVALID "file_unreadable" (cannot open),
 * ERR_INVALID "csv_malformed" (bad quoting, a field or row over the caps,
 * with the line), or what the callback returned. */
int csvfile_read(const char *path, csvfile_row_fn fn, void *ctx, err *e);

#endif
