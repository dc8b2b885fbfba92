/*
 * tarjotin-stats - receives usage events from the gateways (ZeroMQ PULL) and
 * counts them in Redis, in one hash per day (tj:stats:YYYY-MM-DD): requests
 * per route and status ("ping:200"), and page views ("page_views").
 * No personal data reaches it: events carry routes, statuses and latencies.
 * (Roll-ups into PostgreSQL and the report queries come with the statistics
 * issue.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "redisx.h"
#include "rpc.h"
#include "sig.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "banned.h"

/* Route names become part of Redis keys: keep only [a-z0-9_]. */
static void key_safe(const char *in, char *out, size_t outlen)
{
	size_t j = 0;

	for (size_t i = 0; in[i] && j + 1 < outlen; i++) {
		char c = in[i];

		out[j++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') ? c : '_';
	}
	out[j] = '\0';
}

static void day_of(int64_t at_ms, char *out, size_t outlen)
{
	time_t t = (time_t)(at_ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, outlen, "%Y-%m-%d", &tm);
}

/* One counter a batch touches, summed before it goes to Redis. */
struct tally {
	char day[16], field[96];
	long n;
};

#define TALLY_MAX 256

static void tally_add(struct tally *t, size_t *nt, const char *day, const char *field)
{
	for (size_t i = 0; i < *nt; i++)
		if (!strcmp(t[i].field, field) && !strcmp(t[i].day, day)) {
			t[i].n++;
			return;
		}
	if (*nt == TALLY_MAX)
		return; /* cannot happen with our few routes; never grow unbounded */
	snprintf(t[*nt].day, sizeof(t[*nt].day), "%s", day);
	snprintf(t[*nt].field, sizeof(t[*nt].field), "%s", field);
	t[(*nt)++].n = 1;
}

/*
 * Counts one batch: sums it by day, route and status first, then sends one
 * HINCRBY per distinct counter in a single pipeline, so a batch of 500
 * events costs Redis a handful of commands.  Returns 0, or -1 when Redis
 * failed (the caller reconnects; the batch is counted as lost).
 */
static int count_batch(redisContext *rc, const Tarjotin__UsageBatch *b)
{
	struct tally t[TALLY_MAX];
	size_t nt = 0;
	int ok = 0;

	for (size_t i = 0; i < b->n_events; i++) {
		const Tarjotin__UsageEvent *e = b->events[i];
		char day[16], route[64], field[96];

		day_of(e->at_ms ? e->at_ms : clock_wall_ms(), day, sizeof(day));
		key_safe(e->route, route, sizeof(route));
		snprintf(field, sizeof(field), "%s:%u", route, e->status);
		tally_add(t, &nt, day, field);
		if (e->kind == TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW)
			tally_add(t, &nt, day, "page_views");
	}
	for (size_t i = 0; i < nt; i++)
		redisAppendCommand(rc, "HINCRBY tj:stats:%s %s %ld", t[i].day, t[i].field, t[i].n);
	for (size_t i = 0; i < nt; i++) {
		redisReply *r = NULL;

		if (redisGetReply(rc, (void **)&r) != REDIS_OK) {
			ok = -1;
			break;
		}
		freeReplyObject(r);
	}
	return ok;
}

int main(void)
{
	char *instance_buf = xasprintf("stats-%d", (int)getpid());
	const char *instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	const char *bind, *redis_addr;
	redisContext *rc = NULL;
	void *ctx = NULL, *pull = NULL;
	zmq_msg_t msg;
	unsigned long events = 0, lost = 0, malformed = 0;
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
	pull = zmq_socket(ctx, ZMQ_PULL);
	rpc_socket_defaults(pull);
	if (rpc_attach(pull, bind, true, err, sizeof(err))) {
		log_fatal("cannot open socket", "error", err, NULL);
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
			if (!rc)
				rc = redisx_connect(redis_addr, 500, err, sizeof(err));
			if (!rc || count_batch(rc, b)) {
				lost += b->n_events;
				if (rc) {
					redisFree(rc);
					rc = NULL;
				}
				log_warn("redis unavailable, usage batch not counted", "error",
					 err, NULL);
			}
			tarjotin__usage_batch__free_unpacked(b, NULL);
		}
	}
	zmq_msg_close(&msg);
	ret = 0;
out:
	if (pull)
		zmq_close(pull);
	if (ctx)
		zmq_ctx_term(ctx);
	if (rc)
		redisFree(rc);
	if (ret == 0) {
		char e[24], l[24], m[24];

		snprintf(e, sizeof(e), "%lu", events);
		snprintf(l, sizeof(l), "%lu", lost);
		snprintf(m, sizeof(m), "%lu", malformed);
		log_info("stopped", "events", e, "lost", l, "malformed", m, NULL);
	}
	free(instance_buf);
	return ret;
}
