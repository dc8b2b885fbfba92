// units: services/gateway/bridge.c
/*
 * Unit tests for the gateway's ZeroMQ bridge against a real ROUTER socket on
 * loopback: replies matched to calls, Lazy Pirate resends on silence,
 * deadlines, late replies, and shutdown completing every call.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "bridge.h"
#include "clock.h"
#include "rpc.h"

#define WAIT_MS 10000   /* the longest any wait for an event here takes */
#define TEST_ALARM_S 60 /* a test that hangs anyway is killed */
#define FAKE_MAX_MSGS 64

/* A directory stand-in: answers every request (ignore 0), none (-1), the
 * first answer_left ones (ignore 2), or
 * all but the next one after drop_next is set; or (ignore 1) waits a moment
 * and answers everything waiting in one MSG_BATCH envelope, as the
 * directory does with the searches it answers from memory.  Requests may
 * come as the frames of one message too ([identity][envelope]...). */
#define FAKE_MAX_IDS 512 /* requests the stand-in answers at once */

struct fake {
	void *ctx, *router;
	char endpoint[128];
	int ignore;
	int max_frames;       /* most replies sent in one batch (ignore 1) */
	int max_requests;     /* most requests received in one message */
	atomic_int batch_min; /* ignore 1: requests to wait for before answering */
	volatile int drop_next;
	atomic_int answer_left; /* ignore 2 */
	atomic_int seen;
	int msg_frames[FAKE_MAX_MSGS]; /* requests in each message received */
	atomic_int nmsgs;
	pthread_t thread;
	volatile int stop;
};

/* Reads one message if one is waiting: its identity into id (which is
 * left alone when none is), its requests' ids appended to ids[*n..max). */
static bool fake_read(struct fake *f, zmq_msg_t *id, uint64_t *ids, int *n, int max)
{
	zmq_msg_t next, body;
	int more = 0, frames = 0;
	size_t more_len = sizeof(more);

	/* A failed receive empties the message it was given: hence 'next'. */
	zmq_msg_init(&next);
	if (zmq_msg_recv(&next, f->router, ZMQ_DONTWAIT) < 0) {
		zmq_msg_close(&next);
		return false;
	}
	zmq_msg_move(id, &next);
	zmq_msg_close(&next);
	zmq_msg_init(&body);
	zmq_getsockopt(f->router, ZMQ_RCVMORE, &more, &more_len);
	while (more && zmq_msg_recv(&body, f->router, 0) >= 0) {
		Tarjotin__Envelope *req = rpc_unpack_envelope(zmq_msg_data(&body),
							      zmq_msg_size(&body));

		zmq_getsockopt(f->router, ZMQ_RCVMORE, &more, &more_len);
		frames++;
		f->seen++;
		if (req && *n < max)
			ids[(*n)++] = req->request_id;
		if (req)
			tarjotin__envelope__free_unpacked(req, NULL);
	}
	zmq_msg_close(&body);
	if (frames > f->max_requests)
		f->max_requests = frames;
	if (atomic_load(&f->nmsgs) < FAKE_MAX_MSGS) {
		f->msg_frames[atomic_load(&f->nmsgs)] = frames;
		atomic_fetch_add(&f->nmsgs, 1);
	}
	return true;
}

/* Sends replies to ids[0..n) to id: one alone, several as one MSG_BATCH
 * envelope (as the directory does), which also carries two items the
 * bridge must refuse: bytes that are no envelope, and a nested batch. */
static void fake_reply(struct fake *f, zmq_msg_t *id, const uint64_t *ids, int n)
{
	Tarjotin__Envelope batch = TARJOTIN__ENVELOPE__INIT, nested = TARJOTIN__ENVELOPE__INIT;
	static uint8_t junk[] = { 0xff, 0xff, 0xff, 0xff, 0x0f, 'n', 'o', 't', ' ', 'o', 'n', 'e' };
	ProtobufCBinaryData items[FAKE_MAX_IDS + 2]; /* + the two bad items */
	zmq_msg_t head;
	size_t len;
	uint8_t *wire;

	for (int i = 0; i < n; i++) {
		Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;

		reply.request_id = ids[i];
		reply.type = TARJOTIN__MSG_TYPE__MSG_PING;
		items[i].data = rpc_pack_envelope(&reply, &items[i].len);
	}
	if (n == 1) {
		wire = items[0].data;
		len = items[0].len;
	} else {
		nested.type = TARJOTIN__MSG_TYPE__MSG_BATCH;
		nested.n_batch = 1;
		nested.batch = items;
		items[n].data = junk;
		items[n].len = sizeof(junk);
		items[n + 1].data = rpc_pack_envelope(&nested, &items[n + 1].len);
		batch.type = TARJOTIN__MSG_TYPE__MSG_BATCH;
		batch.n_batch = (size_t)n + 2;
		batch.batch = items;
		wire = rpc_pack_envelope(&batch, &len);
		for (int i = 0; i < n; i++)
			free(items[i].data);
		free(items[n + 1].data);
	}
	zmq_msg_init(&head);
	zmq_msg_copy(&head, id);
	zmq_msg_send(&head, f->router, ZMQ_SNDMORE);
	zmq_send(f->router, wire, len, 0);
	free(wire);
	if (n > f->max_frames)
		f->max_frames = n;
}

