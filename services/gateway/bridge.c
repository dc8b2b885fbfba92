#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <sodium.h>
#include <zmq.h>

#include "bridge.h"
#include "clock.h"
#include "log.h"
#include "rpc.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

#define SLOT_BITS 20
#define SLOT_MASK ((1u << SLOT_BITS) - 1)
#define EVENT_RING 16384
#define EVENT_BATCH 512
#define EVENT_FLUSH_US 200000

struct bridge {
	pthread_t thread;
	void *zctx, *dealer, *push;
	void *stats_dealer; /* MSG_STATS_* calls: to stats' report ROUTER */
	int wake_fd;
	const char *const *route_names;
	char *instance;
	char source_id[33]; /* random per start: stats counts a batch once by it and seq */
	uint64_t batch_seq;
	int try_us;
	uint32_t max_calls; /* slots: calls in flight at most */
	void (*on_notice)(void *cls, const uint8_t *data, size_t len);
	void *notice_cls;

	/* Shared with submitting threads, under lock. */
	pthread_mutex_t lock;
	struct bridge_call *inbox_head, *inbox_tail;
	struct bridge_event ring[EVENT_RING];
	unsigned ring_head, ring_len;
	bool stopping, stopped, woken, joined;

	/* Bridge thread only. */
	struct bridge_call **slots;
	uint32_t nslots, *free_slots, nfree;
	uint64_t seq;
	struct bridge_call *pending; /* doubly linked, for the timer scan */
	int64_t next_timer_us;
	int64_t first_event_us;

	/* Counters, read by /metrics. */
	atomic_uint_fast64_t timeouts, retries, late_replies, bad_replies;
	atomic_uint_fast64_t events_sent, events_dropped;
	atomic_uint npending;
};

static void wake(struct bridge *b)
{
	uint64_t one = 1;

	if (write(b->wake_fd, &one, sizeof(one)) < 0) {
		/* counter saturated: the bridge is awake anyway */
	}
}

void bridge_submit(struct bridge *b, struct bridge_call *call)
{
	bool must_wake;

	call->outcome = BRIDGE_PENDING;
	call->reply = NULL;
	call->tries = 0;
	call->next = call->prev = NULL;
	call->deadline_us = clock_mono_us() + (int64_t)call->timeout_ms * 1000;
	pthread_mutex_lock(&b->lock);
	if (b->stopped) {
		pthread_mutex_unlock(&b->lock);
		call->outcome = BRIDGE_SHUTDOWN;
		call->done(call);
		return;
	}
	if (b->inbox_tail)
		b->inbox_tail->next = call;
	else
		b->inbox_head = call;
	b->inbox_tail = call;
	must_wake = !b->woken;
	b->woken = true;
	pthread_mutex_unlock(&b->lock);
	if (must_wake)
		wake(b);
}

void bridge_event(struct bridge *b, const struct bridge_event *ev)
{
	pthread_mutex_lock(&b->lock);
	if (b->ring_len == EVENT_RING) {
		pthread_mutex_unlock(&b->lock);
		atomic_fetch_add_explicit(&b->events_dropped, 1, memory_order_relaxed);
		free(ev->more);
		return;
	}
	b->ring[(b->ring_head + b->ring_len) % EVENT_RING] = *ev;
	b->ring_len++;
	pthread_mutex_unlock(&b->lock);
}

void bridge_get_stats(struct bridge *b, struct bridge_stats *out)
{
	out->timeouts = atomic_load(&b->timeouts);
	out->retries = atomic_load(&b->retries);
	out->late_replies = atomic_load(&b->late_replies);
	out->bad_replies = atomic_load(&b->bad_replies);
	out->events_sent = atomic_load(&b->events_sent);
	out->events_dropped = atomic_load(&b->events_dropped);
}

unsigned bridge_pending(struct bridge *b)
{
	return atomic_load(&b->npending);
}

/* --- the bridge thread ------------------------------------------------ */

/* Slots slot_take can still give. */
static uint32_t slots_left(const struct bridge *b)
{
	return b->nfree + (b->max_calls - b->nslots);
}

