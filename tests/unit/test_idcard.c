/* Resident ID numbers: shape, birth date, check character, extraction,
 * normalising and masking.  The valid numbers below were computed apart
 * from idcard.c; 11010519491231002X is the standard's own example. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domain/core/idcard.h"

static const char *const valid_ids[] = {
	"220122201006151236",	/* 农安县, boy */
	"220122201006151244",	/* 农安县, girl */
	"220102198503120019",	/* 南关区 */
	"220124200802290024",	/* 德惠市, born 29 February */
	"222403197611220519",	/* 敦化市 */
	"22012220100615009X",	/* check character X */
	"22018320080229018X",	/* 29 February, check character X */
	"22012220000229004X",	/* 2000 was a leap year */
	"11010519491231002X",	/* GB 11643-1999 example */
};

/* Validates `id` and expects rejection with a message containing
 * `part`. */
static void expect_bad(const char *id, const char *today, const char *part)
{
	err e;
	err_clear(&e);
	int rc = idcard_validate(id, today, &e);
	if (rc != ERR_INVALID)
		fail_msg("%s: accepted or wrong code %d", id ? id : "(null)",
			 rc);
	assert_int_equal(e.code, ERR_INVALID);
	assert_string_equal(e.key, "invalid_id_number");
	if (!strstr(e.msg, part))
		fail_msg("%s: message \"%s\" lacks \"%s\"",
			 id ? id : "(null)", e.msg, part);
}

