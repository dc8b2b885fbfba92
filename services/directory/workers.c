/*
 * workers.c - the directory's worker threads and both ends of their inproc
 * protocol with the front (workers.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errmsg.h"
#include "log.h"
#include "rpc.h"
#include "workers.h"
#include "xalloc.h"
#include "banned.h"

#define ENDPOINT "inproc://directory-workers"
#define READY "READY"
/* A worker's routing id: 'w' and its index, 4 bytes big-endian (an id must
 * not start with a zero byte). */
#define ID_LEN 5

struct slot {
	struct worker w; /* what the handlers see */
	struct workers *pool;
	pthread_t thread;
};

struct workers {
	void *zctx;
	void *router; /* the front's end */
	struct directory *dir;
	struct slot *slots;
	int n, started;
	atomic_uint_fast64_t expired;
};

static void id_of(int index, unsigned char id[ID_LEN])
{
	uint32_t i = (uint32_t)index;

	id[0] = 'w';
	id[1] = (unsigned char)(i >> 24);
	id[2] = (unsigned char)(i >> 16);
	id[3] = (unsigned char)(i >> 8);
	id[4] = (unsigned char)i;
}

/* The index of the worker whose routing id 'id' is, or -1. */
static int index_of(const struct workers *p, zmq_msg_t *id)
{
	const unsigned char *b = zmq_msg_data(id);
	uint32_t i;

	if (zmq_msg_size(id) != ID_LEN || b[0] != 'w')
		return -1;
	i = (uint32_t)b[1] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 8 | b[4];
	return i < (uint32_t)p->started ? (int)i : -1;
}

/* --- a worker ------------------------------------------------------------- */

static int send_ready(void *sock)
{
	return zmq_send(sock, READY, strlen(READY), 0) < 0 ? -1 : 0;
}

/* Runs the request 'body' from 'gateway' and sends the reply; a request
 * past its deadline is dropped unanswered.  Either way the worker is free
 * again.  Returns -1 when the socket failed (the context is ending). */
static int serve(struct slot *s, void *sock, zmq_msg_t *gateway, zmq_msg_t *body)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(body), zmq_msg_size(body));
	int64_t now = clock_wall_ms();
	uint8_t *buf;
	size_t len;
	int rc;

	if (req && req->deadline_ms && req->deadline_ms < now) {
		char late[24];

		/* The gateway has answered for it already (503 at its deadline). */
		atomic_fetch_add_explicit(&s->pool->expired, 1, memory_order_relaxed);
		snprintf(late, sizeof(late), "%lld", (long long)(now - req->deadline_ms));
		log_debug("dropped a request past its deadline", "late_ms", late, NULL);
		tarjotin__envelope__free_unpacked(req, NULL);
		return send_ready(sock);
	}
	if (!req) {
		reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed envelope");
	} else {
		handler_fn fn = handlers_find(req->type);

		reply.request_id = req->request_id;
		reply.type = req->type;
		if (fn)
			fn(&s->w, req, &reply);
		else
			reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "type",
					"unknown message type %d", (int)req->type);
		tarjotin__envelope__free_unpacked(req, NULL);
	}
	buf = rpc_pack_envelope(&reply, &len);
	rc = zmq_msg_send(gateway, sock, ZMQ_SNDMORE) < 0 || zmq_send(sock, buf, len, 0) < 0 ? -1
											   : 0;
	free(buf);
	reply_release(&reply);
	return rc;
}

static void *worker_main(void *arg)
{
	struct slot *s = arg;
	void *sock = zmq_socket(s->pool->zctx, ZMQ_DEALER);
	unsigned char id[ID_LEN];
	zmq_msg_t gateway, body;

	zmq_msg_init(&gateway);
	zmq_msg_init(&body);
	id_of(s->w.index, id);
	if (!sock || rpc_socket_defaults(sock) ||
	    zmq_setsockopt(sock, ZMQ_ROUTING_ID, id, sizeof(id)) || zmq_connect(sock, ENDPOINT) ||
	    send_ready(sock)) {
		if (errno != ETERM)
			log_error("worker cannot start", "error", zmq_strerror(errno), NULL);
		goto out;
	}
	/* Until ETERM: the context is shutting down. */
	while (zmq_msg_recv(&gateway, sock, 0) >= 0 && zmq_msg_recv(&body, sock, 0) >= 0)
		if (serve(s, sock, &gateway, &body))
			break;
out:
	zmq_msg_close(&gateway);
	zmq_msg_close(&body);
	if (sock)
		zmq_close(sock);
	if (s->w.db) {
		PQfinish(s->w.db);
		s->w.db = NULL;
	}
	return NULL;
}

