#include "domain/core/audit.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/audit_store.h"
#include "util/mem.h"

/* crypto_kdf's context: 8 bytes, the same for every key. */
#define KDF_CONTEXT "guanaiak"
#define KEY_FILE_MAX 4096

struct audit_key {
	unsigned char mac[crypto_auth_hmacsha256_KEYBYTES];
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
	int64_t start;
	char id[AUDIT_KEY_ID_HEX];
};

/* One digest over length-prefixed fields: SHA-256, or HMAC-SHA-256 when
 * a key is given. */
typedef struct digest {
	const audit_key *k;
	crypto_hash_sha256_state sha;
	crypto_auth_hmacsha256_state hmac;
} digest;

static void digest_init(digest *d, const audit_key *k)
{
	d->k = k;
	if (k)
		crypto_auth_hmacsha256_init(&d->hmac, k->mac, sizeof k->mac);
	else
		crypto_hash_sha256_init(&d->sha);
}

static void digest_bytes(digest *d, const void *p, size_t n)
{
	if (d->k)
		crypto_auth_hmacsha256_update(&d->hmac, p, n);
	else
		crypto_hash_sha256_update(&d->sha, p, n);
}

static void digest_field(digest *d, const char *s)
{
	char len[24];
	size_t n = s ? strlen(s) : 0;
	int k = snprintf(len, sizeof len, "%zu:", n);
	digest_bytes(d, len, (size_t)k);
	if (n)
		digest_bytes(d, s, n);
}

static void digest_int(digest *d, int64_t v)
{
	char num[24];
	snprintf(num, sizeof num, "%lld", (long long)v);
	digest_field(d, num);
}

static void digest_hex(digest *d, char out[AUDIT_HASH_HEX])
{
	unsigned char h[32];
	if (d->k)
		crypto_auth_hmacsha256_final(&d->hmac, h);
	else
		crypto_hash_sha256_final(&d->sha, h);
	sodium_bin2hex(out, AUDIT_HASH_HEX, h, sizeof h);
	sodium_memzero(d, sizeof *d);
}

/* The link of entry `a` after `prev_hex`: keyed from the key's start on. */
static void entry_link(const audit_key *k, const audit_entry *a,
		       const char *prev_hex, char out[AUDIT_HASH_HEX])
{
	digest d;
	digest_init(&d, k && a->seq >= k->start ? k : NULL);
	digest_field(&d, prev_hex);
	digest_int(&d, a->seq);
	digest_int(&d, a->at);
	digest_field(&d, a->actor);
	digest_field(&d, a->action);
	digest_field(&d, a->target);
	digest_field(&d, a->region_code);
	digest_field(&d, a->ip);
	digest_field(&d, a->detail);
	digest_hex(&d, out);
}

void audit_hash(const audit_entry *a, const char *prev_hex,
		char out[AUDIT_HASH_HEX])
{
	entry_link(NULL, a, prev_hex, out);
}

/* The head's MAC: "head", seq and hash under the key. */
static void head_mac(const audit_key *k, int64_t seq, const char *hash,
		     char out[AUDIT_HASH_HEX])
{
	digest d;
	digest_init(&d, k);
	digest_field(&d, "head");
	digest_int(&d, seq);
	digest_field(&d, hash);
	digest_hex(&d, out);
}

/* The next line of a NUL-terminated text, cut off in place (its "\r\n"
 * or "\n" ends dropped), or NULL at the end; *p moves past it. */
static char *next_line(char **p)
{
	char *line = *p;
	if (!*line)
		return NULL;
	char *nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = line + strlen(line);
	}
	size_t n = strlen(line);
	if (n && line[n - 1] == '\r')
		line[n - 1] = '\0';
	return line;
}

/* ---- the key file ---- */

static void key_derive(audit_key *k, const unsigned char *secret)
{
	unsigned char seed[crypto_sign_SEEDBYTES];
	crypto_kdf_derive_from_key(k->mac, sizeof k->mac, 1, KDF_CONTEXT,
				   secret);
	crypto_kdf_derive_from_key(seed, sizeof seed, 2, KDF_CONTEXT, secret);
	crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_memzero(seed, sizeof seed);
	sodium_bin2hex(k->id, sizeof k->id, k->pk, sizeof k->pk);
}

