/* jsonx — reading request bodies with jansson, strictly.
 *
 * Bodies are hostile: every field is checked for presence, type and size,
 * and a field the endpoint does not name is an error, so a typo in a
 * client never silently does nothing. */
#ifndef GUANAI_JSONX_H
#define GUANAI_JSONX_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "util/err.h"

/* Parses `len` bytes into a JSON object (*out, owned by the caller).
 * Errors: ERR_INVALID "invalid_json" (syntax, not an object, bad UTF-8). */
int jsonx_parse_object(const char *data, size_t len, json_t **out, err *e);

/* Fails with ERR_INVALID "unknown_field" naming the first key of `obj`
 * that is not in the NULL-terminated list `allowed`. */
int jsonx_only(json_t *obj, const char *const *allowed, err *e);

/* A string field of at most `max` code points.  Absent (or null when
 * `nullable`) gives *out = NULL, or ERR_INVALID "missing_field" when
 * `required`.  A present field of another type, or one holding a
 * character no text may hold (text_forbidden: control characters but
 * line feed, carriage return and tab, bidi controls, zero-width and other
 * format characters): "invalid_field" with a Chinese message naming the
 * field and the character.  The string is owned by `obj`. */
int jsonx_str(json_t *obj, const char *key, int required, size_t max,
	      const char **out, err *e);

/* As jsonx_str, the text taken as sent, forbidden characters and all:
 * for a secret (a password is compared, never shown, and one set before
 * the rule must still be accepted), and for a caller that checks the text
 * itself and names the field by its whole path (child.c: "mother.name"). */
int jsonx_str_raw(json_t *obj, const char *key, int required, size_t max,
		 const char **out, err *e);

/* A boolean field; absent gives *out = -1 unless required. */
int jsonx_bool(json_t *obj, const char *key, int required, int *out, err *e);

/* An instant as "YYYY-MM-DDTHH:MM:SSZ" (new reference); 0 gives null. */
json_t *jsonx_time(int64_t t);

/* Serialises compactly (caller frees). */
char *jsonx_dump(const json_t *v);

#endif
