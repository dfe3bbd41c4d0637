#include "io/xlsxout.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "util/buf.h"
#include "util/mem.h"

struct xlsxout {
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *f_title, *f_line, *f_head, *f_date, *f_num, *f_mark;
	char *path;	/* the destination, NULL for memory */
	char tmp[4096]; /* what libxlsxwriter writes; renamed at close */
	char *lines[XLSXOUT_MAX_HEADER_LINES];
	int nlines;
	char *mark;	/* xlsxout_watermark's text, NULL for none */
	int sheets_begun; /* xlsxout_columns calls: the mark comes before */
	int mark_line;	  /* the mark's index in lines[] on this sheet, or -1 */
	xlsxout_type types[XLSXOUT_MAX_COLUMNS];
	int ncols;	/* 0 until xlsxout_columns */
	lxw_row_t next; /* the sheet row the next xlsxout_row fills */
	long rows;
	buf scratch; /* one cell, cleaned */
};

/* Decodes one UTF-8 sequence of s[0..n), returning its length, or 0 when
 * it is not valid (overlong, surrogate, truncated, past U+10FFFF). */
static size_t xlsxout__utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t len;
	uint32_t min;
	if (c < 0x80) {
		*cp = c;
		return 1;
	} else if ((c & 0xE0) == 0xC0) {
		len = 2, min = 0x80, c &= 0x1F;
	} else if ((c & 0xF0) == 0xE0) {
		len = 3, min = 0x800, c &= 0x0F;
	} else if ((c & 0xF8) == 0xF0) {
		len = 4, min = 0x10000, c &= 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

/* True when s starts like an OOXML escape, "_x" four hex digits "_". */
static int xlsxout__escape_like(const char *s, size_t n)
{
	if (n < 7 || s[1] != 'x' || s[6] != '_')
		return 0;
	for (int i = 2; i < 6; i++)
		if (!s[i] || !strchr("0123456789abcdefABCDEF", s[i]))
			return 0;
	return 1;
}

/* Copies `s` into x->scratch as text an XML file may hold: invalid UTF-8
 * and the non-characters U+FFFE/U+FFFF become U+FFFD, control characters
 * other than tab and newline are dropped.  Excel refuses the whole file
 * over one such byte, and the data comes from users.  An "_" that starts
 * "_xHHHH_" is written "_x005F_" so that Excel does not read "_x0041_" in
 * the text as an escaped "A". */
static const char *xlsxout__clean(xlsxout *x, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	buf_reset(&x->scratch);
	buf_put(&x->scratch, "", 0);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = xlsxout__utf8(p + i, n - i, &cp);
		if (len == 0) {
			buf_puts(&x->scratch, "\xEF\xBF\xBD");
			i++;
			continue;
		}
		if (cp == 0xFFFE || cp == 0xFFFF)
			buf_puts(&x->scratch, "\xEF\xBF\xBD");
		else if (cp == '_' && xlsxout__escape_like(s + i, n - i))
			buf_puts(&x->scratch, "_x005F_");
		else if (cp >= 0x20 || cp == '\t' || cp == '\n')
			buf_put(&x->scratch, p + i, len);
		i += len;
	}
	return buf_str(&x->scratch);
}

/* Excel forbids []:*?/\ in sheet names, a leading or trailing apostrophe,
 * an empty name and more than 31 characters. */
static void xlsxout__sheet_name(xlsxout *x, const char *title, buf *out)
{
	const char *s = xlsxout__clean(x, title ? title : "");
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int chars = 0;
	for (size_t i = 0; i < n && chars < 31; chars++) {
		uint32_t cp;
		size_t len = xlsxout__utf8(p + i, n - i, &cp);
		if (strchr("[]:*?/\\", (int)cp) && cp < 0x80)
			buf_putc(out, '_');
		else if (cp < 0x20)
			buf_putc(out, ' ');
		else
			buf_put(out, p + i, len);
		i += len;
	}
	while (out->len && out->p[0] == '\'')
		memmove(out->p, out->p + 1, out->len--);
	while (out->len && out->p[out->len - 1] == '\'')
		out->p[--out->len] = '\0';
	if (out->len == 0)
		buf_puts(out, "Sheet1");
}

static int xlsxout__lxw(err *e, lxw_error rc, const char *what)
{
	if (rc == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "Excel单元格内容过长（最多%d个字符）",
			       XLSXOUT_MAX_CELL);
	return err_set(e, ERR_INTERNAL, "xlsx_write",
		       "生成Excel文件失败（%s）: %s", what, lxw_strerror(rc));
}

/* Printed on A4 landscape, as wide as the page, the column row on every
 * page and page numbers in the footer. */
