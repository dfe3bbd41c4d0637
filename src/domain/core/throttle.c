#include "domain/core/throttle.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "store/throttle_store.h"

void throttle_cfg_init(throttle_cfg *c)
{
	c->window = 15 * 60;
	c->address_budget = 30;
	c->account_budget = 20;
	randombytes_buf(c->key, sizeof c->key);
}

int throttle_cfg_load_key(throttle_cfg *c, store *s, err *e)
{
	char fresh[2 * THROTTLE_KEY_BYTES + 1], got[129];
	unsigned char raw[THROTTLE_KEY_BYTES];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2hex(fresh, sizeof fresh, raw, sizeof raw);
	int rc = throttle_store_server_key(s, "throttle", fresh, got, sizeof got,
					   e);
	if (rc)
		return rc;
	size_t n = 0;
	if (sodium_hex2bin(c->key, sizeof c->key, got, strlen(got), NULL, &n,
			   NULL) != 0 ||
	    n != sizeof c->key)
		return err_set(e, ERR_STORE, "internal", "服务器密钥格式错误");
	return 0;
}

void throttle_hash(const throttle_cfg *c, const char *what, const char *text,
		   char out[THROTTLE_HASH_HEX])
{
	unsigned char h[16];
	crypto_generichash_state st;
	/* The NUL after `what` keeps ("ab","c") and ("a","bc") apart. */
	crypto_generichash_init(&st, c->key, sizeof c->key, sizeof h);
	crypto_generichash_update(&st, (const unsigned char *)what,
				  strlen(what) + 1);
	crypto_generichash_update(&st, (const unsigned char *)text,
				  strlen(text));
	crypto_generichash_final(&st, h, sizeof h);
	sodium_bin2hex(out, THROTTLE_HASH_HEX, h, sizeof h);
}

void throttle_addr(const char *ip, char *out, size_t n)
{
	unsigned char a[16];
	if (inet_pton(AF_INET6, ip, a) == 1) {
		static const unsigned char v4[12] = { 0, 0, 0, 0, 0, 0,
						      0, 0, 0, 0, 0xff, 0xff };
		char buf[INET6_ADDRSTRLEN];
		if (memcmp(a, v4, sizeof v4) == 0) {
			/* ::ffff:1.2.3.4 is 1.2.3.4 */
			inet_ntop(AF_INET, a + 12, buf, sizeof buf);
			snprintf(out, n, "%s", buf);
			return;
		}
		/* One IPv6 subscriber holds a /64 at least: counting each of
		 * its addresses apart would give it 2^64 budgets. */
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, buf, sizeof buf);
		snprintf(out, n, "%s/64", buf);
		return;
	}
	snprintf(out, n, "%s", ip ? ip : "");
}

/* The three keys of a try: the pair, the address, the name. */
typedef struct keys {
	char pair[THROTTLE_HASH_HEX], addr[THROTTLE_HASH_HEX],
		name[THROTTLE_HASH_HEX];
} keys;

static void make_keys(const throttle_cfg *c, const char *kind,
		      const char *name, const char *ip, keys *k)
{
	char a[80], text[400];
	throttle_addr(ip, a, sizeof a);
	/* A newline cannot be part of a name that gets this far (the API
	 * refuses control characters) nor of an address. */
	snprintf(text, sizeof text, "%s\n%s\n%s", kind, name, a);
	throttle_hash(c, "pair", text, k->pair);
	snprintf(text, sizeof text, "%s\n%s", kind, a);
	throttle_hash(c, "addr", text, k->addr);
	snprintf(text, sizeof text, "%s\n%s", kind, name);
	throttle_hash(c, "name", text, k->name);
}

static int held(err *e, int64_t seconds)
{
	if (seconds < 60)
		err_set(e, ERR_RATE, "too_many_attempts",
			"尝试次数过多，请%lld秒后再试", (long long)seconds);
	else
		err_set(e, ERR_RATE, "too_many_attempts",
			"尝试次数过多，请%lld分钟后再试",
			(long long)((seconds + 59) / 60));
	if (e)
		e->retry_after = seconds;
	return ERR_RATE;
}

int throttle_check(store *s, const throttle_cfg *c, const char *kind,
		   const char *name, const char *addr, int64_t now, err *e)
{
	keys k;
	make_keys(c, kind, name, addr, &k);
	const char *const ks[] = { k.pair, k.addr };
	store_res *r;
	int rc = throttle_store_get(s, ks, 2, &r, e);
	if (rc)
		return rc;
	int64_t until = 0;
	for (int i = 0; i < store_res_rows(r); i++) {
		throttle_row t;
		store_res_row(r, i, throttle_store_cols, &t);
		const char *key = t.key;
		int64_t fails = t.fails, last = t.last_fail, hold = t.hold_until;
		if (strcmp(key, k.pair) == 0 && hold > until)
			until = hold;
		if (strcmp(key, k.addr) == 0 && fails >= c->address_budget &&
		    last + c->window > until)
			until = last + c->window;
	}
	store_res_free(r);
	return until > now ? held(e, until - now) : 0;
}

int throttle_fail(store *s, const throttle_cfg *c, const char *kind,
		  const char *name, const char *addr, int64_t now,
		  throttle_result *out, err *e)
{
	keys k;
	int64_t fa, fn, fp;
	make_keys(c, kind, name, addr, &k);
	memset(out, 0, sizeof *out);
	int rc;
	if ((rc = throttle_store_fail(s, k.addr, "", now, c->window, &fa, e)) ||
	    (rc = throttle_store_fail(s, k.name, k.name, now, c->window, &fn,
				      e)) ||
	    (rc = throttle_store_fail(s, k.pair, k.name, now, c->window, &fp,
				      e)))
		return rc;
	out->slow = fn >= c->account_budget;
	/* A name under attack from many addresses gives none of them a
	 * free failure: each one that fails waits, the others do not. */
	int64_t step = out->slow ? fp - 1 : fp - THROTTLE_PAIR_FREE - 1;
	if (step >= 0) {
		int64_t hold = (int64_t)THROTTLE_STEP << (step < 20 ? step : 20);
		if (hold > c->window)
			hold = c->window;
		out->pair_until = now + hold;
		if ((rc = throttle_store_hold(s, k.pair, out->pair_until, e)))
			return rc;
	}
	if (fa >= c->address_budget)
		out->addr_until = now + c->window;
	return 0;
}

int throttle_pass(store *s, const throttle_cfg *c, const char *kind,
		  const char *name, const char *addr, err *e)
{
	keys k;
	make_keys(c, kind, name, addr, &k);
	return throttle_store_clear(s, k.pair, e);
}

int throttle_forget(store *s, const throttle_cfg *c, const char *kind,
		    const char *name, err *e)
{
	keys k;
	make_keys(c, kind, name, "", &k);
	return throttle_store_forget(s, k.name, e);
}

int throttle_purge(store *s, int64_t now, err *e)
{
	return throttle_store_purge(s, now, NULL, e);
}