/* 17 digits with the right check character appended. */
static void with_check(const char *first17, char out[19])
{
	snprintf(out, 19, "%.17s", first17);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

static void test_check_char(void **state)
{
	(void)state;
	assert_int_equal(idcard_check_char("22012220100615123"), '6');
	assert_int_equal(idcard_check_char("22012220100615124"), '4');
	assert_int_equal(idcard_check_char("22010219850312001"), '9');
	assert_int_equal(idcard_check_char("22012220100615009"), 'X');
	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	/* Only the first 17 characters count. */
	assert_int_equal(idcard_check_char("220122201006151239"), '6');
	assert_int_equal(idcard_check_char(NULL), '\0');
	assert_int_equal(idcard_check_char(""), '\0');
	assert_int_equal(idcard_check_char("2201222010061512"), '\0');
	assert_int_equal(idcard_check_char("2201222010061512a"), '\0');
	assert_int_equal(idcard_check_char("X2012220100615123"), '\0');
	/* Every one of the 11 check characters occurs. */
	int seen[128] = { 0 };
	char first[18] = "22012220100615000";
	for (int seq = 0; seq < 1000; seq++) {
		snprintf(first + 14, 4, "%03u", (unsigned)seq % 1000u);
		seen[(unsigned char)idcard_check_char(first)] = 1;
	}
	for (const char *c = "0123456789X"; *c; c++)
		assert_true(seen[(unsigned char)*c]);
}

static void test_valid(void **state)
{
	(void)state;
	err e;
	for (size_t i = 0; i < sizeof valid_ids / sizeof *valid_ids; i++) {
		err_clear(&e);
		if (idcard_validate(valid_ids[i], NULL, &e) != 0)
			fail_msg("%s: %s", valid_ids[i], e.msg);
		assert_int_equal(idcard_validate(valid_ids[i], "2024-06-15",
						 &e),
				 0);
		/* e may be NULL. */
		assert_int_equal(idcard_validate(valid_ids[i], NULL, NULL), 0);
	}
	/* A lower-case x is accepted. */
	assert_int_equal(idcard_validate("22012220100615009x", NULL, &e), 0);
	assert_int_equal(idcard_validate("11010519491231002x", "2024-01-01",
					 &e),
			 0);
}

static void test_length(void **state)
{
	(void)state;
	expect_bad(NULL, NULL, "身份证号应为18位");
	expect_bad("", NULL, "身份证号应为18位");
	expect_bad("22012220100615123", NULL, "身份证号应为18位");
	expect_bad("2201222010061512366", NULL, "身份证号应为18位");
	expect_bad("22012220100615009XX", NULL, "身份证号应为18位");
	expect_bad(" 220122201006151236", NULL, "身份证号应为18位");
	expect_bad("220122201006151236 ", NULL, "身份证号应为18位");
	/* The old 15-digit numbers are not accepted. */
	expect_bad("220122100615123", NULL, "身份证号应为18位");
	/* Full-width digits are three bytes each. */
	expect_bad("２２０１２２２０１００６１５１２３６", NULL,
		   "身份证号应为18位");
	assert_int_equal(idcard_validate("", NULL, NULL), ERR_INVALID);
}

static void test_characters(void **state)
{
	(void)state;
	expect_bad("22012a201006151236", NULL, "前17位应为数字");
	expect_bad("X20122201006151236", NULL, "前17位应为数字");
	expect_bad("2201222010061512X6", NULL, "前17位应为数字");
	expect_bad("2201222010061512x6", NULL, "前17位应为数字");
	expect_bad("22012220100615 236", NULL, "前17位应为数字");
	expect_bad("22012220-10061523X", NULL, "前17位应为数字");
	expect_bad("22012220100615123Y", NULL, "校验位）应为数字或X");
	expect_bad("22012220100615123*", NULL, "校验位）应为数字或X");
	expect_bad("22012220100615123 ", NULL, "校验位）应为数字或X");
	expect_bad("abcdefghijklmnopqr", NULL, "前17位应为数字");
}

static void test_check_wrong(void **state)
{
	(void)state;
	expect_bad("220122201006151237", NULL, "身份证号校验位错误");
	expect_bad("220122201006151230", NULL, "身份证号校验位错误");
	expect_bad("22012220100615123X", NULL, "身份证号校验位错误");
	expect_bad("22012220100615123x", NULL, "身份证号校验位错误");
	expect_bad("220122201006150090", NULL, "身份证号校验位错误");
	/* Of the 11 possible check characters exactly one is right. */
	for (size_t i = 0; i < sizeof valid_ids / sizeof *valid_ids; i++) {
		char id[19];
		int ok = 0;
		snprintf(id, sizeof id, "%s", valid_ids[i]);
		for (const char *c = "0123456789X"; *c; c++) {
			id[17] = *c;
			if (idcard_validate(id, NULL, NULL) == 0) {
				ok++;
				assert_int_equal(*c, valid_ids[i][17]);
			} else {
				expect_bad(id, NULL, "身份证号校验位错误");
			}
		}
		assert_int_equal(ok, 1);
	}
	/* MOD 11-2 catches every single-digit error and every swap of
	 * neighbouring digits: no such typo of a valid number passes. */
	for (size_t i = 0; i < sizeof valid_ids / sizeof *valid_ids; i++) {
		char id[19];
		for (int p = 0; p < 17; p++) {
			for (char d = '0'; d <= '9'; d++) {
				snprintf(id, sizeof id, "%s", valid_ids[i]);
				if (id[p] == d)
					continue;
				id[p] = d;
				assert_int_equal(
					idcard_validate(id, NULL, NULL),
					ERR_INVALID);
			}
			snprintf(id, sizeof id, "%s", valid_ids[i]);
			if (p < 16 && id[p] != id[p + 1]) {
				char t = id[p];
				id[p] = id[p + 1];
				id[p + 1] = t;
				assert_int_equal(
					idcard_validate(id, NULL, NULL),
					ERR_INVALID);
			}
		}
	}
}

/* Issue #20 item 5: the address part must be a real administrative code
 * (GB/T 2260), not only the check digit right. */
static void test_area(void **state)
{
	(void)state;
	char id[19];
	static const char *const bad[] = {
		"00000020120501001", "99000020120501001", "22000020120501001",
		"22990120120501001", "22010020120501001", "72000020120501001",
		"22150120120501001", /* 2215: no city of 吉林 */
		"22510120120501001", /* beyond the 地区 numbers */
		"24220120120501001", /* no province 24 */
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		with_check(bad[i], id);
		expect_bad(id, NULL, "不是有效的行政区划代码");
	}
	static const char *const good[] = {
		"22012220120501001", /* 农安县 */
		"22240320120501001", /* 敦化市, in 延边 (2224) */
		"11010520120501001", /* 北京 朝阳区 */
		"42900420120501001", /* 湖北 仙桃, a province-direct county */
		"22018120120501001", /* 九台市: abolished 2014, the city stays */
		"11022120120501001", /* 昌平县: a former municipal county */
		"22230120120501001", /* 白城地区: a former prefecture */
		"52240120120501001", /* 毕节地区 (2011: 毕节市 5205) */
		"34140120120501001", /* 巢湖市, divided in 2011 */
		"37120220120501001", /* 莱芜市, joined to 济南 in 2019 */
		"81000020120501001", /* a Hong Kong residence permit */
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		with_check(good[i], id);
		assert_int_equal(idcard_validate(id, NULL, NULL), 0);
	}
}

static void test_dates(void **state)
{
	(void)state;
	/* Each with a correct check character, so only the date is wrong. */
	static const char *const bad[] = {
		"22012220230230001", /* 30 February */
		"22012220210229001", /* 2021 is a common year */
		"22012219000229001", /* 1900 was not a leap year */
		"22012220230431001", /* April has 30 days */
		"22012220231301001", /* month 13 */
		"22012220230001001", /* month 00 */
		"22012220230100001", /* day 00 */
		"22012220230132001", /* day 32 */
		"22012200000101001", /* year 0000 */
		"22012218991231001", /* before 1900 */
		"22012201990615001", /* a typo for 1990 */
	};
	char id[19];
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		with_check(bad[i], id);
		expect_bad(id, NULL, "身份证号中的出生日期无效");
		/* The message names the date as written. */
		char part[9];
		snprintf(part, sizeof part, "%.8s", id + 6);
		expect_bad(id, "2024-06-15", part);
	}
	static const char *const good[] = {
		"22012220240229001", "22012220000229001", "22012219000228001",
		"22012220231231001", "22012220230101001", "22012219000101001",
		"22012220230430001", "22012220230131001",
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		with_check(good[i], id);
		assert_int_equal(idcard_validate(id, "2024-06-15", NULL), 0);
	}
}

