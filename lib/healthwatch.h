/*
 * healthwatch.h - a thread that checks one dependency (Redis, PostgreSQL) at
 * an interval on its own connection, so that health answers never wait on it.
 *
 *   struct healthwatch hw;
 *   healthwatch_init(&hw, "redis", 1000, check, reset, ctx);
 *   healthwatch_start(&hw, err, sizeof(err));
 *   ... healthwatch_ok(&hw) ...
 *   healthwatch_release(&hw);   stops and joins the thread
 *
 * Changes are logged once each ("redis is down" / "redis is back").
 */
#ifndef TJ_HEALTHWATCH_H
#define TJ_HEALTHWATCH_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Checks once, (re)connecting as needed; 0 when healthy, else -1 with the
 * reason in err.  Runs on the watch thread only. */
typedef int healthwatch_check_fn(void *ctx, char *err, size_t errlen);
/* Drops the connection after a failed check (hiredis and libpq contexts are
 * not to be reused after an error) and at release. */
typedef void healthwatch_reset_fn(void *ctx);

struct healthwatch {
	const char *name;
	int interval_ms;
	healthwatch_check_fn *check;
	healthwatch_reset_fn *reset;
	void *ctx;
	atomic_bool ok;
	atomic_int_fast64_t checked_ms; /* wall clock of the last check, 0 before */
	atomic_uint_fast64_t outages;   /* checks that failed after one that passed */
	atomic_bool stop;
	int wake_fd; /* eventfd: release wakes the thread at once */
	pthread_t thread;
	bool running;
};

/* Fills in hw; healthy until the first check says otherwise. */
void healthwatch_init(struct healthwatch *hw, const char *name, int interval_ms,
		      healthwatch_check_fn *check, healthwatch_reset_fn *reset, void *ctx);
/* Starts the thread.  Returns 0, or -1 with the reason in err. */
int healthwatch_start(struct healthwatch *hw, char *err, size_t errlen);
bool healthwatch_ok(const struct healthwatch *hw);
int64_t healthwatch_checked_ms(const struct healthwatch *hw);
/*
 * How many times the dependency went down (a failed check after a passing
 * one, or the first check failing).  A connection made before the count
 * last changed may be dead without its library knowing yet (libpq reports
 * a restarted server only when a statement fails on it), so its users
 * drop it when the count moves.
 */
uint64_t healthwatch_outages(const struct healthwatch *hw);
/* Stops and joins the thread (if it runs) and resets the connection. */
void healthwatch_release(struct healthwatch *hw);

#endif