/* Syncs the directory holding `path`, so that a new name survives a
 * power cut as well as the file's contents. */
static void sync_dir_of(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int audit_key_create(const char *path, int64_t start, audit_key **out,
		     err *e)
{
	unsigned char secret[crypto_kdf_KEYBYTES];
	char hex[2 * crypto_kdf_KEYBYTES + 1], text[512];
	crypto_kdf_keygen(secret);
	sodium_bin2hex(hex, sizeof hex, secret, sizeof secret);
	int n = snprintf(text, sizeof text,
			 "# guanai 审计密钥：保密，与数据库及其备份分开保管；"
			 "丢失后带密钥的审计日志将无法校验\n"
			 "guanai-audit-key 1\nsecret %s\nstart %lld\n",
			 hex, (long long)start);
	sodium_memzero(hex, sizeof hex);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0600);
	if (fd < 0) {
		sodium_memzero(secret, sizeof secret);
		sodium_memzero(text, sizeof text);
		if (errno == EEXIST)
			return err_set(e, ERR_CONFLICT, "audit_key_exists",
				       "审计密钥文件 %s 已存在，不会覆盖", path);
		return err_set(e, ERR_INTERNAL, "audit_key_write",
			       "无法创建审计密钥文件 %s: %s", path,
			       strerror(errno));
	}
	int ok = write(fd, text, (size_t)n) == n && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	sodium_memzero(text, sizeof text);
	if (!ok) {
		sodium_memzero(secret, sizeof secret);
		unlink(path);
		return err_set(e, ERR_INTERNAL, "audit_key_write",
			       "无法写入审计密钥文件 %s", path);
	}
	sync_dir_of(path);
	audit_key *k = xcalloc(1, sizeof *k);
	key_derive(k, secret);
	sodium_memzero(secret, sizeof secret);
	k->start = start;
	*out = k;
	return 0;
}

static int key_bad(err *e, const char *path, const char *why)
{
	return err_set(e, ERR_INVALID, "audit_key_bad",
		       "审计密钥文件 %s 无效：%s", path, why);
}

/* Parses a key file's text (NUL-terminated) into k. */
static int key_parse(char *text, const char *path, audit_key *k, err *e)
{
	unsigned char secret[crypto_kdf_KEYBYTES];
	int have_magic = 0, have_secret = 0, have_start = 0;
	char *p = text, *line;
	while ((line = next_line(&p))) {
		size_t len = strlen(line);
		if (!len || line[0] == '#')
			continue;
		if (!have_magic) {
			if (strcmp(line, "guanai-audit-key 1") != 0)
				return key_bad(e, path, "不是审计密钥文件");
			have_magic = 1;
		} else if (strncmp(line, "secret ", 7) == 0 && !have_secret) {
			size_t got = 0;
			if (len != 7 + 2 * sizeof secret ||
			    sodium_hex2bin(secret, sizeof secret, line + 7,
					   len - 7, NULL, &got, NULL) != 0 ||
			    got != sizeof secret)
				return key_bad(e, path, "密钥格式错误");
			have_secret = 1;
		} else if (strncmp(line, "start ", 6) == 0 && !have_start) {
			char *end;
			errno = 0;
			long long v = strtoll(line + 6, &end, 10);
			if (errno || *end || end == line + 6 || v < 1)
				return key_bad(e, path, "起始序号错误");
			k->start = v;
			have_start = 1;
		} else {
			return key_bad(e, path, "含有无法识别的行");
		}
	}
	if (!have_magic || !have_secret || !have_start)
		return key_bad(e, path, "内容不全");
	key_derive(k, secret);
	sodium_memzero(secret, sizeof secret);
	return 0;
}

