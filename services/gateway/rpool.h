/*
 * rpool.h - a small pool of hiredis contexts for the HTTP threads (one per
 * thread is enough: a thread holds at most one at a time).
 *
 * A context is connected when first needed and, following hiredis' rule,
 * freed and connected anew after any error.  Acquiring waits a bounded time
 * for a free context; Redis being down makes acquire fail fast, which the
 * routes answer 503.
 */
#ifndef TJ_RPOOL_H
#define TJ_RPOOL_H

#include <hiredis/hiredis.h>

#include "healthwatch.h"

struct rpool;

/* A pool of 'size' contexts to addr ("host:port" or "unix:/path"), each
 * with timeout_ms for connecting and for every command.  With a watch of
 * that Redis (may be NULL), a context made before the watch last saw Redis
 * go down is dropped before it is handed out: after a restart hiredis
 * learns that its connection is dead only when a command fails on it, and
 * that command would be a caller's.  NULL when its lock cannot be made.
 * Free with rpool_destroy; addr and watch must outlive the pool. */
struct rpool *rpool_new(const char *addr, unsigned size, int timeout_ms,
			const struct healthwatch *watch);

/* Frees every context; accepts NULL and NULLs *pp.  None may be held. */
void rpool_destroy(struct rpool **pp);

/*
 * A connected context for this thread's use, waiting at most wait_ms for a
 * free one.  Returns NULL with the reason in err when none came free or
 * Redis cannot be reached.  Give it back with rpool_release.
 */
redisContext *rpool_acquire(struct rpool *p, int wait_ms, char *err, size_t errlen);

/* Gives a context back and NULLs *cp; one whose err is set is freed, so
 * that the next acquire connects anew.  Accepts *cp NULL. */
void rpool_release(struct rpool *p, redisContext **cp);

#endif
