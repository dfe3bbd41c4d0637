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

/* The slot holding `key`, or the empty one where it would go. */
static size_t find(const strset *s, const char *key)
{
	size_t i = (size_t)fnv1a(key) & (s->cap - 1);
	while (s->slot[i] && strcmp(s->slot[i], key) != 0)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(strset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	strset t = { xcalloc(cap, sizeof(char *)),
		     xcalloc(cap, sizeof(unsigned)), cap, s->n };
	for (size_t i = 0; i < s->cap; i++)
		if (s->slot[i]) {
			size_t j = find(&t, s->slot[i]);
			t.slot[j] = s->slot[i];
			t.count[j] = s->count[i];
		}
	free(s->slot);
	free(s->count);
	*s = t;
}

/* The slot of `key`, added (count 0) if it was not there. */
static size_t place(strset *s, const char *key)
{
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	size_t i = find(s, key);
	if (!s->slot[i]) {
		s->slot[i] = xstrdup(key);
		s->n++;
	}
	return i;
}

unsigned strset_bump(strset *s, const char *key)
{
	size_t i = place(s, key);	/* may move s->count: first */
	return s->count[i]++;
}

int strset_add(strset *s, const char *key)
{
	size_t i = place(s, key);
	if (s->count[i])
		return 0;
	s->count[i] = 1;
	return 1;
}

unsigned strset_count(const strset *s, const char *key)
{
	if (!s->cap)
		return 0;
	size_t i = find(s, key);
	return s->slot[i] ? s->count[i] : 0;
}

void strset_free(strset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	free(s->count);
	*s = STRSET_INIT;
}
