/*
 * simclock.h - the clock scheduled work reads (docs/selfservice.md "Time"):
 * the wall clock plus an offset in whole seconds that only a test stack
 * sets, through a file named by TARJOTIN_TEST_CLOCK_FILE and re-read when
 * it changes.  Without a file the offset is 0 and nothing is read.
 */
#ifndef TJ_SIMCLOCK_H
#define TJ_SIMCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct simclock;

/* A clock; 'file' NULL or "" for none (production).  The file need not
 * exist yet (offset 0 until it does).  Free with simclock_destroy(). */
struct simclock *simclock_new(const char *file);
void simclock_destroy(struct simclock **cp);

/* Whether a test file is configured. */
bool simclock_testing(const struct simclock *c);

/* Milliseconds since the Unix epoch on this clock.  Thread-safe; with a
 * file, re-reads it when its mtime or size changed (at most every 50 ms).
 * A file that cannot be parsed keeps the last good offset (logged once). */
int64_t simclock_now_ms(struct simclock *c);

/* Bumps whenever the offset changed (the scheduler wakes on it).
 * Thread-safe; re-checks the file like simclock_now_ms. */
uint64_t simclock_generation(struct simclock *c);

/* The clock's time as text PostgreSQL reads as timestamptz
 * ("2026-12-02T01:02:03.456Z") into buf (at least 32 bytes). */
void simclock_iso(struct simclock *c, char *buf, size_t len);

#endif
