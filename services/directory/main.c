/*
 * tarjotin-directory - the only owner of the directory database.  Any number
 * of instances may run; each binds its own endpoint (or dials the gateways),
 * and migrations and scheduled work are serialised through PostgreSQL locks.
 */
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "directory.h"
#include "directory.pb-c.h"
#include "index.h"
#include "log.h"
#include "messages.h"
#include "migrate.h"
#include "outbox.h"
#include "pg.h"
#include "refdata.h"
#include "rpc.h"
#include "search.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

#define WORKERS_ENDPOINT "inproc://workers"

static void *zctx;

/* --- replies ------------------------------------------------------------- */

/* Sends [identity][reply] on 'sock'; the identity frame is the caller's. */
static void send_reply(void *sock, zmq_msg_t *identity, Tarjotin__Envelope *reply)
{
	size_t len;
	uint8_t *buf = rpc_pack_envelope(reply, &len);

	if (zmq_msg_send(identity, sock, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_send(sock, buf, len, ZMQ_DONTWAIT) < 0)
		log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	free(buf);
}

/* --- workers ------------------------------------------------------------- */

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	void *sock = zmq_socket(zctx, ZMQ_DEALER);
	zmq_msg_t id, body;

	rpc_socket_defaults(sock);
	if (zmq_connect(sock, WORKERS_ENDPOINT)) {
		log_error("worker cannot connect", "error", zmq_strerror(errno), NULL);
		zmq_close(sock);
		return NULL;
	}
	zmq_msg_init(&id);
	zmq_msg_init(&body);
	for (;;) {
		Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
		Tarjotin__Envelope *req;
		handler_fn fn;

		if (zmq_msg_recv(&id, sock, 0) < 0 || zmq_msg_recv(&body, sock, 0) < 0)
			break; /* ETERM: the context is shutting down */
		req = rpc_unpack_envelope(zmq_msg_data(&body), zmq_msg_size(&body));
		if (!req) {
			reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
					"malformed envelope");
		} else {
			reply.request_id = req->request_id;
			reply.type = req->type;
			fn = handlers_find(req->type);
			if (fn)
				fn(w, req, &reply);
			else
				reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "type",
						"unknown message type %d", (int)req->type);
			tarjotin__envelope__free_unpacked(req, NULL);
		}
		send_reply(sock, &id, &reply);
		reply_release(&reply);
	}
	zmq_msg_close(&id);
	zmq_msg_close(&body);
	zmq_close(sock);
	if (w->db)
		PQfinish(w->db);
	return NULL;
}

/* --- PostgreSQL watch ---------------------------------------------------- */

/* Checks PostgreSQL twice a second on its own connection, so that health
 * answers never wait on the database. */
static void *pg_watch_main(void *arg)
{
	struct directory *dir = arg;
	PGconn *db = NULL;
	char err[256];
	bool was_ok = true;
	long interval = config_int("TARJOTIN_HEALTH_INTERVAL_MS", 500, 50, 60000);

	while (!sig_stopping()) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };
		bool ok = pg_ensure(&db, dir->conninfo, err, sizeof(err)) == 0 &&
			  pg_exec(db, "SELECT 1", err, sizeof(err)) == 0;

		if (!ok && db) {
			PQfinish(db);
			db = NULL;
		}
		atomic_store(&dir->pg_ok, ok);
		atomic_store(&dir->pg_checked_ms, clock_wall_ms());
		if (ok != was_ok)
			log_event(ok ? LOG_INFO : LOG_WARN,
				  ok ? "postgresql is back" : "postgresql is down", "error",
				  ok ? "" : err, NULL);
		was_ok = ok;
		poll(&pfd, 1, (int)interval);
	}
	if (db)
		PQfinish(db);
	return NULL;
}

/* --- start-up ------------------------------------------------------------ */

