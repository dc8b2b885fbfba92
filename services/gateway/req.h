/*
 * req.h - one HTTP request's life, and the libmicrohttpd server it lives in.
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
 *
 * The server dispatches through a route table it is given (routes.c's);
 * handlers call back into this module only through its req_reply_* and req_*
 * functions, so the dependency goes one way: routes -> req.
 */
#ifndef TJ_REQ_H
#define TJ_REQ_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <microhttpd.h>

#include "bridge.h"
#include "identity.pb-c.h"
#include "uuid.h"

struct gateway; /* the service's context (gateway.h), handed to handlers as r->gw */
struct metrics;
struct req;

typedef unsigned req_handler_fn(struct req *r, const char *url);
typedef unsigned (*req_render_fn)(struct req *r);

/* Who a route serves: public routes never look at cookies (nor Redis). */
enum req_auth {
	REQ_AUTH_PUBLIC = 0, /* no session lookup */
	REQ_AUTH_OPTIONAL,   /* a valid session fills the principal */
	REQ_AUTH_SIGNED_IN,  /* 401 unauthorized without a valid session */
};

/* One entry of a routing table. */
struct route {
	const char *method; /* "GET", "POST", ... (HEAD is served by GET routes) */
	const char *path;   /* exact, or a prefix when 'prefix' is set */
	bool prefix;
	const char *suffix; /* with prefix: the path must also end so (NULL: any) */
	unsigned metric;    /* metrics label and stats route: an index into the names */
	req_handler_fn *handle;
	bool usage;       /* report to stats */
	bool ends_search; /* a catch-all: a path no route before it has is 404 for every
				   method, not 405 because a later catch-all has it */
	bool cors;        /* open data: every answer on this path, errors and 405
				   included, carries Access-Control-Allow-Origin: * */
	enum req_auth auth;
	bool no_csrf; /* a state-changing route that carries no cookies (the SMS
			 delivery-report webhook): no Origin or CSRF check */
};

/*
 * The check a table runs before a handler whose route is not public or
 * whose method changes state (not GET/HEAD/OPTIONS) on a route without
 * no_csrf: Origin, session, CSRF.  Returns 0 to go on to the handler, or
 * the status it queued.
 */
typedef unsigned req_guard_fn(struct req *r, const char *method);

/* A routing table: the first match wins. */
struct req_routes {
	const struct route *routes;
	size_t n;
	const char *const *names; /* NULL-terminated metric labels, indexed by route.metric */
	unsigned not_found;       /* the label of the 404, 405 and 413 the server answers */
	req_guard_fn *guard;      /* NULL: none */
	/* A finished request of a route with .usage, for its usage events
	 * (NULL: none); it may take r->usage, which is freed after it. */
	void (*finish)(struct req *r, uint64_t latency_us);
	/* Counts every request as soon as its headers are in, before routing
	 * has any effect (NULL: none): 0 to go on, or the status it queued
	 * (429); a request it refused reports no usage. */
	unsigned (*admit)(struct req *r);
};

#define REQ_MAX_ORGS 50   /* organisations a principal carries at most */
#define REQ_MAX_HEADERS 4 /* extra response headers (Set-Cookie) */
#define REQ_ACCOUNT_ID_MAX 64

/* Who is asking: filled from a valid session (or, for the delivery-report
 * webhook, the service), put into every Envelope req_forward sends. */
struct req_principal {
	int role;                            /* Tarjotin__Role */
	char account_id[REQ_ACCOUNT_ID_MAX]; /* uuid, or a service's name */
	char user_site_id[UUID_STR_SIZE];    /* "" when none */
	char org_ids[REQ_MAX_ORGS][UUID_STR_SIZE];
	size_t n_orgs;
	char hash[65];      /* sha256 hex of the session id; "" for a service */
	char session[17];   /* its first 16 hex digits: the audit log's */
	char csrf[48];      /* the session's csrf token */
	char *account_json; /* the session's account document; owned, may be NULL */
	/* What req_forward packs; points into the fields above. */
	Tarjotin__Principal pb;
	char *org_ptrs[REQ_MAX_ORGS];
};

enum req_state { REQ_NEW, REQ_BODY, REQ_WAITING, REQ_REPLIED, REQ_ANSWERED };

struct req {
	struct gateway *gw;
	struct req_server *srv;
	struct MHD_Connection *conn;
	const struct route *route;
	enum req_state state;
	int64_t start_us;
	unsigned status;
	bool head;      /* a HEAD request */
	bool page_view; /* a page of the web UI (not its scripts or styles) */
	bool forwarded; /* counted in srv->forwarded until completed */
	bool cors;      /* the path is open data (a route with 'cors' matched it) */
	char *body;     /* POST/PUT body, NUL-terminated; owned */
	size_t body_len;
	bool too_large;      /* the body went past the limit: answer 413 */
	bool throttled;      /* refused by the admit hook: no usage events */
	char request_id[17]; /* the directory call's id (hex) once it replied; "" before */
	size_t discarded;
	req_render_fn render; /* turns call.reply into the response */
	struct bridge_call call;
	void *scratch;                   /* a route's own state; freed with free() */
	void (*scratch_free)(void *);    /* or with this, when set */
	const char *idempotency_key;     /* req_forward's Envelope key (NULL: none); the route's */
	struct req_principal *principal; /* NULL: anonymous; owned */
	char *headers[REQ_MAX_HEADERS][2]; /* extra response headers; owned */
	size_t n_headers;
	/* A page view's, search's or detail view's dimensions (usage.c); owned. */
	struct bridge_event_more *usage;
	uint8_t usage_kind; /* tarjotin.UsageEvent.Kind of 'usage' */
};

