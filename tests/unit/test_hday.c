// units: services/stats/hday.c
/*
 * Unit tests for Helsinki days: the offset on both sides of both summer-time
 * switches, the day at the local midnights around them, the end of a day
 * (23 and 25 hours long on the switch days) and the calendar arithmetic.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hday.h"
#include "banned.h"

#define H_MS (3600LL * 1000)

static void assert_day(int64_t ms, const char *want)
{
	char day[HDAY_SIZE];

	assert_int_equal(hday_of(ms, day, sizeof(day)), 0);
	assert_string_equal(day, want);
}

static void test_spring_switch(void **state)
{
	(void)state;
	/* 2026-03-29 01:00 UTC: 03:00 EET becomes 04:00 EEST. */
	assert_int_equal(hday_offset_s(1774745999000LL), 7200);
	assert_int_equal(hday_offset_s(1774746000000LL), 10800);
	assert_day(1774745999000LL, "2026-03-29");
	/* The local midnight before it is 22:00 UTC, the one after 21:00 UTC. */
	assert_day(1774735199000LL, "2026-03-28");
	assert_day(1774735200000LL, "2026-03-29");
	assert_day(1774818000000LL - 1, "2026-03-29");
	assert_day(1774818000000LL, "2026-03-30");
	/* 2024: the last Sunday of March is the 31st itself. */
	assert_int_equal(hday_offset_s(1711846800000LL - 1), 7200);
	assert_int_equal(hday_offset_s(1711846800000LL), 10800);
}

static void test_autumn_switch(void **state)
{
	(void)state;
	/* 2026-10-25 01:00 UTC: 04:00 EEST becomes 03:00 EET. */
	assert_int_equal(hday_offset_s(1792889999000LL), 10800);
	assert_int_equal(hday_offset_s(1792890000000LL), 7200);
	assert_day(1792889999000LL, "2026-10-25");
	assert_day(1792890000000LL, "2026-10-25");
	assert_day(1792875599000LL, "2026-10-24");
	assert_day(1792875600000LL, "2026-10-25");
	assert_day(1792965599000LL, "2026-10-25");
	assert_day(1792965600000LL, "2026-10-26");
	/* Summer and winter midnights. */
	assert_day(1782939599000LL, "2026-07-01");
	assert_day(1782939600000LL, "2026-07-02");
}

static void test_day_end(void **state)
{
	int64_t a, b;

	(void)state;
	assert_int_equal(hday_end_ms("2026-03-28", &a), 0);
	assert_int_equal(a, 1774735200000LL);
	assert_int_equal(hday_end_ms("2026-03-29", &b), 0);
	assert_int_equal(b, 1774818000000LL);
	assert_int_equal(b - a, 23 * H_MS); /* the short day */
	assert_int_equal(hday_end_ms("2026-10-24", &a), 0);
	assert_int_equal(a, 1792875600000LL);
	assert_int_equal(hday_end_ms("2026-10-25", &b), 0);
	assert_int_equal(b, 1792965600000LL);
	assert_int_equal(b - a, 25 * H_MS); /* the long day */
	assert_int_equal(hday_end_ms("2026-02-30", &a), -1);
}

static void test_calendar(void **state)
{
	char day[HDAY_SIZE];
	int64_t days = -1;

	(void)state;
	assert_int_equal(hday_parse("1970-01-01", &days), 0);
	assert_int_equal(days, 0);
	assert_int_equal(hday_parse("2028-02-29", &days), 0);
	assert_int_equal(hday_parse("2027-02-29", &days), -1);
	assert_int_equal(hday_parse("2100-02-29", &days), -1);
	assert_int_equal(hday_parse("2000-02-29", &days), 0);
	static const char *bad[] = { "",           "2026-1-01",  "2026-13-01",  "2026-00-10",
				     "2026-01-32", "2026/01/01", "2026-01-011", "1969-12-31",
				     "20a6-01-01" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(hday_parse(bad[i], &days), -1);
	assert_int_equal(hday_add("2026-03-01", -1, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-02-28");
	assert_int_equal(hday_add("2024-03-01", -1, day, sizeof(day)), 0);
	assert_string_equal(day, "2024-02-29");
	assert_int_equal(hday_add("2026-12-31", 1, day, sizeof(day)), 0);
	assert_string_equal(day, "2027-01-01");
	assert_int_equal(hday_add("2026-12-02", -7, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-11-25");
	assert_int_equal(hday_add("1970-01-01", -1, day, sizeof(day)), -1);
	assert_string_equal(day, "");
	assert_int_equal(hday_of(-1, day, sizeof(day)), -1);
	assert_int_equal(hday_of(INT64_MAX, day, sizeof(day)), -1);
	assert_int_equal(hday_of(0, day, 5), -1);
	assert_day(0, "1970-01-01");
	assert_day(253402293600000LL - 1, "9999-12-31"); /* 9999-12-31T22:00Z is 10000 */
	assert_int_equal(hday_of(253402293600000LL, day, sizeof(day)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spring_switch),
		cmocka_unit_test(test_autumn_switch),
		cmocka_unit_test(test_day_end),
		cmocka_unit_test(test_calendar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
