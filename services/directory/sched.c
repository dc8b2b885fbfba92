/*
 * sched.c - see sched.h.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "pg.h"
#include "sched.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

struct sched {
	struct sched_job job;
	pthread_t thread;
	atomic_bool stop;
	PGconn *db; /* kept between rounds: it holds the lock */
};

bool sched_stopping(struct sched *s)
{
	return atomic_load(&s->stop) || sig_stopping();
}

int sched_record(PGconn *db, const char *job, const char *as_of, const char *instance,
		 const char *detail_json, char *err, size_t errlen)
{
	const char *params[4] = { job, as_of, instance, detail_json };
	PGresult *res = PQexecParams(
		db,
		"INSERT INTO scheduler_runs (job, as_of, finished_at, instance, detail) "
		"VALUES ($1, $2::timestamptz, now(), $3, $4::jsonb) "
		"ON CONFLICT (job) DO UPDATE SET as_of = EXCLUDED.as_of, "
		"finished_at = now(), instance = EXCLUDED.instance, detail = EXCLUDED.detail",
		4, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* One round, when this instance holds (or gets) the lock.  A bad
 * connection is dropped (and its lock with it) and made again next time. */
static void round_once(struct sched *s)
{
	char err[512], sql[96];
	PGresult *res;
	bool locked;

	if (!s->job.lock) {
		s->job.round(s, NULL, s->job.arg);
		return;
	}
	if (pg_ensure(&s->db, s->job.conninfo, err, sizeof(err))) {
		log_warn("scheduler: no database", "job", s->job.name, "error", err, NULL);
		return;
	}
	snprintf(sql, sizeof(sql), "SELECT pg_try_advisory_lock(%s)", s->job.lock);
	res = PQexec(s->db, sql);
	locked = PQresultStatus(res) == PGRES_TUPLES_OK && !strcmp(PQgetvalue(res, 0, 0), "t");
	PQclear(res);
	if (locked)
		s->job.round(s, s->db, s->job.arg);
	/* else another instance does it */
}

/* Waits up to ms, or until the test clock's offset changes from 'gen';
 * wakes at once on shutdown. */
static void wait_ms(struct sched *s, int64_t ms, uint64_t gen)
{
	int64_t until = clock_mono_us() + ms * 1000;
	bool testing = simclock_testing(s->job.clock);

	while (!sched_stopping(s)) {
		struct pollfd p = { .fd = sig_fd(), .events = POLLIN };
		int64_t left = (until - clock_mono_us()) / 1000, step = testing ? 100 : 1000;

		if (left <= 0 || (testing && simclock_generation(s->job.clock) != gen))
			return;
		poll(&p, 1, (int)(left > step ? step : left));
	}
}

static void *sched_main(void *arg)
{
	struct sched *s = arg;
	const int64_t every = s->job.every_s * 1000LL;
	int64_t next = s->job.settle_ms > 0 && s->job.settle_ms < every ? s->job.settle_ms : every;
	uint64_t gen = simclock_generation(s->job.clock);

	wait_ms(s, s->job.first_ms, gen);
	while (!sched_stopping(s)) {
		gen = simclock_generation(s->job.clock);
		round_once(s);
		wait_ms(s, next, gen);
		next = every;
	}
	return NULL;
}

struct sched *sched_start(const struct sched_job *job)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	int e;

	s->job = *job;
	if (s->job.every_s < 1)
		s->job.every_s = 1;
	atomic_init(&s->stop, false);
	e = pthread_create(&s->thread, NULL, sched_main, s);
	if (e) {
		log_error("cannot start a scheduler thread", "job", job->name, "error", strerror(e),
			  NULL);
		free(s);
		return NULL;
	}
	return s;
}

void sched_stop(struct sched **sp)
{
	struct sched *s = *sp;

	if (!s)
		return;
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	if (s->db)
		PQfinish(s->db);
	free(s);
	*sp = NULL;
}
