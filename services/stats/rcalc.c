#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int d[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : d[m - 1];
}

bool rcalc_day(const char *s, long *days)
{
	int y, m, d;
	long n = 0;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return false;
	if (days) {
		for (int yy = 2000; yy < y; yy++)
			n += leap(yy) ? 366 : 365;
		for (int mm = 1; mm < m; mm++)
			n += month_days(y, mm);
		*days = n + d - 1;
	}
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
