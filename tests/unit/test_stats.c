// units: services/stats/ingest.c services/stats/apply.c services/stats/hday.c
/*
 * Unit tests for what stats makes of a usage batch (docs/statistics.md
 * section 1): Helsinki days, the exact counter fields of every kind of
 * event, visits for the HyperLogLogs, contact-request records, and events
 * with a bad dimension dropped whole; and the reason given when Redis fails
 * on a connection that already existed.
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

#include "apply.h"
#include "ingest.h"
#include "banned.h"

#define NOW_MS 1795000000000LL /* 2026-11-18T11:06:40Z, 13:06 in Helsinki */
#define SITE "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
#define ACT "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"
#define EV1 "11111111-2222-4333-8444-555555555555"
#define VISIT1 "0123456789abcdef0123456789abcdef"
#define VISIT2 "fedcba9876543210fedcba9876543210"

static long counter(const struct ingest *g, const char *day, const char *field)
{
	for (size_t i = 0; i < g->n_counters; i++)
		if (!strcmp(g->counters[i].day, day) && !strcmp(g->counters[i].field, field))
			return g->counters[i].n;
	return 0;
}

static void batch_of(Tarjotin__UsageBatch *b, Tarjotin__UsageEvent *ev, Tarjotin__UsageEvent **p,
		     size_t n)
{
	tarjotin__usage_batch__init(b);
	for (size_t i = 0; i < n; i++)
		p[i] = &ev[i];
	b->events = p;
	b->n_events = n;
	b->source = (char *)"gateway-1";
	b->source_id = (char *)"00112233445566778899aabbccddeeff";
	b->seq = 7;
}

static void test_days_are_helsinki_days_and_bad_times_refused(void **state)
{
	Tarjotin__UsageEvent ev[4], *p[4];
	Tarjotin__UsageBatch b;
	struct ingest g;

	(void)state;
	for (int i = 0; i < 4; i++) {
		tarjotin__usage_event__init(&ev[i]);
		ev[i].kind = TARJOTIN__USAGE_EVENT__KIND__API_CALL;
		ev[i].route = (char *)"ping";
		ev[i].status = 200;
	}
	ev[0].at_ms = 1795037600000LL; /* 2026-11-18T21:33:20Z = 23:33 in Helsinki */
	ev[1].at_ms = 1795042600000LL; /* 22:56:40Z = 00:56 on the 19th in Helsinki */
	ev[2].at_ms = -5;
	ev[3].at_ms = NOW_MS - INGEST_PAST_MS - 1;
	batch_of(&b, ev, p, 4);
	ingest_init(&g);
	assert_int_equal(ingest_batch(&g, &b, NOW_MS + 12 * 3600 * 1000LL), 2);
	assert_int_equal(counter(&g, "2026-11-18", "api|ping|200"), 1);
	assert_int_equal(counter(&g, "2026-11-19", "api|ping|200"), 1);
	assert_int_equal(g.refused, 2);
	assert_int_equal(g.n_days, 2);
	/* The keys expire 10 days after the day's end (19th 00:00 Helsinki = 22:00Z). */
	assert_int_equal(g.days[0].expire_at_s, 1795039200LL + 10 * 86400);
	assert_string_equal(g.source_id, "00112233445566778899aabbccddeeff");
	assert_int_equal(g.seq, 7);
	ingest_release(&g);
}

