/*
 * req.c - see req.h: the libmicrohttpd handlers, routing through the table
 * the server was given, the replies, and forwarding to the directory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <microhttpd.h>

#include "clock.h"
#include "conntime.h"
#include "errmsg.h"
#include "log.h"
#include "metrics.h"
#include "num.h"
#include "req.h"
#include "rpc.h"
#include "rtable.h"
#include "stats.pb-c.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

#define ERROR_MESSAGE_MAX 1000 /* bytes of an error body's message */

/* --- replies ------------------------------------------------------------- */

#define HSTS "max-age=31536000; includeSubDomains"

void req_add_common_headers(struct req *r, struct MHD_Response *resp)
{
	if (r->srv->hsts)
		MHD_add_response_header(resp, "Strict-Transport-Security", HSTS);
	for (size_t i = 0; i < r->n_headers; i++)
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	if (r->n_headers == REQ_MAX_HEADERS) {
		log_warn("response header dropped", "header", name, NULL);
		return;
	}
	r->headers[r->n_headers][0] = xstrdup(name);
	r->headers[r->n_headers][1] = xstrdup(value);
	r->n_headers++;
}

unsigned req_reply_empty(struct req *r, unsigned status, const char *location)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL,
								    MHD_RESPMEM_PERSISTENT);

	MHD_add_response_header(resp, "Cache-Control", "no-store");
	if (location)
		MHD_add_response_header(resp, "Location", location);
	req_add_common_headers(r, resp);
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->state = REQ_ANSWERED;
	return status;
}

struct req_principal *req_principal_new(struct req *r)
{
	return r->principal ? r->principal : (r->principal = xcalloc(1, sizeof(*r->principal)));
}

json_t *req_body_object(struct req *r)
{
	json_t *j = r->body ? json_loadb(r->body, r->body_len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

const char *req_header(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

void req_client_ip(struct req *r, char *out, size_t outlen)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	/* The server listens on IPv4 only. */
	out[0] = '\0';
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out,
			  (socklen_t)outlen);
}

/* Adds the headers every JSON answer carries, queues it and marks the
 * request answered; the response is released here. */
static unsigned queue_json(struct req *r, unsigned status, struct MHD_Response *resp,
			   const char *cache, bool cors)
{
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", cache);
	req_add_common_headers(r, resp);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (cors || r->cors)
		MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->state = REQ_ANSWERED;
	return status;
}

static unsigned queue_text(struct req *r, unsigned status, char *text, size_t len)
{
	return queue_json(r, status,
			  MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE),
			  "no-store", false);
}

unsigned req_reply_json(struct req *r, unsigned status, json_t *body)
{
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;

	json_decref(body);
	if (!text) {
		text = xstrdup("{\"error\":{\"status\":500,\"code\":\"internal\"}}");
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return queue_text(r, status, text, strlen(text));
}

unsigned req_reply_document(struct req *r, unsigned status, const void *json, size_t len,
			    const char *cache, bool cors, void (*release)(void *), void *cls)
{
	struct MHD_Response *resp;

	if (release)
		resp = MHD_create_response_from_buffer_with_free_callback_cls(len, (void *)json,
									      release, cls);
	else
		resp = MHD_create_response_from_buffer(len, (void *)json, MHD_RESPMEM_MUST_COPY);
	return queue_json(r, status, resp, cache, cors);
}

unsigned req_reply_error(struct req *r, unsigned status, const char *code, const char *field,
			 const char *fmt, ...)
{
	struct strbuf b = STRBUF_INIT;
	va_list ap, ap2;
	char *msg;
	int n;

	va_start(ap, fmt);
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap);
	msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	if (n < 0 || vsnprintf(msg, (size_t)n + 1, fmt, ap2) < 0)
		msg[0] = '\0';
	va_end(ap2);
	va_end(ap);
	/* Written by hand rather than with jansson: the message may quote a
	 * URL from outside, and strbuf_json_str* never fails on bytes that are
	 * not UTF-8 (jansson refuses the string, and the answer became a 500). */
	strbuf_addf(&b, "{\"error\":{\"status\":%u,\"code\":", status);
	strbuf_json_str(&b, code);
	strbuf_adds(&b, ",\"message\":");
	strbuf_json_strn(&b, msg, ERROR_MESSAGE_MAX);
	if (field) {
		strbuf_adds(&b, ",\"field\":");
		strbuf_json_str(&b, field);
	}
	if (r->request_id[0])
		strbuf_addf(&b, ",\"request_id\":\"%s\"", r->request_id);
	strbuf_adds(&b, "}}");
	free(msg);
	n = (int)b.len;
	return queue_text(r, status, strbuf_detach(&b), (size_t)n);
}

unsigned req_not_found(struct req *r, const char *url)
{
	return req_reply_error(r, 404, "not_found", NULL, "no such resource: %s", url);
}