static void xlsxout__page(lxw_worksheet *ws)
{
	worksheet_set_paper(ws, 9);
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_footer(ws, "&C第 &P 页 共 &N 页");
}

int xlsxout_open(const char *path, const char *sheet_title, xlsxout **xp,
		 err *e)
{
	*xp = NULL;
	xlsxout *x = xcalloc(1, sizeof *x);
	/* The temporary file sits beside the destination so that the final
	 * rename cannot cross file systems. */
	int n;
	if (path) {
		n = snprintf(x->tmp, sizeof x->tmp, "%s.XXXXXX", path);
	} else {
		const char *dir = getenv("TMPDIR");
		n = snprintf(x->tmp, sizeof x->tmp, "%s/guanai-xlsx-XXXXXX",
			     dir && *dir ? dir : "/tmp");
	}
	int fd = n > 0 && (size_t)n < sizeof x->tmp ? mkstemp(x->tmp) : -1;
	if (fd < 0) {
		int rc =
		    err_set(e, ERR_INTERNAL, "xlsx_write",
			    "无法创建临时文件 %s: %s", x->tmp, strerror(errno));
		free(x);
		return rc;
	}
	close(fd);
	x->path = path ? xstrdup(path) : NULL;

	/* Constant memory: each row goes to libxlsxwriter's temporary file as
	 * soon as the next one starts, and strings are stored inline. */
	lxw_workbook_options opt = {
	    .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE};
	x->wb = workbook_new_opt(x->tmp, &opt);
	buf name = BUF_INIT;
	xlsxout__sheet_name(x, sheet_title, &name);
	x->ws = x->wb ? workbook_add_worksheet(x->wb, buf_str(&name)) : NULL;
	buf_free(&name);
	if (!x->ws) {
		xlsxout_abandon(x);
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "无法创建Excel工作簿");
	}

	x->f_title = workbook_add_format(x->wb);
	format_set_bold(x->f_title);
	format_set_font_size(x->f_title, 16);
	format_set_align(x->f_title, LXW_ALIGN_CENTER);
	format_set_align(x->f_title, LXW_ALIGN_VERTICAL_CENTER);
	x->f_line = workbook_add_format(x->wb);
	format_set_align(x->f_line, LXW_ALIGN_LEFT);
	format_set_align(x->f_line, LXW_ALIGN_VERTICAL_CENTER);
	x->f_head = workbook_add_format(x->wb);
	format_set_bold(x->f_head);
	format_set_border(x->f_head, LXW_BORDER_THIN);
	format_set_bg_color(x->f_head, 0xD9E1F2);
	format_set_align(x->f_head, LXW_ALIGN_CENTER);
	format_set_align(x->f_head, LXW_ALIGN_VERTICAL_CENTER);
	format_set_text_wrap(x->f_head);
	x->f_date = workbook_add_format(x->wb);
	format_set_num_format(x->f_date, "yyyy-mm-dd");
	x->f_num = workbook_add_format(x->wb);
	format_set_num_format(x->f_num, "General");
	x->f_mark = workbook_add_format(x->wb);
	format_set_align(x->f_mark, LXW_ALIGN_LEFT);
	format_set_align(x->f_mark, LXW_ALIGN_VERTICAL_CENTER);
	format_set_font_color(x->f_mark, 0x595959);
	format_set_italic(x->f_mark);

	xlsxout__page(x->ws);
	*xp = x;
	return 0;
}

int xlsxout_sheet(xlsxout *x, const char *sheet_title, err *e)
{
	if (!x->ncols)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "上一张工作表尚未写入列名");
	buf name = BUF_INIT;
	xlsxout__sheet_name(x, sheet_title, &name);
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, buf_str(&name));
	buf_free(&name);
	if (!ws)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "无法添加工作表（名称重复？）");
	xlsxout__page(ws);
	for (int i = 0; i < x->nlines; i++)
		free(x->lines[i]);
	x->ws = ws;
	x->nlines = 0;
	x->ncols = 0;
	x->next = 0;
	return 0;
}

/* The page header "&L…" for `mark`: '&' doubled (Excel's escape), cut at
 * a character boundary to Excel's 255 bytes. */
static void xlsxout__page_header(const char *mark, buf *out)
{
	buf_puts(out, "&L");
	for (const char *p = mark; *p;) {
		size_t len = 1;
		while (((unsigned char)p[len] & 0xC0) == 0x80)
			len++;
		size_t need = *p == '&' ? 2 : len;
		if (out->len + need > 255)
			break;
		if (*p == '&')
			buf_putc(out, '&');
		buf_put(out, p, len);
		p += len;
	}
}

