#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static void buf_grow(buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + extra + 1)
		cap *= 2;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

void buf_put(buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void buf_puts(buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

char *buf_reserve(buf *b, size_t n)
{
	buf_grow(b, n);
	return b->p + b->len;
}

void buf_advance(buf *b, size_t k)
{
	b->len += k;
	b->p[b->len] = '\0';
}

void buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *buf_str(const buf *b)
{
	return b->p ? b->p : "";
}

char *buf_steal(buf *b)
{
	char *p = b->p ? b->p : xstrdup("");
	*b = BUF_INIT;
	return p;
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

void buf_free(buf *b)
{
	free(b->p);
	*b = BUF_INIT;
}
