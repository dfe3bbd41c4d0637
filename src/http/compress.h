/* compress — gzip for the answers that are worth it (issue #23: a phone
 * on a 400 kbit/s link pays for every byte).
 *
 * JSON answers above HTTP_GZIP_MIN bytes go gzipped to a client whose
 * Accept-Encoding takes gzip, unless the answer already names its own
 * Content-Encoding (GET /api/v1/codes keeps its gzip form made once).
 * The UI's static files are gzipped at build time (http/static.c). */
#ifndef GUANAI_COMPRESS_H
#define GUANAI_COMPRESS_H

#include <stddef.h>

/* Below this, gzip's header and the CPU cost more than they save. */
enum { HTTP_GZIP_MIN = 1024 };

/* Whether an Accept-Encoding value takes gzip: it names the coding
 * "gzip" (any case) with no weight or a weight above 0.  NULL, "*" and
 * "x-gzip" take nothing: every browser names gzip. */
int http_accepts_gzip(const char *accept_encoding);

/* `n` bytes of `in` gzipped at `level` (1–9) into *out (malloc'd, the
 * caller frees) of *len bytes.  Returns 0, or -1 when zlib fails (then
 * *out is NULL). */
int http_gzip(const char *in, size_t n, int level, char **out, size_t *len);

/* Whether an If-None-Match value names `etag` (weak comparison, as RFC
 * 9110 asks of it) or is "*": the client's copy is current, answer 304.
 * The UI's files (http/static.c) and GET /api/v1/codes ask it. */
int http_etag_matches(const char *if_none_match, const char *etag);

#endif