static void *fake_main(void *arg)
{
	struct fake *f = arg;
	zmq_pollitem_t it = { .socket = f->router, .events = ZMQ_POLLIN };

	while (!f->stop) {
		uint64_t ids[FAKE_MAX_IDS];
		int n = 0;
		zmq_msg_t id;

		if (zmq_poll(&it, 1, 20) <= 0)
			continue;
		zmq_msg_init(&id);
		if (f->ignore == 1) {
			/* Everything waiting, answered at once: at least
			 * batch_min requests (it all comes from the one bridge),
			 * or what came within 2 s, so that batching does not
			 * depend on how fast a loaded machine runs the bridge. */
			struct timespec t0, t;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			for (;;) {
				while (fake_read(f, &id, ids, &n, FAKE_MAX_IDS))
					;
				clock_gettime(CLOCK_MONOTONIC, &t);
				if (n >= atomic_load(&f->batch_min) || t.tv_sec - t0.tv_sec >= 2)
					break;
				usleep(1000);
			}
			if (n)
				fake_reply(f, &id, ids, n);
		} else if (fake_read(f, &id, ids, &n, FAKE_MAX_IDS)) {
			for (int i = 0; i < n; i++) {
				if (f->drop_next) {
					f->drop_next = 0;
				} else if (f->ignore == 0 ||
					   (f->ignore == 2 &&
					    atomic_fetch_sub(&f->answer_left, 1) > 0)) {
					fake_reply(f, &id, &ids[i], 1);
				}
			}
		}
		zmq_msg_close(&id);
	}
	return NULL;
}

static void fake_start(struct fake *f, int ignore)
{
	size_t len = sizeof(f->endpoint);

	memset(f, 0, sizeof(*f));
	f->ignore = ignore;
	atomic_init(&f->batch_min, 1);
	f->ctx = zmq_ctx_new();
	f->router = zmq_socket(f->ctx, ZMQ_ROUTER);
	rpc_socket_defaults(f->router);
	assert_int_equal(zmq_bind(f->router, "tcp://127.0.0.1:*"), 0);
	zmq_getsockopt(f->router, ZMQ_LAST_ENDPOINT, f->endpoint, &len);
	pthread_create(&f->thread, NULL, fake_main, f);
}

static void fake_stop(struct fake *f)
{
	f->stop = 1;
	pthread_join(f->thread, NULL);
	zmq_close(f->router);
	zmq_ctx_term(f->ctx);
}

/* Completion, observed from the test thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int completed;

static void on_done(struct bridge_call *c)
{
	(void)c;
	pthread_mutex_lock(&lock);
	completed++;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
}

static struct timespec deadline_in(int ms)
{
	return clock_after_ms(CLOCK_REALTIME, ms);
}

/* Waits for n completions in all, at most WAIT_MS. */
static void wait_completed(int n)
{
	struct timespec until = deadline_in(WAIT_MS);
	int e = 0;

	pthread_mutex_lock(&lock);
	while (completed < n && e != ETIMEDOUT)
		e = pthread_cond_timedwait(&cond, &lock, &until);
	pthread_mutex_unlock(&lock);
	assert_true(completed >= n);
}

/* Waits, at most WAIT_MS, until *v is at least n (a counter another thread
 * moves). */
static void wait_atomic(atomic_int *v, int n)
{
	int64_t end = clock_mono_us() + (int64_t)WAIT_MS * 1000;

	while (atomic_load(v) < n && clock_mono_us() < end)
		usleep(2000);
	assert_true(atomic_load(v) >= n);
}

