/*
 * housekeep.c - see housekeep.h.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "log.h"
#include "pg.h"
#include "housekeep.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

/* Any constant will do, as long as every instance uses the same one
 * (and it differs from the migrations' and the outbox's). */
#define HOUSEKEEP_LOCK "7305192047110012"
#define PERIOD_MS (3600 * 1000)
#define FIRST_MS (10 * 1000)

struct housekeep {
	const char *conninfo;
	long retention_days;
	pthread_t thread;
	atomic_bool stop;
};

static bool stopping(struct housekeep *s)
{
	return atomic_load(&s->stop) || sig_stopping();
}

/* Waits up to ms, waking at once on shutdown. */
static void wait_ms(struct housekeep *s, int64_t ms)
{
	int64_t until = clock_mono_us() + ms * 1000;

	while (!stopping(s)) {
		struct pollfd p = { .fd = sig_fd(), .events = POLLIN };
		int64_t left = (until - clock_mono_us()) / 1000;

		if (left <= 0)
			return;
		poll(&p, 1, left > 1000 ? 1000 : (int)left);
	}
}

/* One round: takes (or keeps) the lock, purges when it holds it.  The
 * connection is kept between rounds (it holds the lock); a bad one is
 * dropped, and the lock with it. */
static void round_once(struct housekeep *s, PGconn **db)
{
	char err[256], a[24], l[24], r[24];
	long audit_rows, link_rows;
	PGresult *res;
	bool locked;

	if (pg_ensure(db, s->conninfo, err, sizeof(err))) {
		log_warn("housekeeping: no database", "error", err, NULL);
		return;
	}
	res = PQexec(*db, "SELECT pg_try_advisory_lock(" HOUSEKEEP_LOCK ")");
	locked = PQresultStatus(res) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (!locked)
		return; /* another instance does it */
	if (audit_purge(*db, s->retention_days, &audit_rows, &link_rows, err, sizeof(err))) {
		log_warn("housekeeping: purge failed", "error", err, NULL);
		return;
	}
	/* One-click review links: kept 30 days past expiry (a used or expired
	 * link can be told from a wrong one), then gone. */
	res = PQexec(*db, "DELETE FROM review_links WHERE expires_at < now() - interval '30 days'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(*db, res, err, sizeof(err));
		log_warn("housekeeping: review link purge failed", "error", err, NULL);
	}
	snprintf(r, sizeof(r), "%s",
		 PQresultStatus(res) == PGRES_COMMAND_OK ? PQcmdTuples(res) : "0");
	PQclear(res);
	snprintf(a, sizeof(a), "%ld", audit_rows);
	snprintf(l, sizeof(l), "%ld", link_rows);
	log_info("housekeeping: purged", "audit_rows", a, "login_links", l, "review_links", r,
		 NULL);
}

static void *housekeep_main(void *arg)
{
	struct housekeep *s = arg;
	PGconn *db = NULL;

	wait_ms(s, FIRST_MS);
	while (!stopping(s)) {
		round_once(s, &db);
		wait_ms(s, PERIOD_MS);
	}
	if (db)
		PQfinish(db);
	return NULL;
}

struct housekeep *housekeep_start(const char *conninfo, long retention_days)
{
	struct housekeep *s = xcalloc(1, sizeof(*s));
	int e;

	s->conninfo = conninfo;
	s->retention_days = retention_days;
	atomic_init(&s->stop, false);
	e = pthread_create(&s->thread, NULL, housekeep_main, s);
	if (e) {
		log_error("cannot start the housekeeping thread", "error", strerror(e), NULL);
		free(s);
		return NULL;
	}
	return s;
}

void housekeep_stop(struct housekeep **sp)
{
	struct housekeep *s = *sp;

	if (!s)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	free(s);
	*sp = NULL;
}
