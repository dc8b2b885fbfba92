/*
 * tarjotin-stats - counts the usage events of the gateways and the directory
 * (ZeroMQ PULL) in Redis per Helsinki day, rolls them up into its own
 * PostgreSQL schema every TARJOTIN_STATS_ROLLUP_S and at shutdown, and
 * answers reports on its own thread (reportsrv).  docs/statistics.md is the
 * contract.  No personal data reaches it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "apply.h"
#include "clock.h"
#include "config.h"
#include "ingest.h"
#include "log.h"
#include "migrate.h"
#include "pg.h"
#include "redisx.h"
#include "reportsrv.h"
#include "reseed.h"
#include "rollup.h"
#include "rpc.h"
#include "sig.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "zap.h"
#include "zcurve.h"
#include "banned.h"

/* The counting loop's state. */
struct statsd {
	const char *instance, *redis_addr, *dburl;
	long rollup_ms;
	redisContext *rc;
	PGconn *db;
	struct apply script;
	unsigned long events, lost, malformed, refused, duplicates;
};

static void drop_redis(struct statsd *s)
{
	if (s->rc) {
		redisFree(s->rc);
		s->rc = NULL;
	}
}

static bool ready(struct statsd *s, char *err, size_t errlen)
{
	if (!s->rc) {
		s->rc = redisx_connect(s->redis_addr, 500, err, errlen);
		s->script.sha[0] = '\0';
	}
	return s->rc != NULL;
}

/* A Redis without the epoch is seeded from PostgreSQL first. */
static enum apply_result apply_seeded(struct statsd *s, const struct ingest *g, char *err,
				      size_t errlen)
{
	enum apply_result res = apply_batch(&s->script, s->rc, g, err, errlen);

	if (res != APPLY_NO_EPOCH)
		return res;
	if (pg_ensure(&s->db, s->dburl, err, errlen) ||
	    reseed_if_lost(s->db, s->rc, clock_wall_ms(), err, errlen) < 0)
		return APPLY_FAILED;
	return apply_batch(&s->script, s->rc, g, err, errlen);
}

static void count_batch(struct statsd *s, const Tarjotin__UsageBatch *b)
{
	struct ingest g;
	enum apply_result res = APPLY_COUNTED;
	char err[256];

	ingest_init(&g);
	ingest_batch(&g, b, clock_wall_ms());
	s->malformed += g.malformed;
	s->refused += g.refused;
	if (g.refused) {
		char n[24];

		snprintf(n, sizeof(n), "%lu", g.refused);
		log_warn("usage events with an impossible time not counted", "events", n, "source",
			 b->source, NULL);
	}
	if (g.events || g.source_id[0]) {
		res = ready(s, err, sizeof(err)) ? apply_seeded(s, &g, err, sizeof(err)) :
						   APPLY_FAILED;
	}
	if (res == APPLY_FAILED || res == APPLY_NO_EPOCH) {
		s->lost += g.events;
		log_warn("usage batch not counted", "error",
			 res == APPLY_NO_EPOCH ? "redis is being seeded" : err, NULL);
		if (s->rc && s->rc->err)
			drop_redis(s);
	} else if (res == APPLY_DUPLICATE) {
		s->duplicates += g.events;
	} else {
		s->events += g.events;
	}
	ingest_release(&g);
}

static void roll_up(struct statsd *s)
{
	char err[256];

	if (!ready(s, err, sizeof(err)) || pg_ensure(&s->db, s->dburl, err, sizeof(err)) ||
	    rollup_now(s->db, s->rc, s->instance, err, sizeof(err))) {
		log_warn("roll-up failed, the counters stay in redis", "error", err, NULL);
		if (s->rc && s->rc->err)
			drop_redis(s);
	}
}

/* The stats schema and its migrations (the role may create the schema). */
static int migrate(struct statsd *s, const char *dir, char *err, size_t errlen)
{
	const char *owner_url = config_str("TARJOTIN_STATS_MIGRATE_DATABASE_URL", s->dburl);
	PGconn *owner = NULL;
	int n;

	/* As the schema's owner (may be the same role): the schema, its
	 * migrations and the grants to the role stats runs as. */
	if (pg_ensure(&owner, owner_url, err, errlen))
		return -1;
	if (pg_exec(owner, "CREATE SCHEMA IF NOT EXISTS stats", err, errlen))
		n = -1;
	else
		n = migrate_apply(owner, dir, "stats.schema_migrations", MIGRATE_LOCK_STATS, err,
				  errlen);
	if (n >= 0 &&
	    migrate_grant(owner, "stats", "stats.schema_migrations", s->dburl, err, errlen))
		n = -1;
	PQfinish(owner);
	if (n > 0) {
		char c[16];

		snprintf(c, sizeof(c), "%d", n);
		log_info("stats schema migrated", "applied", c, NULL);
	}
	return n < 0 ? -1 : 0;
}

