/*
 * front.h - the directory's socket thread: the ROUTER the gateways talk to.
 *
 * Ping, health and what the in-memory index answers (search.h's
 * search_inline) are answered on this thread, several replies to one
 * gateway batched into one MSG_BATCH frame.  The rest goes to the pool
 * (workers.h), whose first free worker takes it; while none is free,
 * requests wait in the pool's bounded queue, and when that is full they are
 * answered STATUS_UNAVAILABLE at once.  A request whose deadline passed (on arrival or while it waited) is
 * dropped unanswered and counted, and a retry of a request that a worker
 * works on or that waits already is not run twice.
 */
#ifndef TJ_FRONT_H
#define TJ_FRONT_H

#include <stddef.h>
#include <stdint.h>

#include "directory.h"
#include "workers.h"

struct front;

struct zcurve;
struct zap;

struct front_config {
	const char *bind;           /* endpoints to bind (comma-separated; empty: none) */
	const char *gateways;       /* gateway endpoints to dial (the same) */
	long grace_ms;              /* on stopping, how long to wait for work in flight */
	struct outbox *outbox;      /* its figures go into the health reply; may be NULL */
	const struct zcurve *curve; /* the ROUTER is a CURVE server (zcurve.h) ... */
	const struct zap *zap;      /* ... authenticated by this context's handler */
};

struct front_stats {
	uint64_t malformed;      /* frames that were no envelope */
	uint64_t expired;        /* requests dropped on arrival: their deadline had passed */
	uint64_t refused;        /* answered "busy": the queue was full */
	uint64_t retries_merged; /* retries of requests already worked on or waiting */
};

/*
 * Opens the gateways' socket in 'zctx' (bound or dialling as 'cfg' says)
 * in front of the started pool 'pool'.  'dir' and 'pool' must outlive the
 * front.  NULL with the reason in err when the socket cannot be made.
 * Free with front_destroy.
 */
struct front *front_new(void *zctx, const struct directory *dir, struct workers *pool,
			const struct front_config *cfg, char *err, size_t errlen);

/*
 * Serves until a stop signal (sig.h); then reads no new requests, delivers
 * the replies of those in flight (queued ones included) for up to the grace
 * time, and returns 0.  Returns -1 when polling the sockets failed.  Runs on
 * one thread, which must be the only one to use the pool's front end.
 */
int front_run(struct front *f);

/* The front's counts so far. */
void front_stats(const struct front *f, struct front_stats *out);

/* Closes the socket, drops what still waits, frees; accepts NULL and NULLs
 * *fp. */
void front_destroy(struct front **fp);

#endif
