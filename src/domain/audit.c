#include "domain/audit.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "domain/region.h"
#include "store/audit_store.h"

static void hash_field(crypto_hash_sha256_state *st, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	crypto_hash_sha256_update(st, (const unsigned char *)len, (size_t)k);
	if (n)
		crypto_hash_sha256_update(st, (const unsigned char *)s, n);
}

void audit_hash(const audit_entry *a, const char *prev_hex,
		char out[AUDIT_HASH_HEX])
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char num[2][24];
	snprintf(num[0], sizeof num[0], "%lld", (long long)a->seq);
	snprintf(num[1], sizeof num[1], "%lld", (long long)a->at);
	crypto_hash_sha256_init(&st);
	hash_field(&st, prev_hex);
	hash_field(&st, num[0]);
	hash_field(&st, num[1]);
	hash_field(&st, a->actor);
	hash_field(&st, a->action);
	hash_field(&st, a->target);
	hash_field(&st, a->region_code);
	hash_field(&st, a->ip);
	hash_field(&st, a->detail);
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
}

int audit_append(store *s, const audit_entry *in, err *e)
{
	audit_entry a = *in;
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	if (!a.actor)
		a.actor = "system";
	if (!a.target)
		a.target = "";
	if (!a.region_code)
		a.region_code = "";
	if (!a.ip)
		a.ip = "";
	if (!a.detail)
		a.detail = "{}";
	int rc = audit_store_next(s, &a.seq, prev, e);
	if (rc)
		return rc;
	audit_hash(&a, prev, hash);
	if ((rc = audit_store_insert(s, &a, prev, hash, e)))
		return rc;
	return audit_store_set_head(s, a.seq, hash, e);
}

int audit_verify(store *s, int64_t *checked, int *broken, int64_t *bad_seq,
		 char *why, size_t whysz, err *e)
{
	char prev[AUDIT_HASH_HEX];
	memset(prev, '0', AUDIT_HASH_HEX - 1);
	prev[AUDIT_HASH_HEX - 1] = '\0';
	/* Start below any seq: a forged row numbered 0 or less must be read
	 * too, not skipped. */
	int64_t expect = 1, last = INT64_MIN;
	*checked = 0;
	*broken = 0;
	*bad_seq = 0;
	why[0] = '\0';
	for (;;) {
		store_res *r;
		int rc = audit_store_page(s, last, 2000, &r, e);
		if (rc)
			return rc;
		int rows = store_res_rows(r);
		for (int i = 0; i < rows; i++) {
			audit_entry a = {
				.seq = store_res_int(r, i, 0),
				.at = store_res_int(r, i, 1),
				.actor = store_res_text(r, i, 2),
				.action = store_res_text(r, i, 3),
				.target = store_res_text(r, i, 4),
				.region_code = store_res_text(r, i, 5),
				.ip = store_res_text(r, i, 6),
				.detail = store_res_text(r, i, 7),
			};
			const char *stored_prev = store_res_text(r, i, 8);
			const char *stored = store_res_text(r, i, 9);
			char h[AUDIT_HASH_HEX];
			audit_hash(&a, prev, h);
			const char *problem = NULL;
			if (a.seq != expect)
				problem = a.seq > expect
						  ? "序号不连续：有记录被删除"
						  : "序号重复或乱序";
			else if (!stored_prev || strcmp(stored_prev, prev))
				problem = "与前一条记录的哈希链不符：记录被删除、插入或调换";
			else if (!stored || strcmp(stored, h))
				problem = "内容与哈希不符：记录被修改";
			if (problem) {
				*broken = 1;
				*bad_seq = a.seq > expect ? expect : a.seq;
				snprintf(why, whysz, "%s", problem);
				store_res_free(r);
				return 0;
			}
			memcpy(prev, stored, AUDIT_HASH_HEX);
			last = a.seq;
			expect++;
			(*checked)++;
		}
		store_res_free(r);
		if (rows < 2000)
			break;
	}
	int64_t head_seq;
	char head_hash[AUDIT_HASH_HEX];
	int rc = audit_store_head(s, &head_seq, head_hash, e);
	if (rc)
		return rc;
	if (last == INT64_MIN)
		last = 0;
	if (head_seq != last || strcmp(head_hash, prev) != 0) {
		*broken = 1;
		*bad_seq = last + 1;
		snprintf(why, whysz, "%s",
			 head_seq > last ? "日志末尾的记录被删除"
					 : "日志头与最后一条记录不符");
	}
	return 0;
}

int audit_list_scope(store *s, const char *scope, int all, const char *action,
		     int64_t offset, int limit, store_res **out,
		     int64_t *total, err *e)
{
	char lo[REGION_CODE_MAX] = "", hi[REGION_CODE_MAX + 1] = ":";
	if (!all)
		region_scope_range(scope, lo, hi);
	return audit_store_list(s, lo, hi, action, offset, limit, out, total,
				e);
}

int audit_export(store *s, const actor *who, const char *action,
		 const char *code, const char *detail, err *e)
{
	audit_entry a = { .at = who->now,
			  .actor = actor_name(who),
			  .action = action,
			  .target = "",
			  .region_code = code,
			  .ip = who->ip ? who->ip : "",
			  .detail = detail ? detail : "{}" };
	int rc = store_begin(s, e);
	if (rc == 0 && ((rc = audit_append(s, &a, e)) ||
			(rc = store_commit(s, e))))
		store_rollback(s);
	return rc;
}
