/*
 * report_usage.h - the usage report (docs/statistics.md section 4):
 * usage_by_month, usage_by_site and searches_by_month, from stats.daily and
 * stats.sessions with one grouped range query per table.
 */
#ifndef TJ_REPORT_USAGE_H
#define TJ_REPORT_USAGE_H

#include <stddef.h>

#include "report.h"

/* Adds the usage tables to r; 0, or -1 with the reason in err. */
int report_usage(struct report *r, char *err, size_t errlen);

#endif
