// units: services/gateway/statsparam.c
/*
 * Unit tests for the report query's checks: Helsinki days around the
 * daylight-saving changes, the default period, real dates, order and span.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "statsparam.h"

static void test_helsinki_day(void **state)
{
	char d[STATSPARAM_DATE_SIZE];

	(void)state;
	statsparam_helsinki_day(1764626399, d); /* 2025-12-01 21:59:59Z: EET, 23:59:59 */
	assert_string_equal(d, "2025-12-01");
	statsparam_helsinki_day(1764626400, d); /* 22:00Z: midnight in Helsinki */
	assert_string_equal(d, "2025-12-02");
	statsparam_helsinki_day(1751317200, d); /* 2025-06-30 21:00Z: EEST, midnight */
	assert_string_equal(d, "2025-07-01");
	statsparam_helsinki_day(1751317199, d);
	assert_string_equal(d, "2025-06-30");
}

static void test_period(void **state)
{
	char f[STATSPARAM_DATE_SIZE], t[STATSPARAM_DATE_SIZE];
	int64_t now = 1764669600; /* 2025-12-02 10:00Z */

	(void)state;
	assert_null(statsparam_period(NULL, "", now, f, t));
	assert_string_equal(f, "2024-12-01");
	assert_string_equal(t, "2025-12-02");
	assert_null(statsparam_period("2024-02-29", "2024-03-01", now, f, t));
	assert_string_equal(statsparam_period("2023-02-29", NULL, now, f, t), "from");
	assert_string_equal(statsparam_period("2025-01-01", "2025-13-01", now, f, t), "to");
	assert_string_equal(statsparam_period("2025-02-01", "2025-01-01", now, f, t), "from");
	assert_string_equal(statsparam_period("2020-01-01", "2025-01-01", now, f, t), "to");
	assert_string_equal(statsparam_period("2025-1-01", NULL, now, f, t), "from");
	assert_true(statsparam_report_ok("gaps"));
	assert_false(statsparam_report_ok("gaps/x"));
	assert_true(statsparam_format_ok("xlsx"));
	assert_false(statsparam_format_ok("pdf"));
	assert_true(statsparam_table_ok("cr_by_month"));
	assert_false(statsparam_table_ok("Cr"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_helsinki_day),
		cmocka_unit_test(test_period),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
