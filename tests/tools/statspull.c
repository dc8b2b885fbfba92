/*
 * statspull - what a gateway sends to stats, for system tests.
 *
 *   statspull ENDPOINT SECONDS [MAX]
 *
 * Binds a ZeroMQ PULL socket on ENDPOINT (where the gateway's
 * TARJOTIN_STATS_ENDPOINT points), unpacks every tarjotin.UsageBatch and
 * prints each event as one JSON line on stdout (its fields by their proto
 * names, plus "source_id" and "seq" of its batch), flushed at once.  Prints
 * "ready" on stderr once bound.  Exits 0 after SECONDS or MAX events, 1 when
 * the endpoint cannot be bound, 2 on bad arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <zmq.h>

#include "clock.h"
#include "stats.pb-c.h"
#include "toolcurve.h"
#include "banned.h"

static json_t *strings(char **v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static void print_event(const Tarjotin__UsageBatch *b, const Tarjotin__UsageEvent *e)
{
	json_t *o = json_pack(
		"{s:i, s:I, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:s, s:I}",
		"kind", (int)e->kind, "at_ms", (json_int_t)e->at_ms, "route", e->route, "status",
		(int)e->status, "page", e->page, "visit", e->visit, "user_site_id", e->user_site_id,
		"activity_id", e->activity_id, "need", e->need, "kind_term", e->kind_term,
		"municipality", e->municipality, "has_q", (int)e->has_q, "zero", (int)e->zero,
		"words", strings(e->words, e->n_words), "source_id", b->source_id, "seq",
		(json_int_t)b->seq);
	char *s;

	if (!o)
		return;
	json_object_set_new(o, "county", json_string(e->county));
	json_object_set_new(o, "session", json_string(e->session));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	if (s)
		printf("%s\n", s);
	fflush(stdout);
	free(s);
	json_decref(o);
}

int main(int argc, char **argv)
{
	void *ctx, *pull;
	struct zcurve z;
	struct zap *zap = NULL;
	long seconds, max, seen = 0;
	int64_t end;

	if (argc < 3 || (seconds = strtol(argv[2], NULL, 10)) <= 0 || seconds > 600) {
		fprintf(stderr, "usage: statspull ENDPOINT SECONDS [MAX]\n");
		return 2;
	}
	max = argc > 3 ? strtol(argv[3], NULL, 10) : 0;
	ctx = zmq_ctx_new();
	pull = zmq_socket(ctx, ZMQ_PULL);
	/* As the stack's stats (toolcurve.h), so that its gateways may send. */
	if (!pull || toolcurve_server(ctx, pull, "stats", &z, &zap) ||
	    zmq_bind(pull, argv[1]) < 0) {
		fprintf(stderr, "statspull: cannot bind %s: %s\n", argv[1],
			zmq_strerror(zmq_errno()));
		return 1;
	}
	fprintf(stderr, "ready\n");
	end = clock_mono_us() + seconds * 1000000;
	while ((max <= 0 || seen < max) && clock_mono_us() < end) {
		zmq_pollitem_t it = { .socket = pull, .events = ZMQ_POLLIN };
		long wait_ms = (long)((end - clock_mono_us()) / 1000);
		zmq_msg_t m;
		Tarjotin__UsageBatch *b;

		if (zmq_poll(&it, 1, wait_ms > 0 ? wait_ms : 0) <= 0 || !(it.revents & ZMQ_POLLIN))
			continue;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, pull, 0) < 0) {
			zmq_msg_close(&m);
			continue;
		}
		b = tarjotin__usage_batch__unpack(NULL, zmq_msg_size(&m), zmq_msg_data(&m));
		zmq_msg_close(&m);
		if (!b) {
			printf("{\"malformed\":true}\n");
			fflush(stdout);
			continue;
		}
		for (size_t i = 0; i < b->n_events; i++, seen++)
			print_event(b, b->events[i]);
		tarjotin__usage_batch__free_unpacked(b, NULL);
	}
	zmq_close(pull);
	zap_destroy(&zap);
	zmq_ctx_term(ctx);
	return 0;
}
