#include "domain/core/account.h"

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/core/audit.h"
#include "domain/core/perm.h"
#include "domain/core/pwpolicy.h"
#include "domain/core/throttle.h"
#include "store/user_store.h"
#include "util/mem.h"
#include "util/text.h"

/* The names of the roles are the store's (user_store.c): what a user
 * row holds and the API shows. */
static const struct {
	role r;
	const char *label;
	int level;
} roles[] = {
	{ ROLE_ADMIN, "系统管理员", 0 },
	{ ROLE_PROVINCE, "省级民政干部", REGION_PROVINCE },
	{ ROLE_CITY, "市级民政干部", REGION_CITY },
	{ ROLE_COUNTY, "县级民政干部", REGION_COUNTY },
	{ ROLE_SUPERVISOR, "儿童督导员", REGION_TOWNSHIP },
	{ ROLE_DIRECTOR, "儿童主任", REGION_VILLAGE },
	{ ROLE_AUDITOR, "审计员", 0 },
	{ ROLE_SECURITY_ADMIN, "安全管理员", 0 },
	{ ROLE_AUDIT_ADMIN, "审计管理员", 0 },
};

role account_role_parse(const char *s)
{
	return user_store_role_parse(s);
}

const char *account_role_name(role r)
{
	return user_store_role_name(r);
}

const char *account_role_label(role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (roles[i].r == r)
			return roles[i].label;
	return "";
}

int account_role_level(role r)
{
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
		if (roles[i].r == r)
			return roles[i].level;
	return 0;
}

void account_codes_json(json_t *out)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sizeof roles / sizeof *roles; i++) {
		const char *lvl = region_level_name(roles[i].level);
		json_array_append_new(
			a, json_pack("{s:s, s:s, s:o}", "code",
				     account_role_name(roles[i].r),
				     "label", roles[i].label, "level",
				     lvl ? json_string(lvl) : json_null()));
	}
	json_object_set_new(out, "role", a);
}

/* ---- passwords ---- */

int account_password_check(const char *pw, err *e)
{
	return pwpolicy_shape(pw, e);
}

void account_otp(char out[ACCOUNT_OTP_LEN + 1])
{
	/* No look-alike characters (0/O, 1/l/I): it is read off a screen
	 * and typed on a phone. */
	static const char *const sets[] = { "ABCDEFGHJKLMNPQRSTUVWXYZ",
					    "abcdefghijkmnpqrstuvwxyz",
					    "23456789", "@#%+=?" };
	for (int i = 0; i < ACCOUNT_OTP_LEN; i++) {
		const char *set = sets[i < 4 ? (uint32_t)i : randombytes_uniform(3)];
		out[i] = set[randombytes_uniform((uint32_t)strlen(set))];
	}
	/* Shuffle so the guaranteed classes are not always first. */
	for (int i = ACCOUNT_OTP_LEN - 1; i > 0; i--) {
		int j = (int)randombytes_uniform((uint32_t)i + 1);
		char t = out[i];
		out[i] = out[j];
		out[j] = t;
	}
	out[ACCOUNT_OTP_LEN] = '\0';
}

