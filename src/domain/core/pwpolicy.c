#include "domain/core/pwpolicy.h"

#include <ctype.h>
#include <pthread.h>
#include <pwquality.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/text.h"

struct pwpolicy {
	pwquality_settings_t *pwq;
	/* cracklib keeps the dictionary block it read last in static
	 * buffers: two checks at once would read each other's. */
	pthread_mutex_t mu;
};

static int weak(err *e, const char *msg)
{
	return err_field(e, ERR_INVALID, "weak_password", "new_password", "%s",
			 msg);
}

/* ---- 1. the shape ---- */

int pwpolicy_shape(const char *pw, err *e)
{
	size_t n = strlen(pw);
	if (n > 128 || !text_is_utf8(pw, n))
		return weak(e, "密码最长128个字符");
	int up = 0, lo = 0, dg = 0, sym = 0;
	for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			up = 1;
		else if (*p >= 'a' && *p <= 'z')
			lo = 1;
		else if (*p >= '0' && *p <= '9')
			dg = 1;
		else if (*p < 0x20 || *p == 0x7F)
			return weak(e, "密码不能含控制字符");
		else
			sym = 1;
	}
	if (text_utf8_len(pw) < 8 || up + lo + dg + sym < 3)
		return weak(e, "密码至少8位，且包含大写字母、小写字母、数字、"
			       "符号中的至少三类");
	return 0;
}

/* ---- 2. guessable ---- */

/* The words people put a few digits and a symbol around: the system's
 * own name (the demo password is Guanai@2018), the admin's, the
 * keyboard's, and the place's. */
static const char *const common_words[] = {
	"guanai",   "admin",   "administrator", "password", "passwd",
	"passw",    "pass",    "welcome",	"qwerty",   "qwert",
	"qwer",	    "asdf",    "asdfgh",	"asdfghjkl", "zxcv",
	"zxcvbn",   "root",    "test",		"user",	    "guest",
	"login",    "letmein", "abc",		"abcd",	    "abcde",
	"abcdef",   "iloveyou", "woaini",	"mima",	    "china",
	"jilin",    "changchun", "zhongguo",	"system",   "manager",
	"super",    "superadmin",
};

static int is_common(const char *w)
{
	for (size_t i = 0; i < sizeof common_words / sizeof *common_words; i++)
		if (strcmp(w, common_words[i]) == 0)
			return 1;
	return 0;
}

/* A common word of four letters or more with fewer than four other
 * letters beside it (Welcome@2024, guanai#2025X, MyAdmin#1): the word is
 * the first guess, the rest is digits and symbols a guesser tries next. */
static int mostly_common(const char *letters)
{
	size_t n = strlen(letters);
	for (size_t i = 0; i < sizeof common_words / sizeof *common_words; i++) {
		size_t w = strlen(common_words[i]);
		if (w >= 4 && n - w < 4 && n >= w &&
		    strstr(letters, common_words[i]))
			return 1;
	}
	return 0;
}

/* A digit or symbol written for the letter it looks like (P@ssw0rd). */
static int leet(int c)
{
	switch (c) {
	case '0': return 'o';
	case '1': return 'i';
	case '3': return 'e';
	case '4': return 'a';
	case '5': return 's';
	case '7': return 't';
	case '@': return 'a';
	case '$': return 's';
	default: return 0;
	}
}

