/*
 * report_gaps.h - the gaps report (docs/statistics.md section 4): the
 * zero-result searches need x kind x municipality, and the free-text words
 * of zero-result searches that at least 5 searches had (for every role).
 */
#ifndef TJ_REPORT_GAPS_H
#define TJ_REPORT_GAPS_H

#include <stddef.h>

#include "report.h"

#define REPORT_GAPS_ROWS 500
#define REPORT_GAP_WORDS 100
#define REPORT_WORD_MIN 5 /* a word is shown only when this many searches had it */

/* Adds gaps and gap_words to r; 0, or -1 with the reason in err. */
int report_gaps(struct report *r, char *err, size_t errlen);

#endif
