/*
 * tarjotin-gateway - the HTTP front door: web UI, JSON API, HSDS API,
 * health and metrics.  It keeps no state of its own; any number run behind a
 * load balancer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "clock.h"
#include "config.h"
#include "gateway.h"
#include "log.h"
#include "metrics.h"
#include "redisx.h"
#include "rpc.h"
#include "sig.h"
#include "static.h"
#include "stats.pb-c.h"
#include "xalloc.h"
#include "banned.h"

/* --- replies ------------------------------------------------------------- */

/* Adds the headers every JSON answer carries, queues it and marks the
 * request answered; the response is released here. */
static unsigned queue_json(struct req *r, unsigned status, struct MHD_Response *resp,
			   const char *cache, bool cors)
{
	MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", cache);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	if (cors)
		MHD_add_response_header(resp, "Access-Control-Allow-Origin", "*");
	MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	r->status = status;
	r->state = REQ_ANSWERED;
	return status;
}

unsigned reply_json(struct req *r, unsigned status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	size_t len = text ? strlen(text) : 0;

	json_decref(body);
	if (!text) {
		text = xstrdup("{\"error\":{\"status\":500,\"code\":\"internal\"}}");
		len = strlen(text);
		status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	}
	return queue_json(r, status,
			  MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE),
			  "no-store", false);
}

unsigned reply_document(struct req *r, unsigned status, const void *json, size_t len,
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

unsigned reply_error(struct req *r, unsigned status, const char *code, const char *field,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	json_t *err;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	err = json_pack("{s:i, s:s, s:s}", "status", (int)status, "code", code, "message", msg);
	if (field)
		json_object_set_new(err, "field", json_string(field));
	return reply_json(r, status, json_pack("{s:o}", "error", err));
}

const char *req_arg(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* --- forwarding to the directory ----------------------------------------- */

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
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : r->gw->rpc_timeout_ms;
	c->done = on_call_done;
	c->arg = r;
	r->render = render;
	r->state = REQ_WAITING;
	/* Suspend before submitting: the bridge may resume at once. */
	MHD_suspend_connection(r->conn);
	bridge_submit(r->gw->bridge, c);
	return 0;
}

unsigned reply_rpc_failure(struct req *r)
{
	Tarjotin__Envelope *env = r->call.reply;
	const char *field;

	switch (r->call.outcome) {
	case BRIDGE_REPLIED:
		break;
	case BRIDGE_SHUTDOWN:
		return reply_error(r, 503, "unavailable", NULL, "the service is restarting, try again");
	default:
		return reply_error(r, 503, "unavailable", NULL,
				   "the directory did not answer within %d ms, try again",
				   r->call.timeout_ms);
	}
	field = env->error_field && *env->error_field ? env->error_field : NULL;
	switch (env->status) {
	case TARJOTIN__STATUS__STATUS_OK:
		return 0;
	case TARJOTIN__STATUS__STATUS_BAD_REQUEST:
		return reply_error(r, 400, "invalid_parameter", field, "%s", env->error);
	case TARJOTIN__STATUS__STATUS_NOT_FOUND:
		return reply_error(r, 404, "not_found", field, "%s", env->error);
	case TARJOTIN__STATUS__STATUS_UNAVAILABLE:
		return reply_error(r, 503, "unavailable", NULL, "%s", env->error);
	default:
		return reply_error(r, 500, "internal", NULL, "%s", env->error);
	}
}

/* --- the access handler -------------------------------------------------- */

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version,
				  const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	struct gateway *gw = cls;
	struct req *r = *con_cls;
	bool mismatch = false;
	const char *cl;

	(void)version;
	if (!r) {
		r = xcalloc(1, sizeof(*r));
		r->gw = gw;
		r->conn = conn;
		r->start_us = clock_mono_us();
		r->head = !strcmp(method, "HEAD");
		r->route = routes_match(r->head ? "GET" : method, url, &mismatch);
		*con_cls = r;
		cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl && strtoull(cl, NULL, 10) > gw->max_body) {
			/* Answer before reading: libmicrohttpd then closes the
			 * connection instead of draining the body. */
			r->route = routes_not_found();
			return reply_error(r, 413, "payload_too_large", "body",
					   "the request body is larger than %zu bytes",
					   gw->max_body) ? MHD_YES : MHD_NO;
		}
		if (!r->route) {
			r->route = routes_not_found();
			r->status = mismatch ? 405 : 404;
		}
		r->state = REQ_BODY;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (r->state != REQ_BODY) {
			*upload_data_size = 0; /* answered already: discard */
			return MHD_YES;
		}
		if (r->too_large || r->body_len + *upload_data_size > gw->max_body) {
			/* A chunked body has no length up front, and libmicrohttpd
			 * takes no response while a body streams in: discard it and
			 * answer 413 at its end, but hang up on a sender that goes
			 * on far past the limit. */
			r->too_large = true;
			r->discarded += *upload_data_size;
			*upload_data_size = 0;
			return r->discarded > 16 * gw->max_body ? MHD_NO : MHD_YES;
		}
		r->body = xrealloc(r->body, r->body_len + *upload_data_size + 1);
		memcpy(r->body + r->body_len, upload_data, *upload_data_size);
		r->body_len += *upload_data_size;
		r->body[r->body_len] = '\0';
		*upload_data_size = 0;
		return MHD_YES;
	}
	switch (r->state) {
	case REQ_BODY:
		if (r->too_large)
			return reply_error(r, 413, "payload_too_large", "body",
					   "the request body is larger than %zu bytes",
					   gw->max_body) ? MHD_YES : MHD_NO;
		if (r->status == 405)
			return reply_error(r, 405, "method_not_allowed", NULL,
					   "%s is not allowed on %s", method, url) ? MHD_YES : MHD_NO;
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
	struct gateway *gw = cls;
	struct req *r = *con_cls;
	uint64_t latency;
	unsigned route;

	(void)conn;
	(void)toe;
	if (!r)
		return;
	latency = (uint64_t)(clock_mono_us() - r->start_us);
	route = routes_index(r->route);
	metrics_observe(gw->metrics, route, r->status, latency);
	if (r->route->usage) {
		struct bridge_event ev = {
			.kind = r->page_view ? TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW :
					       TARJOTIN__USAGE_EVENT__KIND__API_CALL,
			.route = (uint8_t)route,
			.status = (uint16_t)r->status,
			.latency_us = latency > UINT32_MAX ? UINT32_MAX : (uint32_t)latency,
			.at_ms = clock_wall_ms(),
		};
		bridge_event(gw->bridge, &ev);
	}
	if (r->call.reply)
		tarjotin__envelope__free_unpacked(r->call.reply, NULL);
	free(r->call.payload.data);
	free(r->body);
	free(r->scratch);
	free(r);
	*con_cls = NULL;
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	log_warn("http server", "detail", msg, NULL);
}

