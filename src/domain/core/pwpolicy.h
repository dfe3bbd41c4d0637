/* pwpolicy — which new passwords a user may choose (SPEC §10, issue #17).
 *
 * Three checks, the first to fail says what is wrong, in Chinese:
 *   1. the shape: 8 to 128 characters, no control characters, three of
 *      upper case, lower case, digit and symbol;
 *   2. guessable: the user name in it, or a word everyone tries first
 *      (Admin@123, the demo password Guanai@2018, P@ssw0rd …): the
 *      letters once the digits and symbols around them are gone, and
 *      common look-alike digits read back as letters;
 *   3. libpwquality with cracklib's dictionary and the user name as
 *      context (Passw0rd, Aa123456, …).
 * Reuse of a recent password is account.c's (it needs the hashes). */
#ifndef GUANAI_PWPOLICY_H
#define GUANAI_PWPOLICY_H

#include "util/err.h"

typedef struct pwpolicy pwpolicy;

/* Sets up libpwquality with the product's own settings (the machine's
 * /etc/security/pwquality.conf is for its system accounts, not for ours)
 * and proves that cracklib's dictionary can be read: without it every
 * password would be refused.  *out is owned by the caller
 * (pwpolicy_free).  Errors: ERR_INTERNAL "password_dictionary". */
int pwpolicy_new(pwpolicy **out, err *e);
void pwpolicy_free(pwpolicy *p);

/* Checks `pw` as the new password of `username` (old_pw: the current one,
 * or NULL).  Safe from several threads (cracklib is not: the calls into it
 * take turns).  Errors: ERR_INVALID "weak_password", field "new_password". */
int pwpolicy_check(pwpolicy *p, const char *pw, const char *username,
		   const char *old_pw, err *e);

/* Check 1 alone: what a one-time password must also pass.  Errors as
 * pwpolicy_check. */
int pwpolicy_shape(const char *pw, err *e);

/* Check 2 alone (no libpwquality).  Errors as pwpolicy_check. */
int pwpolicy_guessable(const char *pw, const char *username, err *e);

#endif