int audit_key_load(const char *path, audit_key **out, err *e)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return err_set(e, ERR_NOTFOUND, "audit_key_missing",
				       "审计密钥文件 %s 不存在", path);
		return err_set(e, ERR_INVALID, "audit_key_bad",
			       "无法读取审计密钥文件 %s: %s", path,
			       strerror(errno));
	}
	struct stat st;
	char text[KEY_FILE_MAX + 1];
	ssize_t n = -1;
	int rc = 0;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		rc = key_bad(e, path, "不是普通文件");
	else if (st.st_mode & 077)
		rc = key_bad(e, path,
			     "权限过宽，应只有属主可读写（chmod 600）");
	else if ((n = read(fd, text, sizeof text)) < 0 || n > KEY_FILE_MAX)
		rc = key_bad(e, path, "无法读取或文件过大");
	close(fd);
	if (rc)
		return rc;
	text[n] = '\0';
	audit_key *k = xcalloc(1, sizeof *k);
	rc = key_parse(text, path, k, e);
	sodium_memzero(text, sizeof text);
	if (rc) {
		audit_key_free(k);
		return rc;
	}
	*out = k;
	return 0;
}

void audit_key_free(audit_key *k)
{
	if (!k)
		return;
	sodium_memzero(k, sizeof *k);
	free(k);
}

const char *audit_key_id(const audit_key *k)
{
	return k->id;
}

int64_t audit_key_start(const audit_key *k)
{
	return k->start;
}

/* A new key and the record of it (key_start_new). */
typedef struct key_new {
	const char *path;
	audit_key *k;	/* the key file written, once it is */
} key_new;

static int key_new_write(store *s, void *arg, err *e)
{
	key_new *x = arg;
	audit_store_head_row h;
	char mac[AUDIT_HASH_HEX];
	int rc = audit_store_next(s, &h, e);
	if (rc == 0 && h.key_id[0])
		rc = err_set(e, ERR_CONFLICT, "audit_key_unbound",
			     "数据库的审计密钥刚被另一程序启用，请重试");
	if (rc == 0 &&
	    (rc = audit_key_create(x->path, h.seq + 1, &x->k, e)) == 0) {
		head_mac(x->k, h.seq, h.hash, mac);
		rc = audit_store_set_key(s, x->k->id, mac, e);
	}
	return rc;
}

/* Creates the key of a database whose chain is not keyed yet, keyed from
 * the next seq on, in the transaction that records it: a key file whose
 * record did not commit is removed again. */
static int key_start_new(store *s, const char *path, audit_key **out,
			 err *e)
{
	key_new x = { path, NULL };
	int rc = store_tx(s, key_new_write, &x, e);
	if (rc) {
		if (x.k)
			unlink(path);
		audit_key_free(x.k);
		return rc;
	}
	*out = x.k;
	return 0;
}

int audit_key_bind(store *s, const char *path, int mode, audit_key **out,
		   int *created, err *e)
{
	*out = NULL;
	if (created)
		*created = 0;
	audit_store_head_row h;
	int rc = audit_store_head(s, &h, e);
	if (rc)
		return rc;
	if (h.seq < 0)
		return err_set(e, ERR_STORE, "store_error", "审计日志头缺失");
	audit_key *k = NULL;
	rc = path ? audit_key_load(path, &k, e) : ERR_NOTFOUND;
	if (rc && rc != ERR_NOTFOUND)
		return rc;
	if (h.key_id[0]) {
		if (!k && !path)
			return err_set(e, ERR_NOTFOUND, "audit_key_missing",
				       "数据库的审计日志使用密钥：请用 --audit-key "
				       "FILE 或环境变量 GUANAI_AUDIT_KEY 指明审计密钥文件");
		if (!k)
			return err_set(e, ERR_NOTFOUND, "audit_key_missing",
				       "数据库的审计日志使用密钥，但审计密钥文件 %s "
				       "不存在：请把备份的密钥文件放回原处，或用 "
				       "--audit-key 指明它",
				       path);
		if (strcmp(h.key_id, k->id) != 0) {
			audit_key_free(k);
			return err_set(e, ERR_INVALID, "audit_key_mismatch",
				       "审计密钥文件 %s 不属于此数据库", path);
		}
	} else if (k) {
		audit_key_free(k);
		return err_set(e, ERR_CONFLICT, "audit_key_unbound",
			       "审计密钥文件 %s 已存在，但数据库没有启用它的记录："
			       "数据库可能被替换或改动过。若确是新的数据库，请移走"
			       "旧的密钥文件后重试",
			       path);
	} else if (mode != AUDIT_KEY_CREATE) {
		return err_set(e, ERR_NOTFOUND, "audit_key_none",
			       "数据库的审计日志尚未启用密钥：请先运行 guanai init "
			       "--db …（为已有数据库生成审计密钥，不改动已有数据）");
	} else if (!path) {
		return err_set(e, ERR_INVALID, "audit_key_missing",
			       "请用 --audit-key FILE 或环境变量 GUANAI_AUDIT_KEY "
			       "指明审计密钥文件的位置");
	} else {
		if ((rc = key_start_new(s, path, &k, e)))
			return rc;
		if (created)
			*created = 1;
	}
	store_set_audit_key(s, k);
	*out = k;
	return 0;
}

