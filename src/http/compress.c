#include "http/compress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "util/mem.h"

int http_gzip(const char *in, size_t n, int level, char **out, size_t *len)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 16: a gzip wrapper, which is what Content-Encoding names. */
	if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		*out = NULL;
		return -1;
	}
	size_t cap = deflateBound(&z, (uLong)n) + 32;
	*out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*len = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The weight of one coding ("gzip;q=0.5"): 1 without q, 0 for q=0,
 * q=0.0, q=0.000; anything else above 0 counts as taken. */
static int coding_weight(const char *c)
{
	for (const char *p = strchr(c, ';'); p; p = strchr(p + 1, ';')) {
		const char *q = p + 1 + strspn(p + 1, " \t");
		if ((*q == 'q' || *q == 'Q') && q[1] == '=') {
			const char *v = q + 2;
			if (*v != '0')
				return 1;
			v++;
			if (*v == '.')
				v += 1 + strspn(v + 1, "0");
			return *v && !strchr(" \t;", *v);
		}
	}
	return 1;
}

/* The name of a coding: *n bytes at its start. */
static int coding_is(const char *c, const char *name)
{
	size_t n = strcspn(c, "; \t");
	return n == strlen(name) && strncasecmp(c, name, n) == 0;
}

int http_accepts_gzip(const char *ae)
{
	while (ae && *ae) {
		ae += strspn(ae, " \t,");
		size_t n = strcspn(ae, ",");
		char one[64];
		/* A coding too long to be one of ours is skipped. */
		if (n && n < sizeof one) {
			memcpy(one, ae, n);
			one[n] = '\0';
			if (coding_is(one, "gzip") && coding_weight(one))
				return 1;
		}
		ae += n;
	}
	return 0;
}

int http_etag_matches(const char *inm, const char *etag)
{
	size_t el = strlen(etag);
	while (inm && *inm) {
		inm += strspn(inm, " \t,");
		size_t n = strcspn(inm, ",");
		const char *t = inm;
		size_t tl = n;
		while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t'))
			tl--;
		if (tl == 1 && *t == '*')
			return 1;
		if (tl > 2 && t[0] == 'W' && t[1] == '/') {
			t += 2;
			tl -= 2;
		}
		if (tl == el && memcmp(t, etag, el) == 0)
			return 1;
		inm += n;
	}
	return 0;
}
