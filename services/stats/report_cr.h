/*
 * report_cr.h - the contact_requests report (docs/statistics.md section 6),
 * from stats.cr_events: the kinds per month, what was sent per county and
 * kind of activity, and the nearest-rank reaction times.
 */
#ifndef TJ_REPORT_CR_H
#define TJ_REPORT_CR_H

#include <stddef.h>

#include "report.h"

/* Adds cr_by_month, cr_by_county_kind and cr_reaction to r; 0, or -1 with
 * the reason in err. */
int report_cr(struct report *r, char *err, size_t errlen);

#endif
