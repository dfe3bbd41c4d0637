/* idcard — resident identity numbers (居民身份证号码, GB 11643-1999).
 *
 * 18 characters: 6-digit address code, 8-digit birth date, 3-digit order
 * code (odd for men, even for women), and a check character computed with
 * ISO 7064 MOD 11-2 (0–9 or X). */
#ifndef GUANAI_IDCARD_H
#define GUANAI_IDCARD_H

#include "util/err.h"

/* Checks format, birth date (a real calendar date, not after `today` when
 * given, YYYY-MM-DD) and check digit.  A lower-case x is accepted and
 * should be stored upper-case (idcard_normalize).  Errors: ERR_INVALID
 * "invalid_id_number" with a Chinese message saying which part is wrong. */
int idcard_validate(const char *id, const char *today, err *e);

/* Copies `in` to out (19 bytes) with a trailing x made X and surrounding
 * spaces removed. */
void idcard_normalize(const char *in, char out[19]);

/* The check character for the first 17 digits. */
char idcard_check_char(const char *first17);

/* Birth date (YYYY-MM-DD) and sex (1 male, 2 female) encoded in a valid
 * number.  Returns 0 or -1. */
int idcard_birth(const char *id, char out[11]);
int idcard_sex(const char *id);

/* The masked form: "220122********1234" (first 6, last 4; a shorter
 * text all stars).  The 8 hidden characters are exactly the birth date
 * and the check character stays visible, so whoever shows a masked
 * number must not show the person's birth date beside it — the rule is
 * privacy.h's (docs/API.md "Masking"); call through privacy_mask_id. */
void idcard_mask(const char *id, char out[19]);

#endif
