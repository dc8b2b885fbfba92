/*
 * workers.h - the directory's pool of worker threads, each with its own
 * PostgreSQL connection (struct worker), and the queue of requests waiting
 * for one.
 *
 * Work goes to an idle worker, never into the queue of a busy one: the
 * front submits a request to the pool's one queue, and a worker takes the
 * oldest waiting request itself the moment it is free (a worker waits on
 * the queue only while it has nothing to do).  So a slow query holds up no
 * request another worker could answer, and a free worker never waits for
 * the front to hand it work.  A request whose deadline (Envelope.deadline_ms,
 * wall clock) has passed when a worker takes it, or while it waits in a full
 * queue, is dropped unanswered (the caller has given up) and counted.
 *
 * Replies travel to the front over one inproc socket:
 *   worker -> front  [gateway id][reply]
 *
 * The front's end (workers_submit, workers_socket, workers_recv) is for one
 * thread, the front's; the counts may be read from any thread.
 */
#ifndef TJ_WORKERS_H
#define TJ_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

#include "directory.h"

struct workers;

/*
 * Binds the pool's reply socket in 'zctx', for 'n' (1..256) workers serving
 * 'dir' (which must outlive the pool), with room for 'queue_max' (>= 1)
 * waiting requests.  NULL with the reason in err when the socket cannot be
 * made.  Free with workers_destroy.
 */
struct workers *workers_new(void *zctx, struct directory *dir, int n, int queue_max, char *err,
			    size_t errlen);

/*
 * Starts the worker threads.  Returns 0, or -1 with the reason in err when
 * a thread cannot be started (those started by then run on; workers_destroy
 * stops them).
 */
int workers_start(struct workers *p, char *err, size_t errlen);

/*
 * Stops the pool: wakes the idle workers, drops what still waits, closes the
 * socket and joins the threads.  The context must have been shut down first
 * (zmq_ctx_shutdown), so that a worker finishing a request gets ETERM when it
 * sends the reply.  Accepts NULL; NULLs *p.
 */
void workers_destroy(struct workers **p);

enum workers_submit {
	WORKERS_QUEUED,    /* waits for (or is already taken by) a free worker */
	WORKERS_DUPLICATE, /* a retry of a request that waits or is being worked on */
	WORKERS_FULL,      /* every worker busy and the queue full */
};

/*
 * Submits the request 'body' from 'gateway' (the request's id and deadline
 * as its envelope says).  For WORKERS_QUEUED 'body' is moved into the queue
 * (left empty); 'gateway' stays the caller's (copied).
 */
enum workers_submit workers_submit(struct workers *p, zmq_msg_t *gateway, zmq_msg_t *body,
				   uint64_t request_id, int64_t deadline_ms);

/* The front's end of the pool, to poll for replies (ZMQ_POLLIN). */
void *workers_socket(struct workers *p);

/*
 * Takes one reply without waiting: returns 1 with the frames to send on to
 * the gateway in 'gateway' and 'reply' (the caller's initialised messages),
 * 0 when none is waiting.  A message that breaks the protocol is logged and
 * skipped (0).
 */
int workers_recv(struct workers *p, zmq_msg_t *gateway, zmq_msg_t *reply);

/* The number of worker threads started. */
int workers_count(const struct workers *p);
/* Of them, those working on a request now. */
int workers_busy(struct workers *p);
/* Requests being worked on or waiting: what a stopping front waits for. */
int workers_pending(struct workers *p);
/* Requests dropped because their deadline had passed. */
uint64_t workers_expired(const struct workers *p);

#endif
