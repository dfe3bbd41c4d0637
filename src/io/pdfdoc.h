/* pdfdoc — printable PDF documents with Chinese text (cairo + pango).
 *
 * A document is built top to bottom: each call places its block below the
 * previous one and starts a new page when the block does not fit.  The
 * blocks are what the printed forms of the system are made of:
 *
 *   title, subtitle, text   centred or aligned lines, wrapped to the page
 *   form                    a bordered label/value grid of two or four
 *                           columns, like a government 表 (儿童档案表)
 *   table                   a header and rows of wrapped text; the header
 *                           is repeated on every page the table runs onto
 *   frame                   a double border round the page (certificates)
 *
 * Every page is recorded first and written out at pdfdoc_finish, so the
 * footer can say "第 N 页 共 M 页".  Text is set in Noto Sans CJK SC and
 * Noto Serif CJK SC (fonts-noto-cjk) and embedded as subsets, so the PDF
 * prints the same everywhere and its text can be searched and copied.
 *
 * Errors are sticky, as in cairo: a block that fails (a cap exceeded)
 * makes it and every later call return the same code, and pdfdoc_finish
 * reports it with its message, so a builder may check only at the end. */
#ifndef GUANAI_PDFDOC_H
#define GUANAI_PDFDOC_H

#include <stddef.h>

#include "util/err.h"

enum {
	PDFDOC_MAX_PAGES = 1000,
	PDFDOC_MAX_TEXT = 65536, /* bytes of one string */
	PDFDOC_MAX_COLS = 16,	 /* columns of a table */
	PDFDOC_MAX_FIELDS = 256, /* fields of one form */
};

typedef enum pdfdoc_size {
	PDFDOC_A4 = 0,	     /* 210 × 297 mm, portrait */
	PDFDOC_A4_LANDSCAPE, /* 297 × 210 mm */
	PDFDOC_CARD,	     /* 85.6 × 54 mm, an ID-1 card, no footer */
} pdfdoc_size;

/* Flags of pdfdoc_text. */
enum {
	PDFDOC_LEFT = 0,
	PDFDOC_CENTER = 1,
	PDFDOC_RIGHT = 2,
	PDFDOC_CORNER = 3, /* pdfdoc_qr: the bottom right corner, out of the flow */
	PDFDOC_BOLD = 4,
	PDFDOC_SERIF = 8, /* 宋体-like; the default is 黑体-like sans */
};

/* One cell pair of a form.  `value` NULL or "" leaves the box empty to be
 * filled in by hand; `lines` is the least height of the box in text lines
 * (0 for one); `wide` makes the value take the rest of its row. */
typedef struct pdfdoc_field {
	const char *label;
	const char *value;
	int wide;
	int lines;
} pdfdoc_field;

/* One table column: its header and its share of the page width (the
 * weights of all columns are summed; 0 counts as 1). */
typedef struct pdfdoc_col {
	const char *name;
	double weight;
} pdfdoc_col;

typedef struct pdfdoc pdfdoc;

/* Starts a document.  `path` is where pdfdoc_finish also writes the file,
 * or NULL.  A4 documents have the page-number footer; cards none.  The
 * document is the caller's, to end with pdfdoc_finish or pdfdoc_free.
 * Errors: ERR_INTERNAL "pdf_render" (no fonts, cairo failure). */
int pdfdoc_new(const char *path, pdfdoc_size size, pdfdoc **d, err *e);

/* The document title: bold serif, centred; the first one is also the
 * title in the PDF's properties. */
int pdfdoc_title(pdfdoc *d, const char *text);

/* A smaller centred line under the title (region, number, date). */
int pdfdoc_subtitle(pdfdoc *d, const char *text);

/* A paragraph of `size_pt` points (0 for 10.5, 五号) with PDFDOC_* flags,
 * wrapped to the page; long ones continue on the next page. */
int pdfdoc_text(pdfdoc *d, const char *text, double size_pt, int flags);

/* Vertical space; a page break when it reaches the bottom. */
int pdfdoc_space(pdfdoc *d, double mm);

/* A QR code of `text` (error correction M), `size_mm` wide, aligned by
 * PDFDOC_LEFT/CENTER/RIGHT in the flow, or PDFDOC_CORNER: in the bottom
 * right corner of the page, leaving the flow as it is.
 * Errors: ERR_INVALID "pdf_render" for a text QR cannot hold. */
int pdfdoc_qr(pdfdoc *d, const char *text, double size_mm, int flags);

/* Continues on a new page (nothing happens on an empty page). */
int pdfdoc_page_break(pdfdoc *d);

/* A double border round the current page, for certificates. */
int pdfdoc_frame(pdfdoc *d);

/* The footer of every page: `note` (NULL for none) on the left and, when
 * `page_numbers`, "第 N 页 共 M 页" in the middle.  May be called at any
 * time before pdfdoc_finish; it applies to all pages. */
int pdfdoc_footer(pdfdoc *d, const char *note, int page_numbers);

/* Marks the document as coming from someone, at some time, for some
 * purpose (`text`, one line): a small grey line at the foot of every page
 * (under the footer on A4, along the bottom edge of a card), and the
 * subject and keywords of the PDF's properties.  May be called at any
 * time before pdfdoc_finish; the last call counts. */
int pdfdoc_watermark(pdfdoc *d, const char *text);

/* A form block: an optional `caption` row across the grid ("一、基本情况",
 * NULL for none) and the `n` fields laid out in `columns` (2: label,
 * value; 4: label, value, label, value).  A row that does not fit goes to
 * the next page, under the caption again marked （续）.
 * Errors: ERR_INVALID for columns other than 2 or 4, ERR_TOOBIG past
 * PDFDOC_MAX_FIELDS. */
int pdfdoc_form(pdfdoc *d, const char *caption, const pdfdoc_field *f, int n,
		int columns);

/* A table: pdfdoc_table_begin draws the header, each pdfdoc_table_row a
 * row of `n` cells (n ≤ the column count, the rest empty), and
 * pdfdoc_table_end closes it.  A cell too long for a page is cut with
 * "…".  Errors: ERR_TOOBIG past PDFDOC_MAX_COLS, ERR_INVALID for a row
 * outside a table or with too many cells, for a table inside a table. */
int pdfdoc_table_begin(pdfdoc *d, const pdfdoc_col *cols, int n);
int pdfdoc_table_row(pdfdoc *d, const char *const *cells, int n);
int pdfdoc_table_end(pdfdoc *d);

/* Pages so far. */
int pdfdoc_pages(const pdfdoc *d);

/* Writes the pages with their footers and hands over the PDF in `*bytes`
 * (malloc'ed, the caller frees) and `*len`; `bytes` may be NULL when only
 * the file at the path is wanted.  Frees `d` whatever happens.
 * Errors: the sticky error of the builder calls, ERR_INTERNAL "pdf_render"
 * (cairo), ERR_INTERNAL "pdf_write" (the file). */
int pdfdoc_finish(pdfdoc *d, char **bytes, size_t *len, err *e);

/* Drops a document; NULL is a no-op. */
void pdfdoc_free(pdfdoc *d);

#endif
