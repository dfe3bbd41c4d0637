/* pdfdoc: a two-page record form with a table that runs over the page,
 * read back with pdftotext (the Chinese text, the repeated header, the
 * page footer), a card and a certificate, and the sticky errors.
 *
 * GUANAI_PDF_KEEP=dir keeps the documents made here, to look at them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cairo.h>
#include <cmocka.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "io/pdfdoc.h"
#include "util/buf.h"

static char dir[64];

/* Debian 12's cairo 1.16 leaks the per-FD arrays of a CID-keyed CFF font
 * (Noto CJK is one) each time it subsets it, inside cairo_surface_finish
 * (cairo_cff_font_read_cid_fontdict; fixed in later cairo).  About 0.8 KB
 * per font per document, not ours to free.  The suppression can only see
 * cairo_surface_finish in the stack with the slow unwinder: libcairo has
 * no frame pointers. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:cairo_surface_finish\n";
}

const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/guanai-pdf-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[256];
	const char *keep = getenv("GUANAI_PDF_KEEP");
	if (keep) {
		snprintf(cmd, sizeof cmd, "cp '%s'/*.pdf '%s'/", dir, keep);
		if (system(cmd) != 0)
			return -1;
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	/* The font caches pango, cairo and fontconfig keep for the life of
	 * the process, released so that LeakSanitizer sees only ours. */
	pango_cairo_font_map_set_default(NULL);
	cairo_debug_reset_static_data();
	FcFini();
	return system(cmd) == 0 ? 0 : -1;
}

static int have_pdftotext(void)
{
	return system("command -v pdftotext >/dev/null 2>&1") == 0;
}

/* The text of pages first..last of `path` (0, 0 for all) in content
 * order (-raw: the default mode drops the narrow spaces between Chinese
 * characters, "第 1 页" comes out "第1页"); the caller frees. */
static char *pdf_text(const char *path, int first, int last)
{
	char cmd[512];
	if (first)
		snprintf(cmd, sizeof cmd, "pdftotext -raw -f %d -l %d '%s' -",
			 first, last, path);
	else
		snprintf(cmd, sizeof cmd, "pdftotext -raw '%s' -", path);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, p)) > 0)
		buf_put(&b, chunk, n);
	assert_int_equal(pclose(p), 0);
	return buf_steal(&b);
}

static void assert_has(char *text, const char *what)
{
	if (!strstr(text, what)) {
		print_error("\"%s\" not in:\n%s\n", what, text);
		free(text);
		fail();
	}
}

static void record_form(pdfdoc *d)
{
	static const pdfdoc_field basic[] = {
	    {"姓名", "张小明", 0, 0},
	    {"性别", "男", 0, 0},
	    {"出生日期", "2015-03-08", 0, 0},
	    {"民族", "朝鲜族", 0, 0},
	    {"身份证号", "220122201503081234", 0, 0},
	    {"就读学校", "农安县合隆镇中心小学", 0, 0},
	    {"家庭住址", "吉林省长春市农安县合隆镇陈家店村三组十五号", 1, 0},
	    {"留守类型", "父母均外出务工", 0, 0},
	    {"监护人", NULL, 0, 0},
	};
	static const pdfdoc_field family[] = {
	    {"父亲", "张大山　在浙江省宁波市务工，每月联系两次", 0, 0},
	    {"母亲", "李秀英　在辽宁省沈阳市务工", 0, 0},
	    {"家庭情况",
	     "祖父母年逾七十，身体状况一般，家中耕地二十亩由亲属代耕。"
	     "儿童性格内向，学习成绩中等，喜欢画画。",
	     1, 3},
	    {"备注", "", 1, 2},
	};
	assert_int_equal(pdfdoc_title(d, "儿童档案表"), 0);
	assert_int_equal(pdfdoc_subtitle(d, "吉林省 长春市 农安县 合隆镇 "
					    "陈家店村　　编号：2201220001"),
			 0);
	assert_int_equal(pdfdoc_form(d, "一、基本情况", basic, 9, 4), 0);
	assert_int_equal(pdfdoc_space(d, 4), 0);
	assert_int_equal(pdfdoc_form(d, "二、家庭情况", family, 4, 2), 0);
	assert_int_equal(pdfdoc_space(d, 4), 0);
	assert_int_equal(pdfdoc_text(d, "三、帮扶记录", 11, PDFDOC_BOLD), 0);
	assert_int_equal(pdfdoc_space(d, 1), 0);
	static const pdfdoc_col cols[] = {
	    {"日期", 1.2}, {"事项", 1.2}, {"内容", 4}, {"经办人", 1}};
	assert_int_equal(pdfdoc_table_begin(d, cols, 4), 0);
	char date[32], what[256];
	for (int i = 0; i < 24; i++) {
		snprintf(date, sizeof date, "2024-%02d-%02d", i / 4 + 1,
			 i % 28 + 1);
		snprintf(what, sizeof what,
			 "第%d次走访：与祖父母交谈，了解儿童学习和生活情况%s",
			 i + 1,
			 i % 3 == 0 ? "，并联系学校班主任了解在校表现，"
				      "叮嘱监护人注意防溺水安全。"
				    : "。");
		const char *row[] = {date, i % 2 ? "电话回访" : "入户走访",
				     what, "王芳"};
		assert_int_equal(pdfdoc_table_row(d, row, 4), 0);
	}
	assert_int_equal(pdfdoc_table_end(d), 0);
	assert_int_equal(pdfdoc_text(d,
				     "填表人：__________    审核人：__________"
				     "    填表日期：______年____月____日",
				     0, PDFDOC_RIGHT),
			 0);
	assert_int_equal(
	    pdfdoc_footer(d, "吉林省农村留守儿童关爱服务信息系统", 1), 0);
}

