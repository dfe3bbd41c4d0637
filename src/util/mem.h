/* mem — allocation that never returns NULL.
 *
 * Out of memory is not a condition this server recovers from: these
 * wrappers abort with a message instead.  Every cap on input size lives in
 * the parser that reads it, so a hostile request cannot drive us here. */
#ifndef GUANAI_MEM_H
#define GUANAI_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* Copies `n` bytes and adds a NUL. */
char *xmemdupz(const void *p, size_t n);

#endif