const char *req_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int req_parse_int(const char *value, int min, int max, int32_t *out)
{
	long v;

	if (!value || value[0] == '-' || num_parse_long(value, min, max, &v))
		return -1;
	*out = (int32_t)v;
	return 0;
}

/* --- forwarding to the directory ----------------------------------------- */

/* Points the principal's protobuf form at its fields. */
static const Tarjotin__Principal *principal_pb(struct req_principal *p)
{
	if (!p)
		return NULL;
	tarjotin__principal__init(&p->pb);
	p->pb.account_id = p->account_id;
	p->pb.role = (Tarjotin__Role)p->role;
	p->pb.user_site_id = p->user_site_id;
	for (size_t i = 0; i < p->n_orgs; i++)
		p->org_ptrs[i] = p->org_ids[i];
	p->pb.n_organization_ids = p->n_orgs;
	p->pb.organization_ids = p->n_orgs ? p->org_ptrs : NULL;
	p->pb.session = p->session;
	return &p->pb;
}

static void on_call_done(struct bridge_call *call)
{
	struct req *r = call->arg;

	r->state = REQ_REPLIED;
	MHD_resume_connection(r->conn);
}

unsigned req_forward(struct req *r, Tarjotin__MsgType type, const ProtobufCMessage *msg,
		     bool idempotent, int timeout_ms, req_render_fn render)
{
	struct bridge_call *c = &r->call;

	memset(c, 0, sizeof(*c));
	c->type = type;
	rpc_pack_payload(msg, &c->payload);
	c->idempotent = idempotent;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : r->srv->rpc_timeout_ms;
	c->done = on_call_done;
	c->arg = r;
	c->principal = principal_pb(r->principal);
	c->idempotency_key = r->idempotency_key;
	r->render = render;
	r->state = REQ_WAITING;
	if (!r->forwarded) {
		/* Counted until completed: the stop waits for these answers.
		 * An atomic, not the lock: this is every forwarded request. */
		r->forwarded = true;
		atomic_fetch_add(&r->srv->forwarded, 1);
	}
	/* Suspend before submitting: the bridge may resume at once. */
	MHD_suspend_connection(r->conn);
	bridge_submit(r->srv->bridge, c);
	return 0;
}

/* The directory's statuses and what they answer (the reply's error_code,
 * when set, replaces the code). */
static const struct {
	Tarjotin__Status status;
	unsigned http;
	const char *code;
	bool field;
} failures[] = {
	{ TARJOTIN__STATUS__STATUS_BAD_REQUEST, 400, "invalid_parameter", true },
	{ TARJOTIN__STATUS__STATUS_NOT_FOUND, 404, "not_found", true },
	{ TARJOTIN__STATUS__STATUS_UNAVAILABLE, 503, "unavailable", false },
	{ TARJOTIN__STATUS__STATUS_UNAUTHORIZED, 401, "unauthorized", false },
	{ TARJOTIN__STATUS__STATUS_FORBIDDEN, 403, "forbidden", true },
	{ TARJOTIN__STATUS__STATUS_CONFLICT, 409, "conflict", true },
	{ TARJOTIN__STATUS__STATUS_GONE, 410, "gone", true },
};

unsigned req_reply_rpc_failure(struct req *r)
{
	Tarjotin__Envelope *env = r->call.reply;
	const char *field, *code;

	switch (r->call.outcome) {
	case BRIDGE_REPLIED:
		break;
	case BRIDGE_SHUTDOWN:
		return req_reply_error(r, 503, "unavailable", NULL,
				       "the service is restarting, try again");
	default:
		return req_reply_error(r, 503, "unavailable", NULL,
				       "the directory did not answer within %d ms, try again",
				       r->call.timeout_ms);
	}
	/* The directory logs a failure with this id (never its details to us). */
	snprintf(r->request_id, sizeof(r->request_id), "%016llx",
		 (unsigned long long)env->request_id);
	field = env->error_field && *env->error_field ? env->error_field : NULL;
	code = env->error_code && *env->error_code ? env->error_code : NULL;
	if (env->status == TARJOTIN__STATUS__STATUS_OK)
		return 0;
	for (size_t i = 0; i < sizeof(failures) / sizeof(failures[0]); i++)
		if (failures[i].status == env->status)
			return req_reply_error(r, failures[i].http, code ? code : failures[i].code,
					       failures[i].field ? field : NULL, "%s", env->error);
	return req_reply_error(r, 500, code ? code : "internal", NULL, "%s", env->error);
}

/* --- routing and the access handler -------------------------------------- */

static unsigned reply_too_large(struct req *r)
{
	return req_reply_error(r, 413, "payload_too_large", "body",
			       "the request body is larger than %zu bytes", r->srv->max_body);
}