static uint32_t slot_take(struct bridge *b)
{
	uint32_t old = b->nslots;

	if (!b->nfree) {
		if (b->nslots == b->max_calls)
			return UINT32_MAX;
		b->nslots = b->nslots ? b->nslots * 2 : 256;
		if (b->nslots > b->max_calls)
			b->nslots = b->max_calls;
		b->slots = xrealloc(b->slots, b->nslots * sizeof(*b->slots));
		b->free_slots = xrealloc(b->free_slots, b->nslots * sizeof(*b->free_slots));
		for (uint32_t i = b->nslots; i > old; i--) {
			b->slots[i - 1] = NULL;
			b->free_slots[b->nfree++] = i - 1;
		}
	}
	return b->free_slots[--b->nfree];
}

static void pending_unlink(struct bridge *b, struct bridge_call *c)
{
	uint32_t slot = (uint32_t)(c->id & SLOT_MASK);

	if (c->prev)
		c->prev->next = c->next;
	else
		b->pending = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = c->prev = NULL;
	b->slots[slot] = NULL;
	b->free_slots[b->nfree++] = slot;
	free(c->wire);
	c->wire = NULL;
	atomic_fetch_sub(&b->npending, 1);
}

static void finish(struct bridge *b, struct bridge_call *c, enum bridge_outcome outcome)
{
	pending_unlink(b, c);
	c->outcome = outcome;
	c->done(c);
}

/* Sends a try; 'more' when another call follows in the same message (the
 * frames of one message go to one directory together, and ZeroMQ's I/O
 * threads wake once for them all).  Once a message's first frame is taken
 * the rest are too; when it is refused (EAGAIN), the next frame starts the
 * message instead. */
/* Report calls go to stats, everything else to the directory. */
static bool for_stats(const struct bridge_call *c)
{
	return c->type == TARJOTIN__MSG_TYPE__MSG_STATS_REPORT;
}

static void send_try(struct bridge *b, struct bridge_call *c, int64_t now, bool more)
{
	void *sock = for_stats(c) ? b->stats_dealer : b->dealer;

	if (c->tries > 0)
		atomic_fetch_add_explicit(&b->retries, 1, memory_order_relaxed);
	c->tries++;
	/* EAGAIN means no directory is connected: the next try may find one. */
	if (zmq_send(sock, c->wire, c->wire_len, ZMQ_DONTWAIT | (more ? ZMQ_SNDMORE : 0)) < 0 &&
	    errno != EAGAIN)
		log_warn(sock == b->dealer ? "directory send failed" : "stats send failed", "error",
			 zmq_strerror(errno), NULL);
	c->next_try_us = now + b->try_us;
	if (!c->idempotent || c->next_try_us > c->deadline_us)
		c->next_try_us = c->deadline_us;
	if (c->next_try_us < b->next_timer_us)
		b->next_timer_us = c->next_try_us;
}

static void start_call(struct bridge *b, struct bridge_call *c, int64_t now, bool more)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	uint32_t slot = slot_take(b);

	if (slot == UINT32_MAX) {
		c->outcome = BRIDGE_TIMEOUT;
		atomic_fetch_add_explicit(&b->timeouts, 1, memory_order_relaxed);
		c->done(c);
		return;
	}
	c->id = (++b->seq << SLOT_BITS) | slot;
	b->slots[slot] = c;
	env.request_id = c->id;
	env.deadline_ms = clock_wall_ms() + (c->deadline_us - now) / 1000;
	env.type = c->type;
	env.payload = c->payload;
	env.principal = (Tarjotin__Principal *)c->principal;
	env.idempotency_key = (char *)(c->idempotency_key ? c->idempotency_key : "");
	c->wire = rpc_pack_envelope(&env, &c->wire_len);
	c->next = b->pending;
	c->prev = NULL;
	if (b->pending)
		b->pending->prev = c;
	b->pending = c;
	atomic_fetch_add(&b->npending, 1);
	send_try(b, c, now, more);
}

/* One reply: the call it answers ends (the call takes 'env'). */
static void on_envelope(struct bridge *b, Tarjotin__Envelope *env)
{
	struct bridge_call *c;
	uint32_t slot;

	if (env->type == TARJOTIN__MSG_TYPE__MSG_SNAPSHOT_NOTICE && !env->request_id) {
		if (b->on_notice)
			b->on_notice(b->notice_cls, env->payload.data, env->payload.len);
		tarjotin__envelope__free_unpacked(env, NULL);
		return;
	}
	slot = (uint32_t)(env->request_id & SLOT_MASK);
	c = slot < b->nslots ? b->slots[slot] : NULL;
	if (!c || c->id != env->request_id) {
		/* An answer to a try we already gave up on, or answered. */
		atomic_fetch_add_explicit(&b->late_replies, 1, memory_order_relaxed);
		tarjotin__envelope__free_unpacked(env, NULL);
		return;
	}
	c->reply = env;
	finish(b, c, BRIDGE_REPLIED);
}

