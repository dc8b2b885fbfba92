/*
 * hday.c - see hday.h.  The civil-date arithmetic is Howard Hinnant's
 * days_from_civil / civil_from_days (public domain), in 64 bits.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "hday.h"
#include "banned.h"

#define DAY_S 86400LL
#define LAST_DAY_DAYS 2932896LL /* 9999-12-31 */

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* The UTC second at which summer time begins (month 3) or ends (month 10)
 * in year y: the last Sunday of the month, 01:00 UTC. */
static int64_t switch_s(int64_t y, int month)
{
	int64_t last = days_from_civil(y, month, 31);
	int64_t weekday = ((last + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday; 0 Sunday */

	return (last - weekday) * DAY_S + 3600;
}

int hday_offset_s(int64_t ms)
{
	int64_t s = floor_div(ms, 1000), y;
	int m, d;

	civil_from_days(floor_div(s, DAY_S), &y, &m, &d);
	return (s >= switch_s(y, 3) && s < switch_s(y, 10)) ? 10800 : 7200;
}

int hday_format(int64_t days, char *out, size_t outlen)
{
	int64_t y;
	int m, d;

	if (outlen)
		out[0] = '\0';
	if (outlen < HDAY_SIZE || days < 0 || days > LAST_DAY_DAYS)
		return -1;
	civil_from_days(days, &y, &m, &d);
	snprintf(out, outlen, "%04d-%02d-%02d", (int)y, m, d);
	return 0;
}

int hday_of(int64_t ms, char *out, size_t outlen)
{
	int64_t local_s;

	if (ms < 0 || ms > (LAST_DAY_DAYS + 2) * DAY_S * 1000) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	local_s = ms / 1000 + hday_offset_s(ms);
	return hday_format(local_s / DAY_S, out, outlen);
}

static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int hday_parse(const char *day, int64_t *days)
{
	int y, m, d;

	if (!day || strlen(day) != HDAY_SIZE - 1 || day[4] != '-' || day[7] != '-')
		return -1;
	y = digits(day, 4);
	m = digits(day + 5, 2);
	d = digits(day + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*days = days_from_civil(y, m, d);
	return 0;
}

int hday_add(const char *day, int delta, char *out, size_t outlen)
{
	int64_t days;

	if (hday_parse(day, &days)) {
		if (outlen)
			out[0] = '\0';
		return -1;
	}
	return hday_format(days + delta, out, outlen);
}

int hday_end_ms(const char *day, int64_t *ms)
{
	int64_t days, midnight_s;

	if (hday_parse(day, &days))
		return -1;
	/* The next local midnight is 21:00 or 22:00 UTC, hours away from a
	 * switch (01:00 UTC): the offset three hours before it is its own. */
	midnight_s = (days + 1) * DAY_S;
	*ms = (midnight_s - hday_offset_s((midnight_s - 3 * 3600) * 1000)) * 1000;
	return 0;
}
