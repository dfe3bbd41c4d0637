/* xlsxout and xlsxin: a sheet written and read back cell for cell, the
 * same file read by openpyxl, and hostile files (not a zip, parts
 * missing, truncated, caps exceeded, zip bombs, lying sizes, DTDs), each
 * refused with its error and without a leak.
 *
 * XLSX_TEST_VERBOSE=1 prints the message of each refusal. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <zip.h>

#include "io/xlsxin.h"
#include "io/xlsxout.h"
#include "util/buf.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/guanai-xlsx-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

/* ---- collecting what the reader hands over ---- */

typedef struct sheet {
	long rows[64];
	int n[64];
	char *cell[64][16];
	int nrows;
	int stop_at; /* return ERR_CONFLICT on this row, 0 never */
} sheet;

static int collect(void *ctx, char **f, int n, long row, err *e)
{
	sheet *s = ctx;
	if (s->stop_at && row == s->stop_at)
		return err_set(e, ERR_CONFLICT, "stop", "stopped");
	assert_true(n >= 1 && n <= XLSXIN_MAX_COLS);
	if (s->nrows == 64)
		return 0;
	s->rows[s->nrows] = row;
	s->n[s->nrows] = n;
	for (int i = 0; i < n && i < 16; i++)
		s->cell[s->nrows][i] = strdup(f[i]);
	s->nrows++;
	return 0;
}

static void sheet_free(sheet *s)
{
	for (int r = 0; r < s->nrows; r++)
		for (int i = 0; i < s->n[r] && i < 16; i++)
			free(s->cell[r][i]);
	memset(s, 0, sizeof *s);
}

static void expect_row(const sheet *s, int idx, long row, int n,
		       const char *const *cells)
{
	assert_true(idx < s->nrows);
	assert_int_equal(s->rows[idx], row);
	assert_int_equal(s->n[idx], n);
	for (int i = 0; i < n; i++)
		assert_string_equal(s->cell[idx][i], cells[i]);
}

/* ---- writing test files ---- */

typedef struct part {
	const char *name;
	const char *data; /* NUL-terminated, or len bytes */
	size_t len;
} part;