static void test_record(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/record.pdf", dir);
	pdfdoc *d;
	err e;
	assert_int_equal(pdfdoc_new(path, PDFDOC_A4, &d, &e), 0);
	record_form(d);
	assert_int_equal(pdfdoc_pages(d), 2);
	char *bytes;
	size_t len;
	int rc = pdfdoc_finish(d, &bytes, &len, &e);
	if (rc)
		fail_msg("%s", e.msg);
	assert_true(len > 1000);
	assert_memory_equal(bytes, "%PDF", 4);
	/* The file holds the same bytes. */
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *again = malloc(len + 1);
	assert_int_equal(fread(again, 1, len + 1, f), len);
	fclose(f);
	assert_memory_equal(again, bytes, len);
	free(again);
	free(bytes);

	if (!have_pdftotext())
		skip();
	char *all = pdf_text(path, 0, 0);
	assert_has(all, "儿童档案表");
	assert_has(all, "张小明");
	assert_has(all, "220122201503081234");
	assert_has(all, "一、基本情况");
	assert_has(all, "第 1 页 共 2 页");
	assert_has(all, "第 2 页 共 2 页");
	free(all);
	/* The table header is repeated on the second page, and the form
	 * caption is not (the form ended on the first). */
	char *p2 = pdf_text(path, 2, 2);
	assert_has(p2, "日期");
	assert_has(p2, "经办人");
	assert_has(p2, "填表人");
	assert_null(strstr(p2, "基本情况"));
	free(p2);
}

