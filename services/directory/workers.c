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

#include "authz.h"
#include "clock.h"
#include "errmsg.h"
#include "log.h"
#include "principal.h"
#include "rpc.h"
#include "workers.h"
#include "xalloc.h"
#include "banned.h"

#define ENDPOINT "inproc://directory-workers"
#define GATEWAY_ID_MAX 255 /* ZeroMQ routing ids are 1..255 bytes */

/* A request for a worker: waiting in the queue, or being worked on. */
struct job {
	zmq_msg_t gateway; /* the identity of the gateway that asked (a copy) */
	zmq_msg_t body;    /* the packed request */
	uint64_t request_id;
	int64_t deadline_ms; /* wall clock; 0: none */
};

/* What a busy worker works on, to tell a gateway's retry from new work. */
struct running {
	bool busy;
	uint64_t request_id;
	unsigned char gateway[GATEWAY_ID_MAX];
	size_t gateway_len;
};

struct slot {
	struct worker w; /* what the handlers see */
	struct workers *pool;
	pthread_t thread;
};

struct workers {
	void *zctx;
	void *pull; /* the front's end: replies */
	struct directory *dir;
	struct slot *slots;
	int n, started;
	atomic_uint_fast64_t expired;

	/* The queue and what each worker works on, under 'lock'; an idle
	 * worker waits on 'work'. */
	pthread_mutex_t lock;
	pthread_cond_t work;
	bool locks_made, stopping;
	struct job *queue; /* ring */
	int queue_max, queue_head, queued;
	struct running *running; /* per worker */
	int busy;
};

static bool expired(int64_t deadline_ms, int64_t now_ms)
{
	return deadline_ms && deadline_ms < now_ms;
}

static void job_close(struct job *j)
{
	zmq_msg_close(&j->gateway);
	zmq_msg_close(&j->body);
}

/* Counts and logs a request dropped because nobody waits for it any more. */
static void drop_expired(struct workers *p, int64_t deadline_ms, int64_t now_ms, const char *where)
{
	char late[24];

	atomic_fetch_add_explicit(&p->expired, 1, memory_order_relaxed);
	snprintf(late, sizeof(late), "%lld", (long long)(now_ms - deadline_ms));
	log_debug("dropped a request past its deadline", "where", where, "late_ms", late, NULL);
}

/* --- a worker ------------------------------------------------------------- */

/* Runs the request 'body' from 'gateway' and sends the reply, 'gateway'
 * first.  Returns -1 when the socket failed (the context is ending). */
/* Drops the worker's PostgreSQL connection when the watch saw PostgreSQL
 * go down since it was last checked: after a restart libpq still calls the
 * old connection good until a statement fails on it, and that statement
 * would be a caller's request answered "unavailable". */
static void drop_stale_db(struct worker *w)
{
	uint64_t outages = w->dir->pg ? healthwatch_outages(w->dir->pg) : 0;

	if (outages == w->pg_outages)
		return;
	w->pg_outages = outages;
	if (w->db) {
		PQfinish(w->db);
		w->db = NULL;
	}
}

/* An internal failure's text stays here: logged with the call's id, which
 * the gateway puts into the client's error body, and answered with a
 * generic message (whatever a handler wrote, database text included).  A
 * reply with a code of its own other than "internal" (too_large) was
 * written to be read and is left alone. */
static void redact(const struct worker *w, Tarjotin__Envelope *reply)
{
	char id[17];

	if (reply->status != TARJOTIN__STATUS__STATUS_INTERNAL ||
	    (reply->error_code && *reply->error_code && strcmp(reply->error_code, "internal")))
		return;
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)w->request_id);
	log_error("internal error answered", "request_id", id, "error",
		  reply->error ? reply->error : "", NULL);
	free(reply->error);
	reply->error = xstrdup("internal error");
}

static int serve(struct slot *s, void *sock, zmq_msg_t *gateway, zmq_msg_t *body)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(body), zmq_msg_size(body));
	uint8_t *buf;
	size_t len;
	int rc;

	if (!req) {
		reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed envelope");
	} else {
		handler_fn fn = handlers_find(req->type);

		reply.request_id = req->request_id;
		reply.type = req->type;
		s->w.request_id = req->request_id;
		/* Authorization first, for every type (default deny): a refused
		 * call never reaches its handler. */
		drop_stale_db(&s->w);
		if (authz_check(req->type, req->principal, &reply) == 0 &&
		    principal_current(&s->w, req->type, req->principal, &reply) == 0) {
			if (fn)
				fn(&s->w, req, &reply);
			else
				reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST,
						"type", "unknown message type %d", (int)req->type);
		}
		tarjotin__envelope__free_unpacked(req, NULL);
		redact(&s->w, &reply);
	}
	buf = rpc_pack_envelope(&reply, &len);
	rc = zmq_msg_send(gateway, sock, ZMQ_SNDMORE) < 0 || zmq_send(sock, buf, len, 0) < 0 ? -1 :
											       0;
	free(buf);
	reply_release(&reply);
	return rc;
}