/* A zip of the given parts, deflated. */
static void mkzip(const char *path, const part *parts, int n)
{
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (int i = 0; i < n; i++) {
		size_t len =
		    parts[i].len ? parts[i].len : strlen(parts[i].data);
		zip_source_t *src = zip_source_buffer(z, parts[i].data, len, 0);
		assert_non_null(src);
		assert_true(
		    zip_file_add(z, parts[i].name, src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
}

static const char CT[] =
    "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats."
    "org/package/2006/content-types\"/>";
static const char RELS[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
    "2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"
    "schemas.openxmlformats.org/officeDocument/2006/relationships/"
    "officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
static const char BOOK[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"
    "2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/"
    "officeDocument/2006/relationships\"><sheets>"
    "<sheet name=\"隐藏\" sheetId=\"3\" state=\"hidden\" r:id=\"rId3\"/>"
    "<sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/>"
    "</sheets></workbook>";
#define BOOK_RELS_WITH(target)                                                 \
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"    \
	"2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://"        \
	"schemas.openxmlformats.org/officeDocument/2006/relationships/"        \
	"worksheet\" Target=\"" target "\"/>"                                  \
	"<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/"  \
	"officeDocument/2006/relationships/worksheet\" "                       \
	"Target=\"worksheets/hidden.xml\"/>"                                   \
	"<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/"  \
	"officeDocument/2006/relationships/sharedStrings\" "                   \
	"Target=\"sharedStrings.xml\"/></Relationships>"
static const char BOOK_RELS[] = BOOK_RELS_WITH("worksheets/sheet1.xml");
#define SHEET_OPEN                                                             \
	"<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/"  \
	"2006/main\"><sheetData>"
#define SHEET_CLOSE "</sheetData></worksheet>"
static const char SST[] =
    "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/"
    "main\" count=\"3\" uniqueCount=\"3\">"
    "<si><t>姓名</t></si>"
    "<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">"
    "小 明</t></r><rPh sb=\"0\" eb=\"1\"><t>ZHANG</t></rPh></si>"
    "<si><t>a_x000D__x000A_b_x005F_x0041_</t></si></sst>";

/* A workbook whose first visible sheet is `sheet` and whose shared
 * strings are `sst` (NULL: SST above). */
static void mkbook(const char *path, const char *sheet_xml, const char *sst)
{
	const part parts[] = {
	    {"[Content_Types].xml", CT, 0},
	    {"_rels/.rels", RELS, 0},
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels", BOOK_RELS, 0},
	    {"xl/sharedStrings.xml", sst ? sst : SST, 0},
	    {"xl/worksheets/hidden.xml",
	     SHEET_OPEN "<row r=\"1\"><c t=\"inlineStr\"><is><t>hidden"
			"</t></is></c></row>" SHEET_CLOSE,
	     0},
	    {"xl/worksheets/sheet1.xml", sheet_xml, 0},
	};
	mkzip(path, parts, sizeof parts / sizeof *parts);
}

/* Reads `path`, expecting `code` and, for failures, `key`. */
static void expect_read(const char *path, int code, const char *key)
{
	sheet s = {0};
	err e;
	err_clear(&e);
	int rc = xlsxin_read(path, collect, &s, &e);
	if (rc != code)
		fail_msg("%s: got %d (%s %s), want %d", path, rc, e.key, e.msg,
			 code);
	if (code) {
		if (getenv("XLSX_TEST_VERBOSE"))
			print_message("%s: %s\n", path, e.msg);
		assert_string_equal(e.key, key);
		assert_true(e.msg[0] != '\0');
	}
	sheet_free(&s);
}

/* ---- the round trip ---- */

static const xlsxout_col COLS[] = {
    {"姓名", 10, XLSXOUT_TEXT},	 {"身份证号", 22, XLSXOUT_TEXT},
    {"年龄", 6, XLSXOUT_NUMBER}, {"出生日期", 12, XLSXOUT_DATE},
    {"备注", 30, XLSXOUT_TEXT},
};
static const char *const ROWS[][5] = {
    {"张小明", "220122201503081234", "9", "2015-03-08",
     "父母在外务工，与祖父母同住"},
    {"李 娜", "22012220120101002X", "-3.25", "", ""},
    {"王_x0041_\"<&>'", "", "不详", "2015-02-30", "多行\n文本"},
    {"", "", "", "", "只有备注"},
};
/* What the reader gives back: numbers as Excel writes them, dates as
 * serials, trailing empty cells gone, leading ones "". */
static const char *const BACK[][5] = {
    {"张小明", "220122201503081234", "9", "42071",
     "父母在外务工，与祖父母同住"},
    {"李 娜", "22012220120101002X", "-3.25"},
    {"王_x0041_\"<&>'", "", "不详", "2015-02-30", "多行\n文本"},
    {"", "", "", "", "只有备注"},
};
static const int BACKN[] = {5, 3, 5, 5};

static void write_sample(xlsxout *x)
{
	err e;
	assert_int_equal(xlsxout_header_line(x, "吉林省农村留守儿童名单", &e),
			 0);
	assert_int_equal(
	    xlsxout_header_line(x, "地区：吉林省 / 长春市 / 农安县", &e), 0);
	assert_int_equal(xlsxout_header_line(x, "导出日期：2024-05-01", &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 5, &e), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(xlsxout_row(x, ROWS[i], 5, &e), 0);
	assert_int_equal(xlsxout_rows(x), 4);
}

static void check_sample(const sheet *s)
{
	static const char *const l1[] = {"吉林省农村留守儿童名单"};
	static const char *const l2[] = {"地区：吉林省 / 长春市 / 农安县"};
	static const char *const l3[] = {"导出日期：2024-05-01"};
	static const char *const head[] = {"姓名", "身份证号", "年龄",
					   "出生日期", "备注"};
	assert_int_equal(s->nrows, 8);
	expect_row(s, 0, 1, 1, l1);
	expect_row(s, 1, 2, 1, l2);
	expect_row(s, 2, 3, 1, l3);
	expect_row(s, 3, 4, 5, head);
	for (int i = 0; i < 4; i++)
		expect_row(s, 4 + i, 5 + i, BACKN[i], BACK[i]);
}

static void test_roundtrip_file(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "名单.xlsx");
	xlsxout *x;
	err e;
	assert_int_equal(xlsxout_open(path, "儿童名单", &x, &e), 0);
	write_sample(x);
	assert_int_equal(xlsxout_close(x, &e), 0);
	assert_int_equal(access(path, R_OK), 0);

	sheet s = {0};
	int rc = xlsxin_read(path, collect, &s, &e);
	if (rc)
		fail_msg("%s", e.msg);
	check_sample(&s);
	sheet_free(&s);

	/* The callback's error stops the read and comes back as is. */
	s.stop_at = 5;
	assert_int_equal(xlsxin_read(path, collect, &s, &e), ERR_CONFLICT);
	assert_string_equal(e.key, "stop");
	assert_int_equal(s.nrows, 4);
	sheet_free(&s);
}

static void test_roundtrip_mem(void **state)
{
	(void)state;
	xlsxout *x;
	err e;
	char *bytes;
	size_t len;
	assert_int_equal(xlsxout_open(NULL, "a[b]c:d*e?f/g\\h'", &x, &e), 0);
	write_sample(x);
	assert_int_equal(xlsxout_close_mem(x, &bytes, &len, &e), 0);
	assert_true(len > 100 && memcmp(bytes, "PK\3\4", 4) == 0);
	sheet s = {0};
	int rc = xlsxin_read_mem(bytes, len, collect, &s, &e);
	if (rc)
		fail_msg("%s", e.msg);
	check_sample(&s);
	sheet_free(&s);
	/* Cut short, the same bytes are a damaged file. */
	assert_int_equal(xlsxin_read_mem(bytes, len / 2, collect, &s, &e),
			 ERR_INVALID);
	assert_string_equal(e.key, "xlsx_malformed");
	sheet_free(&s);
	free(bytes);
}

/* A second reader agrees: openpyxl sees the Chinese text, the merged
 * title, the frozen header and the autofilter. */
static void test_openpyxl(void **state)
{
	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0)
		skip();
	char path[128], cmd[1024];
	path_of(path, sizeof path, "openpyxl.xlsx");
	xlsxout *x;
	err e;
	assert_int_equal(xlsxout_open(path, "儿童名单", &x, &e), 0);
	write_sample(x);
	assert_int_equal(xlsxout_close(x, &e), 0);
	snprintf(
	    cmd, sizeof cmd,
	    "/usr/bin/python3 -c '"
	    "import openpyxl, sys\n"
	    "wb = openpyxl.load_workbook(sys.argv[1])\n"
	    "ws = wb.worksheets[0]\n"
	    "assert ws.title == \"儿童名单\", ws.title\n"
	    "assert ws[\"A1\"].value == \"吉林省农村留守儿童名单\"\n"
	    "assert ws[\"A1\"].font.b\n"
	    "assert \"A1:E1\" in [str(r) for r in ws.merged_cells.ranges]\n"
	    "assert ws[\"A5\"].value == \"张小明\"\n"
	    "assert ws[\"B5\"].value == \"220122201503081234\"\n"
	    "assert ws[\"C5\"].value == 9\n"
	    "assert ws[\"D5\"].value.strftime(\"%%F\") == \"2015-03-08\"\n"
	    "assert ws[\"E8\"].value == \"只有备注\"\n"
	    "assert ws.freeze_panes == \"A5\", ws.freeze_panes\n"
	    "assert ws.auto_filter.ref == \"A4:E8\", ws.auto_filter.ref\n"
	    "' '%s'",
	    path);
	assert_int_equal(system(cmd), 0);
}

static void test_writer_errors(void **state)
{
	(void)state;
	xlsxout *x;
	err e;
	const char *cells[] = {"a", "b"};
	assert_int_equal(xlsxout_open(NULL, "t", &x, &e), 0);
	assert_int_equal(xlsxout_row(x, cells, 1, &e), ERR_INTERNAL);
	assert_int_equal(xlsxout_columns(x, COLS, 0, &e), ERR_INVALID);
	assert_int_equal(xlsxout_columns(x, COLS, XLSXOUT_MAX_COLUMNS + 1, &e),
			 ERR_TOOBIG);
	for (int i = 0; i < XLSXOUT_MAX_HEADER_LINES; i++)
		assert_int_equal(xlsxout_header_line(x, "行", &e), 0);
	assert_int_equal(xlsxout_header_line(x, "行", &e), ERR_TOOBIG);
	assert_int_equal(xlsxout_columns(x, COLS, 1, &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 1, &e), ERR_INTERNAL);
	assert_int_equal(xlsxout_header_line(x, "晚了", &e), ERR_INTERNAL);
	assert_int_equal(xlsxout_row(x, cells, 2, &e), ERR_INVALID);
	char *big = malloc(XLSXOUT_MAX_CELL + 2);
	memset(big, 'a', XLSXOUT_MAX_CELL + 1);
	big[XLSXOUT_MAX_CELL + 1] = '\0';
	const char *row[] = {big};
	assert_int_equal(xlsxout_row(x, row, 1, &e), ERR_TOOBIG);
	assert_string_equal(e.key, "xlsx_too_big");
	free(big);
	xlsxout_abandon(x);

	/* Closing to memory what was meant for a file, and the reverse. */
	char path[128];
	path_of(path, sizeof path, "never.xlsx");
	assert_int_equal(xlsxout_open(NULL, "t", &x, &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 1, &e), 0);
	assert_int_equal(xlsxout_close(x, &e), ERR_INTERNAL);
	assert_int_equal(xlsxout_open(path, "t", &x, &e), 0);
	xlsxout_abandon(x);
	assert_int_not_equal(access(path, F_OK), 0);
	/* No file is left where the workbook had no columns. */
	assert_int_equal(xlsxout_open(path, "t", &x, &e), 0);
	assert_int_equal(xlsxout_close(x, &e), ERR_INTERNAL);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(xlsxout_open("/nonexistent-dir/x.xlsx", "t", &x, &e),
			 ERR_INTERNAL);
}

/* The watermark: the last header line of every sheet, in its own grey
 * format; the page header of every sheet with '&' doubled; the workbook's
 * subject and comments.  Once, and before the first column row. */
static void test_watermark(void **state)
{
	(void)state;
	if (access("/usr/bin/python3", X_OK) != 0)
		skip();
	char path[128], cmd[2048];
	path_of(path, sizeof path, "mark.xlsx");
	const char *mark = "导出人：zhuren（张三）　用途：核对 & 上报";
	xlsxout *x;
	err e;
	assert_int_equal(xlsxout_open(path, "一", &x, &e), 0);
	assert_int_equal(xlsxout_watermark(x, mark, &e), 0);
	assert_int_equal(xlsxout_watermark(x, mark, &e), ERR_INTERNAL);
	assert_int_equal(xlsxout_header_line(x, "标题", &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 2, &e), 0);
	assert_int_equal(xlsxout_sheet(x, "二", &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 2, &e), 0);
	const char *cells[] = { "甲", "乙" };
	assert_int_equal(xlsxout_row(x, cells, 2, &e), 0);
	assert_int_equal(xlsxout_close(x, &e), 0);
	snprintf(cmd, sizeof cmd,
		 "/usr/bin/python3 -c '"
		 "import openpyxl, sys\n"
		 "m = sys.argv[2]\n"
		 "wb = openpyxl.load_workbook(sys.argv[1])\n"
		 "assert wb.properties.subject == m, wb.properties.subject\n"
		 "assert wb.properties.description == m\n"
		 "a, b = wb.worksheets\n"
		 "assert a[\"A1\"].value == \"标题\" and a[\"A2\"].value == m\n"
		 "assert a[\"A3\"].value == \"姓名\", a[\"A3\"].value\n"
		 "assert a[\"A2\"].font.i and not a[\"A1\"].font.i\n"
		 "assert b[\"A1\"].value == m and b[\"A2\"].value == \"姓名\"\n"
		 "assert b[\"A3\"].value == \"甲\"\n"
		 "for ws in (a, b):\n"
		 /* Excel's escape of '&' in a header: "&&" (openpyxl keeps
		  * it as written) */
		 "    t = ws.oddHeader.left.text\n"
		 "    assert t == m.replace(\"&\", \"&&\"), t\n"
		 "' '%s' '%s'",
		 path, mark);
	assert_int_equal(system(cmd), 0);
	/* too late: the first sheet's column row is written */
	assert_int_equal(xlsxout_open(NULL, "t", &x, &e), 0);
	assert_int_equal(xlsxout_columns(x, COLS, 1, &e), 0);
	assert_int_equal(xlsxout_watermark(x, mark, &e), ERR_INTERNAL);
	xlsxout_abandon(x);
}

/* ---- reading what other programs write ---- */

static void test_read_shapes(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "shapes.xlsx");
	mkbook(path,
	       SHEET_OPEN
	       "<row r=\"2\" spans=\"1:3\"><c r=\"A2\" t=\"s\"><v>0</v></c>"
	       "<c r=\"C2\" t=\"s\"><v>1</v></c><c r=\"BZ2\" s=\"3\"/></row>"
	       "<row r=\"3\"><c r=\"B3\" t=\"b\"><v>1</v></c>"
	       "<c r=\"C3\" t=\"e\"><v>#N/A</v></c>"
	       "<c r=\"D3\" t=\"str\"><f>A2&amp;\"x\"</f><v>姓名x</v></c>"
	       "<c r=\"E3\"><v>1.5E-3</v></c>"
	       "<c r=\"F3\" t=\"inlineStr\"><is><r><t>富</t></r><r><t>文本"
	       "</t></r><rPh><t>FU</t></rPh></is></c></row>"
	       "<row><c t=\"s\"><v>2</v></c><c><v>42071</v></c></row>"
	       "<row r=\"9\"><c r=\"A9\" s=\"1\"/><c r=\"B9\"><v></v></c>"
	       "</row>" SHEET_CLOSE,
	       NULL);
	sheet s = {0};
	err e;
	int rc = xlsxin_read(path, collect, &s, &e);
	if (rc)
		fail_msg("%s", e.msg);
	static const char *const r2[] = {"姓名", "", "张小 明"};
	static const char *const r3[] = {"",	  "TRUE",   "#N/A",
					 "姓名x", "1.5E-3", "富文本"};
	static const char *const r4[] = {"a\r\nb_x0041_", "42071"};
	/* The hidden first sheet is passed over; row 9 has no value. */
	assert_int_equal(s.nrows, 3);
	expect_row(&s, 0, 2, 3, r2);
	expect_row(&s, 1, 3, 6, r3);
	expect_row(&s, 2, 4, 2, r4);
	sheet_free(&s);

	/* A prefixed namespace, as some programs write. */
	mkbook(path,
	       "<x:worksheet xmlns:x=\"http://schemas.openxmlformats.org/"
	       "spreadsheetml/2006/main\"><x:sheetData><x:row r=\"1\">"
	       "<x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c></x:row>"
	       "</x:sheetData></x:worksheet>",
	       NULL);
	rc = xlsxin_read(path, collect, &s, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_int_equal(s.nrows, 1);
	assert_string_equal(s.cell[0][0], "姓名");
	sheet_free(&s);
}

static void test_serial_to_date(void **state)
{
	(void)state;
	char d[11];
	assert_int_equal(xlsxin_serial_to_date(1, d), 0);
	assert_string_equal(d, "1900-01-01");
	assert_int_equal(xlsxin_serial_to_date(59, d), 0);
	assert_string_equal(d, "1900-02-28");
	assert_int_equal(xlsxin_serial_to_date(60, d), ERR_INVALID);
	assert_int_equal(xlsxin_serial_to_date(61, d), 0);
	assert_string_equal(d, "1900-03-01");
	assert_int_equal(xlsxin_serial_to_date(42071.75, d), 0);
	assert_string_equal(d, "2015-03-08");
	assert_int_equal(xlsxin_serial_to_date(36951, d), 0);
	assert_string_equal(d, "2001-03-01");
	assert_int_equal(xlsxin_serial_to_date(2958465, d), 0);
	assert_string_equal(d, "9999-12-31");
	assert_int_equal(xlsxin_serial_to_date(2958466, d), ERR_INVALID);
	assert_int_equal(xlsxin_serial_to_date(0, d), ERR_INVALID);
	assert_int_equal(xlsxin_serial_to_date(-1, d), ERR_INVALID);
	assert_int_equal(xlsxin_serial_to_date(0.0 / 0.0, d), ERR_INVALID);
	assert_string_equal(d, "");
}

/* ---- hostile files ---- */

static void write_file(const char *path, const void *data, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
}

static void test_not_xlsx(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "text.xlsx");
	write_file(path, "姓名,年龄\n张三,9\n", strlen("姓名,年龄\n张三,9\n"));
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	write_file(path, "", 0);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	static const unsigned char ole[16] = {0xD0, 0xCF, 0x11, 0xE0,
					      0xA1, 0xB1, 0x1A, 0xE1};
	write_file(path, ole, sizeof ole);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	path_of(path, sizeof path, "absent.xlsx");
	expect_read(path, ERR_INVALID, "file_unreadable");
	err e;
	assert_int_equal(xlsxin_read_mem("", 0, collect, NULL, &e),
			 ERR_INVALID);
	assert_int_equal(xlsxin_read_mem(ole, sizeof ole, collect, NULL, &e),
			 ERR_INVALID);
}

static void test_parts_missing(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "parts.xlsx");
	/* A zip, but of something else. */
	const part other[] = {{"readme.txt", "hello", 0}};
	mkzip(path, other, 1);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	/* Workbook and relationships, but no sheet part. */
	const part nosheet[] = {
	    {"_rels/.rels", RELS, 0},
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels", BOOK_RELS, 0},
	};
	mkzip(path, nosheet, 3);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	/* A workbook whose only sheet is not a worksheet. */
	const part chart[] = {
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels",
	     "<Relationships><Relationship Id=\"rId1\" Type=\"http://x/"
	     "chartsheet\" Target=\"c.xml\"/></Relationships>",
	     0},
	};
	mkzip(path, chart, 2);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	/* A sheet target that leaves the package. */
	const part escape[] = {
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels",
	     BOOK_RELS_WITH("../../../etc/passwd"), 0},
	};
	mkzip(path, escape, 2);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	/* An absolute target is from the package root. */
	const part absolute[] = {
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels", BOOK_RELS_WITH("/xl/s.xml"), 0},
	    {"xl/s.xml",
	     SHEET_OPEN "<row><c t=\"inlineStr\"><is><t>ok</t></is></c>"
			"</row>" SHEET_CLOSE,
	     0},
	};
	mkzip(path, absolute, 3);
	expect_read(path, 0, NULL);
}

