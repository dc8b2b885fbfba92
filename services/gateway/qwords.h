/*
 * qwords.h - the free-text words of a search that found nothing
 * (docs/statistics.md section 1), for the gap map's word list.  Pure.
 */
#ifndef TJ_QWORDS_H
#define TJ_QWORDS_H

#include <stddef.h>

#define QWORDS_SIZE 124 /* 30 letters of up to 4 bytes and the NUL */

/*
 * The words of q (valid UTF-8): lower-cased (ASCII, Latin-1 and Latin
 * Extended-A letters), split at anything that is not a letter, words of 3
 * letters or more, each cut to 30 letters, at most max of them; a q holding
 * a digit or '@' gives none (it may be a phone number or an address).
 * Returns how many were written to out.
 */
size_t qwords_split(const char *q, char (*out)[QWORDS_SIZE], size_t max);

#endif
