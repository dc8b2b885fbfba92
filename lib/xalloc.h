/*
 * xalloc.h - allocation that cannot fail.
 *
 * Running out of memory is not a condition any of our services can recover
 * from sensibly, so these wrappers log and abort instead of returning NULL.
 * Sizes that come from the network must be checked against a limit *before*
 * they reach these functions.
 */
#ifndef TJ_XALLOC_H
#define TJ_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* At most the first n bytes of s, fewer when s ends before. */
char *xstrndup(const char *s, size_t n);
/* Formats into a new string; free it with free(). */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
