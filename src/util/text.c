#include "util/text.h"

#include <stdio.h>
#include <string.h>

void text_copy(char *dst, size_t n, const char *src)
{
	size_t len = src ? strnlen(src, n - 1) : 0;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
}

int text_is_digits(const char *s)
{
	if (!s || !*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

int text_is_utf8(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned cp;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			k = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			k = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			k = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + k >= n)
			return 0;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + j] & 0x3F);
		}
		if ((k == 1 && cp < 0x80) || (k == 2 && cp < 0x800) ||
		    (k == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k + 1;
	}
	return 1;
}

size_t text_utf8_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xC0) != 0x80)
			n++;
	return n;
}

/* Decodes the UTF-8 sequence at p into *cp and returns its length.  A
 * byte that does not start a whole sequence is one character U+FFFD; no
 * byte past a NUL is read. */
static size_t decode(const unsigned char *p, unsigned long *cp)
{
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	size_t k = (p[0] & 0xE0) == 0xC0   ? 1
		   : (p[0] & 0xF0) == 0xE0 ? 2
		   : (p[0] & 0xF8) == 0xF0 ? 3
					   : 0;
	unsigned long c = p[0] & (k == 1 ? 0x1F : k == 2 ? 0x0F : 0x07);
	for (size_t j = 1; j <= k; j++) {
		if ((p[j] & 0xC0) != 0x80)
			k = 0;
		if (!k)
			break;
		c = (c << 6) | (p[j] & 0x3F);
	}
	*cp = k ? c : 0xFFFD;
	return k + 1;
}

/* The format characters (Unicode general category Cf, Unicode 15) as
 * closed ranges.  None has a place in a name or a note: they are
 * invisible, and the bidi controls among them (U+202A–202E,
 * U+2066–2069, U+200E/200F, U+061C) make "张三\u202E…" display as other
 * text than it is, in this UI, in Excel and in every printed form. */
static const struct {
	unsigned long lo, hi;
} format_chars[] = {
	{ 0x00AD, 0x00AD },   { 0x0600, 0x0605 },   { 0x061C, 0x061C },
	{ 0x06DD, 0x06DD },   { 0x070F, 0x070F },   { 0x0890, 0x0891 },
	{ 0x08E2, 0x08E2 },   { 0x180E, 0x180E },   { 0x200B, 0x200F },
	{ 0x202A, 0x202E },   { 0x2060, 0x2064 },   { 0x2066, 0x206F },
	{ 0xFEFF, 0xFEFF },   { 0xFFF9, 0xFFFB },   { 0x110BD, 0x110BD },
	{ 0x110CD, 0x110CD }, { 0x13430, 0x1343F }, { 0x1BCA0, 0x1BCA3 },
	{ 0x1D173, 0x1D17A }, { 0xE0001, 0xE0001 }, { 0xE0020, 0xE007F },
};

static int is_format(unsigned long cp)
{
	for (size_t i = 0; i < sizeof format_chars / sizeof *format_chars; i++)
		if (cp >= format_chars[i].lo && cp <= format_chars[i].hi)
			return 1;
	return 0;
}

/* Spaces of every width (Unicode Zs): a name of ideographic spaces is as
 * empty as one of ASCII spaces. */
static int is_space(unsigned long cp)
{
	return cp == 0x20 || cp == 0xA0 || cp == 0x1680 ||
	       (cp >= 0x2000 && cp <= 0x200A) || cp == 0x202F ||
	       cp == 0x205F || cp == 0x3000;
}

unsigned long text_forbidden(const char *s, int multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned long cp;
		p += decode(p, &cp);
		if (multiline && (cp == '\n' || cp == '\r' || cp == '\t'))
			continue;
		if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_format(cp) ||
		    cp == 0x2028 || cp == 0x2029 ||
		    (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
			return cp;
	}
	return 0;
}

const char *text_forbidden_label(unsigned long cp)
{
	if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) ||
	    cp == 0x200E || cp == 0x200F || cp == 0x061C)
		return "文字方向控制符";
	if ((cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF)
		return "零宽字符";
	if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
		return "控制字符";
	if (cp == 0x2028 || cp == 0x2029)
		return "换行符";
	if (is_format(cp))
		return "不可见的格式字符";
	return "非字符码位";
}

const char *text_fault(const char *s, size_t min, size_t max, int multiline,
		       char *out, size_t n)
{
	if (!s || !text_is_utf8(s, strlen(s))) {
		snprintf(out, n, "不是有效的UTF-8文本");
		return out;
	}
	unsigned long bad = text_forbidden(s, multiline);
	if (bad) {
		snprintf(out, n, "含有%s（U+%04lX），请删除后重新输入",
			 text_forbidden_label(bad), bad);
		return out;
	}
	size_t chars = text_utf8_len(s);
	int visible = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && !visible;) {
		unsigned long cp;
		p += decode(p, &cp);
		visible = !is_space(cp) && cp != '\n' && cp != '\r' && cp != '\t';
	}
	/* An optional field (min 0) may be empty; otherwise something other
	 * than spaces must be there. */
	if (chars == 0 && min == 0)
		return NULL;
	if (!visible)
		snprintf(out, n, "不能为空或只有空格");
	else if (chars < min)
		snprintf(out, n, "过短（至少%zu个字符）", min);
	else if (chars > max)
		snprintf(out, n, "过长（最多%zu个字符）", max);
	else
		return NULL;
	return out;
}

/* The one check behind every name and free-text field of the API's
 * write path (and of imports): what text_fault finds nothing in. */
static int valid(const char *s, size_t min, size_t max, int multiline)
{
	char why[80];
	return text_fault(s, min, max, multiline, why, sizeof why) == NULL;
}

int text_valid_name(const char *s, size_t min, size_t max)
{
	return valid(s, min, max, 0);
}

int text_valid_text(const char *s, size_t min, size_t max)
{
	return valid(s, min, max, 1);
}

int text_secret_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	unsigned char d = la != lb;
	size_t n = la < lb ? la : lb;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

void text_like_pattern(const char *q, char *out, size_t n)
{
	size_t j = 0;
	if (n < 3) {
		if (n)
			out[0] = '\0';
		return;
	}
	out[j++] = '%';
	for (; *q && j < n - 3; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			out[j++] = '\\';
		out[j++] = *q;
	}
	out[j++] = '%';
	out[j] = '\0';
}
