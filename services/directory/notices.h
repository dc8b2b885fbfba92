/*
 * notices.h - the snapshot notices this directory instance sends to the
 * gateways that keep search pages (proto/search.proto SnapshotNotice).
 *
 * A gateway asks for them in its searches (SearchRequest.notices); the
 * front thread notes its ZeroMQ identity and, while that gateway searched
 * in the last NOTICES_FORGET_MS, sends it the current snapshot's tag at
 * once when it changes and every NOTICES_EVERY_MS besides, with a lease of
 * NOTICES_LEASE_MS: a gateway that hears nothing more stops trusting its
 * pages when the lease ends, so a lost notice or a stopped instance costs
 * it a round trip per search, never a stale page beyond the lease.
 *
 * The front thread's alone: not thread-safe.
 */
#ifndef TJ_NOTICES_H
#define TJ_NOTICES_H

#include <stdint.h>

#include <zmq.h>

#define NOTICES_EVERY_MS 50
#define NOTICES_LEASE_MS 200
#define NOTICES_CHECK_MS 10 /* how soon a new snapshot is told, at most */
#define NOTICES_FORGET_MS 10000
#define NOTICES_MAX_GATEWAYS 64

struct notices;

struct notices *notices_new(void);
void notices_destroy(struct notices **np);

/* The gateway 'identity' (a ROUTER identity frame) asked for notices now. */
void notices_want(struct notices *n, const zmq_msg_t *identity, int64_t now_us);

/* How long the front may wait for requests before notices_run is due: -1
 * when no gateway wants notices. */
long notices_wait_ms(const struct notices *n);

/* Sends what is due on 'router': to every gateway, when 'tag' (of the
 * instance 'instance') is not the tag last sent or the last notice is
 * NOTICES_EVERY_MS old; forgets gateways silent for NOTICES_FORGET_MS.
 * tag 0 (no snapshot yet) sends nothing. */
void notices_run(struct notices *n, void *router, uint64_t instance, uint64_t tag, int64_t now_us);

#endif