static void test_truncated(void **state)
{
	(void)state;
	char path[128], cut[128];
	path_of(path, sizeof path, "whole.xlsx");
	path_of(cut, sizeof cut, "cut.xlsx");
	mkbook(path,
	       SHEET_OPEN
	       "<row r=\"1\"><c t=\"s\"><v>0</v></c></row>" SHEET_CLOSE,
	       NULL);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char data[8192];
	size_t n = fread(data, 1, sizeof data, f);
	fclose(f);
	assert_true(n > 200 && n < sizeof data);
	for (size_t len = 0; len < n; len += n / 7 + 1) {
		write_file(cut, data, len);
		expect_read(cut, ERR_INVALID, "xlsx_malformed");
	}
	/* Damage inside the compressed data: every byte flipped in turn
	 * gives an error or a read, never a crash. */
	for (size_t i = 0; i < n; i += 3) {
		data[i] ^= 0x5A;
		write_file(cut, data, n);
		sheet s = {0};
		err e;
		err_clear(&e);
		if (xlsxin_read(cut, collect, &s, &e) != 0)
			assert_true(e.msg[0] != '\0');
		sheet_free(&s);
		data[i] ^= 0x5A;
	}
}

static void test_malformed_xml(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "xml.xlsx");
	static const char *const bad[] = {
	    SHEET_OPEN "<row r=\"1\"><c r=\"A1\"><v>1</v></c>", /* cut */
	    SHEET_OPEN "<row r=\"2\"/><row r=\"1\"/>" SHEET_CLOSE,
	    SHEET_OPEN "<row r=\"x\"/>" SHEET_CLOSE,
	    SHEET_OPEN "<row><c r=\"1A\"><v>1</v></c></row>" SHEET_CLOSE,
	    SHEET_OPEN "<row><c r=\"XFE1\"><v>1</v></c></row>" SHEET_CLOSE,
	    SHEET_OPEN "<row><c t=\"s\"><v>3</v></c></row>" SHEET_CLOSE,
	    SHEET_OPEN "<row><c t=\"s\"><v>-1</v></c></row>" SHEET_CLOSE,
	    SHEET_OPEN "<row><c t=\"s\"><v></v></c></row>" SHEET_CLOSE,
	    "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b "
	    "\"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>" SHEET_OPEN
	    "<row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>" SHEET_CLOSE,
	    "\xff\xfe<",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		mkbook(path, bad[i], NULL);
		expect_read(path, ERR_INVALID, "xlsx_malformed");
	}
	/* Nesting and tags no spreadsheet has, which would make expat
	 * hold gigabytes: refused before or while parsing. */
	buf b = BUF_INIT;
	buf_puts(&b, SHEET_OPEN);
	for (int i = 0; i < 70; i++)
		buf_printf(&b, "<a%d>", i);
	mkbook(path, buf_str(&b), NULL);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	buf_reset(&b);
	buf_puts(&b, SHEET_OPEN "<row><c");
	for (int i = 0; b.len < (1 << 20) + 100; i++)
		buf_printf(&b, " a%x=\"1\"", i);
	buf_puts(&b, "/></row>" SHEET_CLOSE);
	mkbook(path, buf_str(&b), NULL);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
	buf_free(&b);
	/* A DTD in the shared strings too. */
	mkbook(path, SHEET_OPEN SHEET_CLOSE,
	       "<!DOCTYPE sst SYSTEM \"file:///etc/passwd\"><sst/>");
	expect_read(path, ERR_INVALID, "xlsx_malformed");
}