static void test_future(void **state)
{
	(void)state;
	char id[19];
	err e;
	with_check("22012220240615001", id);
	/* Born today is fine; tomorrow is not. */
	assert_int_equal(idcard_validate(id, "2024-06-15", &e), 0);
	assert_int_equal(idcard_validate(id, "2025-01-01", &e), 0);
	expect_bad(id, "2024-06-14", "晚于今天");
	expect_bad(id, "2024-06-14", "2024-06-15");
	expect_bad(id, "2023-12-31", "晚于今天");
	/* Without `today` only the calendar is checked. */
	with_check("22012220990101001", id);
	assert_int_equal(idcard_validate(id, NULL, &e), 0);
	expect_bad(id, "2024-06-15",
		   "身份证号中的出生日期（2099-01-01）晚于今天");
	/* A malformed `today` is the caller's bug. */
	with_check("22012220100615001", id);
	static const char *const bad_today[] = { "", "2024-6-15", "20240615",
						 "2024-02-30", "2024/06/15",
						 "2024-06-15x" };
	for (size_t i = 0; i < sizeof bad_today / sizeof *bad_today; i++) {
		err_clear(&e);
		assert_int_equal(idcard_validate(id, bad_today[i], &e),
				 ERR_INTERNAL);
		assert_int_equal(e.code, ERR_INTERNAL);
	}
}

static void test_birth_sex(void **state)
{
	(void)state;
	char b[11];
	assert_int_equal(idcard_birth("220122201006151236", b), 0);
	assert_string_equal(b, "2010-06-15");
	assert_int_equal(idcard_sex("220122201006151236"), 1);
	assert_int_equal(idcard_sex("220122201006151244"), 2);
	assert_int_equal(idcard_birth("220124200802290024", b), 0);
	assert_string_equal(b, "2008-02-29");
	assert_int_equal(idcard_sex("220124200802290024"), 2);
	assert_int_equal(idcard_birth("11010519491231002X", b), 0);
	assert_string_equal(b, "1949-12-31");
	assert_int_equal(idcard_sex("11010519491231002X"), 2);
	assert_int_equal(idcard_birth("22012220100615009x", b), 0);
	assert_string_equal(b, "2010-06-15");
	assert_int_equal(idcard_sex("22012220100615009x"), 1);
	assert_int_equal(idcard_sex("222403197611220519"), 1);
	/* Every order digit: odd is a man, even a woman. */
	char id[19];
	for (int k = 0; k < 10; k++) {
		char first[18] = "2201222010061512";
		first[16] = (char)('0' + k);
		with_check(first, id);
		assert_int_equal(idcard_sex(id), k % 2 ? 1 : 2);
	}
	/* A wrong check character does not hide the birth date: Q04 can
	 * still compare it with the record while Q03 reports the check. */
	assert_int_equal(idcard_birth("220122201006151237", b), 0);
	assert_string_equal(b, "2010-06-15");
	static const char *const bad[] = {
		NULL,
		"",
		"22012220100615123",
		"2201222010061512366",
		"22012220230230001X",
		"22012220210229001X",
		"22012218991231001X",
		"2201222010061512a6",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		memcpy(b, "garbage!!!", 11);
		assert_int_equal(idcard_birth(bad[i], b), -1);
		assert_string_equal(b, "");
	}
	assert_int_equal(idcard_sex(NULL), -1);
	assert_int_equal(idcard_sex(""), -1);
	assert_int_equal(idcard_sex("22012220100615123"), -1);
	assert_int_equal(idcard_sex("2201222010061512a6"), -1);
	assert_int_equal(idcard_sex("220122201006151a36"), -1);
}

