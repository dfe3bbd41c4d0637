/* cellnorm: cells as people type them (issue #20). */
#include "testutil.h"

#include <string.h>

#include "io/cellnorm.h"

static void text_is(const char *in, int multiline, int structured,
		    const char *want)
{
	char b[256];
	snprintf(b, sizeof b, "%s", in);
	size_t n = cellnorm_text(b, multiline, structured);
	assert_string_equal(b, want);
	assert_int_equal(n, strlen(want));
}

static void test_text(void **state)
{
	(void)state;
	text_is("\xC2\xA0张三\xE2\x80\x8B\xE3\x80\x80", 0, 0, "张三");
	text_is("村\r\n3组", 1, 0, "村\n3组");
	text_is("村\r\n3组", 0, 0, "村 3组");
	text_is("\xEF\xBC\x91\xEF\xBC\x92\xEF\xBD\x81", 0, 0, "12a");
	/* full-width punctuation stays in text, not in codes */
	text_is("（一）", 0, 0, "（一）");
	text_is("２０１２／５／１", 0, 1, "2012/5/1");
	text_is("=\"0431\"", 0, 1, "0431");
	/* a bidi override is left for the text checks to refuse */
	text_is("a\xE2\x80\xAE" "b", 0, 0, "a\xE2\x80\xAE" "b");
	text_is("\xE2\x80\x8B", 0, 0, "");
}

static void test_numbers(void **state)
{
	(void)state;
	char b[64], o[32];
	snprintf(b, sizeof b, "220122 20120501 001x");
	assert_int_equal(cellnorm_idnumber(b), 0);
	assert_string_equal(b, "22012220120501001X");
	snprintf(b, sizeof b, "2.20122201402289E+17");
	assert_int_equal(cellnorm_idnumber(b), -1);
	snprintf(b, sizeof b, "+86 138-1234-5678");
	cellnorm_phone(b);
	assert_string_equal(b, "13812345678");
	snprintf(b, sizeof b, "(0431) 8123 4567");
	cellnorm_phone(b);
	assert_string_equal(b, "0431-81234567");
	snprintf(b, sizeof b, "2.20122100207E+11");
	assert_string_equal(cellnorm_digits(b, o), "220122100207");
	snprintf(b, sizeof b, "220122.0");
	assert_string_equal(cellnorm_digits(b, o), "220122");
	snprintf(b, sizeof b, "2.20122201402289E+17");
	assert_string_equal(cellnorm_digits(b, o), "2.20122201402289E+17");
}

static void test_dates(void **state)
{
	(void)state;
	char d[11];
	static const char *const same[] = {
		"2015-03-26", "2015/3/26", "2015.03.26", "20150326",
		"2015年3月26日", "2015年03月26号", "2015-03-26 00:00:00",
		"2015/3/26 8:30", "2015-03-26T00:00:00", "42089", "42089.5",
	};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		assert_int_equal(cellnorm_date(same[i], 0, d), 0);
		assert_string_equal(d, "2015-03-26");
	}
	/* the 1904 system: the same day is 1462 less */
	assert_int_equal(cellnorm_date("40627", 1, d), 0);
	assert_string_equal(d, "2015-03-26");
	assert_int_equal(cellnorm_date("0", 1, d), 0);
	assert_string_equal(d, "1904-01-01");
	static const char *const bad[] = { "2015-02-29", "3/26/2015", "2015年3月",
					   "2015-03-26 morning", "", "abc" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(cellnorm_date(bad[i], 0, d), -1);
}

static void test_bool(void **state)
{
	(void)state;
	static const char *const yes[] = { "是", "1", "TRUE", "true", "Y", "yes" };
	static const char *const no[] = { "否", "0", "FALSE", "n", "No" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_int_equal(cellnorm_bool(yes[i]), 1);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_int_equal(cellnorm_bool(no[i]), 0);
	assert_int_equal(cellnorm_bool("有"), -1);
	char c[8];
	cellnorm_col_name(0, c);
	assert_string_equal(c, "A");
	cellnorm_col_name(27, c);
	assert_string_equal(c, "AB");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_bool),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
