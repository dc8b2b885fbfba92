/*
 * statsparam.h - the checks of a report's query (docs/statistics.md
 * section 4), pure functions: the period's days (Europe/Helsinki), the
 * report, format, language and table names.
 */
#ifndef TJ_STATSPARAM_H
#define TJ_STATSPARAM_H

#include <stdbool.h>
#include <stdint.h>

#define STATSPARAM_DATE_SIZE 11       /* "YYYY-MM-DD" and the NUL */
#define STATSPARAM_MAX_DAYS (3 * 366) /* to - from at most three years */

/* The Helsinki calendar day of the Unix time t (EET, EEST from the last
 * Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC). */
void statsparam_helsinki_day(int64_t t, char out[STATSPARAM_DATE_SIZE]);

/*
 * The period of from/to (either may be NULL or "": the defaults, the first
 * day of the month 12 months before today .. today, Helsinki days at the
 * Unix time now).  Returns NULL with the days in out_from/out_to, or the
 * name of the bad field ("from" or "to") when a date is not a real
 * YYYY-MM-DD, from > to, or the span is over three years (named "to").
 */
const char *statsparam_period(const char *from, const char *to, int64_t now,
			      char out_from[STATSPARAM_DATE_SIZE],
			      char out_to[STATSPARAM_DATE_SIZE]);

/* True for a report stats answers: coverage, usage, contact_requests,
 * freshness, gaps, all. */
bool statsparam_report_ok(const char *s);

/* True for json, csv, xlsx. */
bool statsparam_format_ok(const char *s);

/* True for a table id: [a-z_]{1,40}. */
bool statsparam_table_ok(const char *s);

#endif
