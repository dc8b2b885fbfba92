// units: services/directory/notices.c
/*
 * Unit tests for the directory's snapshot notices (notices.h), over a real
 * ROUTER and two DEALERs on inproc: only a gateway that asked hears them;
 * a new tag goes at once, the same tag again only after NOTICES_EVERY_MS;
 * a gateway silent for NOTICES_FORGET_MS hears no more; nothing goes
 * before the first snapshot.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <zmq.h>

#include "envelope.pb-c.h"
#include "notices.h"
#include "rpc.h"
#include "search.pb-c.h"

#define MS 1000LL

struct rig {
	void *ctx, *router, *gw1, *gw2;
	zmq_msg_t id1, id2; /* the ROUTER's identities of gw1 and gw2 */
};

/* The identity the ROUTER gives 'dealer', learnt from one frame it sends. */
static void learn(struct rig *r, void *dealer, zmq_msg_t *id)
{
	zmq_msg_t body;

	assert_true(zmq_send(dealer, "hi", 2, 0) == 2);
	zmq_msg_init(id);
	zmq_msg_init(&body);
	assert_true(zmq_msg_recv(id, r->router, 0) >= 0);
	assert_true(zmq_msg_recv(&body, r->router, 0) >= 0);
	zmq_msg_close(&body);
}

static int setup(void **state)
{
	static struct rig r;

	r.ctx = zmq_ctx_new();
	r.router = zmq_socket(r.ctx, ZMQ_ROUTER);
	assert_int_equal(zmq_bind(r.router, "inproc://notices"), 0);
	r.gw1 = zmq_socket(r.ctx, ZMQ_DEALER);
	r.gw2 = zmq_socket(r.ctx, ZMQ_DEALER);
	assert_int_equal(zmq_connect(r.gw1, "inproc://notices"), 0);
	assert_int_equal(zmq_connect(r.gw2, "inproc://notices"), 0);
	learn(&r, r.gw1, &r.id1);
	learn(&r, r.gw2, &r.id2);
	*state = &r;
	return 0;
}

static int teardown(void **state)
{
	struct rig *r = *state;

	zmq_msg_close(&r->id1);
	zmq_msg_close(&r->id2);
	zmq_close(r->gw1);
	zmq_close(r->gw2);
	zmq_close(r->router);
	zmq_ctx_term(r->ctx);
	return 0;
}

/* The notice waiting at 'dealer' (its tag), or 0 when none came within a
 * few milliseconds. */
static uint64_t heard(void *dealer, uint64_t want_instance)
{
	zmq_pollitem_t it = { .socket = dealer, .events = ZMQ_POLLIN };
	uint8_t buf[512];
	Tarjotin__Envelope *env;
	Tarjotin__SnapshotNotice *sn;
	uint64_t tag;
	int n;

	if (zmq_poll(&it, 1, 20) <= 0)
		return 0;
	n = zmq_recv(dealer, buf, sizeof(buf), 0);
	assert_true(n > 0 && n < (int)sizeof(buf));
	env = rpc_unpack_envelope(buf, (size_t)n);
	assert_non_null(env);
	assert_int_equal(env->type, TARJOTIN__MSG_TYPE__MSG_SNAPSHOT_NOTICE);
	assert_int_equal(env->request_id, 0);
	sn = tarjotin__snapshot_notice__unpack(NULL, env->payload.len, env->payload.data);
	assert_non_null(sn);
	assert_int_equal(sn->instance, want_instance);
	assert_int_equal(sn->lease_ms, NOTICES_LEASE_MS);
	assert_true(sn->sent_ms > 0);
	tag = sn->tag;
	tarjotin__snapshot_notice__free_unpacked(sn, NULL);
	tarjotin__envelope__free_unpacked(env, NULL);
	return tag;
}

static void test_notices(void **state)
{
	struct rig *r = *state;
	struct notices *n = notices_new();
	int64_t t = 1000000 * MS;

	/* Nobody asked: nothing to wait for, nothing sent. */
	assert_int_equal(notices_wait_ms(n), -1);
	notices_run(n, r->router, 9, 100, t);
	assert_int_equal(heard(r->gw1, 9), 0);

	/* gw1 asks; before the first snapshot (tag 0) nothing goes. */
	notices_want(n, &r->id1, t);
	assert_int_equal(notices_wait_ms(n), NOTICES_CHECK_MS);
	notices_run(n, r->router, 9, 0, t);
	assert_int_equal(heard(r->gw1, 9), 0);
	/* The first tag goes at once, to gw1 only. */
	notices_run(n, r->router, 9, 100, t);
	assert_int_equal(heard(r->gw1, 9), 100);
	assert_int_equal(heard(r->gw2, 9), 0);
	/* The same tag again: not before NOTICES_EVERY_MS. */
	notices_run(n, r->router, 9, 100, t + (NOTICES_EVERY_MS - 1) * MS);
	assert_int_equal(heard(r->gw1, 9), 0);
	notices_run(n, r->router, 9, 100, t + NOTICES_EVERY_MS * MS);
	assert_int_equal(heard(r->gw1, 9), 100);
	/* A new snapshot goes at once. */
	notices_run(n, r->router, 9, 101, t + (NOTICES_EVERY_MS + 1) * MS);
	assert_int_equal(heard(r->gw1, 9), 101);

	/* gw2 asks too: it hears the tag at the next run, and so does gw1. */
	notices_want(n, &r->id2, t + 2000 * MS);
	notices_run(n, r->router, 9, 101, t + 2000 * MS);
	assert_int_equal(heard(r->gw2, 9), 101);
	assert_int_equal(heard(r->gw1, 9), 101);

	/* gw1 has been silent for NOTICES_FORGET_MS: forgotten. */
	notices_run(n, r->router, 9, 102, t + (NOTICES_FORGET_MS + 1) * MS);
	assert_int_equal(heard(r->gw1, 9), 0);
	assert_int_equal(heard(r->gw2, 9), 102);
	notices_run(n, r->router, 9, 103, t + (NOTICES_FORGET_MS + 2001) * MS);
	assert_int_equal(heard(r->gw2, 9), 0);
	assert_int_equal(notices_wait_ms(n), -1);
	notices_destroy(&n);
	assert_null(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notices),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