static void test_every_kind_counts_its_fields(void **state)
{
	Tarjotin__UsageEvent ev[8], *p[8];
	Tarjotin__UsageBatch b;
	struct ingest g;
	char *words[] = { (char *)"kävelyryhmä", (char *)"öljy" };

	(void)state;
	for (int i = 0; i < 8; i++) {
		tarjotin__usage_event__init(&ev[i]);
		ev[i].at_ms = NOW_MS;
	}
	ev[0].kind = TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW;
	ev[0].page = (char *)"index";
	ev[0].visit = (char *)VISIT1;
	ev[1] = ev[0];
	ev[1].user_site_id = (char *)SITE;
	ev[1].visit = (char *)VISIT2;
	ev[2].kind = TARJOTIN__USAGE_EVENT__KIND__SEARCH;
	ev[2].need = (char *)"memory";
	ev[2].municipality = (char *)"297";
	ev[2].user_site_id = (char *)SITE;
	ev[3].kind = TARJOTIN__USAGE_EVENT__KIND__SEARCH;
	ev[3].kind_term = (char *)"peer-support";
	ev[3].has_q = 1;
	ev[3].zero = 1;
	ev[3].words = words;
	ev[3].n_words = 2;
	ev[4].kind = TARJOTIN__USAGE_EVENT__KIND__DETAIL_VIEW;
	ev[4].activity_id = (char *)ACT;
	ev[5].kind = TARJOTIN__USAGE_EVENT__KIND__REVIEW_CONFIRMED;
	ev[6].kind = TARJOTIN__USAGE_EVENT__KIND__API_CALL;
	ev[6].route = (char *)"activities.search";
	ev[6].status = 200;
	ev[7] = ev[6];
	batch_of(&b, ev, p, 8);
	ingest_init(&g);
	assert_int_equal(ingest_batch(&g, &b, NOW_MS), 8);
	assert_int_equal(counter(&g, "2026-11-18", "pv|index|-"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "pv|index|" SITE), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search|all"), 2);
	assert_int_equal(counter(&g, "2026-11-18", "search|site|" SITE), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search|site|-"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search_need|memory"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search_mun|297"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search_kind|peer-support"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "search_q"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "zero|-|peer-support|-"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "zword|kävelyryhmä"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "zword|öljy"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "detail|all"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "detail|" ACT), 1);
	assert_int_equal(counter(&g, "2026-11-18", "review|confirmed"), 1);
	assert_int_equal(counter(&g, "2026-11-18", "api|activities.search|200"), 2);
	/* A search with results names no gap. */
	assert_int_equal(counter(&g, "2026-11-18", "zero|memory|-|297"), 0);
	/* Visits: per site ("-" when not signed in) and "all". */
	assert_int_equal(g.n_visits, 4);
	assert_string_equal(g.visits[0].site, "-");
	assert_string_equal(g.visits[1].site, "all");
	assert_string_equal(g.visits[2].site, SITE);
	assert_string_equal(g.visits[3].visit, VISIT2);
	assert_int_equal(g.malformed, 0);
	ingest_release(&g);
}

static void test_a_bad_dimension_drops_the_whole_event(void **state)
{
	Tarjotin__UsageEvent ev[7], *p[7];
	Tarjotin__UsageBatch b;
	struct ingest g;
	char *digit[] = { (char *)"abc1" }, *upper[] = { (char *)"Kuopio" };

	(void)state;
	for (int i = 0; i < 7; i++) {
		tarjotin__usage_event__init(&ev[i]);
		ev[i].at_ms = NOW_MS;
		ev[i].kind = TARJOTIN__USAGE_EVENT__KIND__SEARCH;
		ev[i].zero = 1;
	}
	ev[0].need = (char *)"memory|x";
	ev[1].municipality = (char *)"29a";
	ev[2].words = digit;
	ev[2].n_words = 1;
	ev[3].words = upper;
	ev[3].n_words = 1;
	ev[4].user_site_id = (char *)"6F1C2A3B-4D5E-4F60-8A7B-9C0D1E2F3A4B";
	ev[5].kind = TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW;
	ev[5].visit = (char *)"short";
	ev[6].kind = TARJOTIN__USAGE_EVENT__KIND__API_CALL;
	ev[6].route = (char *)"ping|x";
	batch_of(&b, ev, p, 7);
	ingest_init(&g);
	assert_int_equal(ingest_batch(&g, &b, NOW_MS), 0);
	assert_int_equal(g.malformed, 7);
	assert_int_equal(g.n_counters, 0);
	assert_int_equal(g.n_visits, 0);
	ingest_release(&g);

	/* A batch with a source_id that is not 32 lower-case hex is refused whole. */
	batch_of(&b, ev, p, 1);
	ev[0].need = (char *)"memory";
	b.source_id = (char *)"../../etc";
	ingest_init(&g);
	assert_int_equal(ingest_batch(&g, &b, NOW_MS), 0);
	assert_int_equal(g.malformed, 1);
	ingest_release(&g);
}

