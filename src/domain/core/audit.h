/* audit — the append-only, keyed, hash-chained audit log (SPEC §10).
 *
 * Entry n stores hash_n = MAC(hash_{n-1} ‖ fields of n), each field
 * length-prefixed so no two different entries encode alike.  The MAC is
 * HMAC-SHA-256 under a secret kept outside the database, in the audit
 * key file; with plain SHA-256, anyone who could write the database file
 * could edit, delete, insert, reorder or cut entries and then recompute
 * the chain and the head from that point, and verification passed.
 * Without the key that recomputation is impossible: the first keyed
 * entry after the change no longer verifies.  A database made before
 * the key (migration 14) keeps its SHA-256 links up to the seq the key
 * file names as its start; the keyed chain goes on from there, and its
 * first entry's MAC covers the hash of everything before.
 *
 * The head is one row: the last seq and hash, the key's id, and a MAC of
 * (seq, hash).  Appends read it inside their write transaction (locking
 * the row on PostgreSQL; SQLite's write transactions are serial) and
 * write it once; verification compares it with the last entry and checks
 * its MAC, so a cut tail with the head set back is caught as well.
 *
 * What the key cannot catch is the database set back to an earlier state
 * of its own (an old copy put in its place): that is a valid keyed chain.
 * For that, the head signed with the key's Ed25519 half
 * (audit_anchor_format, `guanai audit head`) is kept elsewhere, and
 * `guanai audit verify --anchor FILE` fails when the anchored entry is
 * gone (truncation) or differs (a chain rebuilt from that point).
 *
 * The key file (`<db>.audit-key` beside a SQLite file, or named with
 * --audit-key), mode 0600, never changed once written:
 *     guanai-audit-key 1
 *     secret <32 bytes, hex>
 *     start <seq of the first keyed entry>
 * Two keys are derived from the secret with crypto_kdf: subkey 1 is the
 * HMAC-SHA-256 key, subkey 2 the seed of an Ed25519 key pair.  The public
 * key, in hex, is the key's id, recorded in audit_head.key_id: a database
 * whose head names a key refuses appends from a connection without that
 * key (audit_append), and every command refuses to start without it
 * (audit_key_bind).
 *
 * Triggers refuse UPDATE and DELETE on the log (and TRUNCATE on
 * PostgreSQL); verification also checks that they are there as the
 * migrations made them (store_migrate_check_guards), since whoever drops
 * them has the log at their mercy from then on. */
#ifndef GUANAI_AUDIT_H
#define GUANAI_AUDIT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/core/actor.h"
#include "store/audit_store.h"
#include "store/store.h"
#include "util/err.h"


/* The secret of a key file and what is derived from it. */
typedef struct audit_key audit_key;

/* Writes a new key file at `path` (created 0600; an existing file is
 * never overwritten) whose keyed chain starts at `start`, and gives the
 * key in *out (audit_key_free).  Errors: ERR_CONFLICT when the file
 * exists, ERR_INTERNAL when it cannot be written. */
int audit_key_create(const char *path, int64_t start, audit_key **out,
		     err *e);

/* Reads the key file at `path`.  Errors: ERR_NOTFOUND "audit_key_missing"
 * when there is none; ERR_INVALID "audit_key_bad" when it is not a key
 * file, or readable by others than its owner. */
int audit_key_load(const char *path, audit_key **out, err *e);
void audit_key_free(audit_key *k);

/* The key's id (its public key in hex) and the first keyed seq. */
const char *audit_key_id(const audit_key *k);
int64_t audit_key_start(const audit_key *k);

enum { AUDIT_KEY_USE = 0, AUDIT_KEY_CREATE = 1 };

/* Ties a database to its key before anything appends: loads the key file
 * at `path` (NULL: none can be named, as for PostgreSQL without
 * --audit-key) and checks it is the one the database's head names, then
 * attaches it to `s` (store_set_audit_key) and gives it in *out (owned by
 * the caller, who attaches it to other connections of the database as
 * well and frees it after closing them).
 * A database whose chain is not keyed yet gets a new key file with
 * AUDIT_KEY_CREATE (its chain keyed from the next seq on; *created = 1),
 * and is refused with AUDIT_KEY_USE.
 * Errors, each with a Chinese message saying what to do:
 *   ERR_NOTFOUND "audit_key_missing": the database is keyed, the file gone;
 *   ERR_NOTFOUND "audit_key_none": not keyed and AUDIT_KEY_USE;
 *   ERR_INVALID "audit_key_mismatch": the file is another database's key;
 *   ERR_CONFLICT "audit_key_unbound": a key file exists but the database
 *     names none (replaced or altered: never adopted silently);
 *   ERR_INVALID "audit_key_bad", ERR_STORE. */
