#include "util/jsonw.h"

#include <stdlib.h>
#include <string.h>

/* Writing reserves the most a value can take (a key, six bytes for each
 * byte of a string), then writes through a pointer: an answer of twenty
 * rows is some four hundred values. */

/* The comma and key before a value, at `p`; past them.  Needs
 * strlen(key) + 4 bytes. */
static char *lead(jsonw *w, const char *key, char *p)
{
	if (w->depth > 0 && w->count[w->depth - 1]++ > 0)
		*p++ = ',';
	if (key) {
		size_t n = strlen(key);
		*p++ = '"';
		memcpy(p, key, n);
		p += n;
		*p++ = '"';
		*p++ = ':';
	}
	return p;
}

static size_t key_room(const char *key)
{
	return (key ? strlen(key) : 0) + 4;
}

/* A value written as it is (no escaping), after its lead. */
static void put_raw(jsonw *w, const char *key, const char *v, size_t n)
{
	char *start = buf_reserve(&w->b, key_room(key) + n);
	char *p = lead(w, key, start);
	memcpy(p, v, n);
	buf_advance(&w->b, (size_t)(p - start) + n);
}

static void open_level(jsonw *w, const char *key, char c)
{
	if (w->depth >= JSONW_DEPTH)
		abort();
	put_raw(w, key, &c, 1);
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
	char c = w->close[--w->depth];
	buf_put(&w->b, &c, 1);
}

void jsonw_continue(jsonw *w, const char *object)
{
	size_t n = strlen(object);
	if (w->depth != 0 || n < 2 || object[0] != '{' || object[n - 1] != '}')
		abort();
	buf_put(&w->b, object, n - 1);
	w->close[0] = '}';
	w->count[0] = n > 2;	/* "{}" has no member to follow with a comma */
	w->depth = 1;
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
	size_t n = strlen(v);
	if (n > (SIZE_MAX - 64) / 6)
		abort();
	char *start = buf_reserve(&w->b, key_room(key) + 6 * n + 2);
	char *p = lead(w, key, start);
	*p++ = '"';
	for (const unsigned char *s = (const unsigned char *)v; *s; s++) {
		unsigned char c = *s;
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	*p++ = '"';
	buf_advance(&w->b, (size_t)(p - start));
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
	char digits[24], *d = digits + sizeof digits;
	/* through the unsigned magnitude: INT64_MIN has no positive twin */
	uint64_t m = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do
		*--d = (char)('0' + m % 10);
	while (m /= 10);
	if (v < 0)
		*--d = '-';
	put_raw(w, key, d, (size_t)(digits + sizeof digits - d));
}

void jsonw_bool(jsonw *w, const char *key, int v)
{
	put_raw(w, key, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_null(jsonw *w, const char *key)
{
	put_raw(w, key, "null", 4);
}

void jsonw_raw(jsonw *w, const char *key, const char *json, size_t n)
{
	put_raw(w, key, json, n);
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
