/*
 * zmqpoke - speaks to a directory directly, for system tests.
 *
 *   zmqpoke ENDPOINT garbage   sends bytes that are no tarjotin.Envelope
 *   zmqpoke ENDPOINT frames    sends a three-frame message of bytes that are
 *                              no tarjotin.Envelope either
 *   zmqpoke ENDPOINT ping      sends a well-formed ping (request id 42)
 *   zmqpoke ENDPOINT batch     sends three pings (ids 42, 43, 44) as the
 *                              frames of one message, as the gateway does
 *   zmqpoke ENDPOINT lists N   sends N admin message lists (MSG_MESSAGE_LIST,
 *                              ids 1000...) as the frames of one message, each
 *                              with a deadline 1.5 s ahead, and prints the
 *                              replies that come until two seconds of silence
 *   zmqpoke ENDPOINT health    sends a health request (request id 42); the
 *                              reply's line adds the HealthReply's fields
 *                              (postgresql, checked_ms, expired_dropped,
 *                              workers, workers_busy)
 *   zmqpoke ENDPOINT coverage ROLE ACCOUNT
 *                              sends MSG_STATS_COVERAGE (DocCall {}) as the
 *                              principal ROLE (service|admin|anonymous) with
 *                              account id ACCOUNT; the reply's line adds
 *                              "doc": the DocReply's JSON (null if none)
 *
 *   zmqpoke ENDPOINT listen MS
 *                              stands in for a directory that dials a
 *                              gateway's bound socket (TARJOTIN_GATEWAY_RPC_BIND):
 *                              a ROUTER, a CURVE server, connects to ENDPOINT,
 *                              counts the request frames that arrive in MS
 *                              milliseconds, prints {"received":N}, exits 0
 *
 * Keys: tests/tools/toolcurve.h (TOOL_CURVE=stack|random|none); as a client
 * the tool is the stack's gateway (of the directory, or of the server that
 * TOOL_SERVER names: "stats"), in "listen" its directory.
 *
 * Prints each reply as one JSON line {"status":N,"request_id":N,"error":"...",
 * "instance":"...","batched":N} (batched: how many replies came in its frame,
 * a MSG_BATCH envelope holding several; batch: until three came) and exits 0,
 * or exits 1 when none came within two seconds.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "toolcurve.h"
#include "directory.pb-c.h"
#include "identity.pb-c.h"
#include "notify.pb-c.h"
#include "selfservice.pb-c.h"
#include "rpc.h"
#include "banned.h"

static void print_reply(const Tarjotin__Envelope *env, size_t batched)
{
	Tarjotin__Pong *pong = NULL;
	Tarjotin__HealthReply *health = NULL;
	Tarjotin__DocReply *doc = NULL;

	if (env->type == TARJOTIN__MSG_TYPE__MSG_PING && env->status == 0)
		pong = tarjotin__pong__unpack(NULL, env->payload.len, env->payload.data);
	if (env->type == TARJOTIN__MSG_TYPE__MSG_HEALTH && env->status == 0)
		health = tarjotin__health_reply__unpack(NULL, env->payload.len, env->payload.data);
	if (env->type == TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE && env->status == 0)
		doc = tarjotin__doc_reply__unpack(NULL, env->payload.len, env->payload.data);
	printf("{\"status\":%d,\"request_id\":%lu,\"error\":\"%s\",\"instance\":\"%s\","
	       "\"batched\":%zu",
	       (int)env->status, (unsigned long)env->request_id, env->error,
	       pong   ? pong->instance :
	       health ? health->instance :
			"",
	       batched);
	if (health)
		printf(",\"postgresql\":%s,\"checked_ms\":%lld,\"expired_dropped\":%llu,"
		       "\"workers\":%u,\"workers_busy\":%u",
		       health->postgresql ? "true" : "false", (long long)health->checked_ms,
		       (unsigned long long)health->expired_dropped, (unsigned)health->workers,
		       (unsigned)health->workers_busy);
	if (env->type == TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE)
		printf(",\"doc\":%.*s", doc && doc->json.len ? (int)doc->json.len : 4,
		       doc && doc->json.len ? (const char *)doc->json.data : "null");
	printf("}\n");
	if (doc)
		tarjotin__doc_reply__free_unpacked(doc, NULL);
	if (pong)
		tarjotin__pong__free_unpacked(pong, NULL);
	if (health)
		tarjotin__health_reply__free_unpacked(health, NULL);
}

/* Sends one request envelope as principal p (NULL: none); 'more' when
 * another frame of the same message follows. */