static void test_caps(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "caps.xlsx");
	buf b = BUF_INIT;

	/* A value of exactly the cap is fine, one byte more is not. */
	for (int extra = 0; extra < 2; extra++) {
		buf_reset(&b);
		buf_puts(&b, SHEET_OPEN "<row><c t=\"inlineStr\"><is><t>");
		for (int i = 0; i < XLSXIN_MAX_CELL + extra; i++)
			buf_putc(&b, 'x');
		buf_puts(&b, "</t></is></c></row>" SHEET_CLOSE);
		mkbook(path, buf_str(&b), NULL);
		expect_read(path, extra ? ERR_TOOBIG : 0, "xlsx_too_big");
	}
	/* Chinese text over the cap in bytes, through the shared strings:
	 * refused only when a cell of the sheet uses it. */
	buf sst = BUF_INIT;
	buf_puts(&sst, "<sst><si><t>短</t></si><si><t>");
	for (int i = 0; i < XLSXIN_MAX_CELL / 3 + 1; i++)
		buf_puts(&sst, "长");
	buf_puts(&sst, "</t></si></sst>");
	mkbook(path,
	       SHEET_OPEN "<row><c t=\"s\"><v>0</v></c></row>" SHEET_CLOSE,
	       buf_str(&sst));
	expect_read(path, 0, NULL);
	mkbook(path,
	       SHEET_OPEN "<row><c t=\"s\"><v>1</v></c></row>" SHEET_CLOSE,
	       buf_str(&sst));
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	buf_free(&sst);

	/* Column 64 (BL) may hold a value, column 65 (BM) may not; an empty
	 * formatted cell far to the right is no value. */
	mkbook(path,
	       SHEET_OPEN
	       "<row><c r=\"BL1\"><v>1</v></c><c r=\"XFD1\" s=\"1\"/>"
	       "</row>" SHEET_CLOSE,
	       NULL);
	expect_read(path, 0, NULL);
	mkbook(path,
	       SHEET_OPEN "<row><c r=\"BM1\"><v>1</v></c></row>" SHEET_CLOSE,
	       NULL);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	buf_reset(&b);
	buf_puts(&b, SHEET_OPEN "<row>");
	for (int i = 0; i <= XLSXIN_MAX_COLS; i++)
		buf_puts(&b, "<c><v>1</v></c>");
	buf_puts(&b, "</row>" SHEET_CLOSE);
	mkbook(path, buf_str(&b), NULL);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");

	/* Rows: the last allowed number, then one past it. */
	mkbook(path,
	       SHEET_OPEN
	       "<row r=\"1100000\"><c><v>1</v></c></row>" SHEET_CLOSE,
	       NULL);
	expect_read(path, 0, NULL);
	mkbook(path,
	       SHEET_OPEN
	       "<row r=\"1100000\"/><row><c><v>1</v></c></row>" SHEET_CLOSE,
	       NULL);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	buf_free(&b);
}

