#include "util/text.h"

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

static int valid(const char *s, size_t min, size_t max, int multiline)
{
	if (!s)
		return 0;
	size_t bytes = strlen(s);
	if (!text_is_utf8(s, bytes))
		return 0;
	int visible = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int space = *p == ' ' ||
			    (multiline && (*p == '\n' || *p == '\r' || *p == '\t'));
		if ((*p < 0x20 || *p == 0x7F) && !space)
			return 0;
		if (!space)
			visible = 1;
	}
	size_t n = text_utf8_len(s);
	/* An optional field (min 0) may be empty; otherwise something other
	 * than spaces must be there. */
	if (n == 0)
		return min == 0;
	return visible && n >= min && n <= max;
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
