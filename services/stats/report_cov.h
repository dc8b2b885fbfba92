/*
 * report_cov.h - the coverage and freshness reports (docs/statistics.md
 * sections 4 and 5), from the directory's coverage document at the end of
 * the period (r->snapshot) and, for coverage_over_time, the last stored
 * document of each month.
 */
#ifndef TJ_REPORT_COV_H
#define TJ_REPORT_COV_H

#include <stddef.h>

#include "report.h"

/* Adds the coverage_* tables to r; 0, or -1 with the reason in err. */
int report_coverage(struct report *r, char *err, size_t errlen);

/* Adds freshness_by_county to r (no query: always 0). */
int report_freshness(struct report *r, char *err, size_t errlen);

#endif