int xlsxout_watermark(xlsxout *x, const char *text, err *e)
{
	if (x->mark || x->sheets_begun)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "水印须在写入列名之前设置，且只设置一次");
	if (strlen(text) > XLSXOUT_MAX_CELL)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big", "水印过长");
	/* One line: a newline would split it in the page header. */
	const char *clean = xlsxout__clean(x, text);
	x->mark = xstrdup(clean);
	for (char *p = x->mark; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	lxw_doc_properties props = { .subject = x->mark,
				     .comments = x->mark };
	lxw_error rc = workbook_set_properties(x->wb, &props);
	if (!rc)
		rc = workbook_set_custom_property_string(x->wb, "watermark",
							 x->mark);
	return rc ? xlsxout__lxw(e, rc, "水印") : 0;
}

int xlsxout_header_line(xlsxout *x, const char *text, err *e)
{
	if (x->ncols)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "表头行须在列名之前写入");
	if (x->nlines == XLSXOUT_MAX_HEADER_LINES)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "表头行过多（最多%d行）",
			       XLSXOUT_MAX_HEADER_LINES);
	if (strlen(text) > XLSXOUT_MAX_CELL)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big", "表头行过长");
	x->lines[x->nlines++] = xstrdup(xlsxout__clean(x, text));
	return 0;
}

int xlsxout_columns(xlsxout *x, const xlsxout_col *cols, int n, err *e)
{
	if (x->ncols)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "列名只能写入一次");
	if (n <= 0)
		return err_set(e, ERR_INVALID, "xlsx_write",
			       "导出表至少需要一列");
	if (n > XLSXOUT_MAX_COLUMNS)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "导出列数过多（最多%d列）", XLSXOUT_MAX_COLUMNS);
	/* The mark is the last header line of every sheet, right above the
	 * column names, and the printed header of its pages. */
	x->mark_line = -1;
	if (x->mark && x->nlines < XLSXOUT_MAX_HEADER_LINES) {
		x->mark_line = x->nlines;
		x->lines[x->nlines++] = xstrdup(x->mark);
	}
	if (x->mark) {
		buf h = BUF_INIT;
		xlsxout__page_header(x->mark, &h);
		worksheet_set_header(x->ws, buf_str(&h));
		buf_free(&h);
	}
	x->sheets_begun++;
	lxw_error rc;
	lxw_col_t last = (lxw_col_t)(n - 1);
	for (int i = 0; i < n; i++) {
		x->types[i] = cols[i].type;
		double w = cols[i].width > 0 ? cols[i].width : 12;
		worksheet_set_column(
		    x->ws, (lxw_col_t)i, (lxw_col_t)i, w > 255 ? 255 : w,
		    cols[i].type == XLSXOUT_DATE ? x->f_date : NULL);
	}
	for (int i = 0; i < x->nlines; i++) {
		lxw_format *f = i == x->mark_line ? x->f_mark
				: i == 0	   ? x->f_title
						   : x->f_line;
		lxw_row_t r = (lxw_row_t)i;
		worksheet_set_row(x->ws, r, i == 0 ? 28 : 18, NULL);
		/* A one-column table has nothing to merge; Excel refuses a
		 * merged range of one cell. */
		if (n > 1)
			rc = worksheet_merge_range(x->ws, r, 0, r, last,
						   x->lines[i], f);
		else
			rc =
			    worksheet_write_string(x->ws, r, 0, x->lines[i], f);
		if (rc)
			return xlsxout__lxw(e, rc, "表头");
	}
	lxw_row_t head = (lxw_row_t)x->nlines;
	worksheet_set_row(x->ws, head, 20, NULL);
	for (int i = 0; i < n; i++) {
		const char *name =
		    xlsxout__clean(x, cols[i].name ? cols[i].name : "");
		rc = worksheet_write_string(x->ws, head, (lxw_col_t)i, name,
					    x->f_head);
		if (rc)
			return xlsxout__lxw(e, rc, "列名");
	}
	worksheet_freeze_panes(x->ws, head + 1, 0);
	worksheet_repeat_rows(x->ws, head, head);
	x->ncols = n;
	x->next = head + 1;
	return 0;
}

/* "YYYY-MM-DD" with a real calendar date, else 0. */
static int xlsxout__date(const char *s, lxw_datetime *dt)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	/* Excel's dates start in 1900. */
	if (y < 1900 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return 0;
	*dt = (lxw_datetime){.year = y, .month = m, .day = d};
	return 1;
}

/* A plain decimal number, nothing around it: "1e5", "0x10", " 3", "inf"
 * and "nan" stay text. */
static int xlsxout__number(const char *s, double *v)
{
	const char *p = s;
	if (*p == '-')
		p++;
	if (*p < '0' || *p > '9' || strlen(s) > 40)
		return 0;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p)
		return 0;
	*v = strtod(s, NULL);
	return 1;
}

