/*
 * statspush - pushes hand-made usage batches straight to stats' PULL socket,
 * for the system tests (tests/system/stats-kill.test.mjs: a replayed batch
 * is counted once).
 *
 *   statspush ENDPOINT gw SOURCE_ID SEQ N ROUTE STATUS TIMES
 *       a gateway batch (source_id, seq) of N API_CALL events of ROUTE
 *       answered STATUS, at now, sent TIMES times
 *   statspush ENDPOINT cr EVENT_ID CR_KIND TIMES
 *       a directory batch of one CONTACT_REQUEST event (its own uuid
 *       EVENT_ID, kind CR_KIND, no reaction), sent TIMES times
 *
 * Waits (at most 5 s) until ZeroMQ has handed every copy over, prints
 * "sent TIMES" and exits 0; exits 1 on a usage or socket error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "num.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "toolcurve.h"
#include "banned.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: statspush ENDPOINT gw SOURCE_ID SEQ N ROUTE STATUS TIMES\n"
		"       statspush ENDPOINT cr EVENT_ID CR_KIND TIMES\n");
	return 1;
}

/* A whole number in [min, max] from s, or -1. */
static long arg_num(const char *s, long min, long max)
{
	long v;

	if (num_parse_long(s, min, max, &v))
		return -1;
	return v;
}

/* Sends buf 'times' times on a PUSH socket connected to ep.  0 or -1. */
static int push(const char *ep, const uint8_t *buf, size_t len, long times)
{
	void *ctx = zmq_ctx_new();
	void *s = ctx ? zmq_socket(ctx, ZMQ_PUSH) : NULL;
	int linger = 5000, rc = -1;

	if (!s || zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger)) ||
	    toolcurve_client(s, "stats") || zmq_connect(s, ep)) {
		fprintf(stderr, "statspush: %s: %s\n", ep, zmq_strerror(errno));
		goto out;
	}
	for (long i = 0; i < times; i++) {
		if (zmq_send(s, buf, len, 0) < 0) {
			fprintf(stderr, "statspush: send: %s\n", zmq_strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	if (s)
		zmq_close(s);
	if (ctx)
		zmq_ctx_term(ctx);
	return rc;
}

int main(int argc, char **argv)
{
	Tarjotin__UsageBatch batch = TARJOTIN__USAGE_BATCH__INIT;
	Tarjotin__UsageEvent *evs = NULL, **evp = NULL;
	long n, times, seq = 0, status = 0;
	uint8_t *buf;
	size_t len;
	int rc;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[2], "gw") && argc == 9) {
		n = arg_num(argv[5], 1, 1000);
		seq = arg_num(argv[4], 1, 1L << 40);
		status = arg_num(argv[7], 100, 599);
		times = arg_num(argv[8], 1, 100);
		if (n < 0 || seq < 0 || status < 0 || times < 0)
			return usage();
	} else if (!strcmp(argv[2], "cr") && argc == 6) {
		n = 1;
		times = arg_num(argv[5], 1, 100);
		if (times < 0)
			return usage();
	} else {
		return usage();
	}
	evs = xcalloc((size_t)n, sizeof(*evs));
	evp = xcalloc((size_t)n, sizeof(*evp));
	for (long i = 0; i < n; i++) {
		tarjotin__usage_event__init(&evs[i]);
		evs[i].at_ms = clock_wall_ms();
		if (argv[2][0] == 'g') {
			evs[i].kind = TARJOTIN__USAGE_EVENT__KIND__API_CALL;
			evs[i].route = argv[6];
			evs[i].status = (uint32_t)status;
			evs[i].latency_us = 100;
		} else {
			evs[i].kind = TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST;
			evs[i].event_id = argv[3];
			evs[i].cr_kind = argv[4];
			evs[i].route = (char *)"contact_request";
			evs[i].days = -1;
			evs[i].reaction_minutes = -1;
		}
		evp[i] = &evs[i];
	}
	batch.events = evp;
	batch.n_events = (size_t)n;
	batch.source = (char *)"statspush";
	if (argv[2][0] == 'g') {
		batch.source_id = argv[3];
		batch.seq = (uint64_t)seq;
	}
	len = tarjotin__usage_batch__get_packed_size(&batch);
	buf = xmalloc(len ? len : 1);
	tarjotin__usage_batch__pack(&batch, buf);
	rc = push(argv[1], buf, len, times);
	if (rc == 0)
		printf("sent %ld\n", times);
	free(buf);
	free(evp);
	free(evs);
	return rc ? 1 : 0;
}