int pwpolicy_guessable(const char *pw, const char *username, err *e)
{
	size_t n = strlen(pw);
	if (n > 128)
		return weak(e, "密码最长128个字符");
	char lower[129], letters[129], core[129];
	size_t nl = 0;
	for (size_t i = 0; i < n; i++) {
		lower[i] = (char)tolower((unsigned char)pw[i]);
		if (isalpha((unsigned char)pw[i]))
			letters[nl++] = lower[i];
	}
	lower[n] = '\0';
	letters[nl] = '\0';
	size_t un = username ? strlen(username) : 0;
	if (un >= 3) {
		char u[64];
		snprintf(u, sizeof u, "%s", username);
		for (char *p = u; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (strstr(lower, u))
			return weak(e, "密码不能包含用户名");
	}
	/* The word between the digits and symbols at either end, with
	 * look-alike digits read back as letters. */
	size_t a = 0, b = n;
	while (a < n && !isalpha((unsigned char)pw[a]))
		a++;
	while (b > a && !isalpha((unsigned char)pw[b - 1]))
		b--;
	size_t nc = 0;
	for (size_t i = a; i < b; i++) {
		int c = isalpha((unsigned char)pw[i]) ? lower[i]
						       : leet((unsigned char)pw[i]);
		core[nc++] = c ? (char)c : '#';
	}
	core[nc] = '\0';
	if (is_common(letters) || is_common(core) || mostly_common(letters) ||
	    mostly_common(core))
		return weak(e, "密码过于常见（常用词或系统名加数字、符号，"
			       "如 Admin@123、P@ssw0rd），容易被猜到，请换一个");
	return 0;
}

/* ---- 3. libpwquality ---- */

static const char *pwq_message(int rc)
{
	switch (rc) {
	case PWQ_ERROR_CRACKLIB_CHECK:
	case PWQ_ERROR_BAD_WORDS:
		return "密码过于简单或基于常见单词，容易被猜到，请换一个";
	case PWQ_ERROR_USER_CHECK:
		return "密码不能包含用户名";
	case PWQ_ERROR_GECOS_CHECK:
		return "密码不能包含姓名";
	case PWQ_ERROR_MIN_LENGTH:
		return "密码至少8位";
	case PWQ_ERROR_PALINDROME:
		return "密码不能是回文";
	case PWQ_ERROR_SAME_PASSWORD:
	case PWQ_ERROR_TOO_SIMILAR:
	case PWQ_ERROR_CASE_CHANGES_ONLY:
	case PWQ_ERROR_ROTATED:
		return "新密码与原密码过于相似";
	case PWQ_ERROR_MAX_CONSECUTIVE:
	case PWQ_ERROR_MAX_CLASS_REPEAT:
	case PWQ_ERROR_MAX_SEQUENCE:
		return "密码含过多重复或连续的字符";
	case PWQ_ERROR_MIN_DIGITS:
	case PWQ_ERROR_MIN_UPPERS:
	case PWQ_ERROR_MIN_LOWERS:
	case PWQ_ERROR_MIN_OTHERS:
	case PWQ_ERROR_MIN_CLASSES:
		return "密码至少8位，且包含大写字母、小写字母、数字、符号中的至少三类";
	default:
		return "密码强度不足，请换一个更复杂的密码";
	}
}

int pwpolicy_new(pwpolicy **out, err *e)
{
	pwquality_settings_t *q = pwquality_default_settings();
	if (!q)
		return err_set(e, ERR_INTERNAL, "internal",
			       "密码检查初始化失败（内存不足）");
	/* The library's defaults as of 1.4, written down so that another
	 * version's defaults do not move our rule. */
	static const struct {
		int setting, value;
	} ints[] = {
		{ PWQ_SETTING_MIN_LENGTH, 8 },	{ PWQ_SETTING_DIFF_OK, 1 },
		{ PWQ_SETTING_DIG_CREDIT, 0 },	{ PWQ_SETTING_UP_CREDIT, 0 },
		{ PWQ_SETTING_LOW_CREDIT, 0 },	{ PWQ_SETTING_OTH_CREDIT, 0 },
		{ PWQ_SETTING_DICT_CHECK, 1 },	{ PWQ_SETTING_USER_CHECK, 1 },
		{ PWQ_SETTING_ENFORCING, 1 },
	};
	for (size_t i = 0; i < sizeof ints / sizeof *ints; i++)
		if (pwquality_set_int_value(q, ints[i].setting, ints[i].value)) {
			pwquality_free_settings(q);
			return err_set(e, ERR_INTERNAL, "internal",
				       "密码检查初始化失败");
		}
	/* Without the dictionary cracklib refuses every password ("error
	 * loading dictionary"): say so at start, not at the first change.
	 * A dictionary word must be refused and a random string pass. */
	void *aux = NULL;
	int good = pwquality_check(q, "Xq7#vLp2rT9w", NULL, NULL, &aux);
	aux = NULL;
	int bad = pwquality_check(q, "Passw0rd", NULL, NULL, &aux);
	if (good < 0 || bad != PWQ_ERROR_CRACKLIB_CHECK) {
		pwquality_free_settings(q);
		return err_set(e, ERR_INTERNAL, "password_dictionary",
			       "密码字典不可用：请安装 cracklib-runtime "
			       "（scripts/deps.sh）");
	}
	pwpolicy *p = xcalloc(1, sizeof *p);
	p->pwq = q;
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return 0;
}

void pwpolicy_free(pwpolicy *p)
{
	if (!p)
		return;
	pwquality_free_settings(p->pwq);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

int pwpolicy_check(pwpolicy *p, const char *pw, const char *username,
		   const char *old_pw, err *e)
{
	int rc;
	if ((rc = pwpolicy_shape(pw, e)) ||
	    (rc = pwpolicy_guessable(pw, username, e)))
		return rc;
	void *aux = NULL;
	pthread_mutex_lock(&p->mu);
	int q = pwquality_check(p->pwq, pw, old_pw, username, &aux);
	pthread_mutex_unlock(&p->mu);
	return q < 0 ? weak(e, pwq_message(q)) : 0;
}
