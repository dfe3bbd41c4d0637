/* cert — the numbered training certificates (培训合格证, SPEC §3.2):
 * issued only to someone who passed an initial training, with a unique
 * number, revoked and never deleted; checked by the public. */
#ifndef GUANAI_CERT_H
#define GUANAI_CERT_H

#include <jansson.h>

#include "domain/core/account.h"
#include "domain/core/exportmark.h"
#include "domain/core/throttle.h"
#include "store/staff_store.h"
#include "store/store.h"

/* Certificates.  Each has a number (sequential, so guessable) and a
 * check code of CERT_CODE_LEN characters drawn at random when it is
 * issued: printed on it, shown where its issuer lists it, asked by the
 * public check. */
enum { CERT_CODE_LEN = 6 };
int cert_revoke(store *s, const actor *who, int64_t id, const char *reason,
		json_t **out, err *e);
int cert_list(store *s, const actor *who, const char *region, json_t **out,
	      err *e);
/* Public check of a printed number and its check code (any case, spaces
 * and hyphens ignored): never more than validity, kind, the holder's
 * masked name, issuing county and date.  A wrong or missing code is
 * answered exactly like an unknown number, and counts as a failure of
 * `ip` (throttle.h, kind "cert").  Errors: ERR_NOTFOUND "not_found",
 * ERR_RATE "too_many_attempts", ERR_STORE. */
int cert_verify(store *s, const throttle_cfg *thr, const char *number,
		const char *code, const char *ip, int64_t now, json_t **out,
		err *e);
/* The certificate as a PDF (A4 or card) with its check code and a QR code
 * of the public check at `base` (e.g. "https://host"; "" for none: the QR
 * holds the number and the code). */
int cert_pdf(store *s, const actor *who, int64_t id, int card,
	     const char *base, const exportmark *mark, char **bytes,
	     size_t *len, char filename[128], err *e);

/* The title of the certificate a post's initial training earns
 * ("director" → 儿童主任培训合格证); "" for an unknown post. */
const char *cert_title(const char *post);

/* Adds table certificate_status of GET /api/v1/codes to `out`. */
void cert_codes_json(json_t *out);

/* ---- for the other modules of workforce/ ---- */

/* Issues a certificate to `st` for `training`, dated `issued_on`, inside
 * the caller's transaction, and audits it; *id is the new certificate.
 * Errors: ERR_CONFLICT "certificate_exists" (one valid already),
 * ERR_STORE. */
int cert__grant(store *s, const actor *who, const staff_row *st,
		int64_t training, const char *issued_on, int64_t *id, err *e);
/* The certificate `id` as JSON, whatever the caller's scope: for the one
 * just issued.  Errors: ERR_STORE. */
int cert__get(store *s, int64_t id, json_t **out, err *e);

#endif
