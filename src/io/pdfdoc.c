#include "io/pdfdoc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include "util/buf.h"
#include "util/mem.h"

#define MM    (72.0 / 25.4) /* points per millimetre: user space is points */
#define SANS  "Noto Sans CJK SC"
#define SERIF "Noto Serif CJK SC"

#define BODY_PT 10.5 /* 五号 */
#define FOOT_PT 8.0
#define LINE_W	0.6

/* The measures of forms and tables, in points: on A4, boxes with room to
 * write in by hand; on a card, what fits in 54 mm. */
typedef struct pdfdoc__metrics {
	double form_pt, table_pt;
	double form_row, table_row; /* least row heights */
	double pad_x, pad_y;
} pdfdoc__metrics;

static const pdfdoc__metrics pdfdoc__page = {
    .form_pt = 10.0,
    .table_pt = 9.0,
    .form_row = 8.0 * MM,
    .table_row = 6.5 * MM,
    .pad_x = 1.5 * MM,
    .pad_y = 1.2 * MM,
};
static const pdfdoc__metrics pdfdoc__card = {
    .form_pt = 7.0,
    .table_pt = 6.5,
    .form_row = 5.0 * MM,
    .table_row = 4.5 * MM,
    .pad_x = 1.0 * MM,
    .pad_y = 0.6 * MM,
};

struct pdfdoc {
	char *path;
	pdfdoc_size size;
	const pdfdoc__metrics *m;
	double w, h;		 /* the page */
	double ml, mr, mt, mb;	 /* its margins */
	double y;		 /* where the next block starts */
	cairo_surface_t **pages; /* recording surfaces, one per page */
	int npages, cap;
	cairo_t *cr; /* drawing on the last page; NULL before */
	PangoContext *pc;
	int rc; /* the sticky error, and its detail */
	err e;
	char *meta_title;
	char *note;
	char *mark; /* pdfdoc_watermark's line, NULL for none */
	int numbers;
	int ncols; /* columns of the open table, 0 for none */
	double colw[PDFDOC_MAX_COLS];
	char *head[PDFDOC_MAX_COLS];
};

__attribute__((format(printf, 4, 5))) static int
pdfdoc__fail(pdfdoc *d, int code, const char *key, const char *fmt, ...)
{
	if (d->rc)
		return d->rc;
	char msg[320];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	d->rc = err_set(&d->e, code, key, "%s", msg);
	return d->rc;
}

/* Text pango can set: valid UTF-8 (bad bytes become U+FFFD), tabs as
 * spaces, other control characters but the newline dropped.  Records
 * come from users; pango would warn on each bad byte and draw hex boxes
 * for controls.  The caller frees. */
static char *pdfdoc__clean(const char *s)
{
	gchar *v = g_utf8_make_valid(s ? s : "", -1);
	size_t n = strlen(v), w = 0;
	char *out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (c == '\t')
			out[w++] = ' ';
		else if (c >= 0x20 || c == '\n')
			out[w++] = (char)c;
	}
	out[w] = '\0';
	g_free(v);
	return out;
}

static int pdfdoc__text_ok(pdfdoc *d, const char *s)
{
	if (s && strlen(s) > PDFDOC_MAX_TEXT)
		return pdfdoc__fail(d, ERR_TOOBIG, "pdf_too_big",
				    "打印内容过长（每项最多%d字节）",
				    PDFDOC_MAX_TEXT);
	return 0;
}

/* A layout of `text` `width` points wide (wrapping at words, or between
 * any two characters in Chinese), at most `max_h` points high when that
 * is positive (cut with "…"). */
