/*
 * gwfake.h - the smallest real request the gateway's route handlers run
 * on, without a server: a struct req (req.h) whose connection is a fake
 * holding the query arguments and headers a harness gives.  The harness
 * binary defines libmicrohttpd's connection calls (lookup, iterate, queue,
 * suspend) and the few gateway functions that would reach Redis, the
 * bridge thread or stats (bridge_submit, guard_*, usage_*, session_*,
 * oidc_find/count/provider, ratelimit_hit: Redis never answers, OIDC has
 * no provider); the route handlers, req.c, and the checks under them are
 * the real modules.  Responses are built by the real libmicrohttpd and
 * dropped; the status is kept.  A forwarded call's payload is kept for the
 * harness to decode.
 */
#ifndef TJ_GWFAKE_H
#define TJ_GWFAKE_H

#include <stddef.h>
#include <stdint.h>

#include "services/gateway/gateway.h"
#include "services/gateway/req.h"

#define GWFAKE_MAX_VALUES 32

struct gwfake_pair {
	char *key, *value; /* owned */
	enum MHD_ValueKind kind;
};

struct gwfake {
	struct gateway gw;     /* zeroed: no OIDC, no messaging secrets */
	struct req_server srv; /* zeroed, rpc_timeout_ms set */
	struct req req;
	struct gwfake_pair values[GWFAKE_MAX_VALUES];
	size_t n_values;
	unsigned queued;    /* the last status queued (0: none) */
	int forwarded_type; /* the MSG type bridge_submit got (0: none) */
};

/* Sets up f for one request: the body (copied; NULL: none) and no values. */
void gwfake_init(struct gwfake *f, const char *body, size_t body_len);

/* Adds a query argument (MHD_GET_ARGUMENT_KIND) or a header
 * (MHD_HEADER_KIND), both copied; more than GWFAKE_MAX_VALUES are dropped. */
void gwfake_add(struct gwfake *f, enum MHD_ValueKind kind, const char *key, const char *value);

/* Adds the arguments of a query string "a=1&b=%20x" (percent-decoded, '+'
 * as a blank, as libmicrohttpd does). */
void gwfake_add_query(struct gwfake *f, const char *query);

/* Frees what the request and the handler left (as req.c's on_completed). */
void gwfake_release(struct gwfake *f);

#endif