static void bad_reply(struct bridge *b)
{
	atomic_fetch_add_explicit(&b->bad_replies, 1, memory_order_relaxed);
	log_warn("malformed reply from directory", NULL);
}

/* A frame from a directory: one reply, or a MSG_BATCH of them. */
static void on_reply(struct bridge *b, zmq_msg_t *msg)
{
	Tarjotin__Envelope *env = rpc_unpack_envelope(zmq_msg_data(msg), zmq_msg_size(msg));

	if (!env) {
		bad_reply(b);
		return;
	}
	if (env->type != TARJOTIN__MSG_TYPE__MSG_BATCH) {
		on_envelope(b, env);
		return;
	}
	for (size_t i = 0; i < env->n_batch; i++) {
		Tarjotin__Envelope *one = rpc_unpack_envelope(env->batch[i].data,
							      env->batch[i].len);

		if (one && one->type != TARJOTIN__MSG_TYPE__MSG_BATCH) {
			on_envelope(b, one);
		} else {
			if (one)
				tarjotin__envelope__free_unpacked(one, NULL);
			bad_reply(b);
		}
	}
	tarjotin__envelope__free_unpacked(env, NULL);
}

static void scan_timers(struct bridge *b, int64_t now)
{
	struct bridge_call *c = b->pending, *next;

	b->next_timer_us = INT64_MAX;
	for (; c; c = next) {
		next = c->next;
		if (now >= c->deadline_us) {
			atomic_fetch_add_explicit(&b->timeouts, 1, memory_order_relaxed);
			finish(b, c, BRIDGE_TIMEOUT);
		} else if (now >= c->next_try_us) {
			send_try(b, c, now, false);
		} else if (c->next_try_us < b->next_timer_us) {
			b->next_timer_us = c->next_try_us;
		}
	}
}

/* The dimensions of m into e (pointing into m, which outlives the pack). */
static void event_more(Tarjotin__UsageEvent *e, struct bridge_event_more *m, char **words)
{
	e->page = m->page;
	e->user_site_id = m->user_site;
	e->visit = m->visit;
	e->activity_id = m->activity;
	e->need = m->need;
	e->kind_term = m->kind_term;
	e->municipality = m->municipality;
	e->county = m->county;
	e->has_q = m->has_q;
	e->zero = m->zero;
	for (size_t i = 0; i < m->n_words && i < 5; i++)
		words[i] = m->words[i];
	e->words = words;
	e->n_words = m->n_words < 5 ? m->n_words : 5;
}

static void flush_events(struct bridge *b, bool force)
{
	Tarjotin__UsageEvent evs[EVENT_BATCH];
	Tarjotin__UsageEvent *ptrs[EVENT_BATCH];
	Tarjotin__UsageBatch batch = TARJOTIN__USAGE_BATCH__INIT;
	struct bridge_event raw[EVENT_BATCH];
	char *wordp[EVENT_BATCH][5];
	size_t n = 0, len;
	uint8_t *buf;
	int64_t now = clock_mono_us();

	for (;;) {
		pthread_mutex_lock(&b->lock);
		/* Send full batches at once, a partial one when its oldest event
		 * has waited EVENT_FLUSH_US (or when stopping). */
		if (b->ring_len && !b->first_event_us)
			b->first_event_us = now;
		if (!b->ring_len || (!force && b->ring_len < EVENT_BATCH &&
				     now - b->first_event_us < EVENT_FLUSH_US)) {
			pthread_mutex_unlock(&b->lock);
			return;
		}
		n = b->ring_len < EVENT_BATCH ? b->ring_len : EVENT_BATCH;
		for (size_t i = 0; i < n; i++)
			raw[i] = b->ring[(b->ring_head + i) % EVENT_RING];
		b->ring_head = (b->ring_head + n) % EVENT_RING;
		b->ring_len -= n;
		b->first_event_us = b->ring_len ? now : 0;
		pthread_mutex_unlock(&b->lock);

		for (size_t i = 0; i < n; i++) {
			tarjotin__usage_event__init(&evs[i]);
			evs[i].kind = raw[i].kind;
			evs[i].at_ms = raw[i].at_ms;
			evs[i].route = (char *)b->route_names[raw[i].route];
			evs[i].status = raw[i].status;
			evs[i].latency_us = raw[i].latency_us;
			if (raw[i].more)
				event_more(&evs[i], raw[i].more, wordp[i]);
			ptrs[i] = &evs[i];
		}
		batch.n_events = n;
		batch.events = ptrs;
		batch.source = b->instance;
		batch.source_id = b->source_id;
		batch.seq = ++b->batch_seq;
		len = tarjotin__usage_batch__get_packed_size(&batch);
		buf = xmalloc(len);
		tarjotin__usage_batch__pack(&batch, buf);
		if (zmq_send(b->push, buf, len, ZMQ_DONTWAIT) < 0)
			atomic_fetch_add_explicit(&b->events_dropped, n, memory_order_relaxed);
		else
			atomic_fetch_add_explicit(&b->events_sent, n, memory_order_relaxed);
		free(buf);
		for (size_t i = 0; i < n; i++)
			free(raw[i].more);
	}
}

