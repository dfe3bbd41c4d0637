/* jsonw — writing JSON text straight into a buffer.
 *
 * For the answers read most often (the child list): building a jansson
 * tree of small objects and then dumping it cost more than the query
 * behind it.  The writer tracks the commas; strings are escaped as
 * jansson escapes them, so a reader sees the same JSON either way.
 * Keys are constants of the program and are written as they are. */
#ifndef GUANAI_JSONW_H
#define GUANAI_JSONW_H

#include <stdint.h>

#include "util/buf.h"

enum { JSONW_DEPTH = 16 };

typedef struct jsonw {
	buf b;
	int depth;
	int count[JSONW_DEPTH];	/* values written at each open level */
	char close[JSONW_DEPTH];	/* and the character that closes it */
} jsonw;

#define JSONW_INIT ((jsonw){ .b = BUF_INIT })

/* `key` names the value inside an object and is NULL inside an array or
 * at the top.  Opening deeper than JSONW_DEPTH aborts: the nesting is
 * the program's, not the input's. */
void jsonw_object(jsonw *w, const char *key);
void jsonw_array(jsonw *w, const char *key);
void jsonw_end(jsonw *w);		/* closes the innermost */
/* Opens, as the top level, the object whose complete text is `object`
 * ("{…}", from another writer): more members can then be written into
 * it before jsonw_end. */
void jsonw_continue(jsonw *w, const char *object);

/* A string (valid UTF-8, as everything from the store is); NULL writes
 * null. */
void jsonw_str(jsonw *w, const char *key, const char *v);
/* A string, or null when `v` is NULL or empty. */
void jsonw_str_or_null(jsonw *w, const char *key, const char *v);
void jsonw_int(jsonw *w, const char *key, int64_t v);
void jsonw_bool(jsonw *w, const char *key, int v);
void jsonw_null(jsonw *w, const char *key);
/* A value whose complete JSON text (n bytes) another writer made, as it
 * is: the caller vouches that it is one well-formed value. */
void jsonw_raw(jsonw *w, const char *key, const char *json, size_t n);

/* The text (caller frees) and its length; the writer is reset. */
char *jsonw_steal(jsonw *w, size_t *len);
void jsonw_free(jsonw *w);

#endif
