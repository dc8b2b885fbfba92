/*
 * utf8.h - checking text that arrives from outside.
 */
#ifndef TJ_UTF8_H
#define TJ_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the UTF-8 sequence at s (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Returns its length in bytes and sets
 * *cp, or 0 when the bytes there are not valid UTF-8 (or s is at its NUL).
 */
size_t utf8_decode(const unsigned char *s, uint32_t *cp);

/*
 * The number of characters (code points) of s when it is valid UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF) without control
 * characters (C0, DEL, C1), else -1.  With line_breaks, tab, CR and LF are
 * allowed.
 */
long utf8_chars(const char *s, bool line_breaks);

/*
 * Copies src into dst (dstsize bytes, at least 8) as valid UTF-8 and always
 * NUL-terminated: a byte that is not part of a valid sequence becomes U+FFFD,
 * and a text that does not fit is shortened at a character boundary and
 * ends in "…" (U+2026), never cut inside a character.  Returns the length
 * written.  For provider error texts and other strings that go on into
 * logs, JSON and PostgreSQL, where a half character is an error.
 */
size_t utf8_clip(char *dst, size_t dstsize, const char *src);

#endif
