#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hday.h"
#include "rcalc.h"
#include "banned.h"

long rcalc_rank(const long *sorted, size_t n, int pct)
{
	size_t rank;

	if (pct < 1)
		pct = 1;
	if (pct > 100)
		pct = 100;
	/* Integer ceil(pct * n / 100): no floating-point edge at exact ranks. */
	rank = ((size_t)pct * n + 99) / 100;
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

void rcalc_sort(long *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_long);
}

/* Days from 1970-01-01 to 2000-01-01 and to 3000-01-01: a report's years. */
#define DAYS_2000 10957
#define DAYS_3000 376200

bool rcalc_day(const char *s, long *days)
{
	int64_t n;

	if (hday_parse(s, &n) || n < DAYS_2000 || n >= DAYS_3000)
		return false;
	if (days)
		*days = (long)(n - DAYS_2000);
	return true;
}

size_t rcalc_months(const char *from, const char *to, char (*out)[RCALC_MONTH_SIZE], size_t max)
{
	int y, m, ty, tm;
	size_t n = 0;

	if (!rcalc_day(from, NULL) || !rcalc_day(to, NULL))
		return 0;
	y = atoi(from);
	m = atoi(from + 5);
	ty = atoi(to);
	tm = atoi(to + 5);
	while ((y < ty || (y == ty && m <= tm)) && n < max) {
		snprintf(out[n++], RCALC_MONTH_SIZE, "%04u-%02u", (unsigned)y % 10000u,
			 (unsigned)m % 100u);
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	return n;
}

double rcalc_share(long long part, long long whole)
{
	if (whole <= 0)
		return 0;
	return round(1000.0 * (double)part / (double)whole) / 10.0;
}

double rcalc_per_10000(long long n, long long population)
{
	if (population <= 0)
		return 0;
	return round(1000000.0 * (double)n / (double)population) / 100.0;
}
