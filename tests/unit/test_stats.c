// units: services/stats/tally.c
/*
 * Unit tests for stats' counting: the day of an event's time (refused when
 * the network sends an impossible one), the sums of a batch, and the reason
 * given when Redis fails on a connection that already existed, and the
 * contact request events counted once by their id.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "tally.h"
#include "banned.h"

#define NOW_MS 1795000000000LL /* 2026-11-18T... UTC */

static void test_day_of_a_time_in_range(void **state)
{
	char day[TALLY_DAY_SIZE];

	(void)state;
	assert_int_equal(tally_day_of(NOW_MS, NOW_MS, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-11-18");
	/* 0 is "not set": the time it arrived. */
	assert_int_equal(tally_day_of(0, NOW_MS, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-11-18");
	assert_int_equal(tally_day_of(NOW_MS - TALLY_PAST_MS, NOW_MS, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-11-11");
	assert_int_equal(tally_day_of(NOW_MS + TALLY_FUTURE_MS, NOW_MS, day, sizeof(day)), 0);
	assert_string_equal(day, "2026-11-19");
}

static void test_day_of_an_impossible_time_is_refused(void **state)
{
	static const int64_t bad[] = { -1,
				       -1000,
				       INT64_MIN,
				       INT64_MAX,
				       NOW_MS - TALLY_PAST_MS - 1,
				       NOW_MS + TALLY_FUTURE_MS + 1,
				       253402300800000LL /* 10000 AD */,
				       1 /* 1970 */ };
	char day[TALLY_DAY_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(day, "unchanged", 10);
		assert_int_equal(tally_day_of(bad[i], NOW_MS, day, sizeof(day)), -1);
		assert_string_equal(day, "");
	}
	assert_int_equal(tally_day_of(NOW_MS, NOW_MS, day, 5), -1);
}

static void test_a_batch_is_summed_and_bad_times_counted(void **state)
{
	Tarjotin__UsageEvent ev[4];
	Tarjotin__UsageEvent *evp[4];
	Tarjotin__UsageBatch b = TARJOTIN__USAGE_BATCH__INIT;
	struct tally t;

	(void)state;
	for (int i = 0; i < 4; i++) {
		tarjotin__usage_event__init(&ev[i]);
		ev[i].route = (char *)"ping";
		ev[i].status = 200;
		ev[i].at_ms = NOW_MS;
		evp[i] = &ev[i];
	}
	ev[1].kind = TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW;
	ev[1].route = (char *)"Static/Page";
	ev[2].at_ms = -5;
	ev[3].at_ms = INT64_MAX;
	b.n_events = 4;
	b.events = evp;
	tally_init(&t);
	tally_add_batch(&t, &b, NOW_MS);
	assert_int_equal(t.refused, 2);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.c[0].field, "ping:200");
	assert_string_equal(t.c[1].field, "_tatic__age:200");
	assert_string_equal(t.c[2].field, "page_views");
	for (size_t i = 0; i < t.n; i++) {
		assert_string_equal(t.c[i].day, "2026-11-18");
		assert_int_equal(t.c[i].n, 1);
	}
}

static void test_contact_request_events_are_counted_once_by_id(void **state)
{
	static const char *const ids[] = {
		"0b6c1c1e-1d7e-4c55-9a3b-2f5a7d9e1c01", /* a good one */
		"0b6c1c1e-1d7e-4c55-9a3b-2f5a7d9e1c02", /* a good one, another kind */
		"0B6C1C1E-1D7E-4C55-9A3B-2F5A7D9E1C03", /* not lower-case */
		"0b6c1c1e-1d7e-4c55-9a3b-2f5a7d9e1c0",  /* too short */
		"0b6c1c1e-1d7e-4c55-9a3b-2f5a7d9e1c05", /* a bad kind */
		"0b6c1c1e-1d7e-4c55-9a3b-2f5a7d9e1c06", /* a bad time */
	};
	static const char *const kinds[] = { "sent", "first_reaction", "sent",
					     "sent", "se nt",          "sent" };
	Tarjotin__UsageEvent ev[6];
	Tarjotin__UsageEvent *evp[6];
	Tarjotin__UsageBatch b = TARJOTIN__USAGE_BATCH__INIT;
	struct tally t;

	(void)state;
	for (int i = 0; i < 6; i++) {
		tarjotin__usage_event__init(&ev[i]);
		ev[i].kind = TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST;
		ev[i].event_id = (char *)ids[i];
		ev[i].cr_kind = (char *)kinds[i];
		ev[i].at_ms = NOW_MS;
		evp[i] = &ev[i];
	}
	ev[5].at_ms = -1;
	b.n_events = 6;
	b.events = evp;
	tally_init(&t);
	tally_add_batch(&t, &b, NOW_MS);
	/* Nothing per route: a contact request event is no HTTP call. */
	assert_int_equal(t.n, 0);
	assert_int_equal(t.n_once, 2);
	assert_int_equal(t.malformed, 3);
	assert_int_equal(t.refused, 1);
	assert_string_equal(t.once[0].field, "cr_sent");
	assert_string_equal(t.once[0].id, ids[0]);
	assert_string_equal(t.once[0].day, "2026-11-18");
	assert_string_equal(t.once[1].field, "cr_first_reaction");
	assert_string_equal(t.once[1].id, ids[1]);
}

static void test_a_failure_on_an_open_connection_says_why(void **state)
{
	struct tally t;
	redisContext *rc;
	char err[256];
	int sv[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	rc = redisConnectFd(sv[0]);
	assert_non_null(rc);
	close(sv[1]); /* the server went away after we connected */
	tally_init(&t);
	t.n = 1;
	snprintf(t.c[0].day, sizeof(t.c[0].day), "2026-11-18");
	snprintf(t.c[0].field, sizeof(t.c[0].field), "ping:200");
	t.c[0].n = 1;
	err[0] = '\0';
	assert_int_equal(tally_send(&t, rc, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	redisFree(rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_of_a_time_in_range),
		cmocka_unit_test(test_day_of_an_impossible_time_is_refused),
		cmocka_unit_test(test_a_batch_is_summed_and_bad_times_counted),
		cmocka_unit_test(test_contact_request_events_are_counted_once_by_id),
		cmocka_unit_test(test_a_failure_on_an_open_connection_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
