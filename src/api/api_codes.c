/* GET /api/v1/codes — the code tables of domain/codes/codes.h.
 *
 * Public: they hold nobody's data, and the pages before a login (the
 * certificate check) show labels too.  The answer is the same for the
 * life of the process, so it is made once when serving starts, with its
 * gzip form (a quarter of the bytes, for a phone on a slow link) and a
 * strong ETag for each.  A browser keeps it and asks again on each start
 * (`no-cache`): a 304 of no body as long as the server has not changed,
 * and the new tables at once when it has. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/codes/codes.h"
#include "http/compress.h"
#include "util/jsonx.h"
#include "util/mem.h"

/* 32 hex digits of BLAKE2b, the quotes, a suffix and the NUL. */
enum { CODES_ETAG_MAX = 48 };

struct api_codes {
	char *json, *gz;
	size_t json_len, gz_len;
	char etag[CODES_ETAG_MAX], etag_gz[CODES_ETAG_MAX];
};

/* "\"<hash of the JSON>\"" and the gzip form's, which is other bytes and
 * so another strong validator: "\"<hash>.gz\"". */
static void codes__etags(struct api_codes *c)
{
	unsigned char h[16];
	char hex[2 * sizeof h + 1];
	crypto_generichash(h, sizeof h, (const unsigned char *)c->json,
			   c->json_len, NULL, 0);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	snprintf(c->etag, sizeof c->etag, "\"%s\"", hex);
	snprintf(c->etag_gz, sizeof c->etag_gz, "\"%s.gz\"", hex);
}

int api_codes_prepare(app *a, err *e)
{
	struct api_codes *c = xcalloc(1, sizeof *c);
	json_t *all = codes_json();
	c->json = jsonx_dump(all);
	json_decref(all);
	c->json_len = strlen(c->json);
	if (http_gzip(c->json, c->json_len, 9, &c->gz, &c->gz_len)) {
		free(c->json);
		free(c);
		return err_set(e, ERR_INTERNAL, "internal", "代码表压缩失败");
	}
	codes__etags(c);
	a->codes = c;
	return 0;
}

void api_codes_release(app *a)
{
	if (!a->codes)
		return;
	free(a->codes->json);
	free(a->codes->gz);
	free(a->codes);
	a->codes = NULL;
}

static int codes_get(req *r, err *e)
{
	(void)e;
	const struct api_codes *c = r->app->codes;
	int gz = http_accepts_gzip(req_header(r, "Accept-Encoding"));
	r->etag = gz ? c->etag_gz : c->etag;
	r->cache_control = "public, no-cache";
	r->vary = "Accept-Encoding";
	if (http_etag_matches(req_header(r, "If-None-Match"), r->etag))
		return req_reply_not_modified(r);
	size_t n = gz ? c->gz_len : c->json_len;
	char *body = xmalloc(n ? n : 1);
	memcpy(body, gz ? c->gz : c->json, n);
	req_reply_text(r, 200, body, n);
	r->content_encoding = gz ? "gzip" : NULL;
	return 0;
}

const route api_codes_routes[] = {
	{ "GET", "/api/v1/codes", codes_get, 0, PERM_PUBLIC },
	{ 0 },
};
