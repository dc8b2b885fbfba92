/*
 * errmsg.h - the "details into the caller's buffer" half of our error rule.
 */
#ifndef TJ_ERRMSG_H
#define TJ_ERRMSG_H

#include <stddef.h>

/* Formats the message into err (when err is not NULL and errlen > 0) and
 * returns -1, so a failing function can end with "return errmsg(...)". */
int errmsg(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
