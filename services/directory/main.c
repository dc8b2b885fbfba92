/*
 * tarjotin-directory - the only owner of the directory database.  Any number
 * of instances may run; each binds its own endpoint (or dials the gateways),
 * and migrations and scheduled work are serialised through PostgreSQL locks.
 *
 * This file reads the configuration and wires the modules together: the
 * database prepared, the search index (index.c), the worker pool
 * (workers.c), the front that feeds it (front.c), PostgreSQL's health watch
 * and the outbox (outbox.c).
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "cr_settings.h"
#include "crevents.h"
#include "directory.h"
#include "front.h"
#include "healthwatch.h"
#include "icd10.h"
#include "index.h"
#include "links.h"
#include "log.h"
#include "messages.h"
#include "migrate.h"
#include "outbox.h"
#include "pg.h"
#include "refdata.h"
#include "housekeep.h"
#include "review.h"
#include "crsched.h"
#include "search.h"
#include "redisx.h"
#include "sig.h"
#include "simclock.h"
#include "workers.h"
#include "xalloc.h"
#include "zap.h"
#include "zcurve.h"
#include "banned.h"

/* Everything the directory reads from its environment, read at start. */
struct config {
	const char *instance;
	const char *conninfo;
	const char *migrate_conninfo; /* the schema owner's: migrations only */
	const char *bind, *gateways;
	const char *migrations_dir, *data_dir;
	const char *public_url;
	long audit_retention_days;
	int workers, queue_max, health_interval_ms;
	long grace_ms, db_wait_s;
};

/* The rest of the configuration; the instance name is read first, for the
 * log.  A value out of range ends the process here, logged (config.h). */
static void config_read(struct config *c)
{
	c->conninfo = config_str("TARJOTIN_DATABASE_URL",
				 "postgresql://tarjotin@127.0.0.1:5432/tarjotin");
	c->migrate_conninfo = config_str("TARJOTIN_MIGRATE_DATABASE_URL", c->conninfo);
	c->bind = config_str("TARJOTIN_DIRECTORY_BIND", "tcp://127.0.0.1:5601");
	c->gateways = config_str("TARJOTIN_DIRECTORY_GATEWAYS", "");
	c->migrations_dir = config_str("TARJOTIN_MIGRATIONS_DIR", "services/directory/migrations");
	c->data_dir = config_str("TARJOTIN_DATA_DIR", "services/directory/data");
	c->workers = (int)config_int("TARJOTIN_DIRECTORY_WORKERS", 2, 1, 256);
	c->queue_max = (int)config_int("TARJOTIN_DIRECTORY_QUEUE", 256, 1, 100000);
	c->health_interval_ms = (int)config_int("TARJOTIN_HEALTH_INTERVAL_MS", 500, 50, 60000);
	c->grace_ms = config_int("TARJOTIN_SHUTDOWN_GRACE_MS", 5000, 0, 600000);
	c->db_wait_s = config_int("TARJOTIN_DB_WAIT_S", 30, 0, 3600);
	c->public_url = config_str("TARJOTIN_PUBLIC_URL", LINKS_PUBLIC_URL_DEFAULT);
	c->audit_retention_days = config_int("TARJOTIN_AUDIT_RETENTION_DAYS", 730, 1, 36500);
}

static char *default_instance(void)
{
	char host[64];

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	return xasprintf("directory-%s-%d", host, (int)getpid());
}

/* --- PostgreSQL's health watch (healthwatch.h) ------------------------------ */

struct pgcheck {
	const char *conninfo;
	PGconn *db; /* the watch's own connection */
};

static int pg_check(void *ctx, char *err, size_t errlen)
{
	struct pgcheck *c = ctx;

	if (pg_ensure(&c->db, c->conninfo, err, errlen))
		return -1;
	return pg_exec(c->db, "SELECT 1", err, errlen);
}

static void pg_reset(void *ctx)
{
	struct pgcheck *c = ctx;

	if (c->db) {
		PQfinish(c->db);
		c->db = NULL;
	}
}

/* --- start-up ---------------------------------------------------------------- */

/* Waits for PostgreSQL (it may start after us), migrates, loads the
 * reference data and registers the instance.  Returns 0, or -1 logged. */