static void send_as(void *s, uint64_t id, int64_t deadline_ms, Tarjotin__MsgType type,
		    const ProtobufCMessage *payload, bool more, Tarjotin__Principal *p)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	uint8_t *wire;
	size_t len;

	env.principal = p;
	env.request_id = id;
	env.deadline_ms = deadline_ms;
	env.type = type;
	rpc_pack_payload(payload, &env.payload);
	wire = rpc_pack_envelope(&env, &len);
	zmq_send(s, wire, len, more ? ZMQ_SNDMORE : 0);
	free(wire);
	free(env.payload.data);
}

static void send_request(void *s, uint64_t id, int64_t deadline_ms, Tarjotin__MsgType type,
			 const ProtobufCMessage *payload, bool more)
{
	send_as(s, id, deadline_ms, type, payload, more, NULL);
}

/* Sends MSG_STATS_COVERAGE as the principal role_name / account. */
static int send_coverage(void *s, const char *role_name, const char *account)
{
	Tarjotin__Principal p = TARJOTIN__PRINCIPAL__INIT;
	Tarjotin__DocCall dc = TARJOTIN__DOC_CALL__INIT;

	if (!strcmp(role_name, "service"))
		p.role = TARJOTIN__ROLE__ROLE_SERVICE;
	else if (!strcmp(role_name, "admin"))
		p.role = TARJOTIN__ROLE__ROLE_ADMIN;
	else if (!strcmp(role_name, "anonymous"))
		p.role = TARJOTIN__ROLE__ROLE_ANONYMOUS;
	else
		return -1;
	p.account_id = (char *)account;
	dc.json.data = (uint8_t *)"{}";
	dc.json.len = 2;
	send_as(s, 42, clock_wall_ms() + 5000, TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE, &dc.base,
		false, &p);
	return 0;
}

/* The "listen" mode: how many frames a stand-in directory receives. */
static int listen_as_directory(void *ctx, const char *endpoint, const char *ms_text)
{
	void *r = zmq_socket(ctx, ZMQ_ROUTER);
	long ms = strtol(ms_text, NULL, 10), received = 0;
	int64_t end = clock_mono_us() / 1000 + (ms > 0 && ms <= 60000 ? ms : 1000);
	struct zcurve z;
	struct zap *zap = NULL;

	if (!r || rpc_socket_defaults(r) || toolcurve_server(ctx, r, "directory", &z, &zap) ||
	    zmq_connect(r, endpoint)) {
		fprintf(stderr, "zmqpoke: cannot listen on %s\n", endpoint);
		return 1;
	}
	for (int64_t now; (now = clock_mono_us() / 1000) < end;) {
		zmq_pollitem_t it = { .socket = r, .events = ZMQ_POLLIN };
		zmq_msg_t m;

		if (zmq_poll(&it, 1, (long)(end - now)) <= 0)
			continue;
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, r, 0) >= 0)
			received++;
		zmq_msg_close(&m);
	}
	printf("{\"received\":%ld}\n", received);
	zmq_close(r);
	zap_destroy(&zap);
	zmq_ctx_term(ctx);
	return 0;
}

