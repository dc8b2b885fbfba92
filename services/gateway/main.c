/*
 * tarjotin-gateway - the HTTP front door: web UI, JSON API, HSDS API,
 * health and metrics.  It keeps no state of its own; any number run behind a
 * load balancer.
 *
 * This file reads the configuration and wires the modules together; the
 * request core is req.c, the routes routes.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "admit.h"
#include "config.h"
#include "gateway.h"
#include "log.h"
#include "messages.h"
#include "metrics.h"
#include "oidc.h"
#include "pagecache.h"
#include "redisx.h"
#include "rpool.h"
#include "routes.h"
#include "search.h"
#include "sig.h"
#include "static.h"
#include "websec.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

/* How long the stop waits for the answers to calls the bridge ended. */
#define STOP_DRAIN_MS 5000

/* --- the Redis watch (lib/healthwatch.h) --------------------------------- */

/* Keeps one connection and rebuilds it after an error, as hiredis requires. */
static int redis_check(void *ctx, char *err, size_t errlen)
{
	struct gateway_redis *rd = ctx;

	if (!rd->c)
		rd->c = redisx_connect(rd->addr, 500, err, errlen);
	if (!rd->c)
		return -1;
	if (redisx_ping(rd->c)) {
		snprintf(err, errlen, "no answer to PING from '%s'", rd->addr);
		return -1;
	}
	return 0;
}

static void redis_reset(void *ctx)
{
	struct gateway_redis *rd = ctx;

	if (rd->c)
		redisFree(rd->c);
	rd->c = NULL;
}

/* --- identity's configuration ------------------------------------------- */

/* Reads what sessions, CSRF, the sign-in limits and OpenID Connect need.
 * Returns 0, or -1 with the variable in *bad_var and the rule in err. */
static int identity_config(struct gateway *gw, const char **bad_var, char *err, size_t errlen)
{
	struct gateway_identity *id = &gw->ident;
	char redirect[1200];
	size_t n;

	if (session_config_init(&gw->sessions, bad_var, err, errlen))
		return -1;
	id->public_url = config_str("TARJOTIN_PUBLIC_URL", "http://127.0.0.1:8080");
	n = strlen(id->public_url);
	if (n > 1000 || websec_origin_of(id->public_url, id->origin, sizeof(id->origin))) {
		*bad_var = "TARJOTIN_PUBLIC_URL";
		snprintf(err, errlen, "an http(s) URL with a host, at most 1000 characters");
		return -1;
	}
	if (gw->sessions.behind_tls && strncmp(id->public_url, "https://", 8)) {
		/* Browsers keep __Host- and Secure cookies for https only. */
		*bad_var = "TARJOTIN_PUBLIC_URL";
		snprintf(err, errlen, "an https URL when TARJOTIN_BEHIND_TLS is true");
		return -1;
	}
	id->limit_address = config_int("TARJOTIN_SIGNIN_LIMIT_ADDRESS", 5, 1, 1000000);
	id->limit_ip = config_int("TARJOTIN_SIGNIN_LIMIT_IP", 30, 1, 1000000);
	id->register_limit_ip = config_int("TARJOTIN_REGISTER_LIMIT_IP", 10, 1, 1000000);
	while (n && id->public_url[n - 1] == '/')
		n--;
	snprintf(redirect, sizeof(redirect), "%.*s/auth/oidc/callback", (int)n, id->public_url);
	gw->oidc = oidc_new(redirect, (int)config_int("TARJOTIN_OIDC_TIMEOUT_MS", 5000, 100, 60000),
			    bad_var, err, errlen);
	return gw->oidc ? 0 : -1;
}

/* --- abuse limits and the internal listener (docs/security.md) ----------- */

/* An IPv4 address and port into sa; -1 when the address is not one. */
static int ipv4(struct sockaddr_in *sa, const char *addr, long port)
{
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, addr, &sa->sin_addr) == 1 ? 0 : -1;
}

/* Reads the limits into the public server's config and makes the rate
 * tables; fills the internal listener's config.  Returns 0, or -1 with the
 * variable in *bad_var and the rule in err. */
