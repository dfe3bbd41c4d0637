/* strset — a set of strings, each with a count (open addressing,
 * FNV-1a), for de-duplicating keys while reading a large file. */
#ifndef GUANAI_STRSET_H
#define GUANAI_STRSET_H

#include <stddef.h>

typedef struct strset {
	char **slot;
	unsigned *count;	/* per slot */
	size_t cap, n;
} strset;

#define STRSET_INIT ((strset){ NULL, NULL, 0, 0 })

/* Adds a copy of `key`; returns 1 if it was new, 0 if already there. */
int strset_add(strset *s, const char *key);
/* Adds one to the count of `key` (a new key starts at 1); returns the
 * count before: 0 for a new key. */
unsigned strset_bump(strset *s, const char *key);
/* The count of `key`: 0 when it is not in the set. */
unsigned strset_count(const strset *s, const char *key);
void strset_free(strset *s);

#endif