static int prepare_database(const struct config *cfg)
{
	const char *params[1] = { cfg->instance };
	PGconn *db = NULL;
	PGresult *res = NULL;
	char err[512], count[16];
	char *csv = NULL;
	int64_t until = clock_mono_us() + cfg->db_wait_s * 1000000;
	int n, rc = -1;

	/* As the schema's owner: migrations, the grants to the service's own
	 * role, the reference data.  Everything else runs as that role. */
	while (pg_ensure(&db, cfg->migrate_conninfo, err, sizeof(err))) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };

		if (sig_stopping() || clock_mono_us() > until) {
			log_fatal("cannot reach postgresql", "error", err, NULL);
			goto out;
		}
		poll(&pfd, 1, 200); /* the next try, or a stop signal */
	}
	/* Migrations may take longer than a request's statement_timeout
	 * (lib/pg.h, TARJOTIN_DB_STATEMENT_TIMEOUT_MS): none for this session. */
	if (pg_exec(db, "SET statement_timeout = 0", err, sizeof(err))) {
		log_fatal("cannot prepare the migration session", "error", err, NULL);
		goto out;
	}
	n = migrate_apply(db, cfg->migrations_dir, "schema_migrations", MIGRATE_LOCK_DIRECTORY, err,
			  sizeof(err));
	if (n < 0) {
		log_fatal("migrations failed", "error", err, NULL);
		goto out;
	}
	if (migrate_grant(db, "public", "schema_migrations", cfg->conninfo, err, sizeof(err))) {
		log_fatal("cannot grant the service's role its rights", "error", err, NULL);
		goto out;
	}
	snprintf(count, sizeof(count), "%d", n);
	log_info("database ready", "migrations_applied", count, NULL);
	/* Reference data after the schema: unchanged rows are not written, so
	 * every instance may load it at start. */
	csv = xasprintf("%s/municipalities.csv", cfg->data_dir);
	if (refdata_load_municipalities(db, csv, err, sizeof(err))) {
		log_fatal("cannot load municipalities", "error", err, NULL);
		goto out;
	}
	res = PQexecParams(db,
			   "INSERT INTO directory_instances (instance) VALUES ($1) "
			   "ON CONFLICT (instance) DO UPDATE SET started_at = now()",
			   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, sizeof(err));
		log_fatal("cannot register the instance", "error", err, NULL);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	free(csv);
	if (db)
		PQfinish(db);
	return rc;
}