/* ---- appending ---- */

int audit_append(store *s, const audit_entry *in, err *e)
{
	const audit_key *k = store_audit_key(s);
	audit_entry a = *in;
	audit_store_head_row h;
	char hash[AUDIT_HASH_HEX], mac[AUDIT_HASH_HEX] = "";
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
	int rc = audit_store_next(s, &h, e);
	if (rc)
		return rc;
	a.seq = h.seq + 1;
	/* An entry linked without the key the chain is keyed with (or under
	 * another key, or below the key's start, which only a cut log has)
	 * would break the chain for good: refused instead. */
	if (!k && h.key_id[0])
		return err_set(e, ERR_STORE, "audit_key_missing",
			       "审计日志使用密钥，但没有审计密钥，拒绝写入");
	if (k && (strcmp(h.key_id, k->id) != 0 || a.seq < k->start))
		return err_set(e, ERR_STORE, "audit_key_mismatch",
			       "审计密钥与数据库的审计日志不符，拒绝写入");
	entry_link(k, &a, h.hash, hash);
	if ((rc = audit_store_insert(s, &a, h.hash, hash, e)))
		return rc;
	if (k)
		head_mac(k, a.seq, hash, mac);
	return audit_store_set_head(s, a.seq, hash, mac, e);
}

int audit_record(store *s, const actor *who, const char *action,
		 const char *target, const char *region_code, json_t *detail,
		 err *e)
{
	char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS)
			 : NULL;
	json_decref(detail);
	audit_entry a = { .at = who->now,
			  .actor = actor_name(who),
			  .action = action,
			  .target = target,
			  .region_code = region_code,
			  .ip = who->ip,
			  .detail = d };
	int rc = audit_append(s, &a, e);
	free(d);
	return rc;
}

const char *audit_target(char out[AUDIT_TARGET_MAX], const char *kind,
			 int64_t id)
{
	snprintf(out, AUDIT_TARGET_MAX, "%s:%lld", kind, (long long)id);
	return out;
}

/* ---- the signed head ---- */

/* The text a head's signature covers. */
static int anchor_message(char *out, size_t n, const char *key_id,
			  int64_t seq, const char *hash, int64_t at)
{
	return snprintf(out, n,
			"guanai-audit-head 1\nkey %s\nseq %lld\nhash %s\n"
			"at %lld\n",
			key_id, (long long)seq, hash, (long long)at);
}

int audit_anchor_format(const audit_key *k, int64_t seq, const char *hash,
			int64_t at, char *out, size_t n)
{
	if (!k)
		return ERR_INVALID;
	char msg[512], hex[AUDIT_SIG_HEX];
	unsigned char sig[crypto_sign_BYTES];
	int len = anchor_message(msg, sizeof msg, k->id, seq, hash, at);
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg,
			     (unsigned long long)len, k->sk);
	sodium_bin2hex(hex, sizeof hex, sig, sizeof sig);
	snprintf(out, n,
		 "# guanai 审计日志头（已签名）：请保存在数据库所在机器之外；"
		 "校验: guanai audit verify --db … --anchor 此文件\n%ssig %s\n",
		 msg, hex);
	return 0;
}