/* Takes the oldest waiting request into 'j' (its messages moved), waiting
 * while there is none.  False when the pool stops. */
static bool take(struct workers *p, int index, struct job *j)
{
	struct running *r = &p->running[index];
	struct job *q;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping && !p->queued)
		pthread_cond_wait(&p->work, &p->lock);
	if (p->stopping) {
		pthread_mutex_unlock(&p->lock);
		return false;
	}
	q = &p->queue[p->queue_head];
	zmq_msg_move(&j->gateway, &q->gateway);
	zmq_msg_move(&j->body, &q->body);
	j->request_id = q->request_id;
	j->deadline_ms = q->deadline_ms;
	p->queue_head = (p->queue_head + 1) % p->queue_max;
	p->queued--;
	r->busy = true;
	r->request_id = j->request_id;
	r->gateway_len = zmq_msg_size(&j->gateway);
	if (r->gateway_len > sizeof(r->gateway))
		r->gateway_len = sizeof(r->gateway); /* ids are at most 255 bytes */
	memcpy(r->gateway, zmq_msg_data(&j->gateway), r->gateway_len);
	p->busy++;
	pthread_mutex_unlock(&p->lock);
	return true;
}

static void done(struct workers *p, int index)
{
	pthread_mutex_lock(&p->lock);
	p->running[index].busy = false;
	p->busy--;
	pthread_mutex_unlock(&p->lock);
}

static void *worker_main(void *arg)
{
	struct slot *s = arg;
	struct workers *p = s->pool;
	void *sock = zmq_socket(p->zctx, ZMQ_PUSH);
	struct job j;

	zmq_msg_init(&j.gateway);
	zmq_msg_init(&j.body);
	if (!sock || rpc_socket_defaults(sock) || zmq_connect(sock, ENDPOINT)) {
		if (errno != ETERM)
			log_error("worker cannot start", "error", zmq_strerror(errno), NULL);
		goto out;
	}
	while (take(p, s->w.index, &j)) {
		int64_t now = clock_wall_ms();
		int rc = 0;

		if (expired(j.deadline_ms, now))
			drop_expired(p, j.deadline_ms, now, "worker"); /* answered already */
		else
			rc = serve(s, sock, &j.gateway, &j.body);
		job_close(&j);
		zmq_msg_init(&j.gateway);
		zmq_msg_init(&j.body);
		done(p, s->w.index);
		if (rc)
			break; /* the context is ending */
	}
out:
	job_close(&j);
	if (sock)
		zmq_close(sock);
	if (s->w.db) {
		PQfinish(s->w.db);
		s->w.db = NULL;
	}
	return NULL;
}

/* --- the pool --------------------------------------------------------------- */

struct workers *workers_new(void *zctx, struct directory *dir, int n, int queue_max, char *err,
			    size_t errlen)
{
	struct workers *p = xcalloc(1, sizeof(*p));
	int e;

	p->zctx = zctx;
	p->dir = dir;
	p->n = n;
	atomic_init(&p->expired, 0);
	p->slots = xcalloc((size_t)n, sizeof(*p->slots));
	p->running = xcalloc((size_t)n, sizeof(*p->running));
	p->queue_max = queue_max > 0 ? queue_max : 1;
	p->queue = xcalloc((size_t)p->queue_max, sizeof(*p->queue));
	if ((e = pthread_mutex_init(&p->lock, NULL)) != 0) {
		errmsg(err, errlen, "cannot make the workers' lock: %s", strerror(e));
		goto fail;
	}
	if ((e = pthread_cond_init(&p->work, NULL)) != 0) {
		pthread_mutex_destroy(&p->lock);
		errmsg(err, errlen, "cannot make the workers' condition: %s", strerror(e));
		goto fail;
	}
	p->locks_made = true;
	p->pull = zmq_socket(zctx, ZMQ_PULL);
	if (!p->pull || rpc_socket_defaults(p->pull) || zmq_bind(p->pull, ENDPOINT)) {
		errmsg(err, errlen, "cannot open the workers' socket '%s': %s", ENDPOINT,
		       zmq_strerror(errno));
		goto fail;
	}
	return p;
fail:
	workers_destroy(&p);
	return NULL;
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
	if (p->locks_made) {
		pthread_mutex_lock(&p->lock);
		p->stopping = true;
		pthread_cond_broadcast(&p->work);
		pthread_mutex_unlock(&p->lock);
	}
	for (int i = 0; i < p->started; i++)
		pthread_join(p->slots[i].thread, NULL);
	while (p->queued) {
		job_close(&p->queue[p->queue_head]);
		p->queue_head = (p->queue_head + 1) % p->queue_max;
		p->queued--;
	}
	if (p->pull)
		zmq_close(p->pull);
	if (p->locks_made) {
		pthread_cond_destroy(&p->work);
		pthread_mutex_destroy(&p->lock);
	}
	free(p->queue);
	free(p->running);
	free(p->slots);
	free(p);
	*pp = NULL;
}

