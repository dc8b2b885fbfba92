/*
 * statsparam.c - see statsparam.h.  Calendar arithmetic on day numbers
 * (days since 1970-01-01, proleptic Gregorian), no libc time zones.
 */
#include <stdio.h>
#include <string.h>

#include "statsparam.h"
#include "banned.h"

/* Day number of y-m-d (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static void format_day(int64_t z, char out[STATSPARAM_DATE_SIZE])
{
	int64_t y;
	unsigned m, d;

	civil_from_days(z, &y, &m, &d);
	snprintf(out, STATSPARAM_DATE_SIZE, "%04d-%02u-%02u", (int)y, m, d);
}

/* The day number of the last Sunday of month m of year y. */
static int64_t last_sunday(int64_t y, unsigned m)
{
	int64_t last = days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - 1;
	int64_t wd = ((last % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday (4) */

	return last - wd;
}

void statsparam_helsinki_day(int64_t t, char out[STATSPARAM_DATE_SIZE])
{
	int64_t day = (t >= 0 ? t : t - 86399) / 86400, y;
	unsigned m, d;
	int64_t start, end;

	civil_from_days(day, &y, &m, &d);
	start = last_sunday(y, 3) * 86400 + 3600;
	end = last_sunday(y, 10) * 86400 + 3600;
	t += t >= start && t < end ? 3 * 3600 : 2 * 3600;
	format_day((t >= 0 ? t : t - 86399) / 86400, out);
}

/* The day number of a real YYYY-MM-DD, or -1 (year 2000..2999). */
static int parse_day(const char *s, int64_t *out)
{
	unsigned y, m, d, mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = (unsigned)((s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + s[3] - '0');
	m = (unsigned)((s[5] - '0') * 10 + s[6] - '0');
	d = (unsigned)((s[8] - '0') * 10 + s[9] - '0');
	if (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		mdays[1] = 29;
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return -1;
	*out = days_from_civil(y, m, d);
	return 0;
}

const char *statsparam_period(const char *from, const char *to, int64_t now,
			      char out_from[STATSPARAM_DATE_SIZE],
			      char out_to[STATSPARAM_DATE_SIZE])
{
	char today[STATSPARAM_DATE_SIZE];
	int64_t f, t, y;
	unsigned m, d;

	statsparam_helsinki_day(now, today);
	if (to && *to) {
		if (parse_day(to, &t))
			return "to";
	} else if (parse_day(today, &t)) {
		return "to";
	}
	if (from && *from) {
		if (parse_day(from, &f))
			return "from";
	} else {
		civil_from_days(t, &y, &m, &d);
		/* The first day of the month twelve months before to's. */
		f = days_from_civil(y - 1, m, 1);
	}
	if (f > t)
		return "from";
	if (t - f > STATSPARAM_MAX_DAYS)
		return "to";
	format_day(f, out_from);
	format_day(t, out_to);
	return NULL;
}

bool statsparam_report_ok(const char *s)
{
	static const char *const reports[] = { "coverage",  "usage", "contact_requests",
					       "freshness", "gaps",  "all" };

	for (size_t i = 0; s && i < sizeof(reports) / sizeof(reports[0]); i++)
		if (!strcmp(s, reports[i]))
			return true;
	return false;
}

bool statsparam_format_ok(const char *s)
{
	return s && (!strcmp(s, "json") || !strcmp(s, "csv") || !strcmp(s, "xlsx"));
}

bool statsparam_table_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n >= 1 && n <= 40 && strspn(s, "abcdefghijklmnopqrstuvwxyz_") == n;
}