/* Waits for PostgreSQL (it may start after us) and migrates. */
static int prepare_database(struct directory *dir)
{
	long wait_s = config_int("TARJOTIN_DB_WAIT_S", 30, 0, 3600);
	const char *mdir = config_str("TARJOTIN_MIGRATIONS_DIR", "services/directory/migrations");
	const char *params[1] = { dir->instance };
	PGconn *db = NULL;
	PGresult *res;
	char err[512], count[16];
	int64_t until = clock_mono_us() + wait_s * 1000000;
	int n;

	while (pg_ensure(&db, dir->conninfo, err, sizeof(err))) {
		if (sig_stopping() || clock_mono_us() > until) {
			log_fatal("cannot reach postgresql", "error", err, NULL);
			return -1;
		}
		usleep(200000);
	}
	n = migrate_apply(db, mdir, err, sizeof(err));
	if (n < 0) {
		log_fatal("migrations failed", "error", err, NULL);
		PQfinish(db);
		return -1;
	}
	snprintf(count, sizeof(count), "%d", n);
	log_info("database ready", "migrations_applied", count, NULL);
	{
		/* Reference data after the schema: unchanged rows are not
		 * written, so every instance may load it at start. */
		char *csv = xasprintf("%s/municipalities.csv",
				      config_str("TARJOTIN_DATA_DIR", "services/directory/data"));

		n = refdata_load_municipalities(db, csv, err, sizeof(err));
		free(csv);
		if (n) {
			log_fatal("cannot load municipalities", "error", err, NULL);
			PQfinish(db);
			return -1;
		}
	}
	res = PQexecParams(db,
			   "INSERT INTO directory_instances (instance) VALUES ($1) "
			   "ON CONFLICT (instance) DO UPDATE SET started_at = now()",
			   1, NULL, params, NULL, NULL, 0);
	PQclear(res);
	PQfinish(db);
	return 0;
}

/* --- the front loop ------------------------------------------------------ */

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

struct front {
	struct directory *dir;
	void *router, *backend;
	long in_flight;
	unsigned long malformed, expired;
	zmq_msg_t batch_id;                  /* the gateway the open batch goes to */
	ProtobufCBinaryData batch[BATCH_MAX]; /* its packed replies */
	int batched;                         /* replies in the open batch, 0: none open */
	size_t batch_bytes;
};

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
	zmq_msg_init_data(&body, buf, len, free_buf, NULL);
	if (zmq_msg_send(&f->batch_id, f->router, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
	    zmq_msg_send(&body, f->router, ZMQ_DONTWAIT) < 0)
		log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
	zmq_msg_close(&body);
	zmq_msg_close(&f->batch_id);
	f->batched = 0;
	f->batch_bytes = 0;
}

/* Queues a reply to the gateway 'identity' in the open batch, or opens one;
 * identity stays the caller's. */
static void front_reply(struct front *f, zmq_msg_t *identity, Tarjotin__Envelope *reply)
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
		zmq_msg_copy(&f->batch_id, identity);
	}
	f->batch[f->batched].data = buf;
	f->batch[f->batched].len = len;
	f->batched++;
	f->batch_bytes += len;
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
		health.postgresql = atomic_load(&f->dir->pg_ok);
		health.instance = (char *)f->dir->instance;
		health.checked_ms = atomic_load(&f->dir->pg_checked_ms);
		rpc_pack_payload(&health.base, &reply.payload);
	}
	front_reply(f, id, &reply);
	reply_release(&reply);
}

/* One request, the frame 'body' of a message from the gateway 'id':
 * answered here, or handed to a worker (with a copy of the identity). */
