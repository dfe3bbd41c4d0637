#include "io/cellnorm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/xlsxin.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alnum(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* `="…"`: what Excel writes (and reads back) in a CSV to keep a long
 * number as text.  The inner text, its doubled quotes made single. */
static size_t unwrap_formula(char *s, size_t n)
{
	size_t a = 0;
	while (a < n && s[a] == ' ')
		a++;
	size_t b = n;
	while (b > a && s[b - 1] == ' ')
		b--;
	if (b - a < 3 || s[a] != '=' || s[a + 1] != '"' || s[b - 1] != '"')
		return n;
	size_t w = 0;
	for (size_t r = a + 2; r < b - 1; r++) {
		if (s[r] == '"') {
			if (s[r + 1] != '"' || r + 1 >= b - 1)
				return n; /* a formula, not a quoted text */
			r++;
		}
		s[w++] = s[r];
	}
	s[w] = '\0';
	return w;
}

size_t cellnorm_text(char *s, int multiline, int structured)
{
	size_t n = strlen(s);
	if (n >= 3 && memchr(s, '=', n < 8 ? n : 8))
		n = unwrap_formula(s, n);
	const unsigned char *p = (const unsigned char *)s;
	size_t r = 0, w = 0, keep = 0; /* keep: length without trailing blanks */
	while (r < n) {
		unsigned char c = p[r];
		char out;
		/* The plain bytes first: almost every byte of a real file. */
		if (c >= 0x20 && c < 0x7F) {
			out = (char)c;
			r++;
		} else if (c == '\t') {
			out = ' ';
			r++;
		} else if (c == '\r' || c == '\n') {
			r += c == '\r' && p[r + 1] == '\n' ? 2 : 1;
			out = multiline ? '\n' : ' ';
		} else if (c == 0xC2 && p[r + 1] == 0xA0) {
			out = ' ';
			r += 2;
		} else if (c == 0xE2 && p[r + 1] == 0x80 && p[r + 2] >= 0x80 &&
			   p[r + 2] <= 0xAF) {
			unsigned char t = p[r + 2];
			r += 3;
			if (t >= 0x8B && t <= 0x8D)
				continue; /* zero-width space, (non-)joiner */
			if (t == 0xA8 || t == 0xA9)
				out = multiline ? '\n' : ' ';
			else if (t <= 0x8A || t == 0xAF)
				out = ' ';
			else {	/* dashes, quotes, bidi marks: as they are */
				r -= 3;
				goto copy;
			}
		} else if (c == 0xE2 && p[r + 1] == 0x81 &&
			   (p[r + 2] == 0x9F || p[r + 2] == 0xA0)) {
			r += 3;
			if (p[r - 1] == 0xA0)
				continue; /* word joiner */
			out = ' ';
		} else if (c == 0xE3 && p[r + 1] == 0x80 && p[r + 2] == 0x80) {
			out = ' ';
			r += 3;
		} else if (c == 0xEF && p[r + 1] == 0xBB && p[r + 2] == 0xBF) {
			r += 3;
			continue; /* zero-width no-break space (BOM) */
		} else if (c == 0xEF &&
			   ((p[r + 1] == 0xBC && p[r + 2] >= 0x81 &&
			     p[r + 2] <= 0xBF) ||
			    (p[r + 1] == 0xBD && p[r + 2] >= 0x80 &&
			     p[r + 2] <= 0x9E))) {
			/* U+FF01..U+FF5E: the ASCII character 0xFEE0 below */
			char a = (char)(p[r + 1] == 0xBC ? p[r + 2] - 0x60
							 : p[r + 2] - 0x20);
			if (!structured && !is_alnum(a))
				goto copy;
			out = a;
			r += 3;
		} else {
		copy:
			/* Any other byte, a whole sequence at a time so that a
			 * lead byte is never taken apart from its tail. */
			do
				s[w++] = (char)p[r++];
			while (r < n && (p[r] & 0xC0) == 0x80);
			keep = w;
			continue;
		}
		if (out == ' ' || out == '\n') {
			if (w == 0)
				continue; /* leading blanks */
			s[w++] = out;
		} else {
			s[w++] = out;
			keep = w;
		}
	}
	s[keep] = '\0';
	return keep;
}

/* d[.ddd]E[+]dd, or ddd.ddd: a number Excel wrote as a float. */
static int is_float(const char *s, int *mant_digits, int *frac, int *exp)
{
	const char *p = s;
	int md = 0, f = 0, dot = 0;
	for (; is_digit(*p) || (*p == '.' && !dot); p++) {
		if (*p == '.')
			dot = 1;
		else {
			md++;
			f += dot;
		}
	}
	if (!md || p == s)
		return 0;
	int x = 0;
	if (*p == 'E' || *p == 'e') {
		p++;
		if (*p == '+')
			p++;
		if (!is_digit(*p))
			return 0;
		for (; is_digit(*p); p++)
			x = x < 100 ? x * 10 + (*p - '0') : x;
	} else if (!dot) {
		return 0;
	}
	if (*p)
		return 0;
	if (mant_digits)
		*mant_digits = md, *frac = f, *exp = x;
	return 1;
}

int cellnorm_idnumber(char *s)
{
	char *r = s, *w = s;
	if (*r == '\'')
		r++;
	if (is_float(r, NULL, NULL, NULL))
		return -1;
	for (; *r; r++)
		if (*r != ' ' && *r != '-')
			*w++ = *r;
	*w = '\0';
	if (w > s && w[-1] == 'x')
		w[-1] = 'X';
	return 0;
}