static int password_hash(const char *pw, char out[crypto_pwhash_STRBYTES],
			 err *e)
{
	if (crypto_pwhash_str_alg(out, pw, strlen(pw),
				  crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return err_set(e, ERR_INTERNAL, "internal",
			       "密码处理失败（内存不足）");
	return 0;
}

int account_cfg_init(account_cfg *cfg, err *e)
{
	char pw[ACCOUNT_OTP_LEN + 1];
	_Static_assert(sizeof cfg->dummy_hash >= crypto_pwhash_STRBYTES,
		       "dummy hash buffer");
	memset(cfg, 0, sizeof *cfg);
	cfg->session_idle = 30 * 60;
	cfg->session_max = ACCOUNT_SESSION_MAX;
	throttle_cfg_init(&cfg->thr);
	account_otp(pw);
	int rc = password_hash(pw, cfg->dummy_hash, e);
	return rc ? rc : pwpolicy_new(&cfg->pw, e);
}

void account_cfg_free(account_cfg *cfg)
{
	pwpolicy_free(cfg->pw);
	cfg->pw = NULL;
}

int account_cfg_load(account_cfg *cfg, store *s, err *e)
{
	return throttle_cfg_load_key(&cfg->thr, s, e);
}

/* ---- writes ---- */

/* What the transaction of a change to a user needs: each operation's
 * work below reads the fields it uses.  Every entry names the account
 * ("user:id", its username in the detail) and lies in its region; a
 * failed login of a name nobody has names nothing. */
typedef struct user_tx {
	const actor *who;
	const account_cfg *cfg;
	user *u;		/* the account written */
	const user *before;	/* account_update: the account as it was */
	const char *hash;	/* a new password's hash */
	const char *token_hash;	/* a session's */
	const char *csrf;
	const char *typed;	/* the username as typed (a failed login) */
	const char *reason;	/* a failed login's */
	throttle_result tr;	/* a failed login's counters */
} user_tx;

/* ---- managing users ---- */

static int check_username(const char *u, err *e)
{
	size_t n = u ? strlen(u) : 0;
	if (n < 3 || n > 32)
		goto bad;
	for (const char *p = u; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		      *p == '-'))
			goto bad;
	return 0;
bad:
	return err_field(e, ERR_INVALID, "invalid_field", "username",
			 "用户名应为3至32位字母、数字或 _ . -");
}

/* May `who` act on users at all, and grant `r`? */
static int check_manager(const actor *who, err *e)
{
	if (!perm_allows(who, PERM_USER_MANAGE))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色无权管理用户");
	return 0;
}

static int check_grant(const actor *who, role r, err *e)
{
	if (r == ROLE_NONE)
		return err_field(e, ERR_INVALID, "invalid_field", "role",
				 "角色无效");
	if (who->u && !perm_may_grant(who->u->role, r))
		return err_field(e, ERR_FORBIDDEN, "forbidden", "role",
				 "您的角色不能授予%s角色",
				 account_role_label(r));
	return 0;
}

/* Resolves the region for a role: in the actor's scope, at the level the
 * role demands. */
static int role_region(store *s, const actor *who, role r, const char *in,
		       region *out, err *e)
{
	int rc = region_resolve(s, who->u ? who->u->region : NULL, in, out, e);
	if (rc) {
		if (e && e->code == ERR_INVALID)
			snprintf(e->field, sizeof e->field, "region_code");
		return rc;
	}
	int need = account_role_level(r);
	if (need && out->level != need)
		return err_field(e, ERR_INVALID, "invalid_field", "region_code",
				 "%s的管辖区划应为%s级", account_role_label(r),
				 region_level_label(need));
	return 0;
}

static int create_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = user_store_insert(s, x->u, x->hash, e);
	return rc ? rc
		  : audit_record(s, x->who, "user_create",
				 audit_target(t, "user", x->u->id),
				 x->u->region,
				 json_pack("{s:s, s:s, s:s}", "role",
					   account_role_name(x->u->role),
					   "region_code", x->u->region,
					   "username", x->u->username),
				 e);
}

int account_create(store *s, const actor *who, const char *username,
		   const char *role_name, const char *region_in,
		   const char *display, user *out,
		   char otp[ACCOUNT_OTP_LEN + 1], err *e)
{
	int rc;
	role r = account_role_parse(role_name);
	region reg;
	if ((rc = check_manager(who, e)) || (rc = check_username(username, e)) ||
	    (rc = check_grant(who, r, e)) ||
	    (rc = role_region(s, who, r, region_in, &reg, e)))
		return rc;
	if (display && *display && !text_valid_name(display, 1, 40))
		return err_field(e, ERR_INVALID, "invalid_field", "display_name",
				 "姓名应为1至40个字符");
	char hash[crypto_pwhash_STRBYTES];
	account_otp(otp);
	if ((rc = password_hash(otp, hash, e)))
		return rc;
	user u = { .role = r, .must_change = 1, .created_at = who->now };
	snprintf(u.username, sizeof u.username, "%s", username);
	snprintf(u.display_name, sizeof u.display_name, "%s",
		 display ? display : "");
	snprintf(u.region, sizeof u.region, "%s", reg.code);
	user_tx x = { .who = who, .u = &u, .hash = hash };
	if ((rc = store_tx(s, create_work, &x, e)))
		return rc;
	*out = u;
	return 0;
}