static void on_frame(struct front *f, zmq_msg_t *id, zmq_msg_t *body)
{
	Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(body), zmq_msg_size(body));
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	zmq_msg_t wid;

	if (!req) {
		char size[24];

		f->malformed++;
		snprintf(size, sizeof(size), "%zu", zmq_msg_size(body));
		log_warn("malformed request", "bytes", size, "error", "not a tarjotin.Envelope",
			 NULL);
		reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed envelope: the frame is not a tarjotin.Envelope");
		front_reply(f, id, &reply);
		reply_release(&reply);
		return;
	}
	if (req->deadline_ms && req->deadline_ms < clock_wall_ms()) {
		f->expired++; /* nobody waits for this answer any more */
		goto out;
	}
	if (req->type == TARJOTIN__MSG_TYPE__MSG_PING ||
	    req->type == TARJOTIN__MSG_TYPE__MSG_HEALTH) {
		answer_inline(f, id, req);
		goto out;
	}
	/* Searches without free text come from memory: answered here, they
	 * never queue behind a worker that waits on PostgreSQL. */
	reply.request_id = req->request_id;
	reply.type = req->type;
	if (search_inline(req, &reply)) {
		front_reply(f, id, &reply);
		reply_release(&reply);
		goto out;
	}
	zmq_msg_init(&wid);
	zmq_msg_copy(&wid, id);
	if (zmq_msg_send(&wid, f->backend, ZMQ_SNDMORE) < 0 ||
	    zmq_msg_send(body, f->backend, 0) < 0) {
		log_warn("cannot hand request to a worker", "error", zmq_strerror(errno), NULL);
		zmq_msg_close(&wid);
		goto out;
	}
	f->in_flight++;
out:
	tarjotin__envelope__free_unpacked(req, NULL);
}

/* One message from a gateway: [identity][envelope]..., a frame per request
 * (the gateway sends what it had waiting together).  False when there was
 * none waiting. */
static bool on_request(struct front *f)
{
	zmq_msg_t id, body;
	int more = 0;
	size_t more_len = sizeof(more);

	zmq_msg_init(&id);
	if (zmq_msg_recv(&id, f->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&id);
		return false;
	}
	zmq_msg_init(&body);
	zmq_getsockopt(f->router, ZMQ_RCVMORE, &more, &more_len);
	while (more && zmq_msg_recv(&body, f->router, 0) >= 0) {
		zmq_getsockopt(f->router, ZMQ_RCVMORE, &more, &more_len);
		on_frame(f, &id, &body);
	}
	zmq_msg_close(&body);
	zmq_msg_close(&id);
	return true;
}

/* One reply from a worker: pass [identity][envelope] back to the gateway.
 * False when there was none waiting. */
static bool on_worker_reply(struct front *f)
{
	zmq_msg_t part;
	int more = 1;
	size_t more_len = sizeof(more);

	zmq_msg_init(&part);
	if (zmq_msg_recv(&part, f->backend, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&part);
		return false;
	}
	batch_flush(f); /* replies ready earlier go first */
	for (;;) {
		zmq_getsockopt(f->backend, ZMQ_RCVMORE, &more, &more_len);
		if (zmq_msg_send(&part, f->router, (more ? ZMQ_SNDMORE : 0) | ZMQ_DONTWAIT) < 0)
			log_warn("reply not sent", "error", zmq_strerror(errno), NULL);
		if (!more || zmq_msg_recv(&part, f->backend, 0) < 0)
			break;
	}
	zmq_msg_close(&part);
	f->in_flight--;
	return true;
}

static char *default_instance(void)
{
	char host[64];

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	return xasprintf("directory-%s-%d", host, (int)getpid());
}

