/* sheet — how the reports' workbooks are written (SPEC §9): every sheet's
 * head (title, the region's path with the period, the day it was made),
 * cells from figures, the children-by-category sheet the dashboard and
 * the children report share, and the audited close of a workbook. */
#ifndef GUANAI_SHEET_H
#define GUANAI_SHEET_H

#include <jansson.h>
#include <stddef.h>

#include "domain/core/actor.h"
#include "io/xlsxout.h"
#include "store/store.h"
#include "util/err.h"

/* The title, the path with the period, the date, then the column row. */
int sheet_head(xlsxout *x, const char *title, const char *path,
	       const char *period, const char *today, const xlsxout_col *cols,
	       int n, err *e);

/* Cells are written from text; numbers go through these buffers, the last
 * 32 of them alive at a time. */
typedef struct sheet_cells {
	char b[32][40];
	int n;
} sheet_cells;

/* An integer, a number with one decimal, a JSON number (integer or real;
 * null as empty) as a cell's text, owned by `c`. */
const char *sheet_num(sheet_cells *c, json_int_t v);
const char *sheet_dec(sheet_cells *c, double v);
const char *sheet_jnum(sheet_cells *c, const json_t *v);
/* A string member of `o` ("" when absent), an integer member (0). */
const char *sheet_str(const json_t *o, const char *key);
json_int_t sheet_int(const json_t *o, const char *key);

/* "what_name_today.xlsx" */
void sheet_file_name(char out[128], const char *what, const char *name,
		     const char *today);

/* Finishes the workbook into *bytes and audits the export `action` about
 * region `code` (SPEC §10); no file when the audit entry cannot be
 * written. */
int sheet_close(store *s, const actor *who, xlsxout *x, const char *action,
		const char *code, const char *what, char **bytes, size_t *len,
		err *e);

/* The sheet of children by category and flag per child region, from the
 * dashboard's children part `d` (stats_children), with its total. */
int sheet_children(xlsxout *x, const json_t *d, const char *title,
		   const char *path, err *e);

#endif
