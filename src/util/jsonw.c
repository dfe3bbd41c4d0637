#include "util/jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The comma and key before a value. */
static void lead(jsonw *w, const char *key)
{
	if (w->depth > 0 && w->count[w->depth - 1]++ > 0)
		buf_putc(&w->b, ',');
	if (key) {
		buf_putc(&w->b, '"');
		buf_puts(&w->b, key);
		buf_put(&w->b, "\":", 2);
	}
}

static void open_level(jsonw *w, const char *key, char c)
{
	if (w->depth >= JSONW_DEPTH)
		abort();
	lead(w, key);
	buf_putc(&w->b, c);
	w->close[w->depth] = c == '{' ? '}' : ']';
	w->count[w->depth++] = 0;
}

void jsonw_object(jsonw *w, const char *key)
{
	open_level(w, key, '{');
}

void jsonw_array(jsonw *w, const char *key)
{
	open_level(w, key, '[');
}

void jsonw_end(jsonw *w)
{
	if (w->depth <= 0)
		abort();
	buf_putc(&w->b, w->close[--w->depth]);
}

/* As jansson writes a string without JSON_ENSURE_ASCII: the quote, the
 * backslash and control characters escaped, everything else as is. */
void jsonw_str(jsonw *w, const char *key, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!v) {
		jsonw_null(w, key);
		return;
	}
	lead(w, key);
	buf_putc(&w->b, '"');
	const char *run = v;
	for (const char *p = v;; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(&w->b, run, (size_t)(p - run));
		if (c == '\0')
			break;
		run = p + 1;
		char esc[7] = { '\\', 0 };
		size_t n = 2;
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		buf_put(&w->b, esc, n);
	}
	buf_putc(&w->b, '"');
}

void jsonw_str_or_null(jsonw *w, const char *key, const char *v)
{
	if (v && *v)
		jsonw_str(w, key, v);
	else
		jsonw_null(w, key);
}

void jsonw_int(jsonw *w, const char *key, int64_t v)
{
	char n[24];
	lead(w, key);
	buf_put(&w->b, n, (size_t)snprintf(n, sizeof n, "%" PRId64, v));
}

void jsonw_bool(jsonw *w, const char *key, int v)
{
	lead(w, key);
	buf_puts(&w->b, v ? "true" : "false");
}

void jsonw_null(jsonw *w, const char *key)
{
	lead(w, key);
	buf_puts(&w->b, "null");
}

char *jsonw_steal(jsonw *w, size_t *len)
{
	*len = w->b.len;
	char *s = buf_steal(&w->b);
	w->depth = 0;
	return s;
}

void jsonw_free(jsonw *w)
{
	buf_free(&w->b);
	w->depth = 0;
}
