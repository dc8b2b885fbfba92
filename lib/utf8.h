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

#endif
