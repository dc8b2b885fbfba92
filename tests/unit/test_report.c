// units: services/stats/hday.c services/stats/rcalc.c services/stats/rtable.c services/stats/rlabel.c services/stats/report.c services/stats/export_csv.c
/*
 * Unit tests for the pure parts of stats' reports: nearest-rank
 * percentiles, the months of a period, shares, suppression of counts of
 * 1..4 for funders (and of what is derived from them), number formats and
 * the label lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export_csv.h"
#include "rcalc.h"
#include "rlabel.h"
#include "rtable.h"
#include "banned.h"

static void test_nearest_rank(void **state)
{
	long v[] = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };

	(void)state;
	rcalc_sort(v, 10);
	assert_int_equal(rcalc_rank(v, 10, 50), 5);
	assert_int_equal(rcalc_rank(v, 10, 90), 9);
	assert_int_equal(rcalc_rank(v, 10, 100), 10);
	assert_int_equal(rcalc_rank(v, 1, 90), 1);
	assert_int_equal(rcalc_rank(v, 3, 50), 2); /* ceil(1.5) = 2 */
}

static void test_months(void **state)
{
	char m[RCALC_MAX_MONTHS][RCALC_MONTH_SIZE];

	(void)state;
	assert_int_equal(rcalc_months("2025-11-30", "2026-02-01", m, RCALC_MAX_MONTHS), 4);
	assert_string_equal(m[0], "2025-11");
	assert_string_equal(m[3], "2026-02");
	assert_false(rcalc_day("2026-02-29", NULL));
	assert_true(rcalc_day("2028-02-29", NULL));
	{
		long d = -1;

		assert_true(rcalc_day("2000-01-01", &d));
		assert_int_equal(d, 0);
		assert_true(rcalc_day("2001-03-01", &d));
		assert_int_equal(d, 366 + 31 + 28);
		assert_true(rcalc_day("2999-12-31", &d));
		assert_false(rcalc_day("3000-01-01", &d));
		assert_false(rcalc_day("1999-12-31", &d));
		assert_false(rcalc_day("2026-1x-01", &d));
	}
	assert_int_equal(rcalc_months("2026-13-01", "2026-12-01", m, RCALC_MAX_MONTHS), 0);
}

static void test_share(void **state)
{
	char out[RTABLE_NUM_SIZE];

	(void)state;
	rtable_format(RTABLE_PERCENT, rcalc_share(2, 3), ',', out);
	assert_string_equal(out, "66,7");
	rtable_format(RTABLE_DECIMAL, 1.5, '.', out);
	assert_string_equal(out, "1.5");
	rtable_format(RTABLE_DECIMAL, 12, '.', out);
	assert_string_equal(out, "12");
	assert_true(rcalc_share(1, 0) == 0);
}

static void test_suppression(void **state)
{
	struct rtable *t = rtable_new("x", "X", true);
	struct strbuf b = STRBUF_INIT;
	size_t r;

	(void)state;
	rtable_col(t, "a", "A", RTABLE_INT);
	rtable_col(t, "b", "B", RTABLE_PERCENT);
	r = rtable_row(t);
	rtable_count(t, r, 0, 3);
	rtable_derived(t, r, 1, 50, true, rtable_hides(t, 3));
	r = rtable_row(t);
	rtable_count(t, r, 0, 0);
	rtable_count(t, r, 1, 5);
	rtable_json(t, &b);
	assert_non_null(strstr(b.p, "\"rows\":[[null,null],[0,5.0]]"));
	assert_non_null(strstr(b.p, "\"suppressed\":[[0,0],[0,1]]"));
	assert_null(strstr(b.p, "\"keys\"")); /* no row has a key */
	strbuf_release(&b);
	rtable_key(t, 1, "second");
	rtable_json(t, &b);
	assert_non_null(strstr(b.p, "\"keys\":[null,\"second\"]"));
	strbuf_release(&b);
	rtable_destroy(&t);
	assert_null(t);

	t = rtable_new("x", "X", false); /* an admin sees every count */
	rtable_col(t, "a", "A", RTABLE_INT);
	r = rtable_row(t);
	rtable_count(t, r, 0, 3);
	rtable_json(t, &b);
	assert_non_null(strstr(b.p, "\"rows\":[[3]],\"suppressed\":[]"));
	strbuf_release(&b);
	rtable_destroy(&t);
}

static void test_labels(void **state)
{
	json_t *doc = json_loads(
		"{\"counties\":{\"PS\":{\"fi\":\"Pohjois-Savo\",\"sv\":\"Norra Savolax\"}},"
		"\"user_sites\":{\"u1\":{\"name\":\"Varkaus\"}}}",
		0, NULL);

	(void)state;
	assert_string_equal(rlabel_word("usage_by_month", "sv"),
			    "Sessioner och sidvisningar per månad");
	assert_string_equal(rlabel_word("not_signed_in", "en"), "Not signed in");
	assert_string_equal(rlabel_name(doc, "counties", "PS", "sv"), "Norra Savolax");
	assert_string_equal(rlabel_name(doc, "counties", "PS", "en"), "Pohjois-Savo");
	assert_string_equal(rlabel_name(doc, "user_sites", "u1", "fi"), "Varkaus");
	assert_string_equal(rlabel_name(doc, "counties", "XX", "fi"), "XX");
	json_decref(doc);
}

static void test_csv(void **state)
{
	struct report r;
	struct strbuf b = STRBUF_INIT;
	struct rtable *t;
	size_t row;
	static const char *const cols[] = { "month:month", "zero_share:percent", "word:text",
					    NULL };

	(void)state;
	memset(&r, 0, sizeof(r));
	snprintf(r.lang, sizeof(r.lang), "fi");
	r.funder = true;
	t = report_table(&r, "searches_by_month", cols);
	row = rtable_row(t);
	rtable_text(t, row, 0, "2026-11");
	rtable_derived(t, row, 1, rcalc_share(2, 3), true, false);
	rtable_text(t, row, 2, "a;\"b\"");
	row = rtable_row(t);
	rtable_count(t, row, 1, 2);
	assert_int_equal(export_csv(&r, "searches_by_month", &b), 0);
	assert_string_equal(b.p,
			    "\xEF\xBB\xBFKuukausi;Tuloksettomien osuus %;Sana\r\n"
			    "2026-11;66,7;\"a;\"\"b\"\"\"\r\n;<5;\r\n");
	strbuf_release(&b);
	assert_int_equal(export_csv(&r, "nope", &b), -1);
	strbuf_release(&b);
	report_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nearest_rank), cmocka_unit_test(test_months),
		cmocka_unit_test(test_share),        cmocka_unit_test(test_suppression),
		cmocka_unit_test(test_labels),       cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