/* Waits, at most WAIT_MS, until the bridge has counted n bad replies. */
static void wait_bad_replies(struct bridge *b, uint64_t n)
{
	int64_t end = clock_mono_us() + (int64_t)WAIT_MS * 1000;
	struct bridge_stats st;

	for (bridge_get_stats(b, &st); st.bad_replies < n && clock_mono_us() < end;
	     bridge_get_stats(b, &st))
		usleep(2000);
	assert_true(st.bad_replies >= n);
}

static const char *const names[] = { "ping", NULL };

static struct bridge *bridge_with(struct fake *f, int try_ms, uint32_t max_calls)
{
	struct bridge_config bc = { .directory_endpoints = f->endpoint,
				    .directory_bind = "",
				    .stats_endpoint = "",
				    .instance = "test",
				    .try_ms = try_ms,
				    .max_calls = max_calls };
	char err[256];
	struct bridge *b = bridge_new(&bc, names, err, sizeof(err));

	assert_non_null(b);
	return b;
}

static struct bridge *bridge_for(struct fake *f, int try_ms)
{
	return bridge_with(f, try_ms, 0);
}

static void call_init(struct bridge_call *c, int timeout_ms, bool idempotent)
{
	memset(c, 0, sizeof(*c));
	c->type = TARJOTIN__MSG_TYPE__MSG_PING;
	c->timeout_ms = timeout_ms;
	c->idempotent = idempotent;
	c->done = on_done;
}

static void test_reply_matched(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call calls[50];

	(void)state;
	completed = 0;
	fake_start(&f, 0);
	b = bridge_for(&f, 200);
	for (int i = 0; i < 50; i++) {
		call_init(&calls[i], 3000, true);
		bridge_submit(b, &calls[i]);
	}
	wait_completed(50);
	for (int i = 0; i < 50; i++) {
		assert_int_equal(calls[i].outcome, BRIDGE_REPLIED);
		assert_int_equal(calls[i].reply->request_id, calls[i].id);
		tarjotin__envelope__free_unpacked(calls[i].reply, NULL);
	}
	assert_int_equal(bridge_pending(b), 0);
	bridge_destroy(&b);
	assert_null(b);
	fake_stop(&f);
}

/* Replies that come in one MSG_BATCH envelope are each matched; items that
 * are no reply are counted and skipped. */
static void test_batched_replies_matched(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call calls[50], first;
	struct bridge_stats st;
	int round;

	(void)state;
	completed = 0;
	fake_start(&f, 1);
	b = bridge_for(&f, 1000);
	/* A first call makes sure the connection is up. */
	call_init(&first, 5000, true);
	bridge_submit(b, &first);
	wait_completed(1);
	assert_int_equal(first.outcome, BRIDGE_REPLIED);
	tarjotin__envelope__free_unpacked(first.reply, NULL);
	f.seen = 0;
	atomic_store(&f.batch_min, 50);
	/* Whether calls submitted together leave together depends on when the
	 * bridge thread runs: on a loaded machine it may wake for each one.  A
	 * few rounds make "never together" a real failure, not bad luck. */
	for (round = 0; round < 5 && (round == 0 || f.max_requests < 2); round++) {
		for (int i = 0; i < 50; i++) {
			call_init(&calls[i], 5000, true);
			bridge_submit(b, &calls[i]);
		}
		wait_completed(1 + 50 * (round + 1));
		for (int i = 0; i < 50; i++) {
			assert_int_equal(calls[i].outcome, BRIDGE_REPLIED);
			assert_int_equal(calls[i].reply->request_id, calls[i].id);
			assert_int_equal(calls[i].tries, 1);
			tarjotin__envelope__free_unpacked(calls[i].reply, NULL);
		}
	}
	/* Each batch's two bad items come after its replies: counted a moment
	 * after the last call completed. */
	wait_bad_replies(b, 2);
	bridge_get_stats(b, &st);
	assert_true(st.bad_replies >= 2);
	assert_true(f.max_frames >= 2);   /* replies came in batches */
	assert_true(f.max_requests >= 2); /* and what was submitted together went together */
	assert_int_equal(f.seen, 50 * round);
	bridge_destroy(&b);
	fake_stop(&f);
}

