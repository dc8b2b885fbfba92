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

#include "authz.h"
#include "clock.h"
#include "directory.pb-c.h"
#include "errmsg.h"
#include "front.h"
#include "healthwatch.h"
#include "log.h"
#include "notices.h"
#include "outbox.h"
#include "rpc.h"
#include "search.h"
#include "sig.h"
#include "xalloc.h"
#include "zcurve.h"
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

struct front {
	const struct directory *dir;
	struct workers *pool;
	void *router;
	long grace_ms;
	struct outbox *outbox;
	struct notices *notices; /* to the gateways that keep search pages */

	struct front_stats stats;
	int64_t refused_logged_us;

	zmq_msg_t batch_id;                   /* the gateway the open batch goes to */
	ProtobufCBinaryData batch[BATCH_MAX]; /* its packed replies */
	int batched;                          /* replies in the open batch, 0: none open */
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

	if (f->batched && (!same || f->batched >= BATCH_MAX || f->batch_bytes + len > BATCH_BYTES))
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
		health.workers = (uint32_t)workers_count(f->pool);
		health.workers_busy = (uint32_t)workers_busy(f->pool);
		health.outbox_stream_ahead = outbox_stream_ahead_total(f->outbox);
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

/* A request for a worker: submitted to the pool's queue (the frame 'body'
 * is moved), where the first free worker takes it; answered "busy" when
 * every worker is busy and the queue is full.  A gateway's retry (Lazy
 * Pirate, for reads) of a request still waiting or worked on is not run
 * again: that would take a second worker for the same answer, and so a
 * slow read would soon take them all. */
static void enqueue(struct front *f, zmq_msg_t *id, zmq_msg_t *body, const Tarjotin__Envelope *req)
{
	char msg[160], n[24];
	int64_t now;

	switch (workers_submit(f->pool, id, body, req->request_id, req->deadline_ms)) {
	case WORKERS_QUEUED:
		return;
	case WORKERS_DUPLICATE:
		f->stats.retries_merged++;
		return;
	case WORKERS_FULL:
		break;
	}
	f->stats.refused++;
	now = clock_mono_us();
	if (now - f->refused_logged_us >= REFUSED_LOG_US) {
		f->refused_logged_us = now;
		snprintf(n, sizeof(n), "%llu", (unsigned long long)f->stats.refused);
		log_warn("all workers busy and the queue full: refusing requests", "refused_total",
			 n, NULL);
	}
	snprintf(msg, sizeof(msg),
		 "the directory is busy (%d workers working, %d requests waiting or worked on), "
		 "try again",
		 workers_busy(f->pool), workers_pending(f->pool));
	answer_error(f, id, req, TARJOTIN__STATUS__STATUS_UNAVAILABLE, msg);
}

/* --- requests from the gateways ---------------------------------------------- */

/* One request, the frame 'body' of a message from the gateway 'id':
 * answered here, or handed to a worker. */
static void on_frame(struct front *f, zmq_msg_t *id, zmq_msg_t *body)
{
	Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(body), zmq_msg_size(body));
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	bool notices, inline_answered;

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
	reply.request_id = req->request_id;
	reply.type = req->type;
	/* What may be answered here never passes a worker's check
	 * (workers.c), so it is checked here (all of it is public).  Other
	 * types are checked by the worker only, after the queue's own rules. */
	if ((req->type == TARJOTIN__MSG_TYPE__MSG_PING ||
	     req->type == TARJOTIN__MSG_TYPE__MSG_HEALTH ||
	     req->type == TARJOTIN__MSG_TYPE__MSG_SEARCH ||
	     req->type == TARJOTIN__MSG_TYPE__MSG_TAXONOMY_LIST ||
	     req->type == TARJOTIN__MSG_TYPE__MSG_MUNICIPALITY_LIST) &&
	    authz_check(req->type, req->principal, &reply)) {
		batch_add(f, id, &reply);
		reply_release(&reply);
		goto out;
	}
	if (req->type == TARJOTIN__MSG_TYPE__MSG_PING ||
	    req->type == TARJOTIN__MSG_TYPE__MSG_HEALTH) {
		answer_inline(f, id, req);
		goto out;
	}
	/* Searches without free text come from memory: answered here, they
	 * never wait for a worker. */
	inline_answered = search_inline(f->dir->search, req, &reply, &notices);
	if (notices)
		notices_want(f->notices, id, clock_mono_us());
	if (inline_answered) {
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

/* One reply from a worker, sent on to its gateway.  False when there was
 * none waiting. */
static bool on_worker(struct front *f)
{
	zmq_msg_t gateway, reply;
	int got;

	zmq_msg_init(&gateway);
	zmq_msg_init(&reply);
	got = workers_recv(f->pool, &gateway, &reply);
	if (got) {
		batch_flush(f); /* replies ready earlier go first */
		if (zmq_msg_send(&gateway, f->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
		    zmq_msg_send(&reply, f->router, ZMQ_DONTWAIT) < 0)
			log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	}
	zmq_msg_close(&gateway);
	zmq_msg_close(&reply);
	return got;
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
			if (workers_pending(f->pool) <= 0 || clock_mono_us() > stop_at) {
				/* A worker sends its reply before it counts itself
				 * done: what is in the socket now is the last. */
				while (on_worker(f))
					;
				return 0;
			}
		}
		if (zmq_poll(items, stopping ? 1 : 3,
			     stopping ? 100 : notices_wait_ms(f->notices)) < 0 &&
		    errno != EINTR) {
			log_error("cannot poll the sockets", "error", zmq_strerror(errno), NULL);
			return -1;
		}
		if (items[0].revents & ZMQ_POLLIN) {
			while (on_worker(f))
				;
		}
		if (!stopping && (items[2].revents & ZMQ_POLLIN)) {
			for (int i = 0; i < 1024 && on_request(f); i++)
				;
			batch_flush(f);
		}
		if (!stopping) {
			uint64_t instance, tag = search_tag(f->dir->search, &instance);

			notices_run(f->notices, f->router, instance, tag, clock_mono_us());
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
	f->outbox = cfg->outbox;
	f->notices = notices_new();
	f->router = zmq_socket(zctx, ZMQ_ROUTER);
	if (!f->router || rpc_socket_defaults(f->router)) {
		errmsg(err, errlen, "cannot make the gateways' socket: %s", zmq_strerror(errno));
		goto fail;
	}
	/* A CURVE server whichever side dials: gateways are admitted by key. */
	if (zcurve_server(f->router, cfg->curve, cfg->zap, err, errlen) ||
	    rpc_attach(f->router, cfg->bind, true, err, errlen) ||
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
	if (f->router)
		zmq_close(f->router);
	notices_destroy(&f->notices);
	free(f);
	*fp = NULL;
}