int main(void)
{
	struct config cfg = { 0 };
	struct directory dir = { 0 };
	struct pgcheck pgc = { 0 };
	struct healthwatch pgwatch;
	struct front_config fc;
	struct front_stats fs = { 0 };
	struct front *front = NULL;
	struct workers *pool = NULL;
	struct index *ix = NULL;
	struct outbox *outbox = NULL;
	struct housekeep *housekeep = NULL;
	struct review *review = NULL;
	struct crevents *crevents = NULL; /* contact requests' events to stats */
	struct crsched *crsched = NULL;
	struct icd10 *crosswalk = NULL;
	char *instance_buf = default_instance(), *public_url = NULL;
	void *zctx = NULL;
	struct zcurve curve = { 0 };
	struct zap *zap = NULL;
	char err[512];
	int rc = 1;

	cfg.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("directory", cfg.instance);
	redisx_config(); /* its Redis password is checked now, before any thread */
	config_read(&cfg);
	public_url = links_public_url(cfg.public_url, err, sizeof(err));
	if (!public_url) {
		log_fatal("bad configuration", "variable", "TARJOTIN_PUBLIC_URL", "error", err,
			  NULL);
		goto out;
	}
	dir.public_url = public_url;
	if (review_settings_load(&dir.review, err, sizeof(err)) ||
	    cr_settings_load(&dir.cr, err, sizeof(err))) {
		log_fatal("bad configuration", "error", err, NULL);
		goto out;
	}
	/* The review's clock: the wall clock, or a test stack's moved one. */
	dir.clock = simclock_new(getenv("TARJOTIN_TEST_CLOCK_FILE"));
	if (!dir.clock) {
		log_fatal("cannot make the review clock", NULL);
		goto out;
	}
	if (simclock_testing(dir.clock))
		log_info("test clock in use", "file", getenv("TARJOTIN_TEST_CLOCK_FILE"), NULL);
	dir.instance = cfg.instance;
	dir.conninfo = cfg.conninfo;
	dir.pg = &pgwatch;
	pgc.conninfo = cfg.conninfo;
	healthwatch_init(&pgwatch, "postgresql", cfg.health_interval_ms, pg_check, pg_reset, &pgc);
	fc = (struct front_config){ .bind = cfg.bind,
				    .gateways = cfg.gateways,
				    .grace_ms = cfg.grace_ms };
	/* Every search allocates and frees some 100 KB; by default glibc hands
	 * that back to the kernel after each request and takes page faults for
	 * it on the next (measured: a fifth of the directory's CPU per search).
	 * Keep up to 64 MB of freed memory instead. */
	if (!mallopt(M_TRIM_THRESHOLD, 64 << 20))
		log_warn("cannot set malloc's trim threshold", NULL);
	if (sig_install() || sodium_init() < 0) {
		log_fatal("cannot install signal handlers or start libsodium", NULL);
		goto out;
	}
	if (zcurve_init(&curve, err, sizeof(err))) {
		log_fatal("bad configuration", "variable", "TARJOTIN_CURVE_*", "expected", err,
			  NULL);
		goto out;
	}
	dir.curve = &curve;
	if (prepare_database(&cfg))
		goto out;
	/* The search index: built once now, then kept current by its loader
	 * thread; the front and the workers read it. */
	{
		char *path = xasprintf("%s/icd10.tsv", cfg.data_dir);

		crosswalk = icd10_load(path, err, sizeof(err));
		free(path);
		if (!crosswalk) {
			log_fatal("cannot read the ICD-10 crosswalk", "error", err, NULL);
			goto out;
		}
	}
	ix = index_new(dir.conninfo, crosswalk);
	dir.search = search_new(ix);
	if (!dir.search || index_start(ix)) {
		log_fatal("cannot start the search index loader", NULL);
		goto out;
	}
	zctx = zmq_ctx_new();
	if (!zctx) {
		log_fatal("cannot make the zeromq context", "error", zmq_strerror(errno), NULL);
		goto out;
	}
	/* Before any server socket: without a handler libzmq admits any key. */
	if (curve.on && !(zap = zap_new(zctx, &curve, err, sizeof(err)))) {
		log_fatal("cannot start", "error", err, NULL);
		goto out;
	}
	fc.curve = &curve;
	fc.zap = zap;
	/* Messaging: without a data key it answers "unavailable", nothing else
	 * changes. */
	dir.messages = messages_new();
	pool = workers_new(zctx, &dir, cfg.workers, cfg.queue_max, err, sizeof(err));
	if (!pool || workers_start(pool, err, sizeof(err))) {
		log_fatal("cannot start the workers", "error", err, NULL);
		goto out;
	}
	/* The relay and the status consumer run in every instance. */
	outbox = outbox_start(&dir);
	if (!outbox) {
		log_fatal("cannot start the outbox", NULL);
		goto out;
	}
	fc.outbox = outbox;
	/* Audit retention and expired login links: hourly, one instance. */
	housekeep = housekeep_start(cfg.conninfo, cfg.audit_retention_days);
	if (!housekeep)
		goto out;
	/* The twice-yearly review: every instance, one at a time does it. */
	review = review_start(&dir);
	if (!review)
		goto out;
	crevents = crevents_start(&dir);
	if (!crevents)
		goto out;
	crsched = crsched_start(&dir); /* contact requests' reminders, expiry, erasure */
	if (!crsched)
		goto out;
	front = front_new(zctx, &dir, pool, &fc, err, sizeof(err));
	if (!front) {
		log_fatal("cannot open sockets", "error", err, NULL);
		goto out;
	}
	if (healthwatch_start(&pgwatch, err, sizeof(err))) {
		log_fatal("cannot watch postgresql", "error", err, NULL);
		goto out;
	}
	log_info("serving", "bind", cfg.bind, "gateways", cfg.gateways, NULL);
	if (front_run(front) == 0)
		rc = 0;
	front_stats(front, &fs);
	fs.expired += workers_expired(pool);
out:
	front_destroy(&front);
	/* Wakes the workers out of their blocking receives (ETERM). */
	if (zctx)
		zmq_ctx_shutdown(zctx);
	workers_destroy(&pool);
	zap_destroy(&zap);
	if (zctx)
		zmq_ctx_term(zctx);
	zcurve_release(&curve);
	sig_request_stop(); /* for the threads that watch the signal */
	healthwatch_release(&pgwatch);
	outbox_stop(&outbox);
	housekeep_stop(&housekeep);
	review_stop(&review);
	crevents_stop(&crevents);
	crsched_stop(&crsched);
	search_destroy(&dir.search);
	messages_destroy(&dir.messages);
	index_destroy(&ix);
	icd10_destroy(&crosswalk);
	simclock_destroy(&dir.clock);
	if (rc == 0) {
		char m[24], e[24], r[24], d[24];

		snprintf(m, sizeof(m), "%llu", (unsigned long long)fs.malformed);
		snprintf(e, sizeof(e), "%llu", (unsigned long long)fs.expired);
		snprintf(r, sizeof(r), "%llu", (unsigned long long)fs.refused);
		snprintf(d, sizeof(d), "%llu", (unsigned long long)fs.retries_merged);
		log_info("stopped", "malformed_requests", m, "expired_requests", e,
			 "refused_requests", r, "retries_merged", d, NULL);
	}
	free(instance_buf);
	free(public_url);
	return rc;
}