int xlsxout_row(xlsxout *x, const char *const *cells, int n, err *e)
{
	if (!x->ncols)
		return err_set(e, ERR_INTERNAL, "xlsx_write",
			       "须先写入列名再写数据行");
	if (n < 0 || n > x->ncols)
		return err_set(e, ERR_INVALID, "xlsx_write",
			       "数据行有%d个单元格，多于%d列", n, x->ncols);
	if (x->next >= XLSXOUT_MAX_ROWS)
		return err_set(e, ERR_TOOBIG, "xlsx_too_big",
			       "导出行数超过Excel上限（%d行）",
			       XLSXOUT_MAX_ROWS);
	for (int i = 0; i < n; i++) {
		const char *s = cells[i];
		if (!s || !*s)
			continue;
		if (strlen(s) > XLSXOUT_MAX_CELL)
			return err_set(e, ERR_TOOBIG, "xlsx_too_big",
				       "第%ld行第%d列内容过长（最多%d字节）",
				       x->rows + 1, i + 1, XLSXOUT_MAX_CELL);
		lxw_col_t c = (lxw_col_t)i;
		lxw_datetime dt;
		double v;
		lxw_error rc;
		if (x->types[i] == XLSXOUT_NUMBER && xlsxout__number(s, &v))
			rc = worksheet_write_number(x->ws, x->next, c, v,
						    x->f_num);
		else if (x->types[i] == XLSXOUT_DATE && xlsxout__date(s, &dt))
			rc = worksheet_write_datetime(x->ws, x->next, c, &dt,
						      x->f_date);
		else
			rc = worksheet_write_string(x->ws, x->next, c,
						    xlsxout__clean(x, s), NULL);
		if (rc)
			return xlsxout__lxw(e, rc, "数据行");
	}
	x->next++;
	x->rows++;
	return 0;
}

long xlsxout_rows(const xlsxout *x)
{
	return x->rows;
}

static void xlsxout__free(xlsxout *x)
{
	for (int i = 0; i < x->nlines; i++)
		free(x->lines[i]);
	buf_free(&x->scratch);
	free(x->mark);
	free(x->path);
	free(x);
}

/* Writes the workbook to x->tmp; frees the workbook either way. */
static int xlsxout__finish(xlsxout *x, err *e)
{
	if (!x->ncols) {
		lxw_workbook_free(x->wb);
		x->wb = NULL;
		return err_set(e, ERR_INTERNAL, "xlsx_write", "导出表没有列名");
	}
	/* The autofilter spans the column row and every data row, so it
	 * can only be set once the last row is known. */
	lxw_row_t head = (lxw_row_t)x->nlines;
	worksheet_autofilter(x->ws, head, 0,
			     x->next > head + 1 ? x->next - 1 : head,
			     (lxw_col_t)(x->ncols - 1));
	lxw_error rc = workbook_close(x->wb);
	x->wb = NULL;
	if (rc)
		return xlsxout__lxw(e, rc, "写入");
	return 0;
}

int xlsxout_close(xlsxout *x, err *e)
{
	int rc;
	if (!x->path) {
		rc = err_set(e, ERR_INTERNAL, "xlsx_write",
			     "此工作簿应以xlsxout_close_mem结束");
		xlsxout_abandon(x);
		return rc;
	}
	rc = xlsxout__finish(x, e);
	if (!rc && rename(x->tmp, x->path) != 0)
		rc = err_set(e, ERR_INTERNAL, "xlsx_write",
			     "无法写入文件 %s: %s", x->path, strerror(errno));
	if (rc)
		unlink(x->tmp);
	xlsxout__free(x);
	return rc;
}

int xlsxout_close_mem(xlsxout *x, char **bytes, size_t *len, err *e)
{
	*bytes = NULL;
	*len = 0;
	int rc = xlsxout__finish(x, e);
	FILE *f = rc ? NULL : fopen(x->tmp, "rb");
	if (!rc && !f)
		rc = err_set(e, ERR_INTERNAL, "xlsx_write",
			     "无法读回生成的Excel文件: %s", strerror(errno));
	if (f) {
		buf b = BUF_INIT;
		char chunk[65536];
		size_t got;
		while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
			buf_put(&b, chunk, got);
		if (ferror(f)) {
			rc = err_set(e, ERR_INTERNAL, "xlsx_write",
				     "读回生成的Excel文件出错");
			buf_free(&b);
		} else {
			*len = b.len;
			*bytes = buf_steal(&b);
		}
		fclose(f);
	}
	unlink(x->tmp);
	xlsxout__free(x);
	return rc;
}

void xlsxout_abandon(xlsxout *x)
{
	if (!x)
		return;
	if (x->wb)
		lxw_workbook_free(x->wb);
	unlink(x->tmp);
	xlsxout__free(x);
}