static int anchor_bad(err *e, const char *why)
{
	return err_set(e, ERR_INVALID, "anchor_bad", "锚点文件无效：%s", why);
}

/* A hex field of exactly `len` digits into out. */
static int hex_field(const char *v, size_t len, char *out)
{
	if (strlen(v) != len)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = v[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
	}
	memcpy(out, v, len + 1);
	return 0;
}

static int int_field(const char *v, int64_t min, int64_t *out)
{
	char *end;
	errno = 0;
	long long x = strtoll(v, &end, 10);
	if (errno || *end || end == v || x < min || v[0] == '+')
		return -1;
	*out = x;
	return 0;
}

int audit_anchor_parse(const char *text, size_t len, audit_anchor *out,
		       err *e)
{
	char buf[KEY_FILE_MAX + 1];
	if (len > KEY_FILE_MAX)
		return anchor_bad(e, "文件过大");
	if (memchr(text, '\0', len))
		return anchor_bad(e, "含有非法字符");
	memcpy(buf, text, len);
	buf[len] = '\0';
	memset(out, 0, sizeof *out);
	unsigned seen = 0;
	char *p = buf, *line;
	while ((line = next_line(&p))) {
		if (!line[0] || line[0] == '#')
			continue;
		unsigned bit;
		int bad;
		if (!(seen & 1)) {
			bit = 1;
			bad = strcmp(line, "guanai-audit-head 1") != 0;
		} else if (strncmp(line, "key ", 4) == 0) {
			bit = 2;
			bad = hex_field(line + 4, AUDIT_KEY_ID_HEX - 1,
					out->key_id);
		} else if (strncmp(line, "seq ", 4) == 0) {
			bit = 4;
			bad = int_field(line + 4, 0, &out->seq);
		} else if (strncmp(line, "hash ", 5) == 0) {
			bit = 8;
			bad = hex_field(line + 5, AUDIT_HASH_HEX - 1, out->hash);
		} else if (strncmp(line, "at ", 3) == 0) {
			bit = 16;
			bad = int_field(line + 3, 0, &out->at);
		} else if (strncmp(line, "sig ", 4) == 0) {
			bit = 32;
			bad = hex_field(line + 4, AUDIT_SIG_HEX - 1, out->sig);
		} else {
			return anchor_bad(e, "含有无法识别的行");
		}
		if (bad || (seen & bit))
			return anchor_bad(e, bit == 1 ? "不是 guanai 审计日志头"
						      : "字段格式错误或重复");
		seen |= bit;
	}
	if (seen != 63)
		return anchor_bad(e, "字段不全");
	return 0;
}

/* Checks a signed head against the key and the log (inside the caller's
 * snapshot); a problem goes to c. */
static int anchor_check(store *s, const audit_key *k, const audit_anchor *an,
			audit_check *c, err *e)
{
	char msg[512], hash[AUDIT_HASH_HEX];
	unsigned char sig[crypto_sign_BYTES];
	int len = anchor_message(msg, sizeof msg, an->key_id, an->seq, an->hash,
				 an->at);
	if (strcmp(an->key_id, k->id) != 0) {
		snprintf(c->why, sizeof c->why,
			 "锚点不是用此数据库的审计密钥签名的");
		return 1;
	}
	if (sodium_hex2bin(sig, sizeof sig, an->sig, strlen(an->sig), NULL,
			   NULL, NULL) != 0 ||
	    crypto_sign_verify_detached(sig, (const unsigned char *)msg,
					(unsigned long long)len, k->pk) != 0) {
		snprintf(c->why, sizeof c->why,
			 "锚点的签名无效：锚点文件被改动或伪造");
		return 1;
	}
	int rc = an->seq == 0 ? 0 : audit_store_hash_of(s, an->seq, hash, e);
	if (rc == ERR_NOTFOUND) {
		c->bad_seq = an->seq;
		c->at_entry = 1;
		snprintf(c->why, sizeof c->why,
			 "锚定的第 %lld 条记录已不存在：日志被截断（或被换成了"
			 "较早的副本）",
			 (long long)an->seq);
		return 1;
	}
	if (rc)
		return rc;
	if (an->seq && strcmp(hash, an->hash) != 0) {
		c->bad_seq = an->seq;
		c->at_entry = 1;
		snprintf(c->why, sizeof c->why,
			 "锚定的第 %lld 条记录与锚点不符：日志链从此处或更早被重建",
			 (long long)an->seq);
		return 1;
	}
	return 0;
}

