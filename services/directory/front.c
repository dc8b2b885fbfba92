/*
 * front.c - the directory's socket thread: the gateways' requests in, the
 * replies out, and the hand-out of work to free workers (the zguide's
 * load-balancing broker, chapter 3).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "directory.pb-c.h"
#include "errmsg.h"
#include "front.h"
#include "healthwatch.h"
#include "log.h"
#include "rpc.h"
#include "search.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

/*
 * Replies answered on this thread to one gateway go out together, as one
 * MSG_BATCH envelope in one frame: ZeroMQ's I/O threads on both sides then
 * write and read them with one system call and wake once, where a frame per
 * reply cost a write, a read and two wake-ups each (measured: with 12-15 KB
 * search pages the I/O threads cost more CPU than the search itself).  A
 * batch of one goes as the plain reply.
 */
#define BATCH_MAX 16
#define BATCH_BYTES (256 * 1024)

/* A busy front logs that it turns requests away at most this often. */
#define REFUSED_LOG_US (10 * 1000000LL)

/* A request for a worker: waiting in the queue, or (body empty) being
 * worked on. */
struct job {
	zmq_msg_t gateway; /* the identity of the gateway that asked (a copy) */
	zmq_msg_t body;    /* the packed request */
	uint64_t request_id;
	int64_t deadline_ms; /* wall clock; 0: none */
};

enum worker_state { WORKER_STARTING, WORKER_FREE, WORKER_BUSY };

struct front {
	const struct directory *dir;
	struct workers *pool;
	void *router;
	long grace_ms;

	int nworkers;
	enum worker_state *state; /* per worker */
	struct job *running;      /* per worker: the gateway and id of its request */
	int *free_fifo;           /* free workers, the longest free first */
	int free_head, nfree;
	int busy;

	struct job *queue; /* ring: requests waiting for a free worker */
	int queue_max, queue_head, queued;

	struct front_stats stats;
	int64_t refused_logged_us;

	zmq_msg_t batch_id;                  /* the gateway the open batch goes to */
	ProtobufCBinaryData batch[BATCH_MAX]; /* its packed replies */
	int batched;                         /* replies in the open batch, 0: none open */
	size_t batch_bytes;
};

/* --- replies answered here, batched --------------------------------------- */

static void free_buf(void *data, void *hint)
{
	(void)hint;
	free(data);
}

/* Sends the open batch and closes it. */
static void batch_flush(struct front *f)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	zmq_msg_t body;
	uint8_t *buf;
	size_t len;

	if (!f->batched)
		return;
	if (f->batched == 1) {
		buf = f->batch[0].data;
		len = f->batch[0].len;
	} else {
		env.type = TARJOTIN__MSG_TYPE__MSG_BATCH;
		env.n_batch = (size_t)f->batched;
		env.batch = f->batch;
		buf = rpc_pack_envelope(&env, &len);
		for (int i = 0; i < f->batched; i++)
			free(f->batch[i].data);
	}
	/* The packed buffer is handed to ZeroMQ as it is, not copied again. */
	if (zmq_msg_init_data(&body, buf, len, free_buf, NULL)) {
		free(buf);
		zmq_msg_init(&body);
		log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	} else if (zmq_msg_send(&f->batch_id, f->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
		   zmq_msg_send(&body, f->router, ZMQ_DONTWAIT) < 0) {
		log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	}
	zmq_msg_close(&body);
	zmq_msg_close(&f->batch_id);
	f->batched = 0;
	f->batch_bytes = 0;
}

/* Queues a reply to the gateway 'identity' in the open batch, or opens one;
 * identity stays the caller's. */
static void batch_add(struct front *f, zmq_msg_t *identity, Tarjotin__Envelope *reply)
{
	size_t len;
	uint8_t *buf = rpc_pack_envelope(reply, &len);
	bool same = f->batched && zmq_msg_size(&f->batch_id) == zmq_msg_size(identity) &&
		    !memcmp(zmq_msg_data(&f->batch_id), zmq_msg_data(identity),
			    zmq_msg_size(identity));

	if (f->batched && (!same || f->batched >= BATCH_MAX ||
			   f->batch_bytes + len > BATCH_BYTES))
		batch_flush(f);
	if (!f->batched) {
		/* A copy (reference counted): 'identity' serves the request's
		 * message's other frames too. */
		zmq_msg_init(&f->batch_id);
		if (zmq_msg_copy(&f->batch_id, identity)) {
			log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
			zmq_msg_close(&f->batch_id);
			free(buf);
			return;
		}
	}
	f->batch[f->batched].data = buf;
	f->batch[f->batched].len = len;
	f->batched++;
	f->batch_bytes += len;
}