static void test_resend_on_silence(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call c;
	struct bridge_stats st;

	(void)state;
	completed = 0;
	fake_start(&f, 0);
	b = bridge_for(&f, 50);
	/* A first call makes sure the connection is up. */
	call_init(&c, 2000, true);
	bridge_submit(b, &c);
	wait_completed(1);
	assert_int_equal(c.outcome, BRIDGE_REPLIED);
	tarjotin__envelope__free_unpacked(c.reply, NULL);
	bridge_get_stats(b, &st);

	f.drop_next = 1; /* the next try goes unanswered */
	call_init(&c, 2000, true);
	bridge_submit(b, &c);
	wait_completed(2);
	assert_int_equal(c.outcome, BRIDGE_REPLIED);
	assert_int_equal(c.tries, 2);
	{
		uint64_t before = st.retries;

		bridge_get_stats(b, &st);
		assert_int_equal(st.retries, before + 1);
	}
	tarjotin__envelope__free_unpacked(c.reply, NULL);
	bridge_destroy(&b);
	fake_stop(&f);
}

static void test_no_resend_when_not_idempotent(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call c;
	int64_t t0;

	(void)state;
	completed = 0;
	fake_start(&f, -1);
	b = bridge_for(&f, 20);
	call_init(&c, 300, false);
	t0 = clock_mono_us();
	bridge_submit(b, &c);
	wait_completed(1);
	assert_int_equal(c.outcome, BRIDGE_TIMEOUT);
	assert_int_equal(c.tries, 1);
	assert_true(clock_mono_us() - t0 >= 290000);
	bridge_destroy(&b);
	fake_stop(&f);
}

static void test_deadline(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call c;
	struct bridge_stats st;
	int64_t t0, took;

	(void)state;
	completed = 0;
	fake_start(&f, -1); /* never answers */
	b = bridge_for(&f, 50);
	call_init(&c, 400, true);
	t0 = clock_mono_us();
	bridge_submit(b, &c);
	wait_completed(1);
	took = clock_mono_us() - t0;
	assert_int_equal(c.outcome, BRIDGE_TIMEOUT);
	assert_null(c.reply);
	assert_true(took >= 390000 && took < 900000);
	assert_true(c.tries >= 5); /* every 50 ms within 400 ms */
	bridge_get_stats(b, &st);
	assert_int_equal(st.timeouts, 1);
	bridge_destroy(&b);
	fake_stop(&f);
}

static void test_shutdown_completes_everything(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_call c[3];

	(void)state;
	completed = 0;
	fake_start(&f, -1);
	b = bridge_for(&f, 50);
	call_init(&c[0], 60000, true);
	call_init(&c[1], 60000, true);
	bridge_submit(b, &c[0]);
	bridge_submit(b, &c[1]);
	wait_atomic(&f.seen, 2); /* both in flight */
	bridge_stop(b);
	wait_completed(2);
	assert_int_equal(c[0].outcome, BRIDGE_SHUTDOWN);
	assert_int_equal(c[1].outcome, BRIDGE_SHUTDOWN);
	/* After the stop a submission completes at once, on the caller's thread. */
	call_init(&c[2], 60000, true);
	bridge_submit(b, &c[2]);
	assert_int_equal(completed, 3);
	assert_int_equal(c[2].outcome, BRIDGE_SHUTDOWN);
	bridge_destroy(&b);
	fake_stop(&f);
}

static void test_events_dropped_without_stats(void **state)
{
	struct fake f;
	struct bridge *b;
	struct bridge_stats st;
	struct bridge_call c;
	struct bridge_event ev = { .kind = 2, .route = 0, .status = 200 };

	(void)state;
	completed = 0;
	fake_start(&f, 0);
	b = bridge_for(&f, 50); /* no stats endpoint: nobody to take events */
	for (int i = 0; i < 100; i++)
		bridge_event(b, &ev);
	/* A call still goes through at once: events never hold up requests. */
	call_init(&c, 2000, true);
	bridge_submit(b, &c);
	wait_completed(1);
	assert_int_equal(c.outcome, BRIDGE_REPLIED);
	tarjotin__envelope__free_unpacked(c.reply, NULL);
	bridge_stop(b); /* flushes what is queued */
	bridge_get_stats(b, &st);
	assert_int_equal(st.events_dropped, 100);
	assert_int_equal(st.events_sent, 0);
	bridge_destroy(&b);
	fake_stop(&f);
}

