/* throttle — slowing down guessing (logins, old passwords, certificate
 * check codes) without handing anyone a way to lock another out.
 *
 * Failures are counted three ways, each in a window of `window` seconds
 * that starts again after a quiet window:
 *   - per address and name (the pair): the first PAIR_FREE failures are
 *     free (typing mistakes), then each one holds that address back from
 *     that name for THROTTLE_STEP s, doubling, at most `window`;
 *   - per address, across names: past `address_budget` failures the
 *     address is held back from every name until its window ends;
 *   - per name, across addresses: past `account_budget` failures the name
 *     is "slow": every failure holds its address back from the name, from
 *     the first one on.
 * An address that has not failed on a name is never held back from it by
 * what other addresses did, so the real user, at his usual address,
 * always gets to try his password: nothing ever locks an account.
 *
 * What must stay true:
 *   - names and addresses are stored only as keyed hashes (the key is
 *     in the database, one for every server that shares it), so a typed
 *     name that is no account is never written anywhere;
 *   - a known and an unknown name are counted and answered alike;
 *   - counters live in the database: several servers share them. */
#ifndef GUANAI_THROTTLE_H
#define GUANAI_THROTTLE_H

#include <stdint.h>

#include "store/store.h"
#include "util/err.h"

enum {
	THROTTLE_PAIR_FREE = 4,
	THROTTLE_STEP = 30,	/* seconds of the first hold */
	THROTTLE_KEY_BYTES = 32,
	THROTTLE_HASH_HEX = 33,	/* 16 bytes in hex and a NUL */
};

typedef struct throttle_cfg {
	int64_t window;		/* seconds failures are remembered; the longest hold */
	int address_budget;	/* failures of one address in a window */
	int account_budget;	/* failures on one name in a window */
	unsigned char key[THROTTLE_KEY_BYTES];
} throttle_cfg;

/* Defaults (window 900 s, 30 per address, 20 per name) and a random key,
 * until throttle_cfg_load_key. */
void throttle_cfg_init(throttle_cfg *c);

/* Takes the key shared by every server on the database (made by the first
 * one).  Errors: ERR_STORE. */
int throttle_cfg_load_key(throttle_cfg *c, store *s, err *e);

/* The keyed hash of `text` for purpose `what`, in hex.  Also names an
 * unknown typed username in the audit log without writing it. */
void throttle_hash(const throttle_cfg *c, const char *what, const char *text,
		   char out[THROTTLE_HASH_HEX]);

/* The address a counter is kept for: an IPv4 address as is, an IPv6
 * address by its /64 (one subscriber's whole network). */
void throttle_addr(const char *ip, char *out, size_t n);

/* May `addr` try `name` of `kind` ("login", "cert") now?  0, or
 * ERR_RATE "too_many_attempts" with e->retry_after set.  Reads only. */
int throttle_check(store *s, const throttle_cfg *c, const char *kind,
		   const char *name, const char *addr, int64_t now, err *e);

typedef struct throttle_result {
	int64_t pair_until;	/* this address is held back from the name
				 * until then (0: not) */
	int64_t addr_until;	/* this address is held back from every name
				 * until then (0: not) */
	int slow;		/* the name is slow now */
} throttle_result;

/* Counts a failure of `addr` on `name`, in the caller's transaction.
 * Errors: ERR_STORE. */
int throttle_fail(store *s, const throttle_cfg *c, const char *kind,
		  const char *name, const char *addr, int64_t now,
		  throttle_result *out, err *e);

/* `addr` got `name` right: its failures on that name are forgotten (those
 * of the address and of the name stay).  Errors: ERR_STORE. */
int throttle_pass(store *s, const throttle_cfg *c, const char *kind,
		  const char *name, const char *addr, err *e);

/* Forgets every failure on `name` from every address (an administrator's
 * unlock, a password reset).  Errors: ERR_STORE. */
int throttle_forget(store *s, const throttle_cfg *c, const char *kind,
		    const char *name, err *e);

/* Deletes counters that ran out.  Errors: ERR_STORE. */
int throttle_purge(store *s, int64_t now, err *e);

#endif