/* Takes a piece of the body: kept up to the limit, then discarded. */
static enum MHD_Result take_body(struct req *r, const char *data, size_t *size)
{
	size_t max = r->srv->max_body;

	if (r->state != REQ_BODY) {
		*size = 0; /* answered already: discard */
		return MHD_YES;
	}
	/* A body still dripping in past the whole-request limit: no answer can
	 * be queued while it streams, so the connection is closed. */
	if (r->srv->conntime && conntime_overdue(r->conn))
		return MHD_NO;
	if (r->too_large || r->body_len + *size > max) {
		/* A chunked body has no length up front, and libmicrohttpd takes
		 * no response while a body streams in: discard it and answer 413
		 * at its end, but hang up on a sender that goes on far past the
		 * limit. */
		r->too_large = true;
		r->discarded += *size;
		*size = 0;
		return r->discarded > 16 * max ? MHD_NO : MHD_YES;
	}
	r->body = xrealloc(r->body, r->body_len + *size + 1);
	memcpy(r->body + r->body_len, data, *size);
	r->body_len += *size;
	r->body[r->body_len] = '\0';
	*size = 0;
	return MHD_YES;
}

static bool safe_method(const char *m)
{
	return !strcmp(m, "GET") || !strcmp(m, "HEAD") || !strcmp(m, "OPTIONS");
}

/* Public GET routes (the search) never reach the guard: no cookie parsed. */
static bool needs_guard(const struct req_routes *t, const struct route *rt, const char *method)
{
	if (!t->guard || rt->handle == req_not_found)
		return false;
	return rt->auth != REQ_AUTH_PUBLIC || (!rt->no_csrf && !safe_method(method));
}

/* The request has arrived: the whole-request clock stops. */
static void arrived(struct req_server *s, struct MHD_Connection *conn)
{
	if (s->conntime)
		conntime_arrived(conn);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct req_server *s = cls;
	struct req *r = *con_cls;
	bool mismatch = false;
	const char *cl;

	(void)version;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->gw = s->gw;
		r->srv = s;
		r->conn = conn;
		r->start_us = clock_mono_us();
		r->head = !strcmp(method, "HEAD");
		r->route = rtable_match(s->routes, r->head ? "GET" : method, url, &mismatch,
					&r->cors);
		*con_cls = r;
		if (!r->route) {
			r->route = &s->not_found;
			r->status = mismatch ? 405 : 404;
		}
		/* Counted before anything else is done for it; answered at once,
		 * which also closes the connection (no keep-alive for it). */
		if (s->routes->admit && s->routes->admit(r)) {
			arrived(s, conn);
			return MHD_YES;
		}
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > s->max_body) {
			/* Answer before reading: libmicrohttpd then closes the
			 * connection instead of draining the body. */
			r->route = &s->not_found;
			arrived(s, conn);
			return reply_too_large(r) ? MHD_YES : MHD_NO;
		}
		r->state = REQ_BODY;
		return MHD_YES;
	}
	if (*upload_data_size)
		return take_body(r, upload_data, upload_data_size);
	switch (r->state) {
	case REQ_BODY:
		arrived(s, conn); /* headers and body are in */
		if (r->too_large)
			return reply_too_large(r) ? MHD_YES : MHD_NO;
		if (r->status == 405)
			return req_reply_error(r, 405, "method_not_allowed", NULL,
					       "%s is not allowed on %s", method, url) ?
				       MHD_YES :
				       MHD_NO;
		if (needs_guard(s->routes, r->route, method) &&
		    (r->status = s->routes->guard(r, method)))
			return MHD_YES;
		r->status = r->route->handle(r, url);
		return MHD_YES;
	case REQ_REPLIED:
		r->status = r->render(r);
		return MHD_YES;
	default:
		return MHD_YES;
	}
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct req_server *s = cls;
	struct req *r = *con_cls;
	uint64_t latency;

	(void)toe;
	if (!r)
		return;
	if (s->conntime)
		conntime_done(conn); /* the next request's clock */
	latency = (uint64_t)(clock_mono_us() - r->start_us);
	metrics_observe(s->metrics, r->route->metric, r->status, latency);
	if (r->route->usage && s->routes->finish && !r->throttled)
		s->routes->finish(r, latency);
	free(r->usage);
	/* Only a stop that waits needs the lock and the signal; it sets
	 * 'draining' under the lock before it looks at the count, so the last
	 * completion either sees it or came before the waiter's look. */
	if (r->forwarded && atomic_fetch_sub(&s->forwarded, 1) == 1 && atomic_load(&s->draining)) {
		pthread_mutex_lock(&s->lock);
		pthread_cond_broadcast(&s->idle);
		pthread_mutex_unlock(&s->lock);
	}
	if (r->call.reply)
		tarjotin__envelope__free_unpacked(r->call.reply, NULL);
	free(r->call.payload.data);
	free(r->body);
	if (r->scratch_free)
		r->scratch_free(r->scratch);
	else
		free(r->scratch);
	if (r->principal)
		free(r->principal->account_json);
	free(r->principal);
	for (size_t i = 0; i < r->n_headers; i++)
		free(r->headers[i][0]), free(r->headers[i][1]);
	free(r);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512], clean[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	utf8_clip(clean, sizeof(clean), msg);
	log_warn("http server", "detail", clean, NULL);
}

