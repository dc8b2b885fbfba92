/*
 * strbuf.h - a growing, always NUL-terminated string.
 *
 *   struct strbuf b = STRBUF_INIT;
 *   strbuf_adds(&b, "Subject: ");
 *   ...
 *   char *s = strbuf_detach(&b);   (free() it), or strbuf_release(&b)
 *
 * Out of memory aborts through xrealloc.
 */
#ifndef TJ_STRBUF_H
#define TJ_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *p;     /* NULL until the first byte is added */
	size_t len, cap;
};

#define STRBUF_INIT { NULL, 0, 0 }

void strbuf_add(struct strbuf *b, const char *s, size_t n);
void strbuf_adds(struct strbuf *b, const char *s);
void strbuf_addf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hands the string to the caller (free() it); "" when nothing was added.
 * The buffer is empty again afterwards. */
char *strbuf_detach(struct strbuf *b);
/* Frees the string; the buffer is empty again and may be reused. */
void strbuf_release(struct strbuf *b);

#endif