int audit_key_bind(store *s, const char *path, int mode, audit_key **out,
		   int *created, err *e);

/* Appends `a` (seq is assigned; `at` taken as given), keyed with the
 * connection's audit key.  The caller holds the transaction the audited
 * change is written in, so both commit or neither does.
 * Errors: ERR_STORE, also when the database's chain is keyed and the
 * connection has not that key. */
int audit_append(store *s, const audit_entry *a, err *e);

/* The Chinese name of an action of the log (case_escalate: 超时未受理，
 * 逐级上报): the one table of them, for the log's readers; NULL for an
 * action it does not know. */
const char *audit_action_label(const char *action);
/* The table as [{"code","label"}], in its order; the caller owns it. */
json_t *audit_action_codes(void);

/* Appends the entry of `action` taken by `who` (its name, address and
 * time) about `target` ("kind:id", see audit_target; NULL or "" for
 * none) in region `region_code` (NULL: ""), inside the caller's
 * transaction, so that the change and its entry commit together.  `detail` is a JSON
 * object (NULL for {}) and is always taken: freed whatever the outcome.
 * It names what changed, never identities (auditors read the log).
 * Errors: those of audit_append. */
int audit_record(store *s, const actor *who, const char *action,
		 const char *target, const char *region_code, json_t *detail,
		 err *e);

/* Writes "kind:id" into out and returns it: an entry's target. */
enum { AUDIT_TARGET_MAX = 48 };
const char *audit_target(char out[AUDIT_TARGET_MAX], const char *kind,
			 int64_t id);

/* As audit_record without a target, in a transaction of its own: for
 * what is not a write, such as an export (SPEC §10: every export is
 * audited; on failure the caller withholds the file), or the summary of
 * an import whose rows committed in batches. */
int audit_record_alone(store *s, const actor *who, const char *action,
		       const char *region_code, json_t *detail, err *e);

/* Computes the hex SHA-256 link of an entry given the previous hash: the
 * chain's link before the key (and with no key). */
void audit_hash(const audit_entry *a, const char *prev_hex,
		char out[AUDIT_HASH_HEX]);

/* A signed head, as `guanai audit head` prints it (audit_anchor_format). */
typedef struct audit_anchor {
	char key_id[AUDIT_KEY_ID_HEX];
	int64_t seq;
	char hash[AUDIT_HASH_HEX];
	int64_t at;
	char sig[AUDIT_SIG_HEX];
} audit_anchor;

/* Reads a signed head from its text (at most 4 KiB).  The signature is
 * checked by audit_verify, against the key.  Errors: ERR_INVALID
 * "anchor_bad" when the text is not a signed head. */
int audit_anchor_parse(const char *text, size_t len, audit_anchor *out,
		       err *e);

/* Writes the signed head of entry `seq` with `hash` at time `at`, a few
 * lines of text, into out (n bytes; 1 KiB is enough).  Returns 0, or
 * ERR_INVALID when `k` is NULL. */
int audit_anchor_format(const audit_key *k, int64_t seq, const char *hash,
			int64_t at, char *out, size_t n);

/* What audit_verify found. */
typedef struct audit_check {
	int64_t checked;	/* entries read */
	int broken;		/* 1 when anything does not hold */
	int64_t bad_seq;	/* the first entry that does not hold (or the
				 * seq after the last for a cut tail) */
	int at_entry;		/* bad_seq names it; 0 when the problem is no
				 * entry's (a trigger, the key's record) */
	int keyed;		/* entries from key_start on checked with
				 * the key */
	int64_t key_start;
	int64_t head_seq;	/* the head verified */
	char head_hash[AUDIT_HASH_HEX];
	char why[400];		/* in Chinese, when broken */
} audit_check;

/* Walks the whole chain in one snapshot of the database, with the key
 * attached to `s` (store_audit_key; NULL for a chain that is not keyed),
 * then the head and its MAC, the signed head `anchor` when given (its
 * signature, and that the entry it names is there with the same hash),
 * and the append-only triggers.  Fills *out; a broken log is not an
 * error of the call.
 * Errors: ERR_STORE; ERR_INVALID "audit_key_missing" when the chain is
 * keyed and `s` has no key, or an anchor is given without one. */
int audit_verify(store *s, const audit_anchor *anchor, audit_check *out,
		 err *e);

/* Adds tables "audit_action" and "audit_target" of GET /api/v1/codes to
 * `out`: every action the log records, with its label, and the kinds of
 * record an entry's target names.  An action written without an entry
 * here still goes in the log, and shows as its code. */
void audit_codes_json(json_t *out);

#endif