/* ---- verification ---- */

/* Walks the entries; the first that does not hold goes to c (returns 0
 * either way, or an error of the store). */
static int walk(store *s, const audit_key *k, audit_check *c, char *prev,
		int64_t *last, err *e)
{
	int64_t expect = 1;
	/* Start below any seq: a forged row numbered 0 or less must be read
	 * too, not skipped. */
	*last = INT64_MIN;
	for (;;) {
		store_res *r;
		int rc = audit_store_page(s, *last, 2000, &r, e);
		if (rc)
			return rc;
		int rows = store_res_rows(r);
		for (int i = 0; i < rows; i++) {
			audit_link_row l;
			store_res_row(r, i, audit_store_link_cols, &l);
			audit_entry a = l.a;
			const char *stored_prev = l.prev_hash;
			const char *stored = l.hash;
			char h[AUDIT_HASH_HEX];
			entry_link(k, &a, prev, h);
			const char *problem = NULL;
			if (a.seq != expect)
				problem = a.seq > expect
						  ? "序号不连续：有记录被删除"
						  : "序号重复或乱序";
			else if (!stored_prev || strcmp(stored_prev, prev))
				problem = "与前一条记录的哈希链不符：记录被删除、插入或调换";
			else if (!stored || strcmp(stored, h))
				problem = k && a.seq >= k->start
						  ? "内容与密钥校验值不符：记录被修改，"
						    "或其后的哈希链被重新计算"
						  : "内容与哈希不符：记录被修改";
			if (problem) {
				c->broken = 1;
				c->bad_seq = a.seq > expect ? expect : a.seq;
				c->at_entry = 1;
				snprintf(c->why, sizeof c->why, "%s", problem);
				store_res_free(r);
				return 0;
			}
			memcpy(prev, stored, AUDIT_HASH_HEX);
			*last = a.seq;
			expect++;
			c->checked++;
		}
		store_res_free(r);
		if (rows < 2000)
			break;
	}
	if (*last == INT64_MIN)
		*last = 0;
	return 0;
}

/* The head against the last entry, the key's record and the head's MAC. */
static int head_check(store *s, const audit_key *k, int64_t last,
		      const char *prev, audit_check *c, err *e)
{
	audit_store_head_row h;
	int rc = audit_store_head(s, &h, e);
	if (rc)
		return rc;
	c->head_seq = h.seq;
	snprintf(c->head_hash, sizeof c->head_hash, "%s", h.hash);
	const char *problem = NULL;
	if (!k && h.key_id[0])
		return err_set(e, ERR_INVALID, "audit_key_missing",
			       "数据库的审计日志使用密钥，校验须有审计密钥文件");
	if (h.seq != last || strcmp(h.hash, prev) != 0)
		problem = h.seq > last ? "日志末尾的记录被删除"
				       : "日志头与最后一条记录不符";
	else if (k && strcmp(h.key_id, k->id) != 0)
		problem = "数据库记录的审计密钥与密钥文件不符：密钥记录被清除或改动";
	else if (k && h.seq < k->start - 1)
		problem = "日志短于密钥启用时的长度：日志被截断";
	if (!problem && k) {
		char mac[AUDIT_HASH_HEX];
		head_mac(k, h.seq, h.hash, mac);
		if (strcmp(mac, h.mac) != 0)
			problem = "日志头的密钥校验值不符：日志头被改写"
				  "（末尾的记录可能被删除）";
	}
	if (problem) {
		c->broken = 1;
		c->bad_seq = last + 1;
		c->at_entry = 1;
		snprintf(c->why, sizeof c->why, "%s", problem);
	}
	return 0;
}

