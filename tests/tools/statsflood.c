/*
 * statsflood - pushes gateway-like usage batches to stats as fast as its
 * PULL socket takes them, for the benchmark (tests/bench/stats.bench.sh).
 *
 *   statsflood ENDPOINT SECONDS MAX_BATCHES EVENTS_PER_BATCH
 *
 * Every batch has a fresh seq of one random source_id and a fixed mix:
 * of each 10 events 5 are API_CALL of route "bench" (status 200), 3 page
 * views (pages index/request/my-requests, one of 20 user sites or none, one
 * of 500 visits) and 2 searches (need × kind × municipality, every fourth
 * one with zero results and two words).  Stops after SECONDS or
 * MAX_BATCHES, whichever comes first (both bounded), waits until ZeroMQ has
 * handed everything over (at most 10 s), and prints
 * "batches B events E api A seconds S" (A: the API_CALL events, which stats
 * counts as api|bench|200).  Exits 1 on a usage or socket error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <zmq.h>

#include "clock.h"
#include "num.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "toolcurve.h"
#include "banned.h"

#define SITES 20
#define VISITS 500

static const char *const pages[] = { "index", "request", "my-requests" };
static const char *const needs[] = { "memory", "mental-health", "loneliness", "diabetes" };
static const char *const kinds[] = { "peer-support", "exercise", "courses" };
static const char *const muns[] = { "297", "091", "992", "179", "837" };
static char *words[] = { (char *)"kävelyryhmä", (char *)"ööliä" };

static long arg_num(const char *s, long min, long max)
{
	long v;

	return num_parse_long(s, min, max, &v) ? -1 : v;
}

static void hex(char *out, size_t bytes)
{
	unsigned char b[32];

	randombytes_buf(b, bytes);
	for (size_t i = 0; i < bytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

int main(int argc, char **argv)
{
	static char sites[SITES][37], visits[VISITS][33];
	Tarjotin__UsageBatch batch = TARJOTIN__USAGE_BATCH__INIT;
	Tarjotin__UsageEvent *evs, **evp;
	long secs, max_batches, per, batches = 0, events = 0, api = 0;
	char source[33];
	void *ctx = NULL, *s = NULL;
	int linger = 10000, hwm = 50, rc = 1; /* a small queue: the pushes keep pace with stats */
	int64_t t0, end;

	if (argc != 5 || (secs = arg_num(argv[2], 1, 600)) < 0 ||
	    (max_batches = arg_num(argv[3], 1, 10000000)) < 0 ||
	    (per = arg_num(argv[4], 10, 4000)) < 0) {
		fprintf(stderr,
			"usage: statsflood ENDPOINT SECONDS MAX_BATCHES EVENTS_PER_BATCH\n");
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	for (int i = 0; i < SITES; i++) {
		char h[33];

		hex(h, 16);
		snprintf(sites[i], sizeof(sites[i]), "%.8s-%.4s-4%.3s-8%.3s-%.12s", h, h + 8,
			 h + 13, h + 17, h + 20);
	}
	for (int i = 0; i < VISITS; i++)
		hex(visits[i], 16);
	hex(source, 16);
	evs = xcalloc((size_t)per, sizeof(*evs));
	evp = xcalloc((size_t)per, sizeof(*evp));
	ctx = zmq_ctx_new();
	s = ctx ? zmq_socket(ctx, ZMQ_PUSH) : NULL;
	if (!s || zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) ||
	    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm)) || toolcurve_client(s, "stats") ||
	    zmq_connect(s, argv[1])) {
		fprintf(stderr, "statsflood: %s: %s\n", argv[1], zmq_strerror(errno));
		goto out;
	}
	t0 = clock_mono_us();
	end = t0 + secs * 1000000;
	batch.events = evp;
	batch.n_events = (size_t)per;
	batch.source = (char *)"statsflood";
	batch.source_id = source;
	while (batches < max_batches && clock_mono_us() < end) {
		int64_t now = clock_wall_ms();
		uint8_t *buf;
		size_t len;

		for (long i = 0; i < per; i++) {
			Tarjotin__UsageEvent *e = &evs[i];
			long k = (events + i) % 10, r = (long)randombytes_uniform(1u << 30);

			tarjotin__usage_event__init(e);
			e->at_ms = now;
			if (k < 5) {
				e->kind = TARJOTIN__USAGE_EVENT__KIND__API_CALL;
				e->route = (char *)"bench";
				e->status = 200;
				e->latency_us = 100;
				api++;
			} else if (k < 8) {
				e->kind = TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW;
				e->page = (char *)pages[r % 3];
				e->user_site_id = r % (SITES + 1) == SITES ? (char *)"" :
									     sites[r % (SITES + 1)];
				e->visit = visits[r % VISITS];
			} else {
				e->kind = TARJOTIN__USAGE_EVENT__KIND__SEARCH;
				e->need = (char *)needs[r % 4];
				e->kind_term = (char *)kinds[r % 3];
				e->municipality = (char *)muns[r % 5];
				e->user_site_id = sites[r % SITES];
				e->visit = visits[r % VISITS];
				e->zero = r % 4 == 0;
				e->has_q = e->zero;
				if (e->zero) {
					e->words = words;
					e->n_words = 2;
				}
			}
			evp[i] = e;
		}
		batch.seq = (uint64_t)++batches;
		len = tarjotin__usage_batch__get_packed_size(&batch);
		buf = xmalloc(len);
		tarjotin__usage_batch__pack(&batch, buf);
		if (zmq_send(s, buf, len, 0) < 0) {
			fprintf(stderr, "statsflood: send: %s\n", zmq_strerror(errno));
			free(buf);
			goto out;
		}
		free(buf);
		events += per;
	}
	printf("batches %ld events %ld api %ld seconds %.3f\n", batches, events, api,
	       (double)(clock_mono_us() - t0) / 1e6);
	rc = 0;
out:
	if (s)
		zmq_close(s);
	if (ctx)
		zmq_ctx_term(ctx);
	free(evp);
	free(evs);
	return rc;
}