/* A training certificate on landscape A4 and the holder's card. */
static void test_certificate_and_card(void **state)
{
	(void)state;
	char path[128];
	snprintf(path, sizeof path, "%s/certificate.pdf", dir);
	pdfdoc *d;
	err e;
	assert_int_equal(pdfdoc_new(path, PDFDOC_A4_LANDSCAPE, &d, &e), 0);
	assert_int_equal(pdfdoc_footer(d, NULL, 0), 0);
	assert_int_equal(pdfdoc_frame(d), 0);
	assert_int_equal(pdfdoc_space(d, 22), 0);
	assert_int_equal(
	    pdfdoc_text(d, "《儿童主任培训合格证》", 30,
			PDFDOC_CENTER | PDFDOC_BOLD | PDFDOC_SERIF),
	    0);
	assert_int_equal(pdfdoc_space(d, 14), 0);
	assert_int_equal(pdfdoc_text(d,
				     "王芳 同志参加2024年度农安县儿童主任"
				     "业务培训，经考核合格，特发此证。",
				     16, PDFDOC_CENTER | PDFDOC_SERIF),
			 0);
	assert_int_equal(pdfdoc_space(d, 20), 0);
	assert_int_equal(
	    pdfdoc_text(d, "证书编号：NA-2024-0137", 12, PDFDOC_CENTER), 0);
	assert_int_equal(pdfdoc_space(d, 16), 0);
	assert_int_equal(pdfdoc_text(d, "农安县民政局\n2024年6月18日", 14,
				     PDFDOC_RIGHT | PDFDOC_SERIF),
			 0);
	assert_int_equal(pdfdoc_pages(d), 1);
	assert_int_equal(pdfdoc_finish(d, NULL, NULL, &e), 0);

	snprintf(path, sizeof path, "%s/card.pdf", dir);
	assert_int_equal(pdfdoc_new(path, PDFDOC_CARD, &d, &e), 0);
	assert_int_equal(pdfdoc_frame(d), 0);
	assert_int_equal(pdfdoc_title(d, "儿童主任培训合格证"), 0);
	static const pdfdoc_field f[] = {
	    {"姓名", "王芳", 0, 0},
	    {"编号", "NA-2024-0137", 0, 0},
	    {"发证单位", "农安县民政局", 0, 0},
	};
	assert_int_equal(pdfdoc_form(d, NULL, f, 3, 2), 0);
	assert_int_equal(pdfdoc_pages(d), 1);
	char *bytes;
	size_t len;
	assert_int_equal(pdfdoc_finish(d, &bytes, &len, &e), 0);
	assert_memory_equal(bytes, "%PDF", 4);
	free(bytes);
	if (!have_pdftotext())
		skip();
	char *t = pdf_text(path, 0, 0);
	assert_has(t, "王芳");
	assert_has(t, "农安县民政局");
	assert_null(strstr(t, "第 1 页"));
	free(t);
	snprintf(path, sizeof path, "%s/certificate.pdf", dir);
	t = pdf_text(path, 0, 0);
	assert_has(t, "《儿童主任培训合格证》");
	free(t);
}

/* The watermark is on every page — A4 under the footer, a card in its
 * bottom band — and in the document's subject; the last call counts, a
 * newline in it is made a space. */
