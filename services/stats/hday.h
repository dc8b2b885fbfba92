/*
 * hday.h - Europe/Helsinki calendar days without the C library's time zone
 * code (localtime is banned: it reads the process' TZ and is not pure).
 *
 * Helsinki is UTC+2 (EET), and UTC+3 (EEST) from the last Sunday of March
 * 01:00 UTC to the last Sunday of October 01:00 UTC (the EU rule, in force
 * since 1996; earlier years are counted with it too).  Days are the
 * proleptic Gregorian "YYYY-MM-DD" of years 1970..9999.
 */
#ifndef TJ_HDAY_H
#define TJ_HDAY_H

#include <stddef.h>
#include <stdint.h>

#define HDAY_SIZE 11 /* "YYYY-MM-DD" and NUL */

/* Helsinki's offset from UTC at the instant ms (since the epoch): 7200 or
 * 10800 seconds. */
int hday_offset_s(int64_t ms);

/* The Helsinki day of the instant ms into out (outlen >= HDAY_SIZE).
 * Returns 0, or -1 (out "" when outlen allows) for ms < 0 or a day after
 * 9999-12-31. */
int hday_of(int64_t ms, char *out, size_t outlen);

/* Days since 1970-01-01 of the calendar day "YYYY-MM-DD" (exactly that
 * form, a real date) into *days.  Returns 0, or -1 (*days untouched). */
int hday_parse(const char *day, int64_t *days);

/* The calendar day days since 1970-01-01 as "YYYY-MM-DD" into out.
 * Returns 0, or -1 (out "" when outlen allows) outside 1970..9999. */
int hday_format(int64_t days, char *out, size_t outlen);

/* The day delta days from day ("YYYY-MM-DD") into out.  Returns 0, or -1
 * for a bad day or a result outside 1970..9999. */
int hday_add(const char *day, int delta, char *out, size_t outlen);

/* The instant (ms since the epoch) at which the Helsinki day "YYYY-MM-DD"
 * ends: the next day's 00:00 in Helsinki.  Returns 0, or -1 for a bad day. */
int hday_end_ms(const char *day, int64_t *ms);

#endif