/* --- Redis health -------------------------------------------------------- */

struct redis_watch {
	struct gateway *gw;
	const char *addr;
	int interval_ms;
	pthread_t thread;
};

/* Checks Redis every interval; keeps one connection and rebuilds it after
 * an error, as hiredis requires. */
static void *redis_watch_main(void *arg)
{
	struct redis_watch *w = arg;
	redisContext *c = NULL;
	char err[256];
	bool was_ok = true;

	while (!sig_stopping()) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };
		bool ok;

		if (!c)
			c = redisx_connect(w->addr, 500, err, sizeof(err));
		ok = c && redisx_ping(c) == 0;
		if (!ok && c) {
			redisFree(c);
			c = NULL;
		}
		atomic_store(&w->gw->redis_ok, ok);
		if (ok != was_ok)
			log_event(ok ? LOG_INFO : LOG_WARN, ok ? "redis is back" : "redis is down",
				  "address", w->addr, NULL);
		was_ok = ok;
		poll(&pfd, 1, w->interval_ms);
	}
	if (c)
		redisFree(c);
	return NULL;
}

/* --- main ---------------------------------------------------------------- */

static char *default_instance(const char *role)
{
	char host[64];

	if (gethostname(host, sizeof(host)))
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	return xasprintf("%s-%s-%d", role, host, (int)getpid());
}

