/* buf — a growable byte buffer, always NUL-terminated.
 * Initialise with BUF_INIT; free with buf_free or take the bytes with
 * buf_steal (the caller then owns them). */
#ifndef GUANAI_BUF_H
#define GUANAI_BUF_H

#include <stddef.h>

typedef struct buf {
	char *p;
	size_t len, cap;
} buf;

#define BUF_INIT ((buf){ NULL, 0, 0 })

void buf_put(buf *b, const void *data, size_t n);
void buf_puts(buf *b, const char *s);
/* Inline: JSON is written a character at a time between its strings. */
static inline void buf_putc(buf *b, char c)
{
	if (b->len + 2 <= b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
	} else {
		buf_put(b, &c, 1);
	}
}
/* Room for `n` more bytes at once (fewer reallocations when the caller
 * knows roughly how much it will write): where to write them.
 * buf_advance(b, k) then takes the first k (k <= n) into the contents. */
char *buf_reserve(buf *b, size_t n);
void buf_advance(buf *b, size_t k);
void buf_printf(buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The contents ("" when empty); owned by the buffer. */
const char *buf_str(const buf *b);
char *buf_steal(buf *b);
void buf_reset(buf *b);
void buf_free(buf *b);

#endif