static int limits_config(struct gateway *gw, struct req_server_config *hc,
			 struct req_server_config *ic, const char **bad_var, char *err,
			 size_t errlen)
{
	struct admit_config ac = { 0 };
	const char *iaddr = config_str("TARJOTIN_INTERNAL_ADDR", "127.0.0.1");
	long iport = config_int("TARJOTIN_INTERNAL_PORT", 8081, 1, 65535);

	hc->per_ip_limit = (unsigned)config_int("TARJOTIN_HTTP_MAX_CONNECTIONS_IP", 128, 0,
						1000000);
	hc->request_limit_s = (unsigned)config_int("TARJOTIN_HTTP_REQUEST_TIMEOUT_S", 30, 0, 3600);
	hc->hsts = !strncmp(gw->ident.public_url, "https://", 8);
	ac.ip_rate = (double)config_int("TARJOTIN_HTTP_RATE_IP", 100, 0, 100000000);
	ac.ip_burst = (double)config_int("TARJOTIN_HTTP_BURST_IP", (long)ac.ip_rate, 1, 100000000);
	ac.session_rate = (double)config_int("TARJOTIN_HTTP_RATE_SESSION", 20, 0, 100000000);
	ac.session_burst = (double)config_int("TARJOTIN_HTTP_BURST_SESSION",
					      (long)(ac.session_rate * 2), 1, 100000000);
	ac.slots = (size_t)config_int("TARJOTIN_HTTP_RATE_SLOTS", 65536, 64, 16 << 20);
	ac.cookie = gw->sessions.cookie;
	if (!(gw->admit = admit_new(&ac))) {
		*bad_var = "TARJOTIN_HTTP_RATE_SLOTS";
		snprintf(err, errlen, "the rate tables' locks cannot be made");
		return -1;
	}
	*ic = *hc;
	ic->threads = 1;
	ic->max_connections = 64;
	ic->per_ip_limit = 0;
	ic->routes = &routes_internal;
	if (ipv4(&ic->addr, iaddr, iport)) {
		*bad_var = "TARJOTIN_INTERNAL_ADDR";
		snprintf(err, errlen, "an IPv4 address");
		return -1;
	}
	return 0;
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

/* The stop: no new connections; the calls in flight get grace_ms to be
 * answered; then the bridge ends the rest (503), and libmicrohttpd is
 * stopped only once those answers went out, never with a connection still
 * suspended (it aborts then). */
static void stop(struct gateway *gw, long grace_ms)
{
	req_server_quiesce(&gw->http);
	req_server_quiesce(&gw->internal);
	req_server_wait_idle(&gw->http, (int)grace_ms);
	bridge_stop(gw->bridge);
	req_server_wait_idle(&gw->internal, STOP_DRAIN_MS);
	if (!req_server_wait_idle(&gw->http, STOP_DRAIN_MS)) {
		char n[16];

		snprintf(n, sizeof(n), "%u", req_server_forwarded(&gw->http));
		log_warn("stopping with answers unsent", "requests", n, NULL);
	}
}

int main(void)
{
	struct gateway gw = { 0 };
	struct bridge_config bc = { 0 };
	struct zcurve curve = { 0 };
	struct req_server_config hc = { 0 }, ic = { 0 };
	char *instance_buf = default_instance("gateway");
	char err[512], portbuf[16];
	const char *addr, *web_dir, *bad_var;
	long port, grace_ms;
	size_t web_bytes;
	bool watching = false;
	int rc = 1;

	/* Every response is allocated and freed again; without this glibc hands
	 * the memory back to the kernel after each burst and page-faults it in
	 * on the next (measured: 105 -> 60 us of CPU per 12 KB search page). */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	gw.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("gateway", gw.instance);
	redisx_config(); /* its Redis password is checked now, before any thread */
	if (sig_install() || sodium_init() < 0) {
		log_fatal("cannot initialise", NULL);
		goto out;
	}
	addr = config_str("TARJOTIN_HTTP_ADDR", "127.0.0.1");
	port = config_int("TARJOTIN_HTTP_PORT", 8080, 1, 65535);
	hc.threads = (unsigned)config_int("TARJOTIN_HTTP_THREADS", 2, 1, 64);
	hc.max_connections = (unsigned)config_int("TARJOTIN_HTTP_MAX_CONNECTIONS", 4096, 16,
						  1000000);
	hc.idle_timeout_s = (unsigned)config_int("TARJOTIN_HTTP_IDLE_TIMEOUT_S", 60, 1, 3600);
	hc.conn_memory = (size_t)config_int("TARJOTIN_HTTP_CONN_MEMORY", 16384, 4096, 1 << 20);
	hc.max_body = (size_t)config_int("TARJOTIN_HTTP_MAX_BODY", 65536, 1024, 64 << 20);
	hc.rpc_timeout_ms = (int)config_int("TARJOTIN_RPC_TIMEOUT_MS", 2000, 50, 60000);
	grace_ms = config_int("TARJOTIN_SHUTDOWN_GRACE_MS", 5000, 0, 600000);
	bc.try_ms = (int)config_int("TARJOTIN_RPC_TRY_MS", 250, 10, 60000);
	bc.directory_endpoints = config_str("TARJOTIN_DIRECTORY_ENDPOINTS", "tcp://127.0.0.1:5601");
	bc.directory_bind = config_str("TARJOTIN_GATEWAY_RPC_BIND", "");
	bc.stats_endpoint = config_str("TARJOTIN_STATS_ENDPOINT", "tcp://127.0.0.1:5701");
	bc.stats_report_endpoint = config_str("TARJOTIN_STATS_REPORT_ENDPOINT",
					      "tcp://127.0.0.1:5702");
	bc.instance = gw.instance;
	if (zcurve_init(&curve, err, sizeof(err))) {
		log_fatal("bad configuration", "variable", "TARJOTIN_CURVE_*", "expected", err,
			  NULL);
		rc = 2;
		goto out;
	}
	bc.curve = &curve;
	web_dir = config_str("TARJOTIN_WEB_DIR", "services/gateway/web");
	gw.redis.addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	healthwatch_init(&gw.redis_watch, "redis",
			 (int)config_int("TARJOTIN_HEALTH_INTERVAL_MS", 1000, 50, 60000),
			 redis_check, redis_reset, &gw.redis);
	if (messages_config_init(&gw.messages, &bad_var, err, sizeof(err))) {
		/* The value is a secret: named, never shown. */
		log_fatal("bad configuration", "variable", bad_var, "expected", err, NULL);
		rc = 2;
		goto out;
	}
	if (identity_config(&gw, &bad_var, err, sizeof(err))) {
		log_fatal("bad configuration", "variable", bad_var ? bad_var : "TARJOTIN_OIDC_*",
			  "expected", err, NULL);
		rc = 2;
		goto out;
	}
	if (ipv4(&hc.addr, addr, port)) {
		log_fatal("bad configuration", "variable", "TARJOTIN_HTTP_ADDR", "value", addr,
			  "expected", "an IPv4 address", NULL);
		rc = 2;
		goto out;
	}

	gw.web = static_load(web_dir, err, sizeof(err));
	if (!gw.web) {
		log_fatal("cannot load web ui", "error", err, NULL);
		goto out;
	}
	{
		/* Chart.js for the dashboard: without it the gateway still
		 * serves everything else (404 for the file). */
		const char *vendor = config_str("TARJOTIN_WEB_VENDOR_DIR",
						"/usr/local/share/tarjotin/vendor");
		char *path = xasprintf("%s/chart.umd.js", vendor);

		if (static_add(gw.web, path, "/vendor/chart.umd.js", err, sizeof(err)))
			log_warn("vendor file not served", "error", err, NULL);
		free(path);
	}
	gw.rpool = rpool_new(gw.redis.addr, hc.threads, 500, &gw.redis_watch);
	if (!gw.rpool) {
		log_fatal("cannot start", "error", "cannot make the redis pool's lock", NULL);
		goto out;
	}
	{
		/* The search pages sent, kept by their snapshot tag (pagecache.h);
		 * 0 turns it off. */
		long mb = config_int("TARJOTIN_GATEWAY_PAGE_CACHE_MB", 64, 0, 65536);

		gw.pages = pagecache_new((size_t)mb << 20);
		if (mb && !gw.pages) {
			log_fatal("cannot start", "error", "cannot make the page cache's lock",
				  NULL);
			goto out;
		}
		if (gw.pages) {
			bc.on_notice = search_notice;
			bc.notice_cls = gw.pages;
		}
	}
	gw.metrics = metrics_new(routes_table.names);
	if (!gw.metrics) {
		log_fatal("cannot start", "error", "cannot make the metrics' lock", NULL);
		goto out;
	}
	gw.bridge = bridge_new(&bc, routes_table.names, err, sizeof(err));
	if (!gw.bridge) {
		log_fatal("cannot start zeromq bridge", "error", err, NULL);
		goto out;
	}
	if (healthwatch_start(&gw.redis_watch, err, sizeof(err))) {
		log_fatal("cannot start", "error", err, NULL);
		goto out;
	}
	watching = true;
	hc.routes = &routes_table;
	hc.gw = &gw;
	hc.bridge = gw.bridge;
	hc.metrics = gw.metrics;
	if (limits_config(&gw, &hc, &ic, &bad_var, err, sizeof(err))) {
		log_fatal("bad configuration", "variable", bad_var, "expected", err, NULL);
		rc = 2;
		goto out;
	}
	if (hc.hsts)
		static_add_header(gw.web, "Strict-Transport-Security",
				  "max-age=31536000; includeSubDomains");
	snprintf(portbuf, sizeof(portbuf), "%ld", port);
	if (req_server_init(&gw.http, &hc, err, sizeof(err))) {
		log_fatal("cannot listen", "address", addr, "port", portbuf, "error", err, NULL);
		goto out;
	}
	snprintf(portbuf, sizeof(portbuf), "%u", (unsigned)ntohs(ic.addr.sin_port));
	if (req_server_init(&gw.internal, &ic, err, sizeof(err))) {
		log_fatal("cannot listen", "address", "internal", "port", portbuf, "error", err,
			  NULL);
		goto out;
	}
	log_info("internal listener", "port", portbuf, "paths", "/healthz /readyz /metrics", NULL);
	snprintf(portbuf, sizeof(portbuf), "%ld", port);
	{
		char files[32], bytes[32];

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
	stop(&gw, grace_ms);
	rc = 0;
out:
	/* On an early exit nothing was forwarded yet: stopping the bridge ends
	 * whatever might be, before libmicrohttpd goes. */
	if (gw.bridge)
		bridge_stop(gw.bridge);
	req_server_release(&gw.internal);
	req_server_release(&gw.http);
	bridge_destroy(&gw.bridge);
	admit_destroy(&gw.admit);
	if (watching)
		healthwatch_release(&gw.redis_watch);
	metrics_destroy(&gw.metrics);
	rpool_destroy(&gw.rpool);
	pagecache_destroy(&gw.pages);
	oidc_destroy(&gw.oidc);
	static_destroy(&gw.web);
	zcurve_release(&curve);
	if (rc == 0)
		log_info("stopped", NULL);
	free(instance_buf);
	return rc;
}
