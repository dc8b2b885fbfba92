/*
 * sched.h - the loop a scheduled job of the directory runs in (the review,
 * contact requests): one thread per instance; a first round 'first_ms'
 * after start, optionally a settle round 'settle_ms' later, then every
 * 'every_s'; with a test clock (simclock) also within 100 ms of each change
 * of its offset; stopped at once by sched_stop or the stop signal.  Each
 * round runs only in the instance that holds (or gets) the advisory lock
 * 'lock' on the connection the thread keeps between rounds.
 */
#ifndef TJ_SCHED_H
#define TJ_SCHED_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "simclock.h"

struct sched;

/* One round on 'db' (connected, holding the lock, no transaction open;
 * NULL for a job without a lock); 'arg' is the job's.  It should return soon after sched_stopping(s). */
typedef void (*sched_round_fn)(struct sched *s, PGconn *db, void *arg);

struct sched_job {
	const char *name;     /* for log lines: "review" */
	const char *lock;     /* the advisory lock's key, decimal digits; NULL: no
			       * database, every instance runs the round (db NULL) */
	const char *conninfo; /* outlives the thread (unused without a lock) */
	struct simclock *clock;
	int first_ms;  /* the first round this long after start */
	int settle_ms; /* then one this long after it (0: none) */
	int every_s;   /* then one every every_s (at least 1) */
	sched_round_fn round;
	void *arg;
};

/* Starts the thread for a copy of 'job' (its strings, clock and arg must
 * outlive it).  NULL when the thread cannot be started (logged).  Free
 * with sched_stop(). */
struct sched *sched_start(const struct sched_job *job);

/* Whether the job is being stopped (sched_stop or the stop signal): a
 * round checks it between its batches. */
bool sched_stopping(struct sched *s);

/* Records that a round of job 'job' ([a-z_]) at clock time 'as_of' (ISO)
 * finished on 'instance' with 'detail_json' (a JSON object of counts):
 * scheduler_runs, whose as_of the tests wait for.  In the caller's
 * transaction, if any.  Returns 0, or -1 with err. */
int sched_record(PGconn *db, const char *job, const char *as_of, const char *instance,
		 const char *detail_json, char *err, size_t errlen);

/* Stops and joins the thread, closes its connection (releasing the lock);
 * accepts NULL; NULLs *sp. */
void sched_stop(struct sched **sp);

#endif