/* Answers 'req' with an error, in the batch. */
static void answer_error(struct front *f, zmq_msg_t *id, const Tarjotin__Envelope *req,
			 Tarjotin__Status status, const char *msg)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;

	if (req) {
		reply.request_id = req->request_id;
		reply.type = req->type;
	}
	reply_set_error(&reply, status, NULL, "%s", msg);
	batch_add(f, id, &reply);
	reply_release(&reply);
}

static void answer_inline(struct front *f, zmq_msg_t *id, const Tarjotin__Envelope *req)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Pong pong = TARJOTIN__PONG__INIT;
	Tarjotin__HealthReply health = TARJOTIN__HEALTH_REPLY__INIT;

	reply.request_id = req->request_id;
	reply.type = req->type;
	if (req->type == TARJOTIN__MSG_TYPE__MSG_PING) {
		pong.instance = (char *)f->dir->instance;
		pong.pid = (int32_t)getpid();
		rpc_pack_payload(&pong.base, &reply.payload);
	} else {
		health.postgresql = healthwatch_ok(f->dir->pg);
		health.instance = (char *)f->dir->instance;
		health.checked_ms = healthwatch_checked_ms(f->dir->pg);
		health.expired_dropped = f->stats.expired + workers_expired(f->pool);
		health.workers = (uint32_t)f->nworkers;
		health.workers_busy = (uint32_t)f->busy;
		rpc_pack_payload(&health.base, &reply.payload);
	}
	batch_add(f, id, &reply);
	reply_release(&reply);
}

/* --- the hand-out to workers ------------------------------------------------ */

static bool expired(int64_t deadline_ms, int64_t now_ms)
{
	return deadline_ms && deadline_ms < now_ms;
}

static bool same_request(struct job *j, zmq_msg_t *gateway, uint64_t request_id)
{
	return j->request_id == request_id && zmq_msg_size(&j->gateway) == zmq_msg_size(gateway) &&
	       !memcmp(zmq_msg_data(&j->gateway), zmq_msg_data(gateway), zmq_msg_size(gateway));
}

/* Whether a worker works on the request 'request_id' of 'gateway', or it
 * waits in the queue: a retry of the gateway's (Lazy Pirate, for reads)
 * while the first try is still here.  Running it again would take a second
 * worker for the same answer, and so a slow read would take them all. */
static bool have_already(struct front *f, zmq_msg_t *gateway, uint64_t request_id)
{
	for (int w = 0; w < f->nworkers; w++)
		if (f->state[w] == WORKER_BUSY && same_request(&f->running[w], gateway, request_id))
			return true;
	for (int k = 0; k < f->queued; k++) {
		struct job *j = &f->queue[(f->queue_head + k) % f->queue_max];

		if (same_request(j, gateway, request_id))
			return true;
	}
	return false;
}

/* Worker 'w' said it is free: it goes to the end of the free workers. */
static void worker_free(struct front *f, int w)
{
	if (f->state[w] == WORKER_FREE)
		return; /* our own protocol says it once per request */
	if (f->state[w] == WORKER_BUSY)
		f->busy--;
	f->state[w] = WORKER_FREE;
	f->free_fifo[(f->free_head + f->nfree) % f->nworkers] = w;
	f->nfree++;
}

/* Hands the job 'j' (its messages consumed) to the longest-free worker. */
static void hand_out(struct front *f, struct job *j)
{
	int w = f->free_fifo[f->free_head];
	struct job *r = &f->running[w];

	f->free_head = (f->free_head + 1) % f->nworkers;
	f->nfree--;
	r->request_id = j->request_id;
	if (zmq_msg_copy(&r->gateway, &j->gateway) ||
	    workers_send(f->pool, w, &j->gateway, &j->body)) {
		/* The worker is not taken back until it says it is free. */
		log_warn("cannot hand a request to a worker", "error", zmq_strerror(errno), NULL);
		f->state[w] = WORKER_STARTING;
		return;
	}
	f->state[w] = WORKER_BUSY;
	f->busy++;
}

/* Takes the oldest waiting request out of the queue into 'out' (the
 * caller closes its messages). */
static void queue_pop(struct front *f, struct job *out)
{
	struct job *j = &f->queue[f->queue_head];

	zmq_msg_init(&out->gateway);
	zmq_msg_init(&out->body);
	zmq_msg_move(&out->gateway, &j->gateway);
	zmq_msg_move(&out->body, &j->body);
	out->request_id = j->request_id;
	out->deadline_ms = j->deadline_ms;
	zmq_msg_close(&j->gateway);
	zmq_msg_close(&j->body);
	f->queue_head = (f->queue_head + 1) % f->queue_max;
	f->queued--;
}

/* Drops a request whose deadline passed: the gateway has answered for it. */
static void drop_expired(struct front *f, struct job *j, int64_t now_ms)
{
	char late[24];

	f->stats.expired++;
	snprintf(late, sizeof(late), "%lld", (long long)(now_ms - j->deadline_ms));
	log_debug("dropped a request that expired waiting for a worker", "late_ms", late, NULL);
}