/* A sheet part that inflates far beyond its size, as zip bombs do: refused
 * for its ratio before anything is inflated, and for its size. */
static void test_zip_bomb(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "bomb.xlsx");
	size_t n = XLSXIN_MAX_SHEET_BYTES + 4096;
	char *big = malloc(n + 1);
	memset(big, ' ', n);
	memcpy(big, SHEET_OPEN, strlen(SHEET_OPEN));
	memcpy(big + n - strlen(SHEET_CLOSE), SHEET_CLOSE, strlen(SHEET_CLOSE));
	big[n] = '\0';
	mkbook(path, big, NULL);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	/* Under the size cap, still a thousand to one. */
	size_t m = 8 << 20;
	memcpy(big + m - strlen(SHEET_CLOSE), SHEET_CLOSE, strlen(SHEET_CLOSE));
	big[m] = '\0';
	mkbook(path, big, NULL);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	free(big);
	/* The same as shared strings. */
	big = malloc(XLSXIN_MAX_SST_BYTES + 2);
	memset(big, ' ', XLSXIN_MAX_SST_BYTES + 1);
	memcpy(big, "<sst>", 5);
	big[XLSXIN_MAX_SST_BYTES + 1] = '\0';
	mkbook(path, SHEET_OPEN SHEET_CLOSE, big);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
	free(big);
}