int account_get(store *s, const actor *who, int64_t id, user *out, err *e)
{
	int rc = check_manager(who, e);
	if (rc)
		return rc;
	rc = user_store_by_id(s, id, out, NULL, 0, e);
	if (rc == 0 && who->u && !region_in_scope(who->u->region, out->region))
		return err_out_of_scope(e, out->region,
					"用户不存在或不在您的管辖范围内");
	if (rc == ERR_NOTFOUND)
		return err_set(e, ERR_NOTFOUND, "not_found",
			       "用户不存在或不在您的管辖范围内");
	return rc;
}

/* A manager acts only on users whose role it may grant: a reset or an
 * unlock hands over the account, so managing a role is granting it.  An
 * admin whose region lies in a county is thus out of that county
 * officer's reach, and nobody manages its own account here. */
static int check_target_rank(const actor *who, const user *t, err *e)
{
	if (who->u && !perm_may_grant(who->u->role, t->role))
		return err_set(e, ERR_FORBIDDEN, "forbidden",
			       "您的角色不能管理%s账号",
			       account_role_label(t->role));
	return 0;
}

/* What an update changed, each field as [before, after]. */
static json_t *update_detail(const user *before, const user *u)
{
	json_t *d = json_pack("{s:s}", "username", u->username);
	if (strcmp(before->display_name, u->display_name))
		json_object_set_new(d, "display_name",
				    json_pack("[s,s]", before->display_name,
					      u->display_name));
	if (before->role != u->role)
		json_object_set_new(d, "role",
				    json_pack("[s,s]",
					      account_role_name(before->role),
					      account_role_name(u->role)));
	if (strcmp(before->region, u->region))
		json_object_set_new(d, "region_code",
				    json_pack("[s,s]", before->region,
					      u->region));
	if (before->disabled != u->disabled)
		json_object_set_new(d, "disabled",
				    json_pack("[b,b]", before->disabled,
					      u->disabled));
	return d;
}

static int update_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	const user *b = x->before, *u = x->u;
	char t[AUDIT_TARGET_MAX];
	/* A scope or role change ends the user's sessions: they were
	 * granted under the old rights. */
	int ends = b->role != u->role || strcmp(b->region, u->region) ||
		   u->disabled;
	int rc = user_store_update(s, u, x->who->now, e);
	if (rc == 0 && ends)
		rc = session_store_delete_user(s, u->id, NULL, e);
	return rc ? rc
		  : audit_record(s, x->who, "user_update",
				 audit_target(t, "user", u->id), u->region,
				 update_detail(b, u), e);
}

int account_update(store *s, const actor *who, int64_t id,
		   const account_patch *p, user *out, err *e)
{
	user u;
	int rc = account_get(s, who, id, &u, e);
	if (rc || (rc = check_target_rank(who, &u, e)))
		return rc;
	user before = u;
	if (p->display_name) {
		if (*p->display_name && !text_valid_name(p->display_name, 1, 40))
			return err_field(e, ERR_INVALID, "invalid_field",
					 "display_name", "姓名应为1至40个字符");
		snprintf(u.display_name, sizeof u.display_name, "%s",
			 p->display_name);
	}
	if (p->role) {
		u.role = account_role_parse(p->role);
		if ((rc = check_grant(who, u.role, e)))
			return rc;
	}
	if (p->role || p->region) {
		region reg;
		if ((rc = role_region(s, who, u.role,
				      p->region ? p->region : u.region, &reg,
				      e)))
			return rc;
		snprintf(u.region, sizeof u.region, "%s", reg.code);
	}
	if (p->disabled >= 0) {
		if (who->u && who->u->id == u.id && p->disabled)
			return err_field(e, ERR_INVALID, "invalid_field",
					 "disabled", "不能停用自己的账号");
		u.disabled = p->disabled;
	}
	user_tx x = { .who = who, .u = &u, .before = &before };
	if ((rc = store_tx(s, update_work, &x, e)))
		return rc;
	*out = u;
	return 0;
}

