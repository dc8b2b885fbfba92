/*
 * notices.c - snapshot notices to the gateways that keep pages (see
 * notices.h).
 */
#include "notices.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "envelope.pb-c.h"
#include "rpc.h"
#include "search.pb-c.h"
#include "xalloc.h"
#include "banned.h"

#define IDENTITY_MAX 255 /* ZeroMQ's routing ids are at most 255 bytes */

struct gateway_peer {
	size_t len;
	uint8_t id[IDENTITY_MAX];
	int64_t seen_us;
};

struct notices {
	struct gateway_peer peer[NOTICES_MAX_GATEWAYS];
	size_t n;
	uint64_t sent_tag;
	int64_t sent_us;
};

struct notices *notices_new(void)
{
	return xcalloc(1, sizeof(struct notices));
}

void notices_destroy(struct notices **np)
{
	free(*np);
	*np = NULL;
}

void notices_want(struct notices *n, const zmq_msg_t *identity, int64_t now_us)
{
	size_t len = zmq_msg_size((zmq_msg_t *)identity), oldest = 0;
	const void *id = zmq_msg_data((zmq_msg_t *)identity);
	struct gateway_peer *p;

	if (!len || len > IDENTITY_MAX)
		return;
	for (size_t i = 0; i < n->n; i++) {
		if (n->peer[i].len == len && !memcmp(n->peer[i].id, id, len)) {
			n->peer[i].seen_us = now_us;
			return;
		}
		if (n->peer[i].seen_us < n->peer[oldest].seen_us)
			oldest = i;
	}
	/* A new gateway; with the table full, the one silent longest goes. */
	p = n->n < NOTICES_MAX_GATEWAYS ? &n->peer[n->n++] : &n->peer[oldest];
	p->len = len;
	memcpy(p->id, id, len);
	p->seen_us = now_us;
	n->sent_tag = 0; /* it hears the tag at the next run */
}

long notices_wait_ms(const struct notices *n)
{
	return n->n ? NOTICES_CHECK_MS : -1;
}

void notices_run(struct notices *n, void *router, uint64_t instance, uint64_t tag, int64_t now_us)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__SnapshotNotice sn = TARJOTIN__SNAPSHOT_NOTICE__INIT;
	uint8_t *buf;
	size_t len, kept = 0;

	for (size_t i = 0; i < n->n; i++)
		if (now_us - n->peer[i].seen_us <= (int64_t)NOTICES_FORGET_MS * 1000)
			n->peer[kept++] = n->peer[i];
	n->n = kept;
	if (!n->n || !tag ||
	    (tag == n->sent_tag && now_us - n->sent_us < (int64_t)NOTICES_EVERY_MS * 1000))
		return;
	sn.instance = instance;
	sn.tag = tag;
	sn.lease_ms = NOTICES_LEASE_MS;
	sn.sent_ms = clock_wall_ms();
	env.type = TARJOTIN__MSG_TYPE__MSG_SNAPSHOT_NOTICE;
	rpc_pack_payload(&sn.base, &env.payload);
	buf = rpc_pack_envelope(&env, &len);
	free(env.payload.data);
	/* A gateway gone or slow misses it: ZeroMQ drops what it cannot
	 * queue, and the lease ends on the gateway's side. */
	for (size_t i = 0; i < n->n; i++)
		if (zmq_send(router, n->peer[i].id, n->peer[i].len, ZMQ_SNDMORE | ZMQ_DONTWAIT) >=
		    0)
			(void)zmq_send(router, buf, len, ZMQ_DONTWAIT);
	free(buf);
	n->sent_tag = tag;
	n->sent_us = now_us;
}