static void *bridge_main(void *arg)
{
	struct bridge *b = arg;
	zmq_pollitem_t items[3] = {
		{ .socket = b->dealer, .events = ZMQ_POLLIN },
		{ .fd = b->wake_fd, .events = ZMQ_POLLIN },
		{ .socket = b->stats_dealer, .events = ZMQ_POLLIN },
	};
	struct bridge_call *in;
	zmq_msg_t msg;
	uint64_t junk;

	zmq_msg_init(&msg);
	b->next_timer_us = INT64_MAX;
	for (;;) {
		int64_t now = clock_mono_us();
		long timeout_ms = EVENT_FLUSH_US / 1000;
		bool stopping;

		if (b->next_timer_us != INT64_MAX) {
			int64_t t = (b->next_timer_us - now + 999) / 1000;

			if (t < timeout_ms)
				timeout_ms = t < 0 ? 0 : (long)t;
		}
		if (zmq_poll(items, 3, timeout_ms) < 0 && errno != EINTR) {
			log_error("bridge poll failed", "error", zmq_strerror(errno), NULL);
			break;
		}
		now = clock_mono_us();
		if (items[1].revents & ZMQ_POLLIN) {
			if (read(b->wake_fd, &junk, sizeof(junk)) < 0) {
				/* spurious: nothing to read */
			}
		}
		pthread_mutex_lock(&b->lock);
		in = b->inbox_head;
		b->inbox_head = b->inbox_tail = NULL;
		b->woken = false;
		stopping = b->stopping;
		pthread_mutex_unlock(&b->lock);
		/* What was submitted meanwhile goes out as one message.  The
		 * calls past the free slots end at once, without a frame, so
		 * the last one that gets a slot is the one that ends the
		 * message: a frame sent with ZMQ_SNDMORE and nothing after it
		 * would glue the next message to this one.  Report calls (rare)
		 * go to stats each as a message of its own. */
		if (in) {
			uint32_t n = 0, room = slots_left(b), dir = 0, d = 0;

			for (struct bridge_call *c = in; c; c = c->next, n++)
				if (n < room && !for_stats(c))
					dir++;
			for (uint32_t i = 0; in; i++) {
				struct bridge_call *next = in->next;
				bool more = false;

				if (!for_stats(in) && i < room)
					more = ++d < dir;
				start_call(b, in, now, more);
				in = next;
			}
		}
		while (zmq_msg_recv(&msg, b->dealer, ZMQ_DONTWAIT) >= 0)
			on_reply(b, &msg);
		while (zmq_msg_recv(&msg, b->stats_dealer, ZMQ_DONTWAIT) >= 0)
			on_reply(b, &msg);
		if (now >= b->next_timer_us)
			scan_timers(b, now);
		flush_events(b, stopping);
		if (stopping)
			break;
	}
	zmq_msg_close(&msg);

	/* Whatever is still in flight ends now, so that no HTTP connection stays
	 * suspended (libmicrohttpd aborts when stopped with one). */
	pthread_mutex_lock(&b->lock);
	b->stopped = true;
	in = b->inbox_head;
	b->inbox_head = b->inbox_tail = NULL;
	pthread_mutex_unlock(&b->lock);
	while (in) {
		struct bridge_call *next = in->next;

		in->outcome = BRIDGE_SHUTDOWN;
		in->done(in);
		in = next;
	}
	while (b->pending)
		finish(b, b->pending, BRIDGE_SHUTDOWN);
	return NULL;
}