static void test_watermark(void **state)
{
	(void)state;
	char path[128];
	err e;
	pdfdoc *d;
	snprintf(path, sizeof path, "%s/marked.pdf", dir);
	assert_int_equal(pdfdoc_new(path, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_watermark(d, "先前的水印"), 0);
	assert_int_equal(pdfdoc_watermark(d, "导出人：zhuren\n用途：入户核查"), 0);
	record_form(d);
	assert_true(pdfdoc_pages(d) >= 2);
	int pages = pdfdoc_pages(d);
	assert_int_equal(pdfdoc_finish(d, NULL, NULL, &e), 0);
	char card[128];
	snprintf(card, sizeof card, "%s/marked-card.pdf", dir);
	assert_int_equal(pdfdoc_new(card, PDFDOC_CARD, &d, &e), 0);
	assert_int_equal(pdfdoc_frame(d), 0);
	assert_int_equal(pdfdoc_title(d, "儿童主任培训合格证"), 0);
	assert_int_equal(pdfdoc_watermark(d, "导出人：zhuren 用途：颁证"), 0);
	assert_int_equal(pdfdoc_finish(d, NULL, NULL, &e), 0);
	if (!have_pdftotext())
		skip();
	for (int p = 1; p <= pages; p++) {
		char *t = pdf_text(path, p, p);
		assert_has(t, "导出人：zhuren 用途：入户核查");
		assert_null(strstr(t, "先前的水印"));
		free(t);
	}
	char *t = pdf_text(card, 0, 0);
	assert_has(t, "导出人：zhuren 用途：颁证");
	free(t);
	char cmd[300];
	snprintf(cmd, sizeof cmd,
		 "pdfinfo '%s' | grep -q '^Subject: *导出人：zhuren 用途：入户核查'",
		 path);
	assert_int_equal(system(cmd), 0);
}

/* Text that pango would choke on is cleaned, not refused. */
static void test_hostile_text(void **state)
{
	(void)state;
	pdfdoc *d;
	err e;
	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(
	    pdfdoc_text(d, "bad \xff\xfe utf8 \x01\x1b[31m\ttab", 0, 0), 0);
	const char *cells[] = {"\xe4\xb8", NULL};
	static const pdfdoc_col cols[] = {{"a", 0}, {NULL, -1}};
	assert_int_equal(pdfdoc_table_begin(d, cols, 2), 0);
	assert_int_equal(pdfdoc_table_row(d, cells, 2), 0);
	assert_int_equal(pdfdoc_table_row(d, cells, 0), 0);
	/* A cell taller than a page is cut, and the table goes on. */
	buf b = BUF_INIT;
	for (int i = 0; i < 1200; i++)
		buf_puts(&b, "很长的内容 ");
	const char *huge[] = {buf_str(&b), "x"};
	assert_int_equal(pdfdoc_table_row(d, huge, 2), 0);
	assert_int_equal(pdfdoc_table_end(d), 0);
	const pdfdoc_field f[] = {{buf_str(&b), buf_str(&b), 1, 1000}};
	assert_int_equal(pdfdoc_form(d, buf_str(&b), f, 1, 2), 0);
	/* A long paragraph runs over pages. */
	assert_int_equal(pdfdoc_text(d, buf_str(&b), 0, 0), 0);
	buf_free(&b);
	assert_true(pdfdoc_pages(d) >= 3 && pdfdoc_pages(d) < 20);
	char *bytes;
	size_t len;
	assert_int_equal(pdfdoc_finish(d, &bytes, &len, &e), 0);
	free(bytes);
}

static void test_errors(void **state)
{
	(void)state;
	pdfdoc *d;
	err e;
	char *bytes;
	size_t len;
	static const pdfdoc_field f[] = {{"a", "b", 0, 0}};

	/* Sticky: the first error is kept and reported at the end. */
	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_form(d, NULL, f, 1, 3), ERR_INVALID);
	assert_int_equal(pdfdoc_title(d, "x"), ERR_INVALID);
	assert_int_equal(pdfdoc_finish(d, &bytes, &len, &e), ERR_INVALID);
	assert_string_equal(e.key, "pdf_layout");
	assert_null(bytes);

	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	const char *cells[] = {"a"};
	assert_int_equal(pdfdoc_table_row(d, cells, 1), ERR_INVALID);
	pdfdoc_free(d);

	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	static const pdfdoc_col cols[PDFDOC_MAX_COLS + 1] = {{"a", 1}};
	assert_int_equal(pdfdoc_table_begin(d, cols, PDFDOC_MAX_COLS + 1),
			 ERR_TOOBIG);
	pdfdoc_free(d);

	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_table_begin(d, cols, 1), 0);
	assert_int_equal(pdfdoc_table_row(d, cells, 2), ERR_INVALID);
	pdfdoc_free(d);

	char *big = malloc(PDFDOC_MAX_TEXT + 2);
	memset(big, 'a', PDFDOC_MAX_TEXT + 1);
	big[PDFDOC_MAX_TEXT + 1] = '\0';
	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_text(d, big, 0, 0), ERR_TOOBIG);
	assert_int_equal(pdfdoc_finish(d, NULL, NULL, &e), ERR_TOOBIG);
	assert_string_equal(e.key, "pdf_too_big");
	free(big);

	/* The page cap. */
	assert_int_equal(pdfdoc_new(NULL, PDFDOC_CARD, &d, &e), 0);
	int rc = 0;
	for (int i = 0; i <= PDFDOC_MAX_PAGES && !rc; i++)
		rc = pdfdoc_space(d, 1) || pdfdoc_page_break(d);
	assert_int_equal(pdfdoc_page_break(d), ERR_TOOBIG);
	assert_int_equal(pdfdoc_pages(d), PDFDOC_MAX_PAGES);
	pdfdoc_free(d);

	/* An empty document is one blank page; a page break on an empty
	 * page adds none. */
	assert_int_equal(pdfdoc_new(NULL, PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_page_break(d), 0);
	assert_int_equal(pdfdoc_page_break(d), 0);
	assert_int_equal(pdfdoc_pages(d), 1);
	assert_int_equal(pdfdoc_finish(d, &bytes, &len, &e), 0);
	assert_memory_equal(bytes, "%PDF", 4);
	free(bytes);

	assert_int_equal(
	    pdfdoc_new("/nonexistent-dir/a.pdf", PDFDOC_A4, &d, &e), 0);
	assert_int_equal(pdfdoc_finish(d, NULL, NULL, &e), ERR_INTERNAL);
	assert_string_equal(e.key, "pdf_write");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_record),
	    cmocka_unit_test(test_certificate_and_card),
	    cmocka_unit_test(test_watermark),
	    cmocka_unit_test(test_hostile_text),
	    cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("pdfdoc", tests, setup, teardown);
}