/* --- the front's end ---------------------------------------------------------- */

static bool same_gateway(const unsigned char *id, size_t len, zmq_msg_t *gateway)
{
	return len == zmq_msg_size(gateway) && !memcmp(id, zmq_msg_data(gateway), len);
}

/* Whether the request waits or is worked on already (under the lock). */
static bool have_already(struct workers *p, zmq_msg_t *gateway, uint64_t request_id)
{
	for (int w = 0; w < p->started; w++) {
		struct running *r = &p->running[w];

		if (r->busy && r->request_id == request_id &&
		    same_gateway(r->gateway, r->gateway_len, gateway))
			return true;
	}
	for (int k = 0; k < p->queued; k++) {
		struct job *j = &p->queue[(p->queue_head + k) % p->queue_max];

		if (j->request_id == request_id &&
		    same_gateway(zmq_msg_data(&j->gateway), zmq_msg_size(&j->gateway), gateway))
			return true;
	}
	return false;
}

/* A full queue makes room by dropping the expired requests at its head
 * (under the lock). */
static void drop_expired_head(struct workers *p)
{
	int64_t now = clock_wall_ms();

	while (p->queued && expired(p->queue[p->queue_head].deadline_ms, now)) {
		struct job *j = &p->queue[p->queue_head];

		drop_expired(p, j->deadline_ms, now, "queue");
		job_close(j);
		p->queue_head = (p->queue_head + 1) % p->queue_max;
		p->queued--;
	}
}

enum workers_submit workers_submit(struct workers *p, zmq_msg_t *gateway, zmq_msg_t *body,
				   uint64_t request_id, int64_t deadline_ms)
{
	enum workers_submit rc = WORKERS_QUEUED;
	struct job *j;

	pthread_mutex_lock(&p->lock);
	if (have_already(p, gateway, request_id)) {
		rc = WORKERS_DUPLICATE;
		goto out;
	}
	if (p->queued == p->queue_max)
		drop_expired_head(p);
	if (p->queued == p->queue_max) {
		rc = WORKERS_FULL;
		goto out;
	}
	j = &p->queue[(p->queue_head + p->queued) % p->queue_max];
	zmq_msg_init(&j->gateway);
	zmq_msg_init(&j->body);
	if (zmq_msg_copy(&j->gateway, gateway)) {
		log_warn("cannot queue a request", "error", zmq_strerror(errno), NULL);
		job_close(j);
		rc = WORKERS_FULL;
		goto out;
	}
	zmq_msg_move(&j->body, body);
	j->request_id = request_id;
	j->deadline_ms = deadline_ms;
	p->queued++;
	pthread_cond_signal(&p->work);
out:
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void *workers_socket(struct workers *p)
{
	return p->pull;
}

int workers_recv(struct workers *p, zmq_msg_t *gateway, zmq_msg_t *reply)
{
	bool more;

	if (zmq_msg_recv(gateway, p->pull, ZMQ_DONTWAIT) < 0)
		return 0;
	more = zmq_msg_more(gateway);
	if (more && zmq_msg_recv(reply, p->pull, 0) >= 0 && !zmq_msg_more(reply))
		return 1;
	/* Our own protocol: only a bug breaks it. */
	more = more && zmq_msg_more(reply);
	while (more && zmq_msg_recv(reply, p->pull, 0) >= 0)
		more = zmq_msg_more(reply);
	log_error("malformed message from a worker", NULL);
	return 0;
}

int workers_count(const struct workers *p)
{
	return p->started;
}

int workers_busy(struct workers *p)
{
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->busy;
	pthread_mutex_unlock(&p->lock);
	return n;
}

int workers_pending(struct workers *p)
{
	int n;

	pthread_mutex_lock(&p->lock);
	n = p->busy + p->queued;
	pthread_mutex_unlock(&p->lock);
	return n;
}

uint64_t workers_expired(const struct workers *p)
{
	return atomic_load_explicit(&p->expired, memory_order_relaxed);
}
