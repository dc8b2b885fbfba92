#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

#define ELLIPSIS "\xe2\x80\xa6"
#define REPLACEMENT "\\ufffd"

void __attribute__((noinline)) strbuf_grow(struct strbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;

	if (b->len + n + 1 <= b->cap)
		return;
	while (cap < b->len + n + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

void strbuf_adds(struct strbuf *b, const char *s)
{
	strbuf_add(b, s, strlen(s));
}

void strbuf_addf(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format straight into the spare room; only a long result pays a
	 * second pass. */
	strbuf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort(); /* only an invalid format fails, and formats are ours */
	if ((size_t)n >= b->cap - b->len) {
		strbuf_reserve(b, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

/* What the character at s turns into between the quotes: returns its length
 * in s (0 at the end of s) and sets the bytes to write (*out, *outlen). */
static size_t json_char(const unsigned char *s, const char **out, size_t *outlen, char esc[8])
{
	uint32_t cp;
	size_t n;

	if (!*s)
		return 0;
	if (*s == '"' || *s == '\\') {
		esc[0] = '\\';
		esc[1] = (char)*s;
		*out = esc;
		*outlen = 2;
		return 1;
	}
	if (*s < 0x20) {
		snprintf(esc, 8, "\\u%04x", *s);
		*out = esc;
		*outlen = 6;
		return 1;
	}
	if (*s < 0x80) {
		*out = (const char *)s;
		*outlen = 1;
		return 1;
	}
	n = utf8_decode(s, &cp);
	if (!n) { /* not UTF-8: one byte becomes U+FFFD */
		*out = REPLACEMENT;
		*outlen = sizeof(REPLACEMENT) - 1;
		return 1;
	}
	*out = (const char *)s;
	*outlen = n;
	return n;
}

static void json_body(struct strbuf *b, const char *s, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t total = 0, used = 0, in, olen;
	const char *o;
	char esc[8];

	/* Measure first, so a value that fits is never shortened. */
	for (const unsigned char *q = p; (in = json_char(q, &o, &olen, esc)) != 0; q += in)
		total += olen;
	if (total <= max) {
		for (; (in = json_char(p, &o, &olen, esc)) != 0; p += in)
			strbuf_add(b, o, olen);
		return;
	}
	for (; (in = json_char(p, &o, &olen, esc)) != 0; p += in) {
		if (used + olen + sizeof(ELLIPSIS) - 1 > max)
			break;
		strbuf_add(b, o, olen);
		used += olen;
	}
	strbuf_add(b, ELLIPSIS, sizeof(ELLIPSIS) - 1);
}

void strbuf_json_str(struct strbuf *b, const char *s)
{
	size_t n = 0;

	/* The common case: plain printable ASCII, nothing to escape. */
	while (s[n] >= 0x20 && (unsigned char)s[n] < 0x80 && s[n] != '"' && s[n] != '\\')
		n++;
	strbuf_reserve(b, n + 2);
	strbuf_add(b, "\"", 1);
	strbuf_add(b, s, n);
	if (s[n])
		json_body(b, s + n, SIZE_MAX);
	strbuf_add(b, "\"", 1);
}

void strbuf_json_strn(struct strbuf *b, const char *s, size_t max)
{
	strbuf_add(b, "\"", 1);
	json_body(b, s, max < 8 ? 8 : max);
	strbuf_add(b, "\"", 1);
}

char *strbuf_detach(struct strbuf *b)
{
	char *s = b->p ? b->p : xstrdup("");

	b->p = NULL;
	b->len = b->cap = 0;
	return s;
}

void strbuf_release(struct strbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