static int reset_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = user_store_set_password(s, x->u->id, x->hash, 1,
					  x->who->now, e)) ||
	    (rc = session_store_delete_user(s, x->u->id, NULL, e)) ||
	    (rc = throttle_forget(s, &x->cfg->thr, "login", x->u->username,
				  e)))
		return rc;
	return audit_record(s, x->who, "user_password_reset",
			    audit_target(t, "user", x->u->id), x->u->region,
			    json_pack("{s:s}", "username", x->u->username), e);
}

int account_reset_password(store *s, const account_cfg *cfg,
			   const actor *who, int64_t id,
			   char otp[ACCOUNT_OTP_LEN + 1], err *e)
{
	user u;
	char hash[crypto_pwhash_STRBYTES];
	int rc = account_get(s, who, id, &u, e);
	if (rc || (rc = check_target_rank(who, &u, e)))
		return rc;
	account_otp(otp);
	if ((rc = password_hash(otp, hash, e)))
		return rc;
	user_tx x = { .who = who, .cfg = cfg, .u = &u, .hash = hash };
	return store_tx(s, reset_work, &x, e);
}

static int set_password_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = user_store_set_password(s, x->u->id, x->hash, 0,
					  x->who->now, e)) ||
	    (rc = user_store_pw_history_add(s, x->u->id, x->hash, x->who->now,
					    ACCOUNT_PW_HISTORY, e)))
		return rc;
	return audit_record(s, x->who, "user_password_reset",
			    audit_target(t, "user", x->u->id), x->u->region,
			    json_pack("{s:b, s:s}", "known_password", 1,
				      "username", x->u->username),
			    e);
}

int account_set_password(store *s, const actor *who, int64_t id,
			 const char *pw, err *e)
{
	user u;
	char hash[crypto_pwhash_STRBYTES];
	int rc = user_store_by_id(s, id, &u, NULL, 0, e);
	if (rc || (rc = account_password_check(pw, e)) ||
	    (rc = password_hash(pw, hash, e)))
		return rc;
	user_tx x = { .who = who, .u = &u, .hash = hash };
	return store_tx(s, set_password_work, &x, e);
}

static int unlock_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = user_store_clear_fails(s, x->u->id, e)) ||
	    (rc = throttle_forget(s, &x->cfg->thr, "login", x->u->username,
				  e)))
		return rc;
	return audit_record(s, x->who, "user_unlock",
			    audit_target(t, "user", x->u->id), x->u->region,
			    json_pack("{s:s}", "username", x->u->username), e);
}

int account_unlock(store *s, const account_cfg *cfg, const actor *who,
		   int64_t id, user *out, err *e)
{
	user u;
	int rc = account_get(s, who, id, &u, e);
	if (rc || (rc = check_target_rank(who, &u, e)))
		return rc;
	user_tx x = { .who = who, .cfg = cfg, .u = &u };
	if ((rc = store_tx(s, unlock_work, &x, e)))
		return rc;
	u.failed = 0;
	u.locked_until = 0;
	*out = u;
	return 0;
}

