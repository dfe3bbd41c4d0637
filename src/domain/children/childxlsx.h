/* childxlsx — children's records in and out of Excel (SPEC §9): the
 * published import template and its columns, as .xlsx or as CSV rows;
 * the import of .xlsx and .csv files row by row (childxlsx_import.h) and
 * the export of any list (childxlsx_export.h) read and write them. */
#ifndef GUANAI_CHILDXLSX_H
#define GUANAI_CHILDXLSX_H

#include <stddef.h>
#include <stdio.h>

#include "domain/children/child.h"
#include "domain/children/child_codes.h"
#include "domain/core/exportmark.h"
#include "io/xlsxout.h"

/* The import template as .xlsx bytes (malloc'd, caller frees), with
 * `mark` on it like every file (exportmark.h). */
int childxlsx_template(const actor *who, const exportmark *mark, char **bytes,
		       size_t *len, err *e);

/* Writes the template's column row, or one child as a template row, as
 * CSV (RFC 4180 quoting) to `f`: what an import reads back. */
void childxlsx_csv_header(FILE *f);
void childxlsx_csv_row(FILE *f, const child *c);

/* ---- for the other modules of children/: the template's columns ---- */

/* What a column holds, which says how its cells are read (cellnorm.h). */
typedef enum childxlsx_kind {
	CHILDXLSX_TEXT,		/* one line: a line break in it becomes a space */
	CHILDXLSX_LINES,	/* free text: line breaks kept */
	CHILDXLSX_IDNUM,	/* an ID number, typed in groups or not */
	CHILDXLSX_PHONE,	/* a phone number, with +86 and separators */
	CHILDXLSX_REGION,	/* a region code, perhaps made a number */
	CHILDXLSX_DATE,
	CHILDXLSX_CODE,		/* a code table: the Chinese label or the API code */
	CHILDXLSX_YESNO,	/* 是/否 */
	CHILDXLSX_HUKOU,	/* 有户籍/无户籍 */
} childxlsx_kind;

typedef struct childxlsx_col {
	const char *title;	/* header cell; * marks a required column */
	const char *path;	/* JSON path: "name", "father.status" */
	childxlsx_kind kind;
	const code_entry *codes;
	double width;
} childxlsx_col;

/* One column per importable field, in the template's order. */
enum { CHILDXLSX_NCOLS = 38 };
extern const childxlsx_col childxlsx__cols[CHILDXLSX_NCOLS];

/* Writes the column row of t[0..n), and a narrow column `extra` and a
 * wide one `extra2` after them (NULL: none). */
int childxlsx__write_columns(xlsxout *x, const childxlsx_col *t, int n,
			     const char *extra, const char *extra2, err *e);

/* The template's sample row: its name starts with the mark, and its ID
 * number (that of templates from before the mark) is this one.  An
 * import never takes such a row. */
#define CHILDXLSX_SAMPLE_MARK "【示例】"
#define CHILDXLSX_SAMPLE_ID "220122201205010014"

#endif