/* Hands waiting requests to free workers, oldest first; drops those that
 * expired while they waited.  With 'only_expired', no worker is free and
 * the expired ones at the head make room. */
static void dispatch(struct front *f, bool only_expired)
{
	int64_t now = clock_wall_ms();

	while (f->queued && (only_expired || f->nfree)) {
		struct job j;

		if (only_expired && !expired(f->queue[f->queue_head].deadline_ms, now))
			break;
		queue_pop(f, &j);
		if (expired(j.deadline_ms, now))
			drop_expired(f, &j, now);
		else
			hand_out(f, &j);
		zmq_msg_close(&j.gateway);
		zmq_msg_close(&j.body);
	}
}

/* A request for a worker: queued (the frame 'body' is moved), then handed
 * out if a worker is free; answered "busy" when the queue is full. */
static void enqueue(struct front *f, zmq_msg_t *id, zmq_msg_t *body,
		    const Tarjotin__Envelope *req)
{
	struct job *j;

	if (have_already(f, id, req->request_id)) {
		f->stats.retries_merged++;
		return;
	}
	if (f->queued == f->queue_max)
		dispatch(f, true);
	if (f->queued == f->queue_max) {
		char msg[160];
		int64_t now = clock_mono_us();

		f->stats.refused++;
		if (now - f->refused_logged_us >= REFUSED_LOG_US) {
			char n[24];

			f->refused_logged_us = now;
			snprintf(n, sizeof(n), "%llu", (unsigned long long)f->stats.refused);
			log_warn("all workers busy and the queue full: refusing requests",
				 "refused_total", n, NULL);
		}
		snprintf(msg, sizeof(msg),
			 "the directory is busy (%d workers working, %d requests waiting), "
			 "try again", f->busy, f->queued);
		answer_error(f, id, req, TARJOTIN__STATUS__STATUS_UNAVAILABLE, msg);
		return;
	}
	j = &f->queue[(f->queue_head + f->queued) % f->queue_max];
	zmq_msg_init(&j->gateway);
	zmq_msg_init(&j->body);
	if (zmq_msg_copy(&j->gateway, id)) {
		log_warn("cannot queue a request", "error", zmq_strerror(errno), NULL);
		zmq_msg_close(&j->gateway);
		zmq_msg_close(&j->body);
		return;
	}
	zmq_msg_move(&j->body, body);
	j->request_id = req->request_id;
	j->deadline_ms = req->deadline_ms;
	f->queued++;
	dispatch(f, false);
}

/* --- requests from the gateways ---------------------------------------------- */

/* One request, the frame 'body' of a message from the gateway 'id':
 * answered here, or handed to a worker. */
static void on_frame(struct front *f, zmq_msg_t *id, zmq_msg_t *body)
{
	Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(body), zmq_msg_size(body));
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;

	if (!req) {
		char size[24];

		f->stats.malformed++;
		snprintf(size, sizeof(size), "%zu", zmq_msg_size(body));
		log_warn("malformed request", "bytes", size, "error", "not a tarjotin.Envelope",
			 NULL);
		answer_error(f, id, NULL, TARJOTIN__STATUS__STATUS_BAD_REQUEST,
			     "malformed envelope: the frame is not a tarjotin.Envelope");
		return;
	}
	if (expired(req->deadline_ms, clock_wall_ms())) {
		f->stats.expired++; /* nobody waits for this answer any more */
		goto out;
	}
	if (req->type == TARJOTIN__MSG_TYPE__MSG_PING ||
	    req->type == TARJOTIN__MSG_TYPE__MSG_HEALTH) {
		answer_inline(f, id, req);
		goto out;
	}
	/* Searches without free text come from memory: answered here, they
	 * never wait for a worker. */
	reply.request_id = req->request_id;
	reply.type = req->type;
	if (search_inline(f->dir->search, req, &reply)) {
		batch_add(f, id, &reply);
		reply_release(&reply);
		goto out;
	}
	enqueue(f, id, body, req);
out:
	tarjotin__envelope__free_unpacked(req, NULL);
}

/* One message from a gateway: [identity][envelope]..., a frame per request
 * (the gateway sends what it had waiting together).  False when there was
 * none waiting. */
static bool on_request(struct front *f)
{
	zmq_msg_t id, body;

	zmq_msg_init(&id);
	if (zmq_msg_recv(&id, f->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&id);
		return false;
	}
	zmq_msg_init(&body);
	for (bool more = zmq_msg_more(&id); more && zmq_msg_recv(&body, f->router, 0) >= 0;) {
		more = zmq_msg_more(&body);
		on_frame(f, &id, &body);
	}
	zmq_msg_close(&body);
	zmq_msg_close(&id);
	return true;
}

