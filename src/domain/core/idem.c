#include "domain/core/idem.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "store/idem_store.h"
#include "util/mem.h"

int idem_key_check(const char *key, err *e)
{
	size_t n = key ? strlen(key) : 0;
	int ok = n >= 8 && n <= IDEM_KEY_MAX;
	for (size_t i = 0; ok && i < n; i++) {
		char c = key[i];
		ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     (c >= '0' && c <= '9') || c == '-' || c == '_';
	}
	if (!ok)
		return err_field(e, ERR_INVALID, "invalid_header",
				 "Idempotency-Key",
				 "Idempotency-Key 应为8至64个字母、数字、-或_");
	return 0;
}

/* Each part with its length before it, so that no two requests give the
 * same bytes: "/a" + "b" and "/ab" + "" differ. */
static void hash_part(crypto_generichash_state *st, const char *p, size_t n)
{
	unsigned char len[8];
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_generichash_update(st, len, sizeof len);
	crypto_generichash_update(st, (const unsigned char *)p, n);
}

void idem_request_hash(const char *method, const char *path,
		       const char *if_match, const char *body, size_t len,
		       char out[IDEM_HASH_HEX + 1])
{
	unsigned char h[IDEM_HASH_HEX / 2];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof h);
	hash_part(&st, method, strlen(method));
	hash_part(&st, path, strlen(path));
	hash_part(&st, if_match ? if_match : "",
		  if_match ? strlen(if_match) : 0);
	hash_part(&st, body ? body : "", body ? len : 0);
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, IDEM_HASH_HEX + 1, h, sizeof h);
}

int idem_claim_key(store *s, int64_t user, const char *key,
		   const char *hash, int64_t now, idem_claim *c, err *e)
{
	memset(c, 0, sizeof c[0]);
	int claimed = 0;
	int rc = idem_store_claim(s, user, key, hash, now, &claimed, e);
	/* An answer past its day is forgotten: the key is free again. */
	if (rc == 0 && !claimed &&
	    (rc = idem_store_drop_old(s, user, key, now - IDEM_TTL, e)) == 0)
		rc = idem_store_claim(s, user, key, hash, now, &claimed, e);
	if (rc || claimed)
		return rc;
	store_res *r;
	if ((rc = idem_store_get(s, user, key, &r, e)))
		return rc;
	idem_row row;
	store_res_row(r, 0, idem_store_cols, &row);
	if (store_res_rows(r) != 1 || row.status == 0) {
		/* A claimed row is never seen outside its transaction. */
		store_res_free(r);
		return err_set(e, ERR_STORE, "store_error",
			       "数据库错误: 幂等记录状态异常");
	}
	if (strcmp(row.req_hash, hash) != 0) {
		store_res_free(r);
		return err_field(e, ERR_CONFLICT, "idempotency_key_reused",
				 "Idempotency-Key",
				 "该 Idempotency-Key 已用于另一请求，请为新的请求另取一个");
	}
	c->replay = 1;
	c->status = (int)row.status;
	c->body = xstrdup(row.body);
	store_res_free(r);
	return 0;
}

int idem_fill(store *s, int64_t user, const char *key, int status,
	      const char *body, err *e)
{
	return idem_store_fill(s, user, key, status, body, e);
}

int idem_purge(store *s, int64_t now, int64_t *n, err *e)
{
	return idem_store_purge(s, now - IDEM_TTL, n, e);
}