int account_list(store *s, const actor *who, const char *region_in,
		 const char *q, int64_t offset, int limit, user **out, int *n,
		 int64_t *total, err *e)
{
	int rc = check_manager(who, e);
	if (rc)
		return rc;
	const char *scope = who->u ? who->u->region : "";
	region reg;
	if (region_in) {
		if ((rc = region_resolve(s, who->u ? scope : NULL, region_in,
					 &reg, e)))
			return rc;
		scope = reg.code;
	}
	if (q && (strlen(q) > 64 || !text_is_utf8(q, strlen(q))))
		return err_field(e, ERR_INVALID, "invalid_query", "q",
				 "搜索词过长或编码错误");
	char lo[REGION_CODE_MAX], hi[REGION_CODE_MAX + 1];
	region_scope_range(scope, lo, hi);
	/* Admin and the CLI see everything: the empty prefix. */
	if (!*scope) {
		lo[0] = '\0';
		snprintf(hi, sizeof hi, ":");
	}
	return user_store_list(s, lo, hi, q && *q ? q : NULL, offset, limit,
			       out, n, total, e);
}

int account_by_username(store *s, const char *username, user *out, err *e)
{
	return user_store_by_name(s, username, out, NULL, 0, e);
}

/* ---- sessions ---- */

static void random_token(char out[ACCOUNT_TOKEN_MAX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, ACCOUNT_TOKEN_MAX, raw, sizeof raw,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static void token_hash(const char *token, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, (const unsigned char *)token, strlen(token));
	sodium_bin2hex(out, 65, h, sizeof h);
}

/* A failed login of x->u, NULL for a name nobody has: counted against
 * the name as typed and the address, the account shown as held back,
 * audited. */
static int fail_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	const throttle_cfg *thr = &x->cfg->thr;
	int64_t now = x->who->now;
	int rc = throttle_fail(s, thr, "login", x->typed, x->who->ip, now,
			       &x->tr, e);
	if (rc)
		return rc;
	int64_t mark = x->tr.pair_until;
	if (x->tr.slow && now + thr->window > mark)
		mark = now + thr->window;
	if (x->u && mark &&
	    (rc = user_store_mark_held(s, x->u->id, mark, e)))
		return rc;
	json_t *d = json_pack("{s:s}", "reason", x->reason);
	int64_t hold = x->tr.pair_until > x->tr.addr_until ? x->tr.pair_until
							   : x->tr.addr_until;
	if (hold > now)
		json_object_set_new(d, "held_seconds", json_integer(hold - now));
	if (!x->u) {
		/* What was typed may be anything, a password included: only
		 * its keyed hash, which tells repeated tries of one name
		 * apart and nothing else. */
		char h[THROTTLE_HASH_HEX];
		throttle_hash(thr, "audit", x->typed, h);
		json_object_set_new(d, "username_hash", json_string(h));
		return audit_record(s, x->who, "login_failed", NULL, NULL, d,
				    e);
	}
	/* A known account is named itself: not what was typed. */
	char t[AUDIT_TARGET_MAX];
	json_object_set_new(d, "username", json_string(x->u->username));
	return audit_record(s, x->who, "login_failed",
			    audit_target(t, "user", x->u->id), x->u->region, d,
			    e);
}

/* A wrong password, an unknown or a disabled user: counted, audited and
 * answered alike. */
static int login_failed(store *s, const account_cfg *cfg, user *u,
			const char *username, const char *reason,
			const char *ip, int64_t now, err *e)
{
	actor who = { .u = u, .ip = ip, .now = now };
	user_tx x = { .who = &who, .cfg = cfg, .u = u, .typed = username,
		      .reason = reason };
	int rc = store_tx(s, fail_work, &x, e);
	return rc ? rc
		  : err_set(e, ERR_UNAUTH, "invalid_credentials",
			    "用户名或密码错误");
}

static int login_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = throttle_pass(s, &x->cfg->thr, "login", x->typed,
				x->who->ip, e)) ||
	    (rc = session_store_insert(s, x->token_hash, x->u->id, x->csrf,
				       x->who->now, x->who->ip, e)))
		return rc;
	return audit_record(s, x->who, "login",
			    audit_target(t, "user", x->u->id), x->u->region,
			    json_pack("{s:s}", "username", x->u->username), e);
}

