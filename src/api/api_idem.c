/* Writes sent with an Idempotency-Key (domain/idem.h): the handler runs
 * inside a held transaction that also stores its answer, so that the
 * write and the answer commit together, and the same request sent again
 * gets that answer back instead of a second write. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/core/idem.h"
#include "util/jsonx.h"
#include "util/mem.h"

static int is_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* The answer the handler set, as the text sent: the stored answer and
 * the one sent now are the same bytes. */
static int answer_text(req *r, err *e)
{
	if (r->raw) {
		if (!r->content_type ||
		    strncmp(r->content_type, "application/json", 16) != 0)
			return err_set(e, ERR_INTERNAL, "internal",
				       "幂等请求的应答应为 JSON");
		return 0;
	}
	char *text = r->out ? jsonx_dump(r->out) : xstrdup("");
	int status = r->status;
	json_decref(r->out);
	r->out = NULL;
	return req_reply_text(r, status, text, strlen(text));
}

static int idem_run(req *r, const route *rt, const char *key, err *e)
{
	int rc = idem_key_check(key, e);
	if (rc)
		return rc;
	char hash[IDEM_HASH_HEX + 1];
	idem_request_hash(r->method, r->path, req_header(r, "If-Match"),
			  r->body, r->body_len, hash);
	int64_t uid = r->se->u.id;
	if ((rc = store_hold(r->db, e)))
		return rc;
	idem_claim c;
	if ((rc = idem_claim_key(r->db, uid, key, hash, r->now, &c, e))) {
		store_release(r->db, 0, NULL);
		return rc;
	}
	if (c.replay) {
		store_release(r->db, 0, NULL);
		r->replayed = 1;
		return req_reply_text(r, c.status, c.body, strlen(c.body));
	}
	/* A write refused changes nothing, and is not kept: sent again,
	 * it is tried again. */
	if ((rc = rt->fn(r, e)) || (rc = answer_text(r, e)) ||
	    (rc = idem_fill(r->db, uid, key, r->status, r->raw, e))) {
		store_release(r->db, 0, NULL);
		return rc;
	}
	return store_release(r->db, 1, e);
}

int api_run(req *r, const route *rt, err *e)
{
	const char *key = req_header(r, "Idempotency-Key");
	if (!key || is_safe(r->method))
		return rt->fn(r, e);
	if (!(rt->flags & R_IDEM) || !r->se)
		return err_field(e, ERR_INVALID, "idempotency_unsupported",
				 "Idempotency-Key",
				 "此接口不支持 Idempotency-Key");
	return idem_run(r, rt, key, e);
}