/* A central directory that understates an entry's size: the data that
 * comes is more than declared, and that is an error, not an overflow. */
static void test_lying_size(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "liar.xlsx");
	const char *sheet_xml =
	    SHEET_OPEN "<row><c t=\"inlineStr\"><is><t>真实内容比声明的长"
		       "</t></is></c></row>" SHEET_CLOSE;
	const part parts[] = {
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels", BOOK_RELS, 0},
	    {"xl/worksheets/sheet1.xml", sheet_xml, 0},
	};
	mkzip(path, parts, 3);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	unsigned char data[8192];
	size_t n = fread(data, 1, sizeof data, f);
	fclose(f);
	const char *name = "xl/worksheets/sheet1.xml";
	size_t nl = strlen(name);
	int patched = 0;
	for (size_t i = 0; i + 46 + nl <= n; i++)
		if (memcmp(data + i, "PK\1\2", 4) == 0 &&
		    memcmp(data + i + 46, name, nl) == 0) {
			/* Uncompressed size: 24 bytes in, little-endian. */
			data[i + 24] = 10;
			data[i + 25] = data[i + 26] = data[i + 27] = 0;
			patched = 1;
		}
	assert_true(patched);
	write_file(path, data, n);
	expect_read(path, ERR_INVALID, "xlsx_malformed");
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++, v >>= 8)
		p[i] = (unsigned char)(v & 0xFF);
}

