#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "errmsg.h"
#include "log.h"
#include "xalloc.h"
#include "zap.h"
#include "zcurve.h"
#include "banned.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01"
#define ZAP_FRAMES 8 /* version, id, domain, address, identity, mechanism, key (+1 spare) */
#define ZAP_FRAME_MAX 256

struct zap {
	const struct zcurve *z;
	void *sock;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_uint_fast64_t admitted, refused;
	int64_t last_log_ms;
	uint64_t unlogged;
};

struct frame {
	size_t len;
	unsigned char data[ZAP_FRAME_MAX];
};

/* Receives one request (all its frames); returns how many, -1 on error. */
static int recv_request(void *sock, struct frame *f, int max)
{
	int n = 0, more = 1;
	size_t sz = sizeof(more);

	while (more) {
		zmq_msg_t m;

		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, sock, 0) < 0) {
			zmq_msg_close(&m);
			return -1;
		}
		if (n < max) {
			f[n].len = zmq_msg_size(&m) < ZAP_FRAME_MAX ? zmq_msg_size(&m) :
								      ZAP_FRAME_MAX;
			memcpy(f[n].data, zmq_msg_data(&m), f[n].len);
		}
		n++;
		zmq_msg_close(&m);
		if (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz))
			return -1;
	}
	return n;
}

static bool frame_is(const struct frame *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->data, s, f->len) == 0;
}

/* Logs a refusal, at most once a second (a scan must not flood the log). */
static void log_refusal(struct zap *zap, const struct frame *address, const char *why)
{
	int64_t now = clock_mono_us() / 1000;
	char addr[64], count[24];

	if (now - zap->last_log_ms < 1000) {
		zap->unlogged++;
		return;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)(address->len < 63 ? address->len : 63),
		 (const char *)address->data);
	for (char *p = addr; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
	snprintf(count, sizeof(count), "%llu", (unsigned long long)zap->unlogged);
	log_warn("internal connection refused", "peer", addr, "reason", why, "unlogged_before",
		 count, NULL);
	zap->last_log_ms = now;
	zap->unlogged = 0;
}

static void answer(struct zap *zap, int n, const struct frame *f)
{
	const char *code = "400", *text = "key not listed", *why = NULL;

	if (n < 6 || !frame_is(&f[0], "1.0"))
		why = "malformed request";
	else if (!frame_is(&f[5], "CURVE"))
		why = "not CURVE";
	else if (n != 7 || f[6].len != 32)
		why = "malformed CURVE credentials";
	else if (!zcurve_admits(zap->z, f[6].data))
		why = "key not listed";
	if (!why) {
		code = "200";
		text = "OK";
		atomic_fetch_add(&zap->admitted, 1);
	} else {
		text = why;
		atomic_fetch_add(&zap->refused, 1);
		log_refusal(zap, n > 3 ? &f[3] : &f[0], why);
	}
	zmq_send(zap->sock, "1.0", 3, ZMQ_SNDMORE);
	zmq_send(zap->sock, n > 1 ? f[1].data : (const unsigned char *)"", n > 1 ? f[1].len : 0,
		 ZMQ_SNDMORE);
	zmq_send(zap->sock, code, 3, ZMQ_SNDMORE);
	zmq_send(zap->sock, text, strlen(text), ZMQ_SNDMORE);
	zmq_send(zap->sock, "", 0, ZMQ_SNDMORE); /* user id */
	zmq_send(zap->sock, "", 0, 0);           /* metadata */
}

static void *zap_main(void *arg)
{
	struct zap *zap = arg;
	struct frame f[ZAP_FRAMES];

	while (!atomic_load(&zap->stop)) {
		zmq_pollitem_t item = { zap->sock, 0, ZMQ_POLLIN, 0 };
		int n;

		/* The stop flag is looked at every 200 ms; a handshake never waits
		 * for that, only the shutdown does. */
		int ready = zmq_poll(&item, 1, 200);

		if (ready < 0 && errno == ETERM)
			break; /* the context is shutting down */
		if (ready <= 0)
			continue;
		n = recv_request(zap->sock, f, ZAP_FRAMES);
		if (n < 0) {
			if (errno == ETERM)
				break;
			continue;
		}
		answer(zap, n, f);
	}
	return NULL;
}

struct zap *zap_new(void *zctx, const struct zcurve *z, char *err, size_t errlen)
{
	struct zap *zap = xcalloc(1, sizeof(*zap));
	int zero = 0;

	zap->z = z;
	zap->last_log_ms = -1000000;
	atomic_init(&zap->stop, false);
	atomic_init(&zap->admitted, 0);
	atomic_init(&zap->refused, 0);
	if (!(zap->sock = zmq_socket(zctx, ZMQ_REP)) ||
	    zmq_setsockopt(zap->sock, ZMQ_LINGER, &zero, sizeof(zero)) ||
	    zmq_bind(zap->sock, ZAP_ENDPOINT)) {
		errmsg(err, errlen, "cannot start the ZAP handler: %s", zmq_strerror(errno));
		goto fail;
	}
	/* The socket moves to the thread; pthread_create is the memory barrier
	 * that ZeroMQ asks for when a socket changes threads. */
	if (pthread_create(&zap->thread, NULL, zap_main, zap)) {
		errmsg(err, errlen, "cannot start the ZAP handler's thread");
		goto fail;
	}
	zap->started = true;
	return zap;
fail:
	zap_destroy(&zap);
	return NULL;
}

void zap_destroy(struct zap **zp)
{
	struct zap *zap = *zp;

	if (!zap)
		return;
	if (zap->started) {
		atomic_store(&zap->stop, true);
		pthread_join(zap->thread, NULL);
	}
	if (zap->sock)
		zmq_close(zap->sock);
	free(zap);
	*zp = NULL;
}

uint64_t zap_admitted(const struct zap *zap)
{
	return zap ? atomic_load(&((struct zap *)zap)->admitted) : 0;
}

uint64_t zap_refused(const struct zap *zap)
{
	return zap ? atomic_load(&((struct zap *)zap)->refused) : 0;
}