static PangoLayout *pdfdoc__layout(pdfdoc *d, const char *text, double pt,
				   int flags, double width, double max_h)
{
	PangoLayout *l = pango_layout_new(d->pc);
	PangoFontDescription *fd = pango_font_description_new();
	pango_font_description_set_family(fd,
					  flags & PDFDOC_SERIF ? SERIF : SANS);
	pango_font_description_set_weight(
	    fd, flags & PDFDOC_BOLD ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_font_description_set_absolute_size(fd, pt * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_alignment(l, flags & PDFDOC_CENTER ? PANGO_ALIGN_CENTER
				      : flags & PDFDOC_RIGHT
					  ? PANGO_ALIGN_RIGHT
					  : PANGO_ALIGN_LEFT);
	if (max_h > 0) {
		pango_layout_set_height(l, (int)(max_h * PANGO_SCALE));
		pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	char *t = pdfdoc__clean(text);
	pango_layout_set_text(l, t, -1);
	free(t);
	return l;
}

static double pdfdoc__height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

/* One line of `pt` points, for the least heights of boxes. */
static double pdfdoc__line_height(pdfdoc *d, double pt)
{
	PangoLayout *l = pdfdoc__layout(d, "国", pt, 0, 100, 0);
	double h = pdfdoc__height(l);
	g_object_unref(l);
	return h;
}

static void pdfdoc__show(pdfdoc *d, PangoLayout *l, double x, double y)
{
	cairo_move_to(d->cr, x, y);
	pango_cairo_show_layout(d->cr, l);
}

static double pdfdoc__content_w(const pdfdoc *d)
{
	return d->w - d->ml - d->mr;
}

static double pdfdoc__content_h(const pdfdoc *d)
{
	return d->h - d->mt - d->mb;
}

static int pdfdoc__new_page(pdfdoc *d)
{
	if (d->npages == PDFDOC_MAX_PAGES)
		return pdfdoc__fail(d, ERR_TOOBIG, "pdf_too_big",
				    "打印内容过多（最多%d页）",
				    PDFDOC_MAX_PAGES);
	cairo_rectangle_t ext = {0, 0, d->w, d->h};
	cairo_surface_t *s =
	    cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &ext);
	if (d->cr)
		cairo_destroy(d->cr);
	d->cr = cairo_create(s);
	if (d->npages == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->pages =
		    xreallocarray(d->pages, (size_t)d->cap, sizeof *d->pages);
	}
	d->pages[d->npages++] = s;
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_set_line_width(d->cr, LINE_W);
	pango_cairo_update_context(d->cr, d->pc);
	d->y = d->mt;
	return cairo_status(d->cr) == CAIRO_STATUS_SUCCESS
		   ? 0
		   : pdfdoc__fail(d, ERR_INTERNAL, "pdf_render",
				  "生成PDF失败: %s",
				  cairo_status_to_string(cairo_status(d->cr)));
}

/* Makes room for a block `need` points high: a new page unless this one
 * has the room or is still empty (a block taller than a page then runs
 * over its foot; the callers cap their heights so that none does).
 * Sets *fresh when a page was begun. */
static int pdfdoc__room(pdfdoc *d, double need, int *fresh)
{
	*fresh = 0;
	if (!d->cr) {
		*fresh = 1;
		return pdfdoc__new_page(d);
	}
	if (d->y + need <= d->h - d->mb || d->y <= d->mt + 0.01)
		return 0;
	*fresh = 1;
	return pdfdoc__new_page(d);
}

int pdfdoc_new(const char *path, pdfdoc_size size, pdfdoc **dp, err *e)
{
	*dp = NULL;
	pdfdoc *d = xcalloc(1, sizeof *d);
	d->size = size;
	switch (size) {
	case PDFDOC_A4_LANDSCAPE:
		d->w = 297 * MM, d->h = 210 * MM;
		break;
	case PDFDOC_CARD:
		d->w = 85.6 * MM, d->h = 54 * MM;
		break;
	default:
		d->size = PDFDOC_A4;
		d->w = 210 * MM, d->h = 297 * MM;
		break;
	}
	d->m = d->size == PDFDOC_CARD ? &pdfdoc__card : &pdfdoc__page;
	if (d->size == PDFDOC_CARD) {
		d->ml = d->mr = d->mt = d->mb = 4 * MM;
	} else {
		d->ml = d->mr = 18 * MM;
		d->mt = 16 * MM;
		d->mb = 18 * MM;
		d->numbers = 1;
	}
	d->path = path ? xstrdup(path) : NULL;

	/* Metrics unhinted: the layout is measured for paper, not for a
	 * screen's pixel grid, and comes out the same on every machine. */
	PangoFontMap *fm = pango_cairo_font_map_get_default();
	d->pc = pango_font_map_create_context(fm);
	cairo_font_options_t *fo = cairo_font_options_create();
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	pango_cairo_context_set_font_options(d->pc, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(d->pc, 72);

	/* Without the CJK fonts fontconfig would quietly substitute one
	 * without Chinese, and every character would print as a box. */
	static const char *const need[] = {SANS, SERIF};
	for (int i = 0; i < 2; i++) {
		PangoFontDescription *fd =
		    pango_font_description_from_string(need[i]);
		PangoFont *f = pango_font_map_load_font(fm, d->pc, fd);
		PangoFontDescription *got = f ? pango_font_describe(f) : NULL;
		const char *fam =
		    got ? pango_font_description_get_family(got) : NULL;
		int ok = fam && strcmp(fam, need[i]) == 0;
		if (got)
			pango_font_description_free(got);
		if (f)
			g_object_unref(f);
		pango_font_description_free(fd);
		if (!ok) {
			pdfdoc_free(d);
			return err_set(e, ERR_INTERNAL, "pdf_render",
				       "缺少中文字体 %s（fonts-noto-cjk）",
				       need[i]);
		}
	}
	*dp = d;
	return 0;
}

/* A paragraph, line by line so that a long one continues on the next
 * page. */
static int pdfdoc__para(pdfdoc *d, const char *text, double pt, int flags,
			double gray)
{
	if (d->rc || pdfdoc__text_ok(d, text))
		return d->rc;
	int fresh;
	if (pdfdoc__room(d, 0, &fresh))
		return d->rc;
	PangoLayout *l =
	    pdfdoc__layout(d, text, pt, flags, pdfdoc__content_w(d), 0);
	PangoLayoutIter *it = pango_layout_get_iter(l);
	/* Layout offset `from` is drawn at page height `base`. */
	double from = 0, base = d->y;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double ly = (double)r.y / PANGO_SCALE;
		double lh = (double)r.height / PANGO_SCALE;
		double bl =
		    (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		if (base + ly - from + lh > d->h - d->mb &&
		    base + ly - from > d->mt + 0.01) {
			if (pdfdoc__new_page(d))
				break;
			from = ly;
			base = d->y;
		}
		cairo_set_source_rgb(d->cr, gray, gray, gray);
		cairo_move_to(d->cr, d->ml + (double)r.x / PANGO_SCALE,
			      base + bl - from);
		pango_cairo_show_layout_line(
		    d->cr, pango_layout_iter_get_line_readonly(it));
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	d->y = base + pdfdoc__height(l) - from;
	g_object_unref(l);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return d->rc;
}

int pdfdoc_title(pdfdoc *d, const char *text)
{
	if (!d->meta_title && text)
		d->meta_title = pdfdoc__clean(text);
	int card = d->size == PDFDOC_CARD;
	if (pdfdoc__para(d, text, card ? 10 : 18,
			 PDFDOC_CENTER | PDFDOC_BOLD | PDFDOC_SERIF, 0))
		return d->rc;
	return pdfdoc_space(d, card ? 1 : 3);
}

int pdfdoc_subtitle(pdfdoc *d, const char *text)
{
	int card = d->size == PDFDOC_CARD;
	if (pdfdoc__para(d, text, card ? 7 : BODY_PT, PDFDOC_CENTER, 0.25))
		return d->rc;
	return pdfdoc_space(d, card ? 1 : 2);
}

int pdfdoc_text(pdfdoc *d, const char *text, double size_pt, int flags)
{
	if (!(size_pt > 0))
		size_pt = BODY_PT;
	if (size_pt > 72)
		size_pt = 72;
	return pdfdoc__para(d, text, size_pt, flags, 0);
}

int pdfdoc_space(pdfdoc *d, double mm)
{
	if (d->rc)
		return d->rc;
	int fresh;
	if (pdfdoc__room(d, 0, &fresh))
		return d->rc;
	if (!(mm > 0))
		return 0;
	d->y += mm * MM;
	if (d->y > d->h - d->mb)
		return pdfdoc__new_page(d);
	return 0;
}

int pdfdoc_qr(pdfdoc *d, const char *text, double size_mm, int flags)
{
	if (d->rc)
		return d->rc;
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return pdfdoc__fail(d, ERR_INVALID, "pdf_render",
				    "二维码内容过长或无效");
	int corner = (flags & 3) == PDFDOC_CORNER;
	double side = size_mm * MM;
	int fresh;
	if (!corner && pdfdoc__room(d, side, &fresh)) {
		QRcode_free(q);
		return d->rc;
	}
	if (corner && !d->cr && pdfdoc__room(d, 0, &fresh)) {
		QRcode_free(q);
		return d->rc;
	}
	double x, y;
	if (corner) {
		x = d->w - d->mr - side;
		y = d->h - d->mb - side;
	} else {
		x = (flags & 3) == PDFDOC_CENTER ? (d->w - side) / 2
		    : (flags & 3) == PDFDOC_RIGHT ? d->w - d->mr - side
						  : d->ml;
		y = d->y;
	}
	/* A quiet zone of white round the modules, then the dark ones. */
	double cell = side / (q->width + 2);
	cairo_save(d->cr);
	cairo_set_source_rgb(d->cr, 1, 1, 1);
	cairo_rectangle(d->cr, x, y, side, side);
	cairo_fill(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	for (int r = 0; r < q->width; r++)
		for (int c = 0; c < q->width; c++)
			if (q->data[r * q->width + c] & 1)
				cairo_rectangle(d->cr, x + (c + 1) * cell,
						y + (r + 1) * cell, cell, cell);
	cairo_fill(d->cr);
	cairo_restore(d->cr);
	QRcode_free(q);
	if (!corner)
		d->y += side;
	return 0;
}

int pdfdoc_page_break(pdfdoc *d)
{
	if (d->rc)
		return d->rc;
	if (!d->cr || d->y <= d->mt + 0.01)
		return pdfdoc__room(d, 0, &(int){0});
	return pdfdoc__new_page(d);
}

int pdfdoc_frame(pdfdoc *d)
{
	if (d->rc)
		return d->rc;
	int fresh;
	if (pdfdoc__room(d, 0, &fresh))
		return d->rc;
	double in = d->size == PDFDOC_CARD ? 1.5 * MM : 8 * MM;
	double gap = d->size == PDFDOC_CARD ? 0.8 * MM : 1.8 * MM;
	cairo_save(d->cr);
	cairo_set_source_rgb(d->cr, 0.55, 0.1, 0.1);
	cairo_set_line_width(d->cr, d->size == PDFDOC_CARD ? 1.2 : 2.5);
	cairo_rectangle(d->cr, in, in, d->w - 2 * in, d->h - 2 * in);
	cairo_stroke(d->cr);
	cairo_set_line_width(d->cr, LINE_W);
	cairo_rectangle(d->cr, in + gap, in + gap, d->w - 2 * (in + gap),
			d->h - 2 * (in + gap));
	cairo_stroke(d->cr);
	cairo_restore(d->cr);
	return 0;
}

int pdfdoc_watermark(pdfdoc *d, const char *text)
{
	if (d->rc || pdfdoc__text_ok(d, text))
		return d->rc;
	free(d->mark);
	d->mark = text && *text ? pdfdoc__clean(text) : NULL;
	for (char *p = d->mark; p && *p; p++)
		if (*p == '\n')
			*p = ' ';
	return 0;
}

int pdfdoc_footer(pdfdoc *d, const char *note, int page_numbers)
{
	if (d->rc || pdfdoc__text_ok(d, note))
		return d->rc;
	free(d->note);
	d->note = note && *note ? pdfdoc__clean(note) : NULL;
	d->numbers = page_numbers != 0;
	return 0;
}

/* ---- forms --------------------------------------------------------------- */

/* A box of the grid with its text: labels shaded and centred, values
 * left-aligned; both centred vertically. */
static void pdfdoc__cell(pdfdoc *d, double x, double w, double h,
			 PangoLayout *l, int shaded)
{
	if (shaded) {
		cairo_set_source_rgb(d->cr, 0.92, 0.92, 0.92);
		cairo_rectangle(d->cr, x, d->y, w, h);
		cairo_fill(d->cr);
		cairo_set_source_rgb(d->cr, 0, 0, 0);
	}
	cairo_rectangle(d->cr, x, d->y, w, h);
	cairo_stroke(d->cr);
	if (l)
		pdfdoc__show(d, l, x + d->m->pad_x,
			     d->y + (h - pdfdoc__height(l)) / 2);
}

static int pdfdoc__caption(pdfdoc *d, const char *caption, int cont)
{
	buf b = BUF_INIT;
	buf_puts(&b, caption);
	if (cont)
		buf_puts(&b, "（续）");
	double w = pdfdoc__content_w(d);
	PangoLayout *l =
	    pdfdoc__layout(d, buf_str(&b), d->m->form_pt + 0.5, PDFDOC_BOLD,
			   w - 2 * d->m->pad_x, 3 * d->m->form_row);
	buf_free(&b);
	double h = pdfdoc__height(l) + 2 * d->m->pad_y;
	if (h < d->m->form_row)
		h = d->m->form_row;
	cairo_set_source_rgb(d->cr, 0.82, 0.82, 0.82);
	cairo_rectangle(d->cr, d->ml, d->y, w, h);
	cairo_fill(d->cr);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	cairo_rectangle(d->cr, d->ml, d->y, w, h);
	cairo_stroke(d->cr);
	pdfdoc__show(d, l, d->ml + d->m->pad_x,
		     d->y + (h - pdfdoc__height(l)) / 2);
	g_object_unref(l);
	d->y += h;
	return 0;
}

/* One row of the grid: fields f[0..n) from the left, each a label box of
 * `lw` and a value box of `vw`, the last taking the rest when wide; the
 * slots no field fills are drawn empty so that the grid stays whole. */
static int pdfdoc__form_row(pdfdoc *d, const char *caption,
			    const pdfdoc_field *f, int n, int pairs, double lw,
			    double vw)
{
	PangoLayout *lab[2] = {NULL, NULL}, *val[2] = {NULL, NULL};
	double vwid[2];
	double line = pdfdoc__line_height(d, d->m->form_pt);
	/* No row may be taller than a page under its caption. */
	double max_h = pdfdoc__content_h(d) - 4 * d->m->form_row;
	double h = d->m->form_row;
	for (int i = 0; i < n; i++) {
		vwid[i] = f[i].wide ? vw + (pairs - 1 - i) * (lw + vw) : vw;
		lab[i] =
		    pdfdoc__layout(d, f[i].label, d->m->form_pt, PDFDOC_CENTER,
				   lw - 2 * d->m->pad_x, max_h);
		val[i] = pdfdoc__layout(d, f[i].value, d->m->form_pt, 0,
					vwid[i] - 2 * d->m->pad_x, max_h);
		double need = pdfdoc__height(lab[i]);
		if (pdfdoc__height(val[i]) > need)
			need = pdfdoc__height(val[i]);
		int lines = f[i].lines < 1    ? 1
			    : f[i].lines > 40 ? 40
					      : f[i].lines;
		if (lines * line > need)
			need = lines * line;
		if (need > max_h)
			need = max_h;
		if (need + 2 * d->m->pad_y > h)
			h = need + 2 * d->m->pad_y;
	}
	int fresh;
	if (pdfdoc__room(d, h, &fresh) == 0) {
		if (fresh && caption)
			pdfdoc__caption(d, caption, 1);
		double x = d->ml;
		for (int i = 0; i < n; i++) {
			pdfdoc__cell(d, x, lw, h, lab[i], 1);
			pdfdoc__cell(d, x + lw, vwid[i], h, val[i], 0);
			x += lw + vwid[i];
		}
		for (int i = n; i < pairs && !(n && f[n - 1].wide); i++) {
			pdfdoc__cell(d, x, lw, h, NULL, 1);
			pdfdoc__cell(d, x + lw, vw, h, NULL, 0);
			x += lw + vw;
		}
		d->y += h;
	}
	for (int i = 0; i < n; i++) {
		g_object_unref(lab[i]);
		g_object_unref(val[i]);
	}
	return d->rc;
}

int pdfdoc_form(pdfdoc *d, const char *caption, const pdfdoc_field *f, int n,
		int columns)
{
	if (d->rc)
		return d->rc;
	if (columns != 2 && columns != 4)
		return pdfdoc__fail(d, ERR_INVALID, "pdf_layout",
				    "表格只能是2列或4列");
	if (n < 0 || n > PDFDOC_MAX_FIELDS)
		return pdfdoc__fail(d, ERR_TOOBIG, "pdf_too_big",
				    "表格项过多（最多%d项）",
				    PDFDOC_MAX_FIELDS);
	if (pdfdoc__text_ok(d, caption))
		return d->rc;
	for (int i = 0; i < n; i++)
		if (pdfdoc__text_ok(d, f[i].label) ||
		    pdfdoc__text_ok(d, f[i].value))
			return d->rc;
	int pairs = columns / 2;
	double w = pdfdoc__content_w(d);
	double lw = pairs == 2		     ? w * 0.15
		    : d->size == PDFDOC_CARD ? w * 0.3
					     : w * 0.22;
	double vw = (w - pairs * lw) / pairs;
	int fresh;
	/* The caption is not left alone at the foot of a page. */
	if (pdfdoc__room(d, caption ? 2 * d->m->form_row : 0, &fresh))
		return d->rc;
	if (caption)
		pdfdoc__caption(d, caption, 0);
	for (int i = 0; i < n && !d->rc;) {
		/* A wide field starts a row of its own and ends it. */
		int k = 0;
		while (k < pairs && i + k < n && !(k && f[i + k].wide) &&
		       !(k && f[i + k - 1].wide))
			k++;
		pdfdoc__form_row(d, caption, f + i, k, pairs, lw, vw);
		i += k;
	}
	return d->rc;
}

/* ---- tables -------------------------------------------------------------- */

static int pdfdoc__row(pdfdoc *d, const char *const *cells, int n, int head)
{
	PangoLayout *l[PDFDOC_MAX_COLS] = {NULL};
	double max_h = pdfdoc__content_h(d) / 2 - 2 * d->m->pad_y;
	double h = d->m->table_row;
	for (int i = 0; i < n; i++) {
		l[i] = pdfdoc__layout(d, cells[i], d->m->table_pt,
				      head ? PDFDOC_BOLD | PDFDOC_CENTER : 0,
				      d->colw[i] - 2 * d->m->pad_x, max_h);
		if (pdfdoc__height(l[i]) + 2 * d->m->pad_y > h)
			h = pdfdoc__height(l[i]) + 2 * d->m->pad_y;
	}
	int fresh;
	if (pdfdoc__room(d, h, &fresh) == 0) {
		if (fresh && !head) {
			pdfdoc__row(d, (const char *const *)d->head, d->ncols,
				    1);
		}
		double x = d->ml;
		for (int i = 0; i < d->ncols; i++) {
			if (head) {
				cairo_set_source_rgb(d->cr, 0.88, 0.88, 0.88);
				cairo_rectangle(d->cr, x, d->y, d->colw[i], h);
				cairo_fill(d->cr);
				cairo_set_source_rgb(d->cr, 0, 0, 0);
			}
			cairo_rectangle(d->cr, x, d->y, d->colw[i], h);
			cairo_stroke(d->cr);
			if (i < n)
				pdfdoc__show(
				    d, l[i], x + d->m->pad_x,
				    head ? d->y + (h - pdfdoc__height(l[i])) / 2
					 : d->y + d->m->pad_y);
			x += d->colw[i];
		}
		d->y += h;
	}
	for (int i = 0; i < n; i++)
		g_object_unref(l[i]);
	return d->rc;
}

int pdfdoc_table_begin(pdfdoc *d, const pdfdoc_col *cols, int n)
{
	if (d->rc)
		return d->rc;
	if (d->ncols)
		return pdfdoc__fail(d, ERR_INVALID, "pdf_layout",
				    "表格中不能再开始表格");
	if (n < 1 || n > PDFDOC_MAX_COLS)
		return pdfdoc__fail(d, ERR_TOOBIG, "pdf_too_big",
				    "表格列数须为1到%d列", PDFDOC_MAX_COLS);
	double sum = 0;
	for (int i = 0; i < n; i++) {
		if (pdfdoc__text_ok(d, cols[i].name))
			return d->rc;
		sum += cols[i].weight > 0 ? cols[i].weight : 1;
	}
	for (int i = 0; i < n; i++) {
		double wt = cols[i].weight > 0 ? cols[i].weight : 1;
		d->colw[i] = pdfdoc__content_w(d) * wt / sum;
		d->head[i] = pdfdoc__clean(cols[i].name);
	}
	d->ncols = n;
	int fresh;
	/* The header is not left alone at the foot of a page. */
	if (pdfdoc__room(d, 2 * d->m->table_row + 2 * MM, &fresh))
		return d->rc;
	return pdfdoc__row(d, (const char *const *)d->head, n, 1);
}

int pdfdoc_table_row(pdfdoc *d, const char *const *cells, int n)
{
	if (d->rc)
		return d->rc;
	if (!d->ncols || n < 0 || n > d->ncols)
		return pdfdoc__fail(d, ERR_INVALID, "pdf_layout",
				    "表格行的单元格数与列数不符");
	for (int i = 0; i < n; i++)
		if (pdfdoc__text_ok(d, cells[i]))
			return d->rc;
	return pdfdoc__row(d, cells, n, 0);
}

static void pdfdoc__table_free(pdfdoc *d)
{
	for (int i = 0; i < d->ncols; i++)
		free(d->head[i]);
	d->ncols = 0;
}

int pdfdoc_table_end(pdfdoc *d)
{
	if (d->rc)
		return d->rc;
	if (!d->ncols)
		return pdfdoc__fail(d, ERR_INVALID, "pdf_layout",
				    "没有打开的表格");
	pdfdoc__table_free(d);
	return pdfdoc_space(d, 2);
}

int pdfdoc_pages(const pdfdoc *d)
{
	return d->npages;
}

/* ---- output -------------------------------------------------------------- */

static cairo_status_t pdfdoc__write(void *closure, const unsigned char *data,
				    unsigned int length)
{
	buf_put(closure, data, length);
	return CAIRO_STATUS_SUCCESS;
}

static void pdfdoc__footer(pdfdoc *d, cairo_t *cr, int page, int pages)
{
	double w = pdfdoc__content_w(d);
	double y = d->h - d->mb + 6 * MM;
	if (d->mark) {
		/* Under the footer on A4; on a card, in the band of its
		 * bottom margin inside pdfdoc_frame's inner line (2.3 mm
		 * from the edge), clear of the content and the corner QR. */
		int card = d->size == PDFDOC_CARD;
		double pt = card ? 3.2 : 6.5;
		PangoLayout *l = pdfdoc__layout(d, d->mark, pt, 0,
						card ? d->w - 5.4 * MM : w,
						1.2 * pt);
		cairo_save(cr);
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		cairo_move_to(cr, card ? 2.7 * MM : d->ml,
			      card ? d->h - 2.5 * MM - 1.2 * pt : y + 5 * MM);
		pango_cairo_show_layout(cr, l);
		cairo_restore(cr);
		g_object_unref(l);
	}
	if (d->note) {
		PangoLayout *l = pdfdoc__layout(d, d->note, FOOT_PT, 0, w * 0.4,
						2 * FOOT_PT);
		cairo_move_to(cr, d->ml, y);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
	if (d->numbers) {
		char s[64];
		snprintf(s, sizeof s, "第 %d 页 共 %d 页", page, pages);
		PangoLayout *l =
		    pdfdoc__layout(d, s, FOOT_PT, PDFDOC_CENTER, w, 0);
		cairo_move_to(cr, d->ml, y);
		pango_cairo_show_layout(cr, l);
		g_object_unref(l);
	}
}

/* Writes `len` bytes to `path` through a temporary file beside it, so a
 * reader never sees half a PDF. */
static int pdfdoc__save(const char *path, const char *p, size_t len, err *e)
{
	char tmp[4096];
	int n = snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	int fd = n > 0 && (size_t)n < sizeof tmp ? mkstemp(tmp) : -1;
	if (fd < 0)
		return err_set(e, ERR_INTERNAL, "pdf_write",
			       "无法写入文件 %s: %s", path, strerror(errno));
	FILE *f = fdopen(fd, "wb");
	int ok = f && fwrite(p, 1, len, f) == len;
	if (f)
		ok = fclose(f) == 0 && ok;
	else
		close(fd);
	if (!ok || rename(tmp, path) != 0) {
		int rc = err_set(e, ERR_INTERNAL, "pdf_write",
				 "无法写入文件 %s: %s", path, strerror(errno));
		unlink(tmp);
		return rc;
	}
	return 0;
}

int pdfdoc_finish(pdfdoc *d, char **bytes, size_t *len, err *e)
{
	if (bytes) {
		*bytes = NULL;
		*len = 0;
	}
	if (!d->rc && !d->cr)
		pdfdoc__new_page(d); /* an empty document is one blank page */
	if (d->rc) {
		int rc = d->rc;
		if (e)
			*e = d->e;
		pdfdoc_free(d);
		return rc;
	}
	cairo_destroy(d->cr);
	d->cr = NULL;

	buf out = BUF_INIT;
	cairo_surface_t *pdf = cairo_pdf_surface_create_for_stream(
	    pdfdoc__write, &out, d->w, d->h);
	if (d->meta_title)
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_TITLE,
					       d->meta_title);
	cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_CREATOR,
				       "guanai");
	if (d->mark) {
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_SUBJECT,
					       d->mark);
		cairo_pdf_surface_set_metadata(pdf, CAIRO_PDF_METADATA_KEYWORDS,
					       d->mark);
	}
	cairo_t *cr = cairo_create(pdf);
	pango_cairo_update_context(cr, d->pc);
	for (int i = 0; i < d->npages; i++) {
		/* The recorded page is replayed as vector operations, so
		 * its text stays text in the PDF. */
		cairo_set_source_surface(cr, d->pages[i], 0, 0);
		cairo_paint(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		pdfdoc__footer(d, cr, i + 1, d->npages);
		cairo_show_page(cr);
	}
	cairo_destroy(cr);
	cairo_surface_finish(pdf);
	cairo_status_t st = cairo_surface_status(pdf);
	cairo_surface_destroy(pdf);
	int rc = 0;
	if (st != CAIRO_STATUS_SUCCESS)
		rc = err_set(e, ERR_INTERNAL, "pdf_render", "生成PDF失败: %s",
			     cairo_status_to_string(st));
	if (!rc && d->path)
		rc = pdfdoc__save(d->path, buf_str(&out), out.len, e);
	if (!rc && bytes) {
		*len = out.len;
		*bytes = buf_steal(&out);
	}
	buf_free(&out);
	pdfdoc_free(d);
	return rc;
}

void pdfdoc_free(pdfdoc *d)
{
	if (!d)
		return;
	pdfdoc__table_free(d);
	if (d->cr)
		cairo_destroy(d->cr);
	for (int i = 0; i < d->npages; i++)
		cairo_surface_destroy(d->pages[i]);
	free(d->pages);
	if (d->pc)
		g_object_unref(d->pc);
	free(d->meta_title);
	free(d->note);
	free(d->mark);
	free(d->path);
	free(d);
}