/* The end of a zip rewritten as ZIP64 end records, which claim `entries`
 * entries (the directory itself unchanged). */
static void rewrite_zip64(const char *path, uint64_t entries)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static unsigned char d[16384];
	size_t n = fread(d, 1, sizeof d - 128, f);
	fclose(f);
	assert_true(n > 22 && memcmp(d + n - 22, "PK\5\6", 4) == 0);
	unsigned char *eocd = d + n - 22;
	uint64_t cd_size = eocd[12] | eocd[13] << 8 | (uint64_t)eocd[14] << 16 |
			   (uint64_t)eocd[15] << 24;
	uint64_t cd_off = eocd[16] | eocd[17] << 8 | (uint64_t)eocd[18] << 16 |
			  (uint64_t)eocd[19] << 24;
	size_t at = n - 22;
	unsigned char *r = d + at, *loc = r + 56, *end = loc + 20;
	memset(r, 0, 56 + 20 + 22);
	memcpy(r, "PK\6\6", 4);
	put_le(r + 4, 44, 8);
	put_le(r + 12, 45, 2);
	put_le(r + 14, 45, 2);
	put_le(r + 24, entries, 8);
	put_le(r + 32, entries, 8);
	put_le(r + 40, cd_size, 8);
	put_le(r + 48, cd_off, 8);
	memcpy(loc, "PK\6\7", 4);
	put_le(loc + 8, at, 8);
	put_le(loc + 16, 1, 4);
	memcpy(end, "PK\5\6", 4);
	put_le(end + 8, 0xFFFF, 2);
	put_le(end + 10, 0xFFFF, 2);
	put_le(end + 12, 0xFFFFFFFF, 4);
	put_le(end + 16, 0xFFFFFFFF, 4);
	write_file(path, d, at + 56 + 20 + 22);
}