/* --- the server ---------------------------------------------------------- */

int req_server_init(struct req_server *s, const struct req_server_config *cfg, char *err,
		    size_t errlen)
{
	const struct req_routes *t = cfg->routes;
	pthread_condattr_t ca;
	unsigned nnames = 0;
	int e;

	memset(s, 0, sizeof(*s));
	while (t->names[nnames])
		nnames++;
	for (size_t i = 0; i < t->n; i++)
		if (t->routes[i].metric >= nnames || !t->routes[i].handle)
			return errmsg(err, errlen, "route %s %s has no metric label or handler",
				      t->routes[i].method, t->routes[i].path);
	if (t->not_found >= nnames || nnames > UINT8_MAX + 1)
		return errmsg(err, errlen, "the route table's labels are wrong");
	s->routes = t;
	s->not_found = (struct route){ .method = "GET",
				       .path = "",
				       .metric = t->not_found,
				       .handle = req_not_found,
				       .usage = true };
	s->gw = cfg->gw;
	s->bridge = cfg->bridge;
	s->metrics = cfg->metrics;
	s->max_body = cfg->max_body;
	s->rpc_timeout_ms = cfg->rpc_timeout_ms;
	s->hsts = cfg->hsts;
	if (cfg->request_limit_s &&
	    !(s->conntime = conntime_new(cfg->request_limit_s, err, errlen)))
		return -1;
	/* The stop waits with a bound on the monotonic clock. */
	if ((e = pthread_condattr_init(&ca)))
		return errmsg(err, errlen, "cannot make a condition variable: %s", strerror(e));
	if (!(e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)))
		e = pthread_cond_init(&s->idle, &ca);
	pthread_condattr_destroy(&ca);
	if (e)
		return errmsg(err, errlen, "cannot make a condition variable: %s", strerror(e));
	if ((e = pthread_mutex_init(&s->lock, NULL))) {
		pthread_cond_destroy(&s->idle);
		return errmsg(err, errlen, "cannot make a mutex: %s", strerror(e));
	}
	s->locks_made = true;
	/* The per-connection pool holds the request line and headers;
	 * libmicrohttpd zeroes all of it for every request, so it is kept small
	 * (perf: a 64 KB pool cost 4% of the gateway's CPU in memset). */
	s->daemon = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
					     MHD_USE_ERROR_LOG,
				     0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
				     mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
				     (struct sockaddr *)&cfg->addr, MHD_OPTION_THREAD_POOL_SIZE,
				     cfg->threads > 1 ? cfg->threads : 0,
				     MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
				     MHD_OPTION_PER_IP_CONNECTION_LIMIT, cfg->per_ip_limit,
				     MHD_OPTION_CONNECTION_TIMEOUT, cfg->idle_timeout_s,
				     MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->conn_memory,
				     MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
				     MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
				     MHD_OPTION_NOTIFY_CONNECTION,
				     s->conntime ? conntime_notify : NULL, s->conntime,
				     MHD_OPTION_END);
	if (!s->daemon)
		return errmsg(err, errlen, "%s", strerror(errno));
	return 0;
}

void req_server_quiesce(struct req_server *s)
{
	if (s->daemon)
		MHD_quiesce_daemon(s->daemon);
}

unsigned req_server_forwarded(struct req_server *s)
{
	return atomic_load(&s->forwarded);
}

bool req_server_wait_idle(struct req_server *s, int timeout_ms)
{
	struct timespec until = clock_after_ms(CLOCK_MONOTONIC, timeout_ms);
	bool idle;

	pthread_mutex_lock(&s->lock);
	atomic_store(&s->draining, true);
	while (atomic_load(&s->forwarded) &&
	       pthread_cond_timedwait(&s->idle, &s->lock, &until) != ETIMEDOUT)
		;
	idle = atomic_load(&s->forwarded) == 0;
	pthread_mutex_unlock(&s->lock);
	return idle;
}

void req_server_release(struct req_server *s)
{
	if (s->daemon) {
		MHD_stop_daemon(s->daemon);
		s->daemon = NULL;
	}
	conntime_destroy(&s->conntime); /* after the daemon reported every connection closed */
	if (s->locks_made) {
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->idle);
		s->locks_made = false;
	}
}
