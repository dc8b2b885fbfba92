/*
 * tarjotin-stats - receives usage events from the gateways (ZeroMQ PULL) and
 * counts them in Redis, in one hash per day (tj:stats:YYYY-MM-DD): requests
 * per route and status ("ping:200"), page views ("page_views"), and the
 * directory's contact request events ("cr_sent", ... each event once).
 * No personal data reaches it: events carry routes, statuses and latencies.
 * (Roll-ups into PostgreSQL and the report queries come with the statistics
 * issue.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "redisx.h"
#include "reportsrv.h"
#include "rpc.h"
#include "sig.h"
#include "stats.pb-c.h"
#include "tally.h"
#include "xalloc.h"
#include "banned.h"

int main(void)
{
	char *instance_buf = xasprintf("stats-%d", (int)getpid());
	const char *instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	const char *bind, *redis_addr;
	redisContext *rc = NULL;
	void *ctx = NULL, *pull = NULL;
	struct reportsrv *reports = NULL;
	zmq_msg_t msg;
	unsigned long events = 0, lost = 0, malformed = 0, refused = 0;
	char err[256];
	int ret = 1;

	log_init("stats", instance);
	bind = config_str("TARJOTIN_STATS_BIND", "tcp://127.0.0.1:5701");
	redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	if (sig_install()) {
		log_fatal("cannot install signal handlers", NULL);
		goto out;
	}
	ctx = zmq_ctx_new();
	pull = ctx ? zmq_socket(ctx, ZMQ_PULL) : NULL;
	if (!pull) {
		log_fatal("cannot make a zeromq socket", "error", zmq_strerror(errno), NULL);
		goto out;
	}
	rpc_socket_defaults(pull);
	if (rpc_attach(pull, bind, true, err, sizeof(err))) {
		log_fatal("cannot open socket", "error", err, NULL);
		goto out;
	}
	reports = reportsrv_new(ctx, instance, err, sizeof(err));
	if (!reports) {
		log_fatal("cannot serve reports", "error", err, NULL);
		goto out;
	}
	log_info("serving", "bind", bind, "redis", redis_addr, NULL);
	zmq_msg_init(&msg);
	while (!sig_stopping()) {
		zmq_pollitem_t items[2] = {
			{ .socket = pull, .events = ZMQ_POLLIN },
			{ .fd = sig_fd(), .events = ZMQ_POLLIN },
		};
		Tarjotin__UsageBatch *b;
		struct tally t;

		if (zmq_poll(items, 2, 1000) < 0 && errno != EINTR)
			break;
		while (zmq_msg_recv(&msg, pull, ZMQ_DONTWAIT) >= 0) {
			b = tarjotin__usage_batch__unpack(NULL, zmq_msg_size(&msg),
							  zmq_msg_data(&msg));
			if (!b) {
				malformed++;
				log_warn("malformed usage batch", NULL);
				continue;
			}
			events += b->n_events;
			tally_init(&t);
			tally_add_batch(&t, b, clock_wall_ms());
			malformed += t.malformed;
			if (t.refused) {
				char n[24];

				refused += t.refused;
				snprintf(n, sizeof(n), "%lu", t.refused);
				log_warn("usage events with an impossible time not counted",
					 "events", n, "source", b->source, NULL);
			}
			if (!rc)
				rc = redisx_connect(redis_addr, 500, err, sizeof(err));
			if (!rc || tally_send(&t, rc, err, sizeof(err))) {
				lost += b->n_events - t.refused;
				if (rc) {
					redisFree(rc);
					rc = NULL;
				}
				log_warn("redis unavailable, usage batch not counted", "error", err,
					 NULL);
			}
			tarjotin__usage_batch__free_unpacked(b, NULL);
		}
	}
	zmq_msg_close(&msg);
	ret = 0;
out:
	reportsrv_destroy(&reports);
	if (pull)
		zmq_close(pull);
	if (ctx)
		zmq_ctx_term(ctx);
	if (rc)
		redisFree(rc);
	if (ret == 0) {
		char e[24], l[24], m[24], r[24];

		snprintf(e, sizeof(e), "%lu", events);
		snprintf(l, sizeof(l), "%lu", lost);
		snprintf(m, sizeof(m), "%lu", malformed);
		snprintf(r, sizeof(r), "%lu", refused);
		log_info("stopped", "events", e, "lost", l, "malformed", m, "refused", r, NULL);
	}
	free(instance_buf);
	return ret;
}