static int verify_snapshot(store *s, const audit_key *k,
			   const audit_anchor *anchor, audit_check *c, err *e)
{
	char prev[AUDIT_HASH_HEX];
	int64_t last;
	memset(prev, '0', AUDIT_HASH_HEX - 1);
	prev[AUDIT_HASH_HEX - 1] = '\0';
	int rc = walk(s, k, c, prev, &last, e);
	if (rc == 0 && !c->broken)
		rc = head_check(s, k, last, prev, c, e);
	if (rc == 0 && !c->broken && anchor) {
		rc = anchor_check(s, k, anchor, c, e);
		if (rc == 1) {
			c->broken = 1;
			rc = 0;
		}
	}
	int ok = 1;
	char why[200];
	if (rc == 0 &&
	    (rc = store_migrate_check_guards(s, &ok, why, sizeof why, e)) == 0 &&
	    !ok) {
		size_t n = strlen(c->why);
		snprintf(c->why + n, sizeof c->why - n, "%s%s",
			 c->broken ? "；另外，" : "", why);
		c->broken = 1;
	}
	return rc;
}

typedef struct verify_job {
	const audit_key *k;
	const audit_anchor *anchor;
	audit_check *c;
} verify_job;

static int verify_work(store *s, void *arg, err *e)
{
	verify_job *v = arg;
	return verify_snapshot(s, v->k, v->anchor, v->c, e);
}

int audit_verify(store *s, const audit_anchor *anchor, audit_check *c,
		 err *e)
{
	const audit_key *k = store_audit_key(s);
	memset(c, 0, sizeof *c);
	if (anchor && !k)
		return err_set(e, ERR_INVALID, "audit_key_missing",
			       "校验锚点须有审计密钥文件");
	c->keyed = k != NULL;
	c->key_start = k ? k->start : 0;
	/* One snapshot: a server appending meanwhile would otherwise move
	 * the head past the last entry read, like a cut tail. */
	verify_job v = { k, anchor, c };
	return store_tx_read(s, verify_work, &v, e);
}


typedef struct alone_entry {
	const actor *who;
	const char *action, *region_code;
	json_t *detail;
} alone_entry;

static int alone_work(store *s, void *arg, err *e)
{
	alone_entry *x = arg;
	json_t *d = x->detail;
	x->detail = NULL;	/* taken by audit_record, even on failure */
	return audit_record(s, x->who, x->action, NULL, x->region_code, d, e);
}

int audit_record_alone(store *s, const actor *who, const char *action,
		       const char *region_code, json_t *detail, err *e)
{
	alone_entry x = { who, action, region_code, detail };
	int rc = store_tx(s, alone_work, &x, e);
	json_decref(x.detail);	/* when the transaction never began */
	return rc;
}

