/*
 * rcalc.h - the arithmetic of reports, kept pure so that it is tested
 * alone: nearest-rank percentiles, the months of a period, shares and
 * rates rounded as the tables show them, and the check of a report day.
 */
#ifndef TJ_RCALC_H
#define TJ_RCALC_H

#include <stdbool.h>
#include <stddef.h>

#define RCALC_MONTH_SIZE 8  /* "YYYY-MM" and NUL */
#define RCALC_DAY_SIZE 11   /* "YYYY-MM-DD" and NUL */
#define RCALC_MAX_MONTHS 40 /* three years and a bit */

/*
 * The nearest-rank percentile pct (1..100) of the n values (sorted
 * ascending): the value at rank ceil(pct * n / 100).  n must be > 0.
 */
long rcalc_rank(const long *sorted, size_t n, int pct);

/* Sorts n values ascending. */
void rcalc_sort(long *v, size_t n);

/*
 * Whether s is a real calendar day "YYYY-MM-DD" (years 2000..2999); its
 * number of days since 2000-01-01 into *days when not NULL.
 */
bool rcalc_day(const char *s, long *days);

/*
 * The months "YYYY-MM" from the month of 'from' to that of 'to' (valid
 * days, from <= to) into out; returns how many (at most max).
 */
size_t rcalc_months(const char *from, const char *to, char (*out)[RCALC_MONTH_SIZE], size_t max);

/* 100 * part / whole with one decimal (2 of 3 -> 66.7); 0 when whole is 0. */
double rcalc_share(long long part, long long whole);

/* n per 10,000 of population with two decimals; 0 when population is 0. */
double rcalc_per_10000(long long n, long long population);

#endif