static void log_stopped(const struct statsd *s)
{
	char e[24], l[24], m[24], r[24], d[24];

	snprintf(e, sizeof(e), "%lu", s->events);
	snprintf(l, sizeof(l), "%lu", s->lost);
	snprintf(m, sizeof(m), "%lu", s->malformed);
	snprintf(r, sizeof(r), "%lu", s->refused);
	snprintf(d, sizeof(d), "%lu", s->duplicates);
	log_info("stopped", "events", e, "lost", l, "malformed", m, "refused", r, "duplicates", d,
		 NULL);
}

int main(void)
{
	char *instance_buf = xasprintf("stats-%d", (int)getpid()), *reports_name = NULL;
	struct statsd s = { 0 };
	const char *bind, *migrations;
	void *ctx = NULL, *pull = NULL;
	struct zcurve curve = { 0 };
	struct zap *zap = NULL;
	struct reportsrv *reports = NULL;
	int64_t next_roll;
	zmq_msg_t msg;
	char err[256];
	int ret = 1;

	s.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("stats", s.instance);
	redisx_config(); /* its Redis password is checked now, before any thread */
	bind = config_str("TARJOTIN_STATS_BIND", "tcp://127.0.0.1:5701");
	s.redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	s.dburl = config_str("TARJOTIN_STATS_DATABASE_URL",
			     "postgresql://tarjotin_stats@127.0.0.1:5432/tarjotin");
	s.rollup_ms = config_int("TARJOTIN_STATS_ROLLUP_S", 60, 1, 3600) * 1000;
	migrations = config_str("TARJOTIN_STATS_MIGRATIONS_DIR", "services/stats/migrations");
	if (sig_install()) {
		log_fatal("cannot install signal handlers", NULL);
		goto out;
	}
	if (migrate(&s, migrations, err, sizeof(err))) {
		log_fatal("cannot migrate the stats schema", "error", err, NULL);
		goto out;
	}
	if (zcurve_init(&curve, err, sizeof(err))) {
		log_fatal("bad configuration", "variable", "TARJOTIN_CURVE_*", "expected", err,
			  NULL);
		goto out;
	}
	ctx = zmq_ctx_new();
	/* The ZAP handler before any server socket: without one libzmq would
	 * admit any key. */
	if (ctx && curve.on && !(zap = zap_new(ctx, &curve, err, sizeof(err)))) {
		log_fatal("cannot start", "error", err, NULL);
		goto out;
	}
	pull = ctx ? zmq_socket(ctx, ZMQ_PULL) : NULL;
	if (!pull) {
		log_fatal("cannot make a zeromq socket", "error", zmq_strerror(errno), NULL);
		goto out;
	}
	rpc_socket_defaults(pull);
	if (zcurve_server(pull, &curve, zap, err, sizeof(err)) ||
	    rpc_attach(pull, bind, true, err, sizeof(err))) {
		log_fatal("cannot open socket", "error", err, NULL);
		goto out;
	}
	/* Its own name for the roll-up lock: the two threads never roll at once. */
	reports_name = xasprintf("%s/reports", s.instance);
	reports = reportsrv_new(ctx, &curve, zap, reports_name, err, sizeof(err));
	if (!reports) {
		log_fatal("cannot serve reports", "error", err, NULL);
		goto out;
	}
	log_info("serving", "bind", bind, "redis", s.redis_addr, NULL);
	next_roll = clock_mono_us() / 1000 + s.rollup_ms;
	zmq_msg_init(&msg);
	while (!sig_stopping()) {
		zmq_pollitem_t items[2] = {
			{ .socket = pull, .events = ZMQ_POLLIN },
			{ .fd = sig_fd(), .events = ZMQ_POLLIN },
		};
		int64_t now = clock_mono_us() / 1000;

		if (now >= next_roll) {
			roll_up(&s);
			next_roll = clock_mono_us() / 1000 + s.rollup_ms;
			continue;
		}
		if (zmq_poll(items, 2, next_roll - now < 1000 ? next_roll - now : 1000) < 0 &&
		    errno != EINTR)
			break;
		/* At most a bounded run of batches, so the roll-up keeps its time. */
		for (int n = 0; n < 4096 && zmq_msg_recv(&msg, pull, ZMQ_DONTWAIT) >= 0; n++) {
			Tarjotin__UsageBatch *b = tarjotin__usage_batch__unpack(NULL,
										zmq_msg_size(&msg),
										zmq_msg_data(&msg));

			if (!b) {
				s.malformed++;
				log_warn("malformed usage batch", NULL);
				continue;
			}
			count_batch(&s, b);
			tarjotin__usage_batch__free_unpacked(b, NULL);
		}
	}
	zmq_msg_close(&msg);
	roll_up(&s); /* at shutdown: what was counted reaches PostgreSQL */
	ret = 0;
out:
	reportsrv_destroy(&reports);
	if (pull)
		zmq_close(pull);
	zap_destroy(&zap);
	if (ctx)
		zmq_ctx_term(ctx);
	zcurve_release(&curve);
	drop_redis(&s);
	if (s.db)
		PQfinish(s.db);
	if (ret == 0)
		log_stopped(&s);
	free(reports_name);
	free(instance_buf);
	return ret;
}
