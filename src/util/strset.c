#include "util/strset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

static void put(char **slot, size_t cap, char *key)
{
	size_t i = (size_t)fnv1a(key) & (cap - 1);
	while (slot[i])
		i = (i + 1) & (cap - 1);
	slot[i] = key;
}

int strset_add(strset *s, const char *key)
{
	if (s->cap) {
		size_t i = (size_t)fnv1a(key) & (s->cap - 1);
		for (; s->slot[i]; i = (i + 1) & (s->cap - 1))
			if (strcmp(s->slot[i], key) == 0)
				return 0;
	}
	if ((s->n + 1) * 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		char **slot = xcalloc(cap, sizeof *slot);
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				put(slot, cap, s->slot[i]);
		free(s->slot);
		s->slot = slot;
		s->cap = cap;
	}
	put(s->slot, s->cap, xstrdup(key));
	s->n++;
	return 1;
}

void strset_free(strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	*s = STRSET_INIT;
}