/* Every action the log holds, named as its readers know it (issue #19). */
static const struct {
	const char *code, *label;
} audit_actions[] = {
	{ "login", "登录" },
	{ "login_failed", "登录失败" },
	{ "logout", "退出登录" },
	{ "password_change", "修改密码" },
	{ "user_create", "新增用户" },
	{ "user_update", "修改用户" },
	{ "user_password_reset", "重置密码" },
	{ "user_unlock", "解锁账号" },
	{ "region_create", "新增区划" },
	{ "region_exempt", "标记无需配备儿童主任和儿童之家" },
	{ "region_unexempt", "取消无需配备标记" },
	{ "demo_generate", "生成演示数据" },
	{ "child_read", "查看儿童档案" },
	{ "identity_reveal", "查看完整证件号码" },
	{ "child_offline_sync", "下载本村档案到手机" },
	{ "child_create", "新增儿童档案" },
	{ "child_update", "修改儿童档案" },
	{ "child_confirm", "确认儿童类别" },
	{ "child_exit", "儿童退出" },
	{ "child_export", "导出儿童名册" },
	{ "child_import", "导入儿童档案" },
	{ "visit_create", "登记走访" },
	{ "transfer_create", "发起迁移" },
	{ "transfer_accept", "接收迁移" },
	{ "transfer_reject", "退回迁移" },
	{ "staff_create", "登记工作人员" },
	{ "staff_update", "修改工作人员" },
	{ "staff_leave", "工作人员离岗" },
	{ "training_create", "登记培训" },
	{ "training_result", "登记培训结果" },
	{ "certificate_issue", "发放证书" },
	{ "certificate_revoke", "撤销证书" },
	{ "campaign_create", "新建工作任务" },
	{ "platform_create", "登记服务阵地" },
	{ "platform_update", "修改服务阵地" },
	{ "activity_create", "登记阵地活动" },
	{ "child_count_set", "填报村儿童数" },
	{ "label_words_set", "设置标签化字样" },
	{ "case_report", "强制报告" },
	{ "case_accept", "受理个案" },
	{ "case_emergency", "应急处置" },
	{ "case_assessment", "评估" },
	{ "case_plan", "制定帮扶计划" },
	{ "case_referral", "转介" },
	{ "case_referral_answer", "转介回复" },
	{ "case_intervention", "监护干预" },
	{ "case_close", "结案" },
	{ "case_escalate", "超时未受理，逐级上报" },
	{ "case_limits_set", "设置个案时限" },
	{ "child_verify", "季度核实" },
	{ "quarter_signoff", "季度审核签字" },
	{ "quarter_due_set", "设置核实截止日" },
	{ "woman_create", "登记留守妇女" },
	{ "woman_update", "修改留守妇女信息" },
	{ "woman_service", "登记关爱服务" },
	{ "woman_export", "导出留守妇女名册" },
	{ "dashboard_export", "导出统计概览" },
	{ "report_export", "导出统计报表" },
	{ "campaign_export", "导出任务进度" },
	{ "coverage_export", "导出配备覆盖" },
	{ "compliance_export", "导出五有达标" },
	{ "export_request", "申请导出" },
	{ "export_approve", "批准导出" },
	{ "export_reject", "驳回导出" },
	{ "export_download", "下载导出文件" },
	{ "export_settings_set", "设置导出审批" },
	{ "audit_export", "导出审计日志" },
	{ "access_denied", "拒绝访问（计数）" },
	{ "child_search", "查询儿童（计数）" },
	{ "child_history_read", "查看档案历史（计数）" },
	{ "visit_read", "查看走访记录（计数）" },
	{ "tally_overflow", "计数溢出" },
};

const char *audit_action_label(const char *action)
{
	for (size_t i = 0; i < sizeof audit_actions / sizeof *audit_actions;
	     i++)
		if (action && !strcmp(audit_actions[i].code, action))
			return audit_actions[i].label;
	return NULL;
}

json_t *audit_action_codes(void)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof audit_actions / sizeof *audit_actions;
	     i++)
		json_array_append_new(a, json_pack("{s:s, s:s}", "code",
						   audit_actions[i].code,
						   "label",
						   audit_actions[i].label));
	return a;
}

/* The kinds of record an entry's target names ("child:12"). */
static const struct {
	const char *code, *label;
} audit_targets[] = {
	{ "user", "用户" },	    { "child", "儿童档案" },
	{ "case", "个案" },	    { "platform", "服务阵地" },
	{ "staff", "工作人员" },    { "woman", "留守妇女" },
	{ "quarter", "季度" },	    { "export", "导出申请" },
	{ "training", "培训" },	    { "campaign", "工作任务" },
	{ "transfer", "迁移" },
};

void audit_codes_json(json_t *out)
{
	json_object_set_new(out, "audit_action", audit_action_codes());
	json_t *t = json_array();
	for (size_t i = 0; i < sizeof audit_targets / sizeof *audit_targets;
	     i++)
		json_array_append_new(t, json_pack("{s:s, s:s}", "code",
						   audit_targets[i].code,
						   "label",
						   audit_targets[i].label));
	json_object_set_new(out, "audit_target", t);
}