int main(void)
{
	struct directory dir = { 0 };
	struct front f = { 0 };
	struct worker *workers = NULL;
	pthread_t *threads = NULL, watch;
	char *instance_buf = default_instance();
	char err[512];
	long nworkers, grace_ms;
	const char *bind, *gateways;
	struct index *ix = NULL;
	struct outbox *outbox = NULL;
	int rc = 1, started = 0, watching = 0;
	int64_t stop_at = 0;

	dir.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("directory", dir.instance);
	/* Every search allocates and frees some 100 KB; by default glibc hands
	 * that back to the kernel after each request and takes page faults for
	 * it on the next (measured: a fifth of the directory's CPU per search).
	 * Keep up to 64 MB of freed memory instead. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	dir.conninfo = config_str("TARJOTIN_DATABASE_URL",
				  "postgresql://tarjotin@127.0.0.1:5432/tarjotin");
	nworkers = config_int("TARJOTIN_DIRECTORY_WORKERS", 2, 1, 256);
	grace_ms = config_int("TARJOTIN_SHUTDOWN_GRACE_MS", 5000, 0, 600000);
	bind = config_str("TARJOTIN_DIRECTORY_BIND", "tcp://127.0.0.1:5601");
	gateways = config_str("TARJOTIN_DIRECTORY_GATEWAYS", "");
	if (sig_install()) {
		log_fatal("cannot install signal handlers", NULL);
		goto out;
	}
	if (prepare_database(&dir))
		goto out;
	/* The search index: built once now, then kept current by its loader
	 * thread; the socket thread and the workers read it. */
	ix = index_new(dir.conninfo);
	search_attach(ix);
	if (index_start(ix)) {
		log_fatal("cannot start the search index loader", NULL);
		goto out;
	}

	zctx = zmq_ctx_new();
	f.dir = &dir;
	f.router = zmq_socket(zctx, ZMQ_ROUTER);
	f.backend = zmq_socket(zctx, ZMQ_DEALER);
	rpc_socket_defaults(f.router);
	rpc_socket_defaults(f.backend);
	if (zmq_bind(f.backend, WORKERS_ENDPOINT) ||
	    rpc_attach(f.router, bind, true, err, sizeof(err)) ||
	    rpc_attach(f.router, gateways, false, err, sizeof(err))) {
		log_fatal("cannot open sockets", "error", err, NULL);
		goto out;
	}
	atomic_store(&dir.pg_ok, true);
	atomic_store(&dir.pg_checked_ms, clock_wall_ms());
	pthread_create(&watch, NULL, pg_watch_main, &dir);
	watching = 1;
	/* Messaging: without a data key it answers "unavailable", nothing else
	 * changes.  The relay and the status consumer run in every instance. */
	messages_init();
	outbox = outbox_start(&dir);
	workers = xcalloc((size_t)nworkers, sizeof(*workers));
	threads = xcalloc((size_t)nworkers, sizeof(*threads));
	for (long i = 0; i < nworkers; i++) {
		workers[i].dir = &dir;
		workers[i].index = (int)i;
		if (pthread_create(&threads[i], NULL, worker_main, &workers[i]))
			break;
		started++;
	}
	log_info("serving", "bind", bind, "gateways", gateways, NULL);

	for (;;) {
		bool stopping = sig_stopping();
		zmq_pollitem_t items[3] = {
			{ .socket = f.backend, .events = ZMQ_POLLIN },
			{ .fd = sig_fd(), .events = ZMQ_POLLIN },
			{ .socket = f.router, .events = ZMQ_POLLIN },
		};

		/* Stopping: read no new requests, deliver the replies of those
		 * in flight, then go. */
		if (stopping) {
			if (!stop_at) {
				stop_at = clock_mono_us() + grace_ms * 1000;
				log_info("stopping", NULL);
			}
			if (f.in_flight <= 0 || clock_mono_us() > stop_at)
				break;
		}
		if (zmq_poll(items, stopping ? 1 : 3, stopping ? 100 : -1) < 0 && errno != EINTR)
			break;
		if (items[0].revents & ZMQ_POLLIN)
			while (on_worker_reply(&f))
				;
		if (!stopping && (items[2].revents & ZMQ_POLLIN)) {
			for (int i = 0; i < 1024 && on_request(&f); i++)
				;
			batch_flush(&f);
		}
	}
	rc = 0;
out:
	if (zctx) {
		if (f.router)
			zmq_close(f.router);
		if (f.backend)
			zmq_close(f.backend);
		/* Wakes the workers out of their blocking receives (ETERM). */
		zmq_ctx_shutdown(zctx);
		for (int i = 0; i < started; i++)
			pthread_join(threads[i], NULL);
		zmq_ctx_term(zctx);
	}
	if (watching) {
		sig_request_stop();
		pthread_join(watch, NULL);
	}
	outbox_stop(&outbox);
	search_attach(NULL);
	index_destroy(&ix);
	free(workers);
	free(threads);
	if (rc == 0) {
		char m[24], e[24];

		snprintf(m, sizeof(m), "%lu", f.malformed);
		snprintf(e, sizeof(e), "%lu", f.expired);
		log_info("stopped", "malformed_requests", m, "expired_requests", e, NULL);
	}
	free(instance_buf);
	return rc;
}