/* --- the pool --------------------------------------------------------------- */

struct workers *workers_new(void *zctx, struct directory *dir, int n, char *err, size_t errlen)
{
	struct workers *p = xcalloc(1, sizeof(*p));
	int one = 1;

	p->zctx = zctx;
	p->dir = dir;
	p->n = n;
	atomic_init(&p->expired, 0);
	p->slots = xcalloc((size_t)n, sizeof(*p->slots));
	/* ROUTER_MANDATORY: a send to a worker that is not there fails
	 * instead of vanishing. */
	p->router = zmq_socket(zctx, ZMQ_ROUTER);
	if (!p->router || rpc_socket_defaults(p->router) ||
	    zmq_setsockopt(p->router, ZMQ_ROUTER_MANDATORY, &one, sizeof(one)) ||
	    zmq_bind(p->router, ENDPOINT)) {
		errmsg(err, errlen, "cannot open the workers' socket '%s': %s", ENDPOINT,
		       zmq_strerror(errno));
		workers_destroy(&p);
		return NULL;
	}
	return p;
}

int workers_start(struct workers *p, char *err, size_t errlen)
{
	while (p->started < p->n) {
		struct slot *s = &p->slots[p->started];
		int e;

		s->pool = p;
		s->w.dir = p->dir;
		s->w.index = p->started;
		e = pthread_create(&s->thread, NULL, worker_main, s);
		if (e)
			return errmsg(err, errlen, "cannot start worker %d: %s", p->started,
				      strerror(e));
		p->started++;
	}
	return 0;
}

void workers_destroy(struct workers **pp)
{
	struct workers *p = *pp;

	if (!p)
		return;
	if (p->router)
		zmq_close(p->router);
	for (int i = 0; i < p->started; i++)
		pthread_join(p->slots[i].thread, NULL);
	free(p->slots);
	free(p);
	*pp = NULL;
}

void *workers_socket(struct workers *p)
{
	return p->router;
}

int workers_count(const struct workers *p)
{
	return p->started;
}

uint64_t workers_expired(const struct workers *p)
{
	return atomic_load_explicit(&p->expired, memory_order_relaxed);
}

/* --- the front's end ---------------------------------------------------------- */

enum workers_event workers_recv(struct workers *p, int *index, zmq_msg_t *gateway,
				zmq_msg_t *reply)
{
	enum workers_event ev = WORKERS_NONE;
	zmq_msg_t id;
	bool more;

	zmq_msg_init(&id);
	if (zmq_msg_recv(&id, p->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&id);
		return WORKERS_NONE;
	}
	*index = index_of(p, &id);
	more = zmq_msg_more(&id);
	if (more && zmq_msg_recv(gateway, p->router, 0) >= 0) {
		more = zmq_msg_more(gateway);
		if (!more && zmq_msg_size(gateway) == strlen(READY) &&
		    !memcmp(zmq_msg_data(gateway), READY, strlen(READY)))
			ev = WORKERS_READY;
		else if (more && zmq_msg_recv(reply, p->router, 0) >= 0 &&
			 !(more = zmq_msg_more(reply)))
			ev = WORKERS_REPLY;
	}
	/* Our own protocol: only a bug breaks it. */
	while (more && zmq_msg_recv(&id, p->router, 0) >= 0)
		more = zmq_msg_more(&id);
	zmq_msg_close(&id);
	if (*index < 0 || ev == WORKERS_NONE) {
		log_error("malformed message from a worker", NULL);
		return WORKERS_NONE;
	}
	return ev;
}

int workers_send(struct workers *p, int index, zmq_msg_t *gateway, zmq_msg_t *body)
{
	unsigned char id[ID_LEN];
	int e;

	id_of(index, id);
	/* A message's later frames go where its first went. */
	if (zmq_send(p->router, id, sizeof(id), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
		goto fail;
	if (zmq_msg_send(gateway, p->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_msg_send(body, p->router, ZMQ_DONTWAIT) < 0)
		goto fail;
	return 0;
fail:
	e = errno;
	zmq_msg_close(gateway);
	zmq_msg_close(body);
	zmq_msg_init(gateway);
	zmq_msg_init(body);
	errno = e;
	return -1;
}
