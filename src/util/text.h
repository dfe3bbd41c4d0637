/* text — small checks on UTF-8 text from outside. */
#ifndef GUANAI_TEXT_H
#define GUANAI_TEXT_H

#include <stddef.h>

/* True when s is non-empty and all ASCII digits. */
int text_is_digits(const char *s);

/* snprintf(dst, n, "%s", src) without the format machinery (NULL src
 * copies ""): for copies made for every row of a large import. */
void text_copy(char *dst, size_t n, const char *src);

/* True when s is valid UTF-8 (no overlongs, no surrogates). */
int text_is_utf8(const char *s, size_t n);

/* Number of code points in valid UTF-8 s. */
size_t text_utf8_len(const char *s);

/* A name-like field: valid UTF-8, min..max code points, no control
 * characters, not only spaces; "" passes exactly when min is 0. */
int text_valid_name(const char *s, size_t min, size_t max);

/* Free text that may run over several lines: as text_valid_name, but
 * line feeds (and carriage returns and tabs) are allowed. */
int text_valid_text(const char *s, size_t min, size_t max);

/* A LIKE pattern matching `q` anywhere: "%q%" with %, _ and \\ escaped
 * by a backslash (use with ESCAPE '\\').  Cut to fit `n`. */
void text_like_pattern(const char *q, char *out, size_t n);

/* Constant-time comparison of two NUL-terminated secrets. */
int text_secret_eq(const char *a, const char *b);

#endif