int account_login(store *s, const account_cfg *cfg, const char *username,
		  const char *password, const char *ip, int64_t now,
		  session *out, err *e)
{
	/* Before anything else, so that a held address learns nothing and
	 * costs no hashing. */
	int rc = throttle_check(s, &cfg->thr, "login", username, ip, now, e);
	if (rc)
		return rc;
	user u;
	char pw[crypto_pwhash_STRBYTES];
	int found = user_store_by_name(s, username, &u, pw, sizeof pw, NULL) ==
		    0;
	/* An unknown name costs a real verification too: the time of the
	 * answer does not tell names apart. */
	int ok = crypto_pwhash_str_verify(found ? pw : cfg->dummy_hash,
					  password, strlen(password)) == 0;
	if (!found || !ok || u.disabled)
		return login_failed(s, cfg, found ? &u : NULL, username,
				    !found      ? "unknown_user"
				    : u.disabled ? "disabled"
						 : "wrong_password",
				    ip, now, e);
	actor who = { .u = &u, .ip = ip, .now = now };
	memset(out, 0, sizeof *out);
	random_token(out->token);
	random_token(out->csrf);
	char th[65];
	token_hash(out->token, th);
	user_tx x = { .who = &who, .cfg = cfg, .u = &u, .typed = username,
		      .token_hash = th, .csrf = out->csrf };
	if ((rc = store_tx(s, login_work, &x, e)))
		return rc;
	out->u = u;
	return 0;
}

int account_session(store *s, const account_cfg *cfg, const char *token,
		    int64_t now, session *out, err *e)
{
	char th[65];
	int64_t created = 0, last = 0;
	if (!token || strlen(token) >= ACCOUNT_TOKEN_MAX)
		goto unauth;
	token_hash(token, th);
	int rc = session_store_get(s, th, out, &created, &last, e);
	if (rc == ERR_NOTFOUND)
		goto unauth;
	if (rc)
		return rc;
	/* Used or not, a session ends session_max after its login: a
	 * stolen cookie is not good forever for being used. */
	if (out->u.disabled || now - last > cfg->session_idle ||
	    now - created >= cfg->session_max) {
		session_store_delete(s, th, NULL);
		goto unauth;
	}
	/* Refresh at most once a minute (sooner for short timeouts): a
	 * write per request would serialise every reader behind SQLite's
	 * write lock. */
	int64_t every = cfg->session_idle / 4 < 60 ? cfg->session_idle / 4 : 60;
	if (now - last >= every)
		session_store_touch(s, th, now, NULL);
	return 0;
unauth:
	return err_set(e, ERR_UNAUTH, "unauthenticated", "未登录或登录已过期");
}

static int logout_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	char t[AUDIT_TARGET_MAX];
	int rc = session_store_delete(s, x->token_hash, e);
	return rc ? rc
		  : audit_record(s, x->who, "logout",
				 audit_target(t, "user", x->u->id),
				 x->u->region,
				 json_pack("{s:s}", "username",
					   x->u->username),
				 e);
}

int account_logout(store *s, const session *se, const char *ip, int64_t now,
		   err *e)
{
	char th[65];
	user u = se->u;
	actor who = { .u = &se->u, .ip = ip, .now = now };
	token_hash(se->token, th);
	user_tx x = { .who = &who, .u = &u, .token_hash = th };
	return store_tx(s, logout_work, &x, e);
}

/* Is `pw` one of the user's recent passwords?  Each hash has its own
 * salt: every one is verified. */
static int reused(store *s, int64_t id, const char *pw, int *yes, err *e)
{
	store_res *r;
	int rc = user_store_pw_history(s, id, ACCOUNT_PW_HISTORY, &r, e);
	if (rc)
		return rc;
	*yes = 0;
	for (int i = 0; i < store_res_rows(r) && !*yes; i++) {
		store_text_row h;
		store_res_row(r, i, store_text_cols, &h);
		*yes = crypto_pwhash_str_verify(h.text, pw, strlen(pw)) == 0;
	}
	store_res_free(r);
	return 0;
}

