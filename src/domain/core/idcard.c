#include "domain/core/idcard.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "domain/core/idcard_areas.h"

enum {
	IDCARD_LEN = 18,
	/* Nobody born before 1900 is alive to be a child, parent or
	 * guardian; a year like 1850 or 0199 is a typing error. */
	IDCARD_YEAR_MIN = 1900,
};

static int idcard__digit(char c)
{
	return c >= '0' && c <= '9';
}

static int idcard__leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int idcard__mdays(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30,
				      31, 31, 30, 31, 30, 31 };
	return m == 2 && idcard__leap(y) ? 29 : days[m - 1];
}

/* n digits at s as a number, or -1 when any is not a digit. */
static int idcard__num(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!idcard__digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* The birth date of a number whose first 17 characters are digits, as
 * YYYYMMDD parts; -1 unless it is a real calendar day. */
static int idcard__date(const char *id, int *y, int *m, int *d)
{
	*y = idcard__num(id + 6, 4);
	*m = idcard__num(id + 10, 2);
	*d = idcard__num(id + 12, 2);
	if (*y < IDCARD_YEAR_MIN || *m < 1 || *m > 12 || *d < 1 ||
	    *d > idcard__mdays(*y, *m))
		return -1;
	return 0;
}

/* A YYYY-MM-DD date (the `today` of callers) as a number YYYYMMDD that
 * orders like the date, or -1 when malformed. */
static long idcard__iso(const char *s)
{
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	int y = idcard__num(s, 4), m = idcard__num(s + 5, 2),
	    d = idcard__num(s + 8, 2);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > idcard__mdays(y, m))
		return -1;
	return (long)y * 10000 + m * 100 + d;
}

/* 18 characters, the first 17 digits: the shape every other check and
 * every extraction starts from. */
static int idcard__shape(const char *id)
{
	if (!id || strlen(id) != IDCARD_LEN)
		return -1;
	for (int i = 0; i < IDCARD_LEN - 1; i++)
		if (!idcard__digit(id[i]))
			return -1;
	return 0;
}

char idcard_check_char(const char *first17)
{
	/* ISO 7064 MOD 11-2: weight 2^(17-i) mod 11 for position i, and
	 * the check character brings the weighted sum to 1 mod 11. */
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6,
				   3, 7, 9, 10, 5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	if (!first17)
		return '\0';
	int sum = 0;
	for (int i = 0; i < 17; i++) {
		/* Stops at a NUL too, so a short string is never overread. */
		if (!idcard__digit(first17[i]))
			return '\0';
		sum += (first17[i] - '0') * w[i];
	}
	return check[sum % 11];
}

/* Prefecture-level codes no longer in force that real ID numbers still
 * carry, people keeping their number for life.  GB/T 2260 numbers a
 * province's 地区, 自治州 and 盟 from 21 to 50, and dozens of those 地区
 * have since become cities under new codes (白城地区 2223 → 2208, 毕节地区
 * 5224 → 5205, 海东地区 6321 → 6302 …): every 21–50 code of a province in
 * force is taken as such a former 地区 (the staff and the women
 * registered here are adults whose numbers were issued in the 1980s and
 * 1990s).  Below 21, a prefecture is a city, and the few cities gone are
 * listed: the counties of the municipalities (110200 北京市县, 120200
 * 天津市县, 310200 上海市县, merged into districts), 巢湖市 (3414, divided
 * in 2011) and 莱芜市 (3712, joined to 济南 in 2019).  A code found on a
 * real card and refused here is added to this list. */
static const unsigned short idcard__former[] = { 1102, 1202, 3102, 3414, 3712 };

static int idcard__known(const unsigned short *t, int n, unsigned v)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (t[mid] == v)
			return 1;
		if (t[mid] < v)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* The address part (GB/T 2260): a county under a prefecture that is or
 * was in force.  The county digits are not looked up: counties are merged
 * and renamed every year, and a number keeps the code it was issued
 * with, so only the prefecture is held to the tables; a county part of
 * 00 (a prefecture itself) is no address.  Hong Kong, Macao and Taiwan
 * residence permits carry 810000, 820000 and 830000. */
static int idcard__area(const char *id)
{
	unsigned pref = (unsigned)((id[0] - '0') * 1000 + (id[1] - '0') * 100 +
				   (id[2] - '0') * 10 + (id[3] - '0'));
	unsigned prov = pref / 100, city = pref % 100;
	int county = (id[4] - '0') * 10 + (id[5] - '0');
	if ((pref == 8100 || pref == 8200 || pref == 8300) && county == 0)
		return 0;
	if (county == 0)
		return -1;
	if (idcard__known(idcard__prefectures, idcard__nprefectures, pref) ||
	    idcard__known(idcard__former,
			  (int)(sizeof idcard__former / sizeof *idcard__former),
			  pref))
		return 0;
	if (city < 21 || city > 50)
		return -1;
	/* A former 地区 of a province in force: the table is ascending, so
	 * the province is there if its first prefecture is. */
	for (int i = 0; i < idcard__nprefectures; i++)
		if (idcard__prefectures[i] / 100 == prov)
			return 0;
	return -1;
}