/* One message from a worker: a reply goes on to its gateway, and the
 * worker is free again.  False when there was none waiting. */
static bool on_worker(struct front *f)
{
	zmq_msg_t gateway, reply;
	enum workers_event ev;
	int w = -1;

	zmq_msg_init(&gateway);
	zmq_msg_init(&reply);
	ev = workers_recv(f->pool, &w, &gateway, &reply);
	if (ev == WORKERS_REPLY) {
		batch_flush(f); /* replies ready earlier go first */
		if (zmq_msg_send(&gateway, f->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
		    zmq_msg_send(&reply, f->router, ZMQ_DONTWAIT) < 0)
			log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	}
	if (ev != WORKERS_NONE)
		worker_free(f, w);
	zmq_msg_close(&gateway);
	zmq_msg_close(&reply);
	return ev != WORKERS_NONE;
}

/* --- the loop ------------------------------------------------------------------ */

int front_run(struct front *f)
{
	int64_t stop_at = 0;

	for (;;) {
		bool stopping = sig_stopping();
		zmq_pollitem_t items[3] = {
			{ .socket = workers_socket(f->pool), .events = ZMQ_POLLIN },
			{ .fd = sig_fd(), .events = ZMQ_POLLIN },
			{ .socket = f->router, .events = ZMQ_POLLIN },
		};

		/* Stopping: read no new requests, deliver the replies of those
		 * in flight, then go. */
		if (stopping) {
			if (!stop_at) {
				stop_at = clock_mono_us() + f->grace_ms * 1000;
				log_info("stopping", NULL);
			}
			if (f->busy + f->queued <= 0 || clock_mono_us() > stop_at)
				return 0;
		}
		if (zmq_poll(items, stopping ? 1 : 3, stopping ? 100 : -1) < 0 && errno != EINTR) {
			log_error("cannot poll the sockets", "error", zmq_strerror(errno), NULL);
			return -1;
		}
		if (items[0].revents & ZMQ_POLLIN) {
			while (on_worker(f))
				;
			dispatch(f, false);
		}
		if (!stopping && (items[2].revents & ZMQ_POLLIN)) {
			for (int i = 0; i < 1024 && on_request(f); i++)
				;
			batch_flush(f);
		}
	}
}

/* --- life cycle ---------------------------------------------------------------- */

struct front *front_new(void *zctx, const struct directory *dir, struct workers *pool,
			const struct front_config *cfg, char *err, size_t errlen)
{
	struct front *f = xcalloc(1, sizeof(*f));

	f->dir = dir;
	f->pool = pool;
	f->grace_ms = cfg->grace_ms;
	f->nworkers = workers_count(pool);
	f->state = xcalloc((size_t)f->nworkers, sizeof(*f->state));
	f->running = xcalloc((size_t)f->nworkers, sizeof(*f->running));
	f->free_fifo = xcalloc((size_t)f->nworkers, sizeof(*f->free_fifo));
	for (int w = 0; w < f->nworkers; w++) {
		zmq_msg_init(&f->running[w].gateway);
		zmq_msg_init(&f->running[w].body);
	}
	f->queue_max = cfg->queue_max > 0 ? cfg->queue_max : 1;
	f->queue = xcalloc((size_t)f->queue_max, sizeof(*f->queue));
	f->router = zmq_socket(zctx, ZMQ_ROUTER);
	if (!f->router || rpc_socket_defaults(f->router)) {
		errmsg(err, errlen, "cannot make the gateways' socket: %s", zmq_strerror(errno));
		goto fail;
	}
	if (rpc_attach(f->router, cfg->bind, true, err, errlen) ||
	    rpc_attach(f->router, cfg->gateways, false, err, errlen))
		goto fail;
	return f;
fail:
	front_destroy(&f);
	return NULL;
}

void front_stats(const struct front *f, struct front_stats *out)
{
	*out = f->stats;
}

void front_destroy(struct front **fp)
{
	struct front *f = *fp;

	if (!f)
		return;
	if (f->batched) {
		for (int i = 0; i < f->batched; i++)
			free(f->batch[i].data);
		zmq_msg_close(&f->batch_id);
	}
	while (f->queued) {
		struct job j;

		queue_pop(f, &j);
		zmq_msg_close(&j.gateway);
		zmq_msg_close(&j.body);
	}
	for (int w = 0; w < f->nworkers; w++) {
		zmq_msg_close(&f->running[w].gateway);
		zmq_msg_close(&f->running[w].body);
	}
	if (f->router)
		zmq_close(f->router);
	free(f->state);
	free(f->running);
	free(f->free_fifo);
	free(f->queue);
	free(f);
	*fp = NULL;
}
