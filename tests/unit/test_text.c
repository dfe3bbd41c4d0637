/* The one text check behind every name and note: bidi controls,
 * zero-width and other format characters, control characters and
 * non-characters are refused with the character named; everything a
 * Chinese name may hold (rare characters, variation selectors,
 * private-use code points) passes.  And the JSON reader refuses them in
 * every field but a secret. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "util/jsonx.h"
#include "util/text.h"

/* "张" + the code point cp as UTF-8 + "三". */
static void with_cp(char *out, unsigned long cp)
{
	char mid[5] = "";
	if (cp < 0x80) {
		mid[0] = (char)cp;
	} else if (cp < 0x800) {
		mid[0] = (char)(0xC0 | (cp >> 6));
		mid[1] = (char)(0x80 | (cp & 0x3F));
	} else if (cp < 0x10000) {
		mid[0] = (char)(0xE0 | (cp >> 12));
		mid[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		mid[2] = (char)(0x80 | (cp & 0x3F));
	} else {
		mid[0] = (char)(0xF0 | (cp >> 18));
		mid[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		mid[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		mid[3] = (char)(0x80 | (cp & 0x3F));
	}
	sprintf(out, "张%s三", mid);
}

static const unsigned long refused[] = {
	/* bidi controls */
	0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068,
	0x2069, 0x200E, 0x200F, 0x061C,
	/* zero-width */
	0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF,
	/* other format characters */
	0x00AD, 0x0600, 0x180E, 0x2061, 0x206F, 0xFFF9, 0xE0001, 0xE0041,
	/* controls: C0, DEL, C1 */
	0x01, 0x07, 0x1B, 0x7F, 0x80, 0x85, 0x9F,
	/* separators and non-characters */
	0x2028, 0x2029, 0xFDD0, 0xFFFE, 0xFFFF, 0x1FFFF,
};

static void test_refused_everywhere(void **state)
{
	(void)state;
	char s[32];
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		with_cp(s, refused[i]);
		assert_int_equal(text_forbidden(s, 0), refused[i]);
		assert_int_equal(text_forbidden(s, 1), refused[i]);
		assert_false(text_valid_name(s, 1, 20));
		assert_false(text_valid_text(s, 0, 200));
		char why[96];
		const char *msg = text_fault(s, 1, 20, 0, why, sizeof why);
		assert_non_null(msg);
		char hex[16];
		snprintf(hex, sizeof hex, "U+%04lX", refused[i]);
		assert_non_null(strstr(msg, hex));
	}
	with_cp(s, 0x202E);
	assert_string_equal(text_forbidden_label(0x202E), "文字方向控制符");
	assert_string_equal(text_forbidden_label(0x200B), "零宽字符");
	assert_string_equal(text_forbidden_label(0x07), "控制字符");
}

static const unsigned long allowed[] = {
	0x4E00, 0x9FFF,	 /* CJK */
	0x3400, 0x20000, /* extensions A and B: rare characters of names */
	0x3007,		 /* 〇 */
	0xE000, 0xF8FF,	 /* private use: legacy encodings of rare names */
	0xFE00, 0xE0100, /* variation selectors */
	0x00B7,		 /* the middle dot of transcribed names: 阿依·买买提 */
	0xFFFD,
};

static void test_names_still_pass(void **state)
{
	(void)state;
	char s[32];
	for (size_t i = 0; i < sizeof allowed / sizeof *allowed; i++) {
		with_cp(s, allowed[i]);
		assert_int_equal(text_forbidden(s, 0), 0);
		assert_true(text_valid_name(s, 1, 20));
	}
	assert_true(text_valid_name("Zhang San", 1, 20));
	assert_true(text_valid_name("", 0, 20));
	assert_false(text_valid_name("", 1, 20));
}

static void test_lines_only_in_text(void **state)
{
	(void)state;
	const char *note = "第一行\n第二行\r\n\t缩进";
	assert_true(text_valid_text(note, 1, 200));
	assert_false(text_valid_name(note, 1, 200));
	assert_int_equal(text_forbidden(note, 0), '\n');
	assert_int_equal(text_forbidden(note, 1), 0);
}

static void test_blank_of_any_width_is_empty(void **state)
{
	(void)state;
	char why[96];
	assert_false(text_valid_name("   ", 1, 20));
	assert_false(text_valid_name("\xE3\x80\x80\xE3\x80\x80", 1, 20));
	assert_false(text_valid_name("\xC2\xA0", 1, 20));
	assert_non_null(text_fault("\xE3\x80\x80", 1, 20, 0, why, sizeof why));
	assert_non_null(strstr(why, "空"));
	assert_true(text_valid_name("张\xE3\x80\x80三", 1, 20));
}

static void test_lengths_and_encoding(void **state)
{
	(void)state;
	char why[96];
	assert_null(text_fault("张三", 2, 20, 0, why, sizeof why));
	assert_non_null(text_fault("张", 2, 20, 0, why, sizeof why));
	assert_non_null(strstr(why, "至少2"));
	assert_non_null(text_fault("张三李四", 1, 3, 0, why, sizeof why));
	assert_non_null(strstr(why, "最多3"));
	assert_non_null(text_fault("\xE5\xBC", 1, 3, 0, why, sizeof why));
	assert_false(text_valid_name("\xE5\xBC", 1, 3));
	/* a truncated sequence at the end is never read past its NUL */
	assert_int_equal(text_forbidden("\xE5", 0), 0);
	assert_int_equal(text_forbidden("a\xF0\x9F", 0), 0);
}

static void test_json_fields(void **state)
{
	(void)state;
	json_t *o = json_pack("{s:s, s:s, s:s}", "name", "张\xE2\x80\xAE三",
			      "note", "第一行\n第二行", "password",
			      "Pw\xE2\x80\x8B-123456");
	const char *v;
	err e;
	memset(&e, 0, sizeof e);
	assert_int_equal(jsonx_str(o, "name", 1, 20, &v, &e), ERR_INVALID);
	assert_null(v);
	assert_string_equal(e.key, "invalid_field");
	assert_string_equal(e.field, "name");
	assert_non_null(strstr(e.msg, "name"));
	assert_non_null(strstr(e.msg, "U+202E"));
	assert_non_null(strstr(e.msg, "文字方向控制符"));
	assert_int_equal(jsonx_str(o, "note", 1, 20, &v, &e), 0);
	assert_string_equal(v, "第一行\n第二行");
	assert_int_equal(jsonx_str(o, "password", 1, 64, &v, &e), ERR_INVALID);
	assert_int_equal(jsonx_str_raw(o, "password", 1, 64, &v, &e), 0);
	assert_string_equal(v, "Pw\xE2\x80\x8B-123456");
	json_decref(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_everywhere),
		cmocka_unit_test(test_names_still_pass),
		cmocka_unit_test(test_lines_only_in_text),
		cmocka_unit_test(test_blank_of_any_width_is_empty),
		cmocka_unit_test(test_lengths_and_encoding),
		cmocka_unit_test(test_json_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
