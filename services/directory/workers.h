/*
 * workers.h - the directory's pool of worker threads, each with its own
 * PostgreSQL connection (struct worker), and the inproc protocol between
 * them and the front, after the zguide's load-balancing broker (chapter 3):
 *
 *   worker -> front  [worker id]["READY"]                 started, or dropped
 *                                                         an expired request
 *                    [worker id][gateway id][reply]       a reply; free again
 *   front -> worker  [worker id][gateway id][request]     to a free worker only
 *
 * A worker is given one request at a time and says when it is free, so work
 * goes to an idle worker, never into the queue of a busy one.  A request
 * whose deadline (Envelope.deadline_ms, wall clock) has passed when the
 * worker takes it is dropped unanswered (the caller has given up) and
 * counted.
 *
 * The front's end of the protocol (workers_socket, workers_recv,
 * workers_send) is for one thread, the front's; the count may be read from
 * any thread.
 */
#ifndef TJ_WORKERS_H
#define TJ_WORKERS_H

#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

#include "directory.h"

struct workers;

/*
 * Binds the pool's socket in 'zctx', for 'n' (1..256) workers serving 'dir'
 * (which must outlive the pool).  NULL with the reason in err when the
 * socket cannot be made.  Free with workers_destroy.
 */
struct workers *workers_new(void *zctx, struct directory *dir, int n, char *err, size_t errlen);

/*
 * Starts the worker threads; each says READY when it is up.  Returns 0, or
 * -1 with the reason in err when a thread cannot be started (those started
 * by then run on; workers_destroy stops them).
 */
int workers_start(struct workers *p, char *err, size_t errlen);

/*
 * Stops the pool: closes its socket and joins the threads.  The context
 * must have been shut down first (zmq_ctx_shutdown): that ends the workers'
 * receives (ETERM); a worker in the middle of a request finishes it first.
 * Accepts NULL; NULLs *p.
 */
void workers_destroy(struct workers **p);

/* The front's end of the pool, to poll for replies (ZMQ_POLLIN). */
void *workers_socket(struct workers *p);

/* The number of worker threads started. */
int workers_count(const struct workers *p);

/* Requests the workers dropped because their deadline had passed. */
uint64_t workers_expired(const struct workers *p);

enum workers_event {
	WORKERS_NONE,  /* nothing waiting */
	WORKERS_READY, /* worker *index is free */
	WORKERS_REPLY, /* worker *index is free; 'gateway' and 'reply' hold its reply */
};

/*
 * Takes one message from a worker without waiting.  'gateway' and 'reply'
 * are the caller's initialised messages, filled only for WORKERS_REPLY
 * (the frames to send on to the gateway).  A message that breaks the
 * protocol is logged and read as WORKERS_NONE.
 */
enum workers_event workers_recv(struct workers *p, int *index, zmq_msg_t *gateway,
				zmq_msg_t *reply);

/*
 * Hands worker 'index' (free, as workers_recv said) the request 'body' from
 * 'gateway'.  Both messages are consumed: sent, or on failure closed and left
 * empty (initialised).
 * Returns 0, or -1 (errno set by ZeroMQ) when it could not be sent.
 */
int workers_send(struct workers *p, int index, zmq_msg_t *gateway, zmq_msg_t *body);

#endif
