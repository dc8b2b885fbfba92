/*
 * rollup.h - moves what stats counted in Redis into its PostgreSQL schema
 * (docs/statistics.md section 2): the day hashes into stats.daily, the
 * day's HyperLogLogs into stats.sessions, the pending contact-request
 * records into stats.cr_events.
 *
 * No state of its own: every call works on the connections it is given, so
 * any thread may call it with that thread's own PGconn and redisContext
 * (never share one connection between threads).  Instances of stats (and
 * threads of one) are serialised by the Redis lock tj:stats:rollup:lock
 * (SET NX PX 30000, released only by its holder).
 */
#ifndef TJ_ROLLUP_H
#define TJ_ROLLUP_H

#include <stddef.h>

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

/*
 * Rolls up every day of tj:stats:dirty, under the lock, in one PostgreSQL
 * transaction: each field of tj:stats:<day> is upserted into stats.daily
 * with n = GREATEST(old, new); PFCOUNT and the bytes of every
 * tj:stats:hll:<day>:<site> into stats.sessions; the records of
 * tj:stats:cr:pending (as many as there were when it started) into
 * stats.cr_events ON CONFLICT DO NOTHING.  After COMMIT it LTRIMs the
 * records written and SREMs the days rolled (a day changed during the
 * roll-up is re-added by the next batch and rolled again: counters only
 * grow, so a re-run writes the same).
 *
 * instance names the lock's holder (its value; logged).  Returns 0 when it
 * rolled up, when nothing was dirty, and also when another instance holds
 * the lock (that one is rolling up the same data now).  Returns -1 with the
 * reason in err when Redis or PostgreSQL failed: nothing is removed from
 * Redis then (the next call retries everything), the transaction is rolled
 * back, and the lock is released when Redis still answers.  After -1 the
 * caller checks its connections: a redisContext with rc->err set is
 * unusable (redisFree it and connect anew); a PGconn whose PQstatus is not
 * CONNECTION_OK is reset with pg_ensure().
 */
int rollup_now(PGconn *db, redisContext *rc, const char *instance, char *err, size_t errlen);

#endif
