/*
 * strbuf.h - a growing, always NUL-terminated string, and JSON strings
 * written into it.
 *
 *   struct strbuf b = STRBUF_INIT;
 *   strbuf_adds(&b, "Subject: ");
 *   ...
 *   char *s = strbuf_detach(&b);   (free() it), or strbuf_release(&b)
 *
 * Out of memory aborts through xrealloc.  strbuf_add is inline: the
 * directory renders its search pages with it.
 */
#ifndef TJ_STRBUF_H
#define TJ_STRBUF_H

#include <stddef.h>
#include <string.h>

struct strbuf {
	char *p; /* NULL until the first byte is added */
	size_t len, cap;
};

#define STRBUF_INIT        \
	{                  \
		NULL, 0, 0 \
	}

/* Makes room for n more bytes and the NUL (growing by doubling). */
void strbuf_grow(struct strbuf *b, size_t n);

static inline void strbuf_reserve(struct strbuf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		strbuf_grow(b, n);
}

static inline void strbuf_add(struct strbuf *b, const char *s, size_t n)
{
	strbuf_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Appends s as a JSON string literal, quotes included: '"', '\\' and control
 * characters are escaped, and a byte that is not part of valid UTF-8 becomes
 * U+FFFD, so that what is written is always valid JSON.
 */
void strbuf_json_str(struct strbuf *b, const char *s);

/*
 * The same, but the text between the quotes takes at most max bytes (max
 * at least 8): a longer value is shortened at a character boundary and ends
 * in "…" (U+2026), never cut inside a character or an escape.
 */
void strbuf_json_strn(struct strbuf *b, const char *s, size_t max);

/* Hands the string to the caller (free() it); "" when nothing was added.
 * The buffer is empty again afterwards. */
char *strbuf_detach(struct strbuf *b);
/* Frees the string; the buffer is empty again and may be reused. */
void strbuf_release(struct strbuf *b);

#endif