struct req_server_config {
	struct sockaddr_in addr;
	unsigned threads;
	unsigned max_connections;
	unsigned idle_timeout_s;
	size_t conn_memory; /* libmicrohttpd's per-connection pool */
	size_t max_body;
	int rpc_timeout_ms;       /* the deadline of a call forwarded with timeout 0 */
	unsigned per_ip_limit;    /* connections from one address at most; 0: no limit */
	unsigned request_limit_s; /* a whole request must arrive within it (conntime.h); 0: off */
	bool hsts;                /* Strict-Transport-Security on every answer */
	const struct req_routes *routes;
	struct gateway *gw;
	struct bridge *bridge;
	struct metrics *metrics;
};

/* The server; embedded in the service's context. */
struct req_server {
	struct MHD_Daemon *daemon;
	const struct req_routes *routes;
	struct route not_found; /* what unmatched requests count as */
	struct gateway *gw;
	struct bridge *bridge;
	struct metrics *metrics;
	size_t max_body;
	int rpc_timeout_ms;
	bool hsts;
	struct conntime *conntime; /* the whole-request limit; NULL: off */
	pthread_mutex_t lock;
	pthread_cond_t idle;   /* signalled when 'forwarded' drops to 0 while draining */
	atomic_uint forwarded; /* requests sent to the directory, not yet completed */
	atomic_bool draining;  /* a stop waits on 'idle' */
	bool locks_made;
};

/*
 * Checks the route table (every metric id names a label) and starts
 * listening.  Returns 0, or -1 with the reason in err; req_server_release
 * is safe either way.  The config's pointers must outlive the server.
 */
int req_server_init(struct req_server *s, const struct req_server_config *cfg, char *err,
		    size_t errlen);

/* Stops taking new connections; those open go on being served. */
void req_server_quiesce(struct req_server *s);

/*
 * Waits until every forwarded request has completed (its response sent, or
 * its client gone), at most timeout_ms.  Returns true when none is left.
 */
bool req_server_wait_idle(struct req_server *s, int timeout_ms);

/* Number of forwarded requests not yet completed. */
unsigned req_server_forwarded(struct req_server *s);

/*
 * Stops libmicrohttpd and frees the server's locks.  Every suspended
 * connection must have been resumed first (bridge_stop does that): the
 * library aborts when stopped with one still suspended.
 */
void req_server_release(struct req_server *s);

/*
 * Queues a JSON response (the body is built from 'body', which is consumed:
 * json_decref'ed; NULL answers 500) and returns the status, for handlers to
 * return.
 */
unsigned req_reply_json(struct req *r, unsigned status, json_t *body);

/*
 * Queues a finished JSON document the directory rendered, with the given
 * Cache-Control; cors adds Access-Control-Allow-Origin: * (open data).  It
 * is copied, unless release is given: then the response uses json as it is
 * and calls release(cls) when it is done with it.  Returns the status.
 */
unsigned req_reply_document(struct req *r, unsigned status, const void *json, size_t len,
			    const char *cache, bool cors, void (*release)(void *), void *cls);

/*
 * Queues {"error":{status, code, field, message}}; field may be NULL.  The
 * text may hold any bytes (a URL from outside): what is not UTF-8 is
 * replaced, so the body is always built.
 */
unsigned req_reply_error(struct req *r, unsigned status, const char *code, const char *field,
			 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Forwards the request to the directory: suspends the connection, and once
 * the reply (or the deadline) comes, calls render() on an HTTP thread.  The
 * payload message is packed here; 'msg' stays the caller's; the Envelope
 * carries r->idempotency_key when set (it must live until render()).
 * Returns 0, which handlers return to say "answer later".
 */
unsigned req_forward(struct req *r, Tarjotin__MsgType type, const ProtobufCMessage *msg,
		     bool idempotent, int timeout_ms, req_render_fn render);

/*
 * For render(): answers the usual failures (timeout: 503, shutdown: 503,
 * directory error statuses: 400/404/503/500 with the directory's message and
 * field; the error body then carries "request_id", the call's id that the
 * directory's log line of the failure names).  Returns the status it
 * queued, or 0 when the reply is OK and the route must answer itself.
 */
unsigned req_reply_rpc_failure(struct req *r);

/*
 * Adds what every answer carries (Strict-Transport-Security behind TLS, the
 * extra headers of req_add_header) to a response a route builds itself.
 */
void req_add_common_headers(struct req *r, struct MHD_Response *resp);

/*
 * Adds a header (copied) to the response this request will queue, such as
 * Set-Cookie; at most REQ_MAX_HEADERS (more are dropped and logged).
 */
void req_add_header(struct req *r, const char *name, const char *value);

/* Queues an empty response (204, or a redirect when location is set). */
unsigned req_reply_empty(struct req *r, unsigned status, const char *location);

/*
 * Gives the request a principal (zeroed, role ANONYMOUS) and returns it;
 * the request owns and frees it.  An existing one is returned as it is.
 */
struct req_principal *req_principal_new(struct req *r);

/* The request body as a JSON object (duplicate keys refused), or NULL when
 * there is none or it is not an object; json_decref it. */
json_t *req_body_object(struct req *r);

/* A request header, or NULL. */
const char *req_header(struct req *r, const char *name);

/* The peer's IPv4 address as text into out; "" when unknown. */
void req_client_ip(struct req *r, char *out, size_t outlen);

/* A query-string argument, or NULL. */
const char *req_arg(struct req *r, const char *name);

/*
 * Parses a query parameter's value as a whole decimal number in [min, max]
 * (no sign, blanks or other bytes; see num_parse_long).  Returns 0 and sets
 * *out, or -1 leaving *out alone.
 */
int req_parse_int(const char *value, int min, int max, int32_t *out);

/* The 404 handler: "no such resource: <url>".  For route tables too. */
unsigned req_not_found(struct req *r, const char *url);

#endif