struct bridge *bridge_new(const struct bridge_config *cfg, const char *const *route_names,
			  char *err, size_t errlen)
{
	struct bridge *b = xcalloc(1, sizeof(*b));
	int hwm = 100000;

	pthread_mutex_init(&b->lock, NULL);
	b->route_names = route_names;
	b->instance = xstrdup(cfg->instance);
	{
		unsigned char rnd[16];

		randombytes_buf(rnd, sizeof(rnd));
		sodium_bin2hex(b->source_id, sizeof(b->source_id), rnd, sizeof(rnd));
	}
	b->try_us = cfg->try_ms * 1000;
	b->on_notice = cfg->on_notice;
	b->notice_cls = cfg->notice_cls;
	b->max_calls = cfg->max_calls && cfg->max_calls <= SLOT_MASK + 1 ? cfg->max_calls :
									   SLOT_MASK + 1;
	b->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	b->zctx = zmq_ctx_new();
	if (b->wake_fd < 0 || !b->zctx) {
		snprintf(err, errlen, "cannot create bridge: %s", strerror(errno));
		goto fail;
	}
	b->dealer = zmq_socket(b->zctx, ZMQ_DEALER);
	b->push = zmq_socket(b->zctx, ZMQ_PUSH);
	b->stats_dealer = zmq_socket(b->zctx, ZMQ_DEALER);
	if (!b->dealer || !b->push || !b->stats_dealer || rpc_socket_defaults(b->dealer) ||
	    rpc_socket_defaults(b->push) || rpc_socket_defaults(b->stats_dealer) ||
	    zmq_setsockopt(b->dealer, ZMQ_SNDHWM, &hwm, sizeof(hwm)) ||
	    zmq_setsockopt(b->dealer, ZMQ_RCVHWM, &hwm, sizeof(hwm))) {
		snprintf(err, errlen, "cannot create sockets: %s", zmq_strerror(errno));
		goto fail;
	}
	/* Every peer proves its key: the directory and stats by theirs (the
	 * handshake fails against anyone else, whichever side dials), this
	 * gateway by its own, which their ZAP handlers look up. */
	if (zcurve_client(b->dealer, cfg->curve, "TARJOTIN_DIRECTORY_PUBLIC_KEY", err, errlen) ||
	    zcurve_client(b->push, cfg->curve, "TARJOTIN_STATS_PUBLIC_KEY", err, errlen) ||
	    zcurve_client(b->stats_dealer, cfg->curve, "TARJOTIN_STATS_PUBLIC_KEY", err, errlen))
		goto fail;
	if (rpc_attach(b->dealer, cfg->directory_endpoints, false, err, errlen) ||
	    rpc_attach(b->dealer, cfg->directory_bind, true, err, errlen) ||
	    rpc_attach(b->push, cfg->stats_endpoint, false, err, errlen) ||
	    rpc_attach(b->stats_dealer, cfg->stats_report_endpoint, false, err, errlen))
		goto fail;
	if (pthread_create(&b->thread, NULL, bridge_main, b)) {
		snprintf(err, errlen, "cannot start bridge thread");
		goto fail;
	}
	return b;
fail:
	if (b->dealer)
		zmq_close(b->dealer);
	if (b->push)
		zmq_close(b->push);
	if (b->stats_dealer)
		zmq_close(b->stats_dealer);
	if (b->zctx)
		zmq_ctx_term(b->zctx);
	if (b->wake_fd >= 0)
		close(b->wake_fd);
	free(b->instance);
	free(b);
	return NULL;
}

void bridge_stop(struct bridge *b)
{
	bool joined;

	pthread_mutex_lock(&b->lock);
	joined = b->joined;
	b->stopping = true;
	b->joined = true;
	pthread_mutex_unlock(&b->lock);
	if (joined)
		return;
	wake(b);
	pthread_join(b->thread, NULL);
}

void bridge_destroy(struct bridge **bp)
{
	struct bridge *b = *bp;

	if (!b)
		return;
	bridge_stop(b);
	zmq_close(b->dealer);
	zmq_close(b->push);
	zmq_close(b->stats_dealer);
	zmq_ctx_term(b->zctx);
	close(b->wake_fd);
	pthread_mutex_destroy(&b->lock);
	for (size_t i = 0; i < b->ring_len; i++) /* queued after the last flush */
		free(b->ring[(b->ring_head + i) % EVENT_RING].more);
	free(b->slots);
	free(b->free_slots);
	free(b->instance);
	free(b);
	*bp = NULL;
}
