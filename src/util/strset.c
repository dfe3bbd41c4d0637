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
	strset t = { xcalloc(s->cap ? s->cap * 2 : 1024, sizeof(char *)),
		     NULL, s->cap ? s->cap * 2 : 1024, s->n };
	t.count = xcalloc(t.cap, sizeof *t.count);
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

unsigned strset_bump(strset *s, const char *key)
{
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	size_t i = find(s, key);
	if (!s->slot[i]) {
		s->slot[i] = xstrdup(key);
		s->n++;
	}
	return s->count[i]++;
}

int strset_add(strset *s, const char *key)
{
	if (s->cap) {
		size_t i = find(s, key);
		if (s->slot[i])
			return 0;
	}
	return strset_bump(s, key) == 0;
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
