/* strset — a set of strings (open addressing, FNV-1a), for de-duplicating
 * keys while reading a large file. */
#ifndef GUANAI_STRSET_H
#define GUANAI_STRSET_H

#include <stddef.h>

typedef struct strset {
	char **slot;
	size_t cap, n;
} strset;

#define STRSET_INIT ((strset){ NULL, 0, 0 })

/* Adds a copy of `key`; returns 1 if it was new, 0 if already there. */
int strset_add(strset *s, const char *key);
void strset_free(strset *s);

#endif
