/*
 * utf8.h - checking text that arrives from outside.
 */
#ifndef TJ_UTF8_H
#define TJ_UTF8_H

#include <stdbool.h>

/*
 * The number of characters (code points) of s when it is valid UTF-8 (no
 * overlong forms, no surrogates, nothing above U+10FFFF) without control
 * characters (C0, DEL, C1), else -1.  With line_breaks, tab, CR and LF are
 * allowed.
 */
long utf8_chars(const char *s, bool line_breaks);

#endif
