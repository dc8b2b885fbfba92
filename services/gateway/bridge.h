/*
 * bridge.h - the gateway's one ZeroMQ thread.
 *
 * HTTP threads never wait on ZeroMQ.  They suspend the HTTP connection and
 * hand a call to the bridge; the bridge sends it on a DEALER connected to
 * every directory instance, matches the reply by request id, and calls the
 * call's done() from its own thread (which resumes the connection).  Silence
 * is met Lazy-Pirate style: an idempotent call is sent again after the try
 * timeout (the DEALER's round robin takes it to another instance); at the
 * deadline the call completes with BRIDGE_TIMEOUT.
 *
 * Report calls (MSG_STATS_REPORT) go the same way on a second DEALER,
 * connected to stats' report ROUTER, with the same retries and deadlines.
 *
 * The bridge also owns the PUSH socket to stats: bridge_event() never blocks
 * and drops (and counts) what cannot be sent at once.
 */
#ifndef TJ_BRIDGE_H
#define TJ_BRIDGE_H

#include <stdbool.h>
#include <stdint.h>

#include "envelope.pb-c.h"

enum bridge_outcome {
	BRIDGE_PENDING = 0,
	BRIDGE_REPLIED,  /* reply holds the directory's envelope */
	BRIDGE_TIMEOUT,  /* no answer before the deadline */
	BRIDGE_SHUTDOWN, /* the gateway is stopping */
};

struct bridge_call {
	/* Filled by the caller. */
	Tarjotin__MsgType type;
	ProtobufCBinaryData payload;            /* owned by the call's owner */
	bool idempotent;                        /* may be sent again on silence */
	int timeout_ms;                         /* overall deadline from submission */
	void (*done)(struct bridge_call *call); /* runs on the bridge thread */
	void *arg;
	const Tarjotin__Principal *principal; /* who asks; NULL: anonymous; the caller's */
	const char *idempotency_key;          /* the Envelope's; NULL: none; the caller's */

	/* Filled by the bridge. */
	enum bridge_outcome outcome;
	Tarjotin__Envelope *reply; /* free with tarjotin__envelope__free_unpacked */
	int tries;

	/* Private to the bridge. */
	uint64_t id;
	int64_t deadline_us, next_try_us;
	uint8_t *wire;
	size_t wire_len;
	struct bridge_call *next, *prev;
};

struct zcurve;

struct bridge_config {
	const char *directory_endpoints;   /* comma-separated, connected */
	const char *directory_bind;        /* comma-separated, bound (instances dial in) */
	const char *stats_endpoint;        /* where stats PULLs */
	const char *stats_report_endpoint; /* stats' report ROUTER: every MSG_STATS_REPORT */
	const char *instance;
	const struct zcurve *curve; /* this gateway's CURVE keys (zcurve.h) */
	int try_ms;                 /* Lazy Pirate retry interval */
	uint32_t max_calls;         /* calls in flight at most (0: 2^20); more end
					    at once with BRIDGE_TIMEOUT */
	/* A directory's MSG_SNAPSHOT_NOTICE (payload), on the bridge's
	 * thread; NULL: ignored. */
	void (*on_notice)(void *cls, const uint8_t *data, size_t len);
	void *notice_cls;
};

struct bridge_stats {
	uint64_t timeouts, retries, late_replies, bad_replies;
	uint64_t events_sent, events_dropped;
};

/* What a page view, search or detail view carries besides its route
 * (docs/statistics.md section 1); "" when not given.  Every field is
 * checked before it gets here (usage.c). */
struct bridge_event_more {
	char page[48], user_site[37], visit[33], activity[37];
	char need[41], kind_term[41], municipality[4], county[9];
	bool has_q, zero;
	char words[5][124];
	size_t n_words;
};

struct bridge_event {
	uint8_t kind;  /* tarjotin.UsageEvent.Kind */
	uint8_t route; /* index into the caller's route names */
	uint16_t status;
	uint32_t latency_us;
	int64_t at_ms;
	struct bridge_event_more *more; /* NULL, or malloc'ed: bridge_event takes it */
};

struct bridge;

/* Starts the bridge thread.  Returns NULL with a message in err. */
struct bridge *bridge_new(const struct bridge_config *cfg, const char *const *route_names,
			  char *err, size_t errlen);

/*
 * Hands a call to the bridge; thread-safe.  The call must stay valid until
 * its done() has run, which happens exactly once, possibly before
 * bridge_submit returns (when the bridge is stopping).
 */
void bridge_submit(struct bridge *b, struct bridge_call *call);

/* Queues a usage event for stats; never blocks, drops and counts when full.
 * Takes ev->more (freed once sent, or at once when dropped). */
void bridge_event(struct bridge *b, const struct bridge_event *ev);

/* Counters for /metrics; a consistent-enough snapshot. */
void bridge_get_stats(struct bridge *b, struct bridge_stats *out);

/* Number of calls in flight. */
unsigned bridge_pending(struct bridge *b);

/*
 * Stops the thread: calls still pending complete with BRIDGE_SHUTDOWN, and
 * later submissions complete at once (so HTTP threads may go on calling
 * bridge_submit until they are stopped themselves).
 */
void bridge_stop(struct bridge *b);

/* Stops the bridge if need be and frees it; NULLs *bp. */
void bridge_destroy(struct bridge **bp);

#endif