static void test_normalize(void **state)
{
	(void)state;
	char out[19];
	idcard_normalize("22012220100615009x", out);
	assert_string_equal(out, "22012220100615009X");
	idcard_normalize("22012220100615009X", out);
	assert_string_equal(out, "22012220100615009X");
	idcard_normalize("  22012220100615009x\t\r\n", out);
	assert_string_equal(out, "22012220100615009X");
	idcard_normalize(" 220122201006151236 ", out);
	assert_string_equal(out, "220122201006151236");
	/* Only surrounding spaces go, and only a trailing x changes. */
	idcard_normalize("2201 2201006151236", out);
	assert_string_equal(out, "2201 2201006151236");
	idcard_normalize("x2201222010061512", out);
	assert_string_equal(out, "x2201222010061512");
	idcard_normalize("2201222010", out);
	assert_string_equal(out, "2201222010");
	idcard_normalize("", out);
	assert_string_equal(out, "");
	idcard_normalize("   ", out);
	assert_string_equal(out, "");
	idcard_normalize(NULL, out);
	assert_string_equal(out, "");
	/* Too long to fit: never truncated into something that passes. */
	idcard_normalize("2201222010061512366", out);
	assert_int_equal(strlen(out), 17);
	expect_bad(out, NULL, "身份证号应为18位");
	idcard_normalize("22012220100615009XX", out);
	expect_bad(out, NULL, "身份证号应为18位");
	idcard_normalize("220122201006151236220122201006151236", out);
	expect_bad(out, NULL, "身份证号应为18位");
	/* Normalized output of a valid number validates. */
	idcard_normalize(" 11010519491231002x ", out);
	assert_int_equal(idcard_validate(out, "2024-01-01", NULL), 0);
}

static void test_mask(void **state)
{
	(void)state;
	char out[19];
	idcard_mask("220122201006151234", out);
	assert_string_equal(out, "220122********1234");
	idcard_mask("22012220100615009X", out);
	assert_string_equal(out, "220122********009X");
	idcard_mask("", out);
	assert_string_equal(out, "");
	idcard_mask(NULL, out);
	assert_string_equal(out, "");
	/* Too short to keep 6 + 4 without showing everything. */
	idcard_mask("1234567890", out);
	assert_string_equal(out, "**********");
	idcard_mask("12345", out);
	assert_string_equal(out, "*****");
	idcard_mask("12345678901", out);
	assert_string_equal(out, "123456*8901");
	idcard_mask("220122100615123", out);
	assert_string_equal(out, "220122*****5123");
	/* Longer than 18: still 8 stars, still fits. */
	idcard_mask("2201222010061512366", out);
	assert_string_equal(out, "220122********2366");
	idcard_mask("220122201006151236220122201006151236", out);
	assert_string_equal(out, "220122********1236");
	/* The birth date never survives masking. */
	for (size_t i = 0; i < sizeof valid_ids / sizeof *valid_ids; i++) {
		idcard_mask(valid_ids[i], out);
		assert_int_equal(strlen(out), 18);
		assert_memory_equal(out, valid_ids[i], 6);
		assert_memory_equal(out + 6, "********", 8);
		assert_memory_equal(out + 14, valid_ids[i] + 14, 4);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_char),
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_length),
		cmocka_unit_test(test_characters),
		cmocka_unit_test(test_check_wrong),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_future),
		cmocka_unit_test(test_birth_sex),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_area),
		cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
