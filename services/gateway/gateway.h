/*
 * gateway.h - what the gateway's modules share: the process-wide state and
 * one HTTP request's life.
 *
 * A request is handled in up to three calls of the access handler:
 *   1. headers arrived: route it, refuse an oversized body (413) at once;
 *   2. body complete: answer directly (static files, health, errors), or
 *      forward to the directory with req_forward(), which suspends the
 *      connection;
 *   3. after the bridge resumed it: the route's render() turns the reply
 *      envelope into the HTTP response.
 * Answering only from call 2 on keeps HTTP keep-alive working
 * (libmicrohttpd closes the connection when the first call answers).
 */
#ifndef TJ_GATEWAY_H
#define TJ_GATEWAY_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "bridge.h"

struct gateway {
	struct bridge *bridge;
	struct metrics *metrics;
	struct static_files *web;
	atomic_bool redis_ok;
	const char *instance;
	size_t max_body;
	int rpc_timeout_ms;
};

enum req_state { REQ_NEW, REQ_BODY, REQ_WAITING, REQ_REPLIED, REQ_ANSWERED };

struct req;
typedef unsigned (*req_render_fn)(struct req *r);

struct req {
	struct gateway *gw;
	struct MHD_Connection *conn;
	const struct route *route;
	enum req_state state;
	int64_t start_us;
	unsigned status;
	bool head;                /* a HEAD request */
	bool page_view;           /* a page of the web UI (not its scripts or styles) */
	char *body;               /* POST/PUT body, NUL-terminated; owned */
	size_t body_len;
	bool too_large;           /* the body went past the limit: answer 413 */
	size_t discarded;
	req_render_fn render;     /* turns call.reply into the response */
	struct bridge_call call;
	void *scratch;            /* a route's own state; freed with free() */
};

/* One entry of the routing table (routes.c). */
struct route {
	const char *method;   /* "GET", "POST", ... */
	const char *path;     /* exact, or a prefix ending in '/' when prefix is set */
	bool prefix;
	const char *name;     /* metrics label */
	unsigned (*handle)(struct req *r, const char *url);
	bool usage;           /* report to stats */
};

/* Route table and names for metrics/stats (routes.c). */
extern const char *const gw_route_names[];
const struct route *routes_match(const char *method, const char *url, bool *method_mismatch);
unsigned routes_index(const struct route *rt);
const struct route *routes_not_found(void);

/*
 * Queues a JSON response (the body is built from 'body', which is consumed:
 * json_decref'ed) and returns the status, for handlers to return.
 */
unsigned reply_json(struct req *r, unsigned status, json_t *body);

/*
 * Queues a finished JSON document the directory rendered, with the given
 * Cache-Control; cors adds Access-Control-Allow-Origin: * (open data).  It
 * is copied, unless release is given: then the response uses json as it is
 * and calls release(cls) when it is done with it.  Returns the status.
 */
unsigned reply_document(struct req *r, unsigned status, const void *json, size_t len,
			const char *cache, bool cors, void (*release)(void *), void *cls);

/* Queues {"error":{status, code, field, message}}; field may be NULL. */
unsigned reply_error(struct req *r, unsigned status, const char *code, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Forwards the request to the directory: suspends the connection, and once
 * the reply (or the deadline) comes, calls render() on an HTTP thread.  The
 * payload message is packed here; 'msg' stays the caller's.  Returns 0, which
 * handlers return to say "answer later".
 */
unsigned req_forward(struct req *r, Tarjotin__MsgType type, const ProtobufCMessage *msg,
		     bool idempotent, int timeout_ms, req_render_fn render);

/*
 * For render(): answers the usual failures (timeout: 503, shutdown: 503,
 * directory error statuses: 400/404/503/500 with the directory's message and
 * field).  Returns the status it queued, or 0 when the reply is OK and the
 * route must answer itself.
 */
unsigned reply_rpc_failure(struct req *r);

/* A query-string argument, or NULL. */
const char *req_arg(struct req *r, const char *name);

#endif