void cellnorm_phone(char *s)
{
	char d[40];
	size_t nd = 0, lead = 0; /* digits before the first separator */
	int sep = 0;
	const char *p = s;
	if (*p == '\'')
		p++;
	if (p[0] == '+') {
		if (p[1] != '8' || p[2] != '6')
			return;
		p += 3;
	}
	for (; *p; p++) {
		if (is_digit(*p)) {
			if (nd == sizeof d - 1)
				return;
			d[nd++] = *p;
			if (!sep)
				lead = nd;
		} else if (strchr(" -.()", *p)) {
			sep |= nd > 0;
		} else {
			return; /* words, extensions: for the validation */
		}
	}
	d[nd] = '\0';
	char *q = d;
	if (nd == 15 && strncmp(q, "0086", 4) == 0)
		q += 4, lead = lead > 4 ? lead - 4 : 0;
	else if (nd == 13 && strncmp(q, "86", 2) == 0 && q[2] == '1')
		q += 2, lead = lead > 2 ? lead - 2 : 0;
	size_t n = strlen(q);
	if (n == 11 && q[0] == '1') {
		memcpy(s, q, 12);
	} else if (n >= 10 && n <= 12 && q[0] == '0' && sep && lead >= 3 &&
		   lead <= 4) {
		snprintf(s, 40, "%.*s-%s", (int)lead, q, q + lead);
	} else if (n >= 10 && n <= 12 && q[0] == '0') {
		memcpy(s, q, n + 1);
	}
}

const char *cellnorm_digits(char *s, char out[32])
{
	char *w = s;
	for (char *r = s; *r; r++)
		if (*r != ' ')
			*w++ = *r;
	*w = '\0';
	int md, f, x;
	if (!is_float(s, &md, &f, &x))
		return s;
	if (!strpbrk(s, "Ee")) {
		/* "220122.0": an integer only when the fraction is zeros */
		char *dot = strchr(s, '.');
		for (const char *t = dot + 1; *t; t++)
			if (*t != '0')
				return s;
		*dot = '\0';
		return s;
	}
	/* A double holds 15 significant digits exactly: past that, the
	 * digits shown are not the code typed, and it is left to be
	 * refused. */
	int zeros = x - f;
	if (zeros < 0 || md + zeros > 15)
		return s;
	size_t nm = 0;
	for (const char *r = s; *r != 'E' && *r != 'e'; r++)
		if (is_digit(*r))
			out[nm++] = *r;
	memset(out + nm, '0', (size_t)zeros);
	out[nm + (size_t)zeros] = '\0';
	return out;
}

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int ymd(int y, int m, int d, char out[11])
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30,
				       31, 31, 30, 31, 30, 31 };
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && leap(y)))
		return -1;
	snprintf(out, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	return 0;
}

/* n digits at *p, into *v; advances *p.  0 or -1. */
static int digits(const char **p, int min, int max, int *v)
{
	int n = 0, x = 0;
	while (is_digit(**p) && n < max) {
		x = x * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	if (n < min || is_digit(**p))
		return -1;
	*v = x;
	return 0;
}

/* The rest of the cell after a date: nothing, or a time of day. */
static int time_tail(const char *p)
{
	if (!*p)
		return 0;
	if (*p != ' ' && *p != 'T')
		return -1;
	while (*p == ' ' || *p == 'T')
		p++;
	int colon = 0;
	for (; *p; p++) {
		if (*p == ':')
			colon++;
		else if (!is_digit(*p) && *p != '.')
			return -1;
	}
	return colon ? 0 : -1;
}

int cellnorm_date(const char *s, int date1904, char out[11])
{
	int y, m, d;
	const char *p = s;
	out[0] = '\0';
	if (digits(&p, 1, 8, &y) != 0)
		return -1;
	size_t lead = (size_t)(p - s);
	if (lead == 8 && time_tail(p) == 0)
		return ymd(y / 10000, y / 100 % 100, y % 100, out);
	if (lead == 4 && strncmp(p, "年", 3) == 0) {
		p += 3;
		if (digits(&p, 1, 2, &m) || strncmp(p, "月", 3) != 0)
			return -1;
		p += 3;
		if (digits(&p, 1, 2, &d))
			return -1;
		if (strncmp(p, "日", 3) == 0 || strncmp(p, "号", 3) == 0)
			p += 3;
		return time_tail(p) == 0 ? ymd(y, m, d, out) : -1;
	}
	if (lead == 4 && (*p == '-' || *p == '/' || *p == '.')) {
		char sep = *p++;
		if (digits(&p, 1, 2, &m) || *p++ != sep ||
		    digits(&p, 1, 2, &d) || time_tail(p) != 0)
			return -1;
		return ymd(y, m, d, out);
	}
	/* An Excel serial: at most 7 digits (2958465 is 9999-12-31), a
	 * fraction being the time of day. */
	if (lead > 7 || (*p && *p != '.'))
		return -1;
	if (*p == '.') {
		for (const char *t = p + 1; *t; t++)
			if (!is_digit(*t))
				return -1;
	}
	double v = strtod(s, NULL);
	/* 1904 system: serial 0 is 1904-01-01, which is 1462 in 1900's. */
	if (date1904)
		v += 1462;
	return xlsxin_serial_to_date(v, out) == 0 ? 0 : -1;
}

static int ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		if (x != *b)
			return 0;
	}
	return *a == *b;
}

int cellnorm_bool(const char *s)
{
	static const char *const yes[] = { "是", "1", "true", "y", "yes", "√" };
	static const char *const no[] = { "否", "0", "false", "n", "no", "×" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (ieq(s, yes[i]))
			return 1;
		if (ieq(s, no[i]))
			return 0;
	}
	return -1;
}

void cellnorm_col_name(int col, char out[8])
{
	char tmp[8];
	int n = 0;
	for (col++; col > 0 && n < 7; col = (col - 1) / 26)
		tmp[n++] = (char)('A' + (col - 1) % 26);
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}