/* A central directory past the caps is refused before libzip reads it:
 * too many entries, plain or claimed by ZIP64 records. */
static void test_central_directory(void **state)
{
	(void)state;
	char path[128];
	path_of(path, sizeof path, "many.xlsx");
	int zerr;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	assert_non_null(z);
	for (int i = 0; i <= XLSXIN_MAX_ENTRIES; i++) {
		char name[16];
		snprintf(name, sizeof name, "%x", i);
		zip_source_t *src = zip_source_buffer(z, "", 0, 0);
		assert_true(zip_file_add(z, name, src, 0) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");

	/* Honest ZIP64 end records are read as usual... */
	const char *sheet_xml =
	    SHEET_OPEN "<row><c t=\"inlineStr\"><is><t>"
		       "六十四</t></is></c></row>" SHEET_CLOSE;
	const part parts[] = {
	    {"xl/workbook.xml", BOOK, 0},
	    {"xl/_rels/workbook.xml.rels", BOOK_RELS, 0},
	    {"xl/worksheets/sheet1.xml", sheet_xml, 0},
	};
	mkzip(path, parts, 3);
	rewrite_zip64(path, 3);
	expect_read(path, 0, NULL);
	/* ...lying ones are not believed. */
	rewrite_zip64(path, 1u << 30);
	expect_read(path, ERR_TOOBIG, "xlsx_too_big");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roundtrip_file),
	    cmocka_unit_test(test_roundtrip_mem),
	    cmocka_unit_test(test_openpyxl),
	    cmocka_unit_test(test_writer_errors),
	    cmocka_unit_test(test_watermark),
	    cmocka_unit_test(test_read_shapes),
	    cmocka_unit_test(test_serial_to_date),
	    cmocka_unit_test(test_not_xlsx),
	    cmocka_unit_test(test_parts_missing),
	    cmocka_unit_test(test_truncated),
	    cmocka_unit_test(test_malformed_xml),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_zip_bomb),
	    cmocka_unit_test(test_lying_size),
	    cmocka_unit_test(test_central_directory),
	};
	return cmocka_run_group_tests_name("xlsx", tests, setup, teardown);
}