int main(void)
{
	struct gateway gw = { 0 };
	struct bridge_config bc = { 0 };
	struct redis_watch rw = { 0 };
	struct MHD_Daemon *d = NULL;
	struct sockaddr_in sa;
	char *instance_buf = default_instance("gateway");
	char err[512], portbuf[16];
	const char *addr, *web_dir;
	long port, threads, grace_ms;
	size_t web_bytes;
	int rc = 1;

	/* Every response is allocated and freed again; without this glibc hands
	 * the memory back to the kernel after each burst and page-faults it in
	 * on the next (measured: 105 -> 60 us of CPU per 12 KB search page). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	gw.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("gateway", gw.instance);
	if (sig_install() || sodium_init() < 0) {
		log_fatal("cannot initialise", NULL);
		goto out;
	}
	addr = config_str("TARJOTIN_HTTP_ADDR", "127.0.0.1");
	port = config_int("TARJOTIN_HTTP_PORT", 8080, 1, 65535);
	threads = config_int("TARJOTIN_HTTP_THREADS", 2, 1, 64);
	grace_ms = config_int("TARJOTIN_SHUTDOWN_GRACE_MS", 5000, 0, 600000);
	gw.max_body = (size_t)config_int("TARJOTIN_HTTP_MAX_BODY", 65536, 1024, 64 << 20);
	gw.rpc_timeout_ms = (int)config_int("TARJOTIN_RPC_TIMEOUT_MS", 2000, 50, 60000);
	bc.try_ms = (int)config_int("TARJOTIN_RPC_TRY_MS", 250, 10, 60000);
	bc.directory_endpoints = config_str("TARJOTIN_DIRECTORY_ENDPOINTS", "tcp://127.0.0.1:5601");
	bc.directory_bind = config_str("TARJOTIN_GATEWAY_RPC_BIND", "");
	bc.stats_endpoint = config_str("TARJOTIN_STATS_ENDPOINT", "tcp://127.0.0.1:5701");
	bc.instance = gw.instance;
	web_dir = config_str("TARJOTIN_WEB_DIR", "services/gateway/web");

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		log_fatal("bad configuration", "variable", "TARJOTIN_HTTP_ADDR", "value", addr,
			  "expected", "an IPv4 address", NULL);
		goto out;
	}
	gw.web = static_load(web_dir, err, sizeof(err));
	if (!gw.web) {
		log_fatal("cannot load web ui", "error", err, NULL);
		goto out;
	}
	gw.metrics = metrics_new(gw_route_names);
	gw.bridge = bridge_new(&bc, gw_route_names, err, sizeof(err));
	if (!gw.bridge) {
		log_fatal("cannot start zeromq bridge", "error", err, NULL);
		goto out;
	}
	rw.gw = &gw;
	rw.addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	rw.interval_ms = (int)config_int("TARJOTIN_HEALTH_INTERVAL_MS", 1000, 50, 60000);
	pthread_create(&rw.thread, NULL, redis_watch_main, &rw);

	d = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME |
				     MHD_USE_ERROR_LOG,
			     0, NULL, NULL, on_request, &gw,
			     MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
			     MHD_OPTION_CONNECTION_LIMIT,
			     (unsigned)config_int("TARJOTIN_HTTP_MAX_CONNECTIONS", 4096, 16, 1000000),
			     MHD_OPTION_CONNECTION_TIMEOUT,
			     (unsigned)config_int("TARJOTIN_HTTP_IDLE_TIMEOUT_S", 60, 1, 3600),
			     /* The per-connection pool holds the request line and
			      * headers; libmicrohttpd zeroes all of it for every
			      * request, so it is kept small (perf: a 64 KB pool cost
			      * 4% of the gateway's CPU in memset). */
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT,
			     (size_t)config_int("TARJOTIN_HTTP_CONN_MEMORY", 16384, 4096, 1 << 20),
			     MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
			     MHD_OPTION_NOTIFY_COMPLETED, on_completed, &gw, MHD_OPTION_END);
	if (!d) {
		snprintf(portbuf, sizeof(portbuf), "%ld", port);
		log_fatal("cannot listen", "address", addr, "port", portbuf, "error",
			  strerror(errno), NULL);
		sig_request_stop();
		goto out;
	}
	{
		char files[32], bytes[32];

		snprintf(portbuf, sizeof(portbuf), "%ld", port);
		snprintf(files, sizeof(files), "%zu", static_count(gw.web, &web_bytes));
		snprintf(bytes, sizeof(bytes), "%zu", web_bytes);
		log_info("listening", "address", addr, "port", portbuf, "directory",
			 bc.directory_endpoints, "web_files", files, "web_bytes", bytes, NULL);
	}
	while (!sig_stopping()) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };

		poll(&pfd, 1, 1000);
	}
	log_info("stopping", NULL);

	/* Take no new connections, let in-flight directory calls finish. */
	MHD_quiesce_daemon(d);
	for (long waited = 0; bridge_pending(gw.bridge) && waited < grace_ms; waited += 10)
		usleep(10000);
	rc = 0;
out:
	/* The bridge resumes every suspended connection before it goes, and
	 * libmicrohttpd must not be stopped with one still suspended. */
	if (gw.bridge)
		bridge_stop(gw.bridge);
	if (d) {
		usleep(50000);
		MHD_stop_daemon(d);
	}
	bridge_destroy(&gw.bridge);
	if (rw.thread) {
		sig_request_stop();
		pthread_join(rw.thread, NULL);
	}
	metrics_destroy(&gw.metrics);
	static_destroy(&gw.web);
	if (rc == 0)
		log_info("stopped", NULL);
	free(instance_buf);
	return rc;
}
