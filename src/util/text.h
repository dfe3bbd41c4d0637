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

/* A name-like field: valid UTF-8, min..max code points, no control,
 * format (bidi controls, zero-width characters, U+FEFF …) or other
 * forbidden characters (text_forbidden), not only spaces of any width;
 * "" passes exactly when min is 0.  This and text_valid_text are the one
 * check behind every name and single-line text field of the API: a
 * validator calls them, never a check of its own. */
int text_valid_name(const char *s, size_t min, size_t max);

/* Free text that may run over several lines: as text_valid_name, but
 * line feeds (and carriage returns and tabs) are allowed. */
int text_valid_text(const char *s, size_t min, size_t max);

/* The first code point of valid UTF-8 `s` that no text may hold, or 0:
 * C0 and C1 control characters and DEL (but line feed, carriage return
 * and tab when `multiline`), format characters (Unicode Cf: the bidi
 * controls U+202A–202E, U+2066–2069, U+200E/200F, U+061C, the zero-width
 * U+200B–200D, U+2060, U+FEFF, the soft hyphen …), the line and paragraph
 * separators U+2028/2029 and non-characters.  Private-use characters and
 * variation selectors pass: rare characters of names use them. */
unsigned long text_forbidden(const char *s, int multiline);

/* What kind of character text_forbidden found, in Chinese
 * ("文字方向控制符", "零宽字符", "控制字符" …), for messages. */
const char *text_forbidden_label(unsigned long cp);

/* Why `s` fails text_valid_name (multiline 0) or text_valid_text
 * (multiline 1) with these bounds, as a Chinese phrase to follow the
 * field's name in a message ("含有文字方向控制符（U+202E），请删除后重新
 * 输入", "过长（最多20个字符）"), written into out; NULL when it passes. */
const char *text_fault(const char *s, size_t min, size_t max, int multiline,
		       char *out, size_t n);

/* A LIKE pattern matching `q` anywhere: "%q%" with %, _ and \\ escaped
 * by a backslash (use with ESCAPE '\\').  Cut to fit `n`. */
void text_like_pattern(const char *q, char *out, size_t n);

/* Constant-time comparison of two NUL-terminated secrets. */
int text_secret_eq(const char *a, const char *b);

#endif