/* A done() that holds the bridge thread until the test lets it go, so that
 * what the test submits meanwhile is taken as one batch. */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_state; /* 0 closed, 1 a call waits at it, 2 open */

static void on_done_gated(struct bridge_call *c)
{
	struct timespec until = deadline_in(WAIT_MS);

	pthread_mutex_lock(&gate_lock);
	gate_state = gate_state == 2 ? 2 : 1;
	pthread_cond_broadcast(&gate_cond);
	while (gate_state != 2 &&
	       pthread_cond_timedwait(&gate_cond, &gate_lock, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&gate_lock);
	on_done(c);
}

static void gate_wait_entered(void)
{
	struct timespec until = deadline_in(WAIT_MS);

	pthread_mutex_lock(&gate_lock);
	while (gate_state != 1 &&
	       pthread_cond_timedwait(&gate_cond, &gate_lock, &until) != ETIMEDOUT)
		;
	assert_int_equal(gate_state, 1);
	pthread_mutex_unlock(&gate_lock);
}

static void gate_open(void)
{
	pthread_mutex_lock(&gate_lock);
	gate_state = 2;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&gate_lock);
}

/* A batch whose last call finds no free slot: the calls that got one go
 * out as one whole message, and the next call as a message of its own (a
 * last frame left with ZMQ_SNDMORE glued the next message to the batch). */
static void test_batch_past_the_slots_ends_its_message(void **state)
{
	enum { SLOTS = 4, BATCH = SLOTS + 1 };
	struct fake f;
	struct bridge *b;
	struct bridge_call gate, calls[BATCH], after;

	(void)state;
	completed = 0;
	gate_state = 0;
	fake_start(&f, 2);
	atomic_store(&f.answer_left, 1); /* the gate call only */
	b = bridge_with(&f, 1000, SLOTS);
	call_init(&gate, 5000, true);
	gate.done = on_done_gated;
	bridge_submit(b, &gate);
	gate_wait_entered(); /* the bridge thread now waits in the gate's done() */
	for (int i = 0; i < BATCH; i++) {
		call_init(&calls[i], 300, false); /* unanswered: end at their deadline */
		bridge_submit(b, &calls[i]);
	}
	gate_open();
	wait_completed(2); /* the gate, and the call past the slots at once */
	assert_int_equal(calls[BATCH - 1].outcome, BRIDGE_TIMEOUT);
	assert_int_equal(calls[BATCH - 1].tries, 0);
	wait_completed(1 + BATCH); /* the others at their deadline */
	call_init(&after, 300, false);
	bridge_submit(b, &after);
	wait_completed(2 + BATCH);
	wait_atomic(&f.seen, 1 + SLOTS + 1);
	wait_atomic(&f.nmsgs, 2);
	assert_int_equal(f.msg_frames[0], 1);     /* the gate call */
	assert_int_equal(f.msg_frames[1], SLOTS); /* the batch, whole and alone */
	wait_atomic(&f.nmsgs, 3);
	assert_int_equal(f.msg_frames[2], 1); /* the next call, not glued to it */
	for (int i = 0; i < SLOTS; i++)
		assert_int_equal(calls[i].tries, 1);
	tarjotin__envelope__free_unpacked(gate.reply, NULL);
	bridge_destroy(&b);
	fake_stop(&f);
}

/* Every test is killed rather than left hanging. */
static int arm_alarm(void **state)
{
	(void)state;
	alarm(TEST_ALARM_S);
	return 0;
}

static int disarm_alarm(void **state)
{
	(void)state;
	alarm(0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_reply_matched, arm_alarm, disarm_alarm),
		cmocka_unit_test_setup_teardown(test_batched_replies_matched, arm_alarm,
						disarm_alarm),
		cmocka_unit_test_setup_teardown(test_resend_on_silence, arm_alarm, disarm_alarm),
		cmocka_unit_test_setup_teardown(test_no_resend_when_not_idempotent, arm_alarm,
						disarm_alarm),
		cmocka_unit_test_setup_teardown(test_deadline, arm_alarm, disarm_alarm),
		cmocka_unit_test_setup_teardown(test_shutdown_completes_everything, arm_alarm,
						disarm_alarm),
		cmocka_unit_test_setup_teardown(test_events_dropped_without_stats, arm_alarm,
						disarm_alarm),
		cmocka_unit_test_setup_teardown(test_batch_past_the_slots_ends_its_message,
						arm_alarm, disarm_alarm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