static void test_contact_request_events_become_records(void **state)
{
	Tarjotin__UsageEvent ev[2], *p[2];
	Tarjotin__UsageBatch b;
	struct ingest g;
	char *kinds[] = { (char *)"peer-support", (char *)"exercise" };
	char *needs[] = { (char *)"memory" };

	(void)state;
	tarjotin__usage_event__init(&ev[0]);
	ev[0].kind = TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST;
	ev[0].at_ms = NOW_MS;
	ev[0].event_id = (char *)EV1;
	ev[0].cr_kind = (char *)"contacted";
	ev[0].activity_id = (char *)ACT;
	ev[0].user_site_id = (char *)SITE;
	ev[0].county = (char *)"PS";
	ev[0].kinds = kinds;
	ev[0].n_kinds = 2;
	ev[0].needs = needs;
	ev[0].n_needs = 1;
	ev[0].days = 1;
	ev[0].reaction_minutes = 95;
	ev[1] = ev[0];
	ev[1].event_id = (char *)"not-a-uuid";
	batch_of(&b, ev, p, 2);
	b.source_id = (char *)"";
	b.seq = 0;
	ingest_init(&g);
	assert_int_equal(ingest_batch(&g, &b, NOW_MS), 1);
	assert_int_equal(g.malformed, 1);
	assert_int_equal(g.n_crs, 1);
	assert_string_equal(g.crs[0].field, "cr|contacted");
	assert_string_equal(g.crs[0].id, EV1);
	assert_string_equal(g.crs[0].day, "2026-11-18");
	assert_non_null(strstr(g.crs[0].record, "\"kinds\":[\"peer-support\",\"exercise\"]"));
	assert_non_null(strstr(g.crs[0].record, "\"county\":\"PS\""));
	assert_non_null(strstr(g.crs[0].record, "\"reaction_minutes\":95"));
	assert_non_null(strstr(g.crs[0].record, "\"at_ms\":1795000000000"));
	/* Counted once by the script, not here. */
	assert_int_equal(g.n_counters, 0);
	ingest_release(&g);
}

static void test_a_failure_on_an_open_connection_says_why(void **state)
{
	Tarjotin__UsageEvent ev[1], *p[1];
	Tarjotin__UsageBatch b;
	struct apply a = { { 0 } };
	struct ingest g;
	redisContext *rc;
	char err[256];
	int sv[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	tarjotin__usage_event__init(&ev[0]);
	ev[0].kind = TARJOTIN__USAGE_EVENT__KIND__REVIEW_CONFIRMED;
	ev[0].at_ms = NOW_MS;
	batch_of(&b, ev, p, 1);
	ingest_init(&g);
	ingest_batch(&g, &b, NOW_MS);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	rc = redisConnectFd(sv[0]);
	assert_non_null(rc);
	close(sv[1]); /* the server went away after we connected */
	err[0] = '\0';
	assert_int_equal(apply_batch(&a, rc, &g, err, sizeof(err)), APPLY_FAILED);
	assert_true(strlen(err) > 0);
	redisFree(rc);
	ingest_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_days_are_helsinki_days_and_bad_times_refused),
		cmocka_unit_test(test_every_kind_counts_its_fields),
		cmocka_unit_test(test_a_bad_dimension_drops_the_whole_event),
		cmocka_unit_test(test_contact_request_events_become_records),
		cmocka_unit_test(test_a_failure_on_an_open_connection_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