int main(int argc, char **argv)
{
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	zmq_pollitem_t item = { .socket = s, .events = ZMQ_POLLIN };
	static char buf[1024 * 1024];
	long n_lists = 0;
	int n, rc = 1, want = 1;

	if (argc == 4 && !strcmp(argv[2], "lists")) {
		char *end;

		errno = 0;
		n_lists = strtol(argv[3], &end, 10);
		if (errno || *end || n_lists < 1 || n_lists > 10000)
			n_lists = 0;
	}
	bool coverage = argc == 5 && !strcmp(argv[2], "coverage");

	if (argc == 4 && !strcmp(argv[2], "listen")) {
		zmq_close(s);
		return listen_as_directory(ctx, argv[1], argv[3]);
	}

	if (argc != 3 && !n_lists && !coverage) {
		fprintf(stderr,
			"usage: zmqpoke ENDPOINT garbage|frames|ping|batch|health|lists N|"
			"coverage ROLE ACCOUNT|listen MS\n");
		return 2;
	}
	rpc_socket_defaults(s);
	if (toolcurve_client(s, getenv("TOOL_SERVER") ? getenv("TOOL_SERVER") : "directory")) {
		fprintf(stderr, "zmqpoke: cannot set up CURVE\n");
		return 1;
	}
	zmq_connect(s, argv[1]);
	if (coverage) {
		if (send_coverage(s, argv[3], argv[4])) {
			fprintf(stderr, "zmqpoke: ROLE is service, admin or anonymous\n");
			return 2;
		}
	} else if (!strcmp(argv[2], "garbage")) {
		const char junk[] = "\xff\xff\xff\xff\x0f this is not protobuf";

		zmq_send(s, junk, sizeof(junk) - 1, 0);
	} else if (!strcmp(argv[2], "frames")) {
		zmq_send(s, "a", 1, ZMQ_SNDMORE);
		zmq_send(s, "b", 1, ZMQ_SNDMORE);
		zmq_send(s, "c", 1, 0);
	} else if (n_lists) {
		for (long i = 0; i < n_lists; i++) {
			Tarjotin__MessageQuery q = TARJOTIN__MESSAGE_QUERY__INIT;

			q.limit = 1;
			send_request(s, 1000 + (uint64_t)i, clock_wall_ms() + 1500,
				     TARJOTIN__MSG_TYPE__MSG_MESSAGE_LIST, &q.base,
				     i + 1 < n_lists);
		}
		want = (int)n_lists;
	} else if (!strcmp(argv[2], "health")) {
		Tarjotin__HealthRequest hr = TARJOTIN__HEALTH_REQUEST__INIT;

		send_request(s, 42, 0, TARJOTIN__MSG_TYPE__MSG_HEALTH, &hr.base, false);
	} else {
		int n_pings = strcmp(argv[2], "batch") ? 1 : 3;

		for (int i = 0; i < n_pings; i++) {
			Tarjotin__Ping ping = TARJOTIN__PING__INIT;

			send_request(s, 42 + (uint64_t)i, 0, TARJOTIN__MSG_TYPE__MSG_PING,
				     &ping.base, i + 1 < n_pings);
		}
	}
	if (!strcmp(argv[2], "batch"))
		want = 3;
	while (want > 0) {
		Tarjotin__Envelope *frame, *env;

		if (zmq_poll(&item, 1, coverage ? 10000 : 2000) != 1 ||
		    (n = zmq_recv(s, buf, sizeof(buf), 0)) < 0)
			break;
		frame = rpc_unpack_envelope(buf,
					    (size_t)(n > (int)sizeof(buf) ? (int)sizeof(buf) : n));
		if (!frame)
			break;
		if (frame->type != TARJOTIN__MSG_TYPE__MSG_BATCH) {
			print_reply(frame, 1);
			want--;
		}
		for (size_t i = 0; i < frame->n_batch; i++) {
			env = rpc_unpack_envelope(frame->batch[i].data, frame->batch[i].len);
			if (env) {
				print_reply(env, frame->n_batch);
				tarjotin__envelope__free_unpacked(env, NULL);
			}
			want--;
		}
		tarjotin__envelope__free_unpacked(frame, NULL);
		rc = 0;
	}
	zmq_close(s);
	zmq_ctx_term(ctx);
	return rc;
}