int idcard_validate(const char *id, const char *today, err *e)
{
	static const char key[] = "invalid_id_number";
	if (!id || strlen(id) != IDCARD_LEN)
		return err_set(e, ERR_INVALID, key, "身份证号应为18位");
	if (idcard__shape(id) != 0)
		return err_set(e, ERR_INVALID, key, "身份证号前17位应为数字");
	char last = id[IDCARD_LEN - 1];
	if (!idcard__digit(last) && last != 'X' && last != 'x')
		return err_set(e, ERR_INVALID, key,
			       "身份证号第18位（校验位）应为数字或X");
	/* The date before the check character: a mistyped date digit also
	 * breaks the check, and naming the date tells the user where. */
	int y, m, d;
	if (idcard__date(id, &y, &m, &d) != 0)
		return err_set(e, ERR_INVALID, key,
			       "身份证号中的出生日期无效（%.8s）", id + 6);
	if (today) {
		long now = idcard__iso(today);
		/* A malformed `today` is the caller's bug, not the user's. */
		if (now < 0)
			return err_set(e, ERR_INTERNAL, "internal",
				       "内部错误：当前日期格式无效");
		if ((long)y * 10000 + m * 100 + d > now)
			return err_set(e, ERR_INVALID, key,
				       "身份证号中的出生日期（%04d-%02d-%02d）"
				       "晚于今天",
				       y, m, d);
	}
	char want = idcard_check_char(id);
	if (want != (last == 'x' ? 'X' : last))
		return err_set(e, ERR_INVALID, key,
			       "身份证号校验位错误，请核对号码");
	/* After the check digit: a mistyped digit is named as such first;
	 * a number made up with a right check digit is caught here. */
	if (idcard__area(id) != 0)
		return err_set(e, ERR_INVALID, key,
			       "身份证号前6位（%.6s）不是有效的行政区划代码，"
			       "请核对号码",
			       id);
	return 0;
}

static int idcard__space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

void idcard_normalize(const char *in, char out[19])
{
	out[0] = '\0';
	if (!in)
		return;
	while (idcard__space(*in))
		in++;
	size_t n = strlen(in);
	while (n > 0 && idcard__space(in[n - 1]))
		n--;
	/* Too long to fit: keep 17 characters rather than 18, so the result
	 * can never pass idcard_validate by accident of truncation, and the
	 * message the user then sees ("应为18位") is the right one. */
	if (n > IDCARD_LEN)
		n = IDCARD_LEN - 1;
	memcpy(out, in, n);
	out[n] = '\0';
	if (n > 0 && out[n - 1] == 'x')
		out[n - 1] = 'X';
}

int idcard_birth(const char *id, char out[11])
{
	/* The check character is not required: a wrong one is its own
	 * quality finding (Q03) and must not hide a birth date that
	 * disagrees with the record (Q04). */
	int y, m, d;
	out[0] = '\0';
	if (idcard__shape(id) != 0 || idcard__date(id, &y, &m, &d) != 0)
		return -1;
	/* YYYYMMDD at 6, all digits (idcard__shape): as YYYY-MM-DD. */
	memcpy(out, id + 6, 4);
	out[4] = '-';
	memcpy(out + 5, id + 10, 2);
	out[7] = '-';
	memcpy(out + 8, id + 12, 2);
	out[10] = '\0';
	return 0;
}

int idcard_sex(const char *id)
{
	if (idcard__shape(id) != 0)
		return -1;
	/* The order code's last digit: odd for men, even for women. */
	return (id[16] - '0') % 2 ? 1 : 2;
}

/* What is hidden is exactly the birth date (positions 7–14): the rule
 * that keeps it hidden — no birth date beside a masked number — is
 * privacy.h's, not this function's. */
void idcard_mask(const char *id, char out[19])
{
	size_t n = id ? strlen(id) : 0;
	if (n > 10) {
		/* At most 8 stars, so the output fits whatever the input. */
		size_t stars = n - 10 > 8 ? 8 : n - 10;
		memcpy(out, id, 6);
		memset(out + 6, '*', stars);
		memcpy(out + 6 + stars, id + n - 4, 4);
		out[10 + stars] = '\0';
		return;
	}
	/* Too short to keep 6 + 4 characters without showing it all. */
	memset(out, '*', n);
	out[n] = '\0';
}