/* A wrong old password: a failed login of the session's user, which
 * holds back only this name from this address. */
static int wrong_old_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	int64_t now = x->who->now;
	char t[AUDIT_TARGET_MAX];
	int rc = throttle_fail(s, &x->cfg->thr, "login", x->u->username,
			       x->who->ip, now, &x->tr, e);
	if (rc || (x->tr.pair_until &&
		   (rc = user_store_mark_held(s, x->u->id, x->tr.pair_until,
					      e))))
		return rc;
	json_t *d = json_pack("{s:s, s:s}", "reason", "wrong_old_password",
			      "username", x->u->username);
	if (x->tr.pair_until > now)
		json_object_set_new(d, "held_seconds",
				    json_integer(x->tr.pair_until - now));
	return audit_record(s, x->who, "login_failed",
			    audit_target(t, "user", x->u->id), x->u->region, d,
			    e);
}

static int change_work(store *s, void *arg, err *e)
{
	user_tx *x = arg;
	const user *u = x->u;
	int64_t now = x->who->now;
	char t[AUDIT_TARGET_MAX];
	int rc;
	if ((rc = user_store_set_password(s, u->id, x->hash, 0, now, e)) ||
	    (rc = user_store_pw_history_add(s, u->id, x->hash, now,
					    ACCOUNT_PW_HISTORY, e)) ||
	    (rc = session_store_delete_user(s, u->id, x->token_hash, e)) ||
	    (rc = throttle_pass(s, &x->cfg->thr, "login", u->username,
				x->who->ip, e)))
		return rc;
	return audit_record(s, x->who, "password_change",
			    audit_target(t, "user", u->id), u->region,
			    json_pack("{s:s}", "username", u->username), e);
}

int account_change_password(store *s, const account_cfg *cfg,
			    const session *se, const char *token,
			    const char *old_pw, const char *new_pw,
			    const char *ip, int64_t now, user *out, err *e)
{
	user u;
	char pw[crypto_pwhash_STRBYTES], hash[crypto_pwhash_STRBYTES], th[65];
	/* Guessing the old password through a session is guessing a
	 * login: the same counters. */
	int rc = throttle_check(s, &cfg->thr, "login", se->u.username, ip, now,
				e);
	if (rc || (rc = user_store_by_id(s, se->u.id, &u, pw, sizeof pw, e)))
		return rc;
	actor who = { .u = &u, .ip = ip, .now = now };
	if (crypto_pwhash_str_verify(pw, old_pw, strlen(old_pw)) != 0) {
		/* Someone holding the session guesses the password: audited
		 * as the failed login it amounts to. */
		user_tx x = { .who = &who, .cfg = cfg, .u = &u };
		if ((rc = store_tx(s, wrong_old_work, &x, e)))
			return rc;
		return err_field(e, ERR_FORBIDDEN, "wrong_password",
				 "old_password", "原密码不正确");
	}
	if (strcmp(old_pw, new_pw) == 0)
		return err_field(e, ERR_INVALID, "password_reused",
				 "new_password", "新密码不能与原密码相同");
	if ((rc = pwpolicy_check(cfg->pw, new_pw, u.username, old_pw, e)))
		return rc;
	int again = 0;
	if ((rc = reused(s, u.id, new_pw, &again, e)))
		return rc;
	if (again)
		return err_field(e, ERR_INVALID, "password_reused",
				 "new_password",
				 "新密码不能与最近%d次使用过的密码相同",
				 ACCOUNT_PW_HISTORY);
	if ((rc = password_hash(new_pw, hash, e)))
		return rc;
	token_hash(token, th);
	user_tx x = { .who = &who, .cfg = cfg, .u = &u, .hash = hash,
		      .token_hash = th };
	if ((rc = store_tx(s, change_work, &x, e)))
		return rc;
	u.must_change = 0;
	u.failed = 0;
	u.locked_until = 0;
	*out = u;
	return 0;
}
