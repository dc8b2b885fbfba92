/*
 * reseed.h - gives a Redis that lost its data the counters of the last days
 * back from PostgreSQL (docs/statistics.md section 2), so that counting goes
 * on from the last roll-up instead of from zero (the roll-up's GREATEST
 * would otherwise keep the old figures and drop what was counted anew).
 */
#ifndef TJ_RESEED_H
#define TJ_RESEED_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

#define RESEED_DAYS 8 /* days seeded back: the oldest an event may be, and one more */

/*
 * When tj:stats:epoch is absent: under the lock tj:stats:seed:lock, writes
 * every stats.daily row and stats.sessions HyperLogLog of the last
 * RESEED_DAYS Helsinki days before now_ms into Redis (HSET, SET; one
 * MULTI/EXEC together with the epoch), so a second run writes the same.
 * Returns 1 when it seeded, 0 when the epoch was there (or another instance
 * is seeding now: the caller tries again later), -1 with the reason in err.
 */
int reseed_if_lost(PGconn *db, redisContext *rc, int64_t now_ms, char *err, size_t errlen);

#endif
