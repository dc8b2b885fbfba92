/*
 * routes.c - the routing table and the foundation's own routes: health,
 * readiness, metrics, ping and the web UI's files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "directory.pb-c.h"
#include "gateway.h"
#include "hsds.h"
#include "search.h"
#include "messages.h"
#include "metrics.h"
#include "static.h"
#include "xalloc.h"
#include "banned.h"

static unsigned handle_static(struct req *r, const char *url);
static unsigned handle_healthz(struct req *r, const char *url);
static unsigned handle_readyz(struct req *r, const char *url);
static unsigned handle_metrics(struct req *r, const char *url);
static unsigned handle_ping(struct req *r, const char *url);
static unsigned handle_not_found(struct req *r, const char *url);

/* Order matters: the first match wins; prefixes after exact paths. */
static const struct route routes[] = {
	{ "GET", "/healthz", false, "healthz", handle_healthz, false },
	{ "GET", "/readyz", false, "readyz", handle_readyz, false },
	{ "GET", "/metrics", false, "metrics", handle_metrics, false },
	{ "GET", "/api/v1/ping", false, "ping", handle_ping, true },
	/* The OpenAPI document of /api/v1, a static file: web/api/v1/openapi.json. */
	{ "GET", "/api/v1/openapi.json", false, "openapi", handle_static, true },
	{ "GET", "/api/v1/activities", false, "search", search_route_list, true },
	{ "GET", "/api/v1/activities/", true, "activity", search_route_activity, true },
	{ "GET", "/api/v1/organizations/", true, "organization", search_route_organization, true },
	{ "GET", "/api/v1/taxonomies", false, "taxonomies", search_route_taxonomies, true },
	{ "GET", "/api/v1/municipalities", false, "municipalities", search_route_municipalities,
	  true },
	{ "POST", "/api/v1/admin/messages", false, "messages", messages_route_send, true },
	{ "GET", "/api/v1/admin/messages", false, "messages", messages_route_list, true },
	{ "GET", "/api/v1/admin/messages/", true, "message", messages_route_get, true },
	{ "GET", "/api/v1/admin/dead-letters", false, "dead_letters", messages_route_dead_letters,
	  true },
	{ "POST", "/api/v1/admin/dead-letters/", true, "dead_letters", messages_route_requeue,
	  true },
	{ "POST", "/api/v1/sms/delivery-reports", false, "sms_dlr", messages_route_dlr, true },
	{ "GET", "/api/", true, "not_found", handle_not_found, true },
	{ "GET", "/hsds", false, "hsds", hsds_route, true },
	{ "GET", "/hsds/", true, "hsds", hsds_route, true },
	{ "GET", "/", true, "static", handle_static, true },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Metric labels, indexed by routes_index(); distinct names only. */
const char *const gw_route_names[] = { "healthz", "readyz", "metrics", "ping", "not_found",
				       "static", "openapi", "hsds", "search", "activity",
				       "organization", "taxonomies", "municipalities", "messages", "message",
				       "dead_letters", "sms_dlr", NULL };

static const struct route not_found_route = { "GET", "", false, "not_found", handle_not_found,
					      true };

unsigned routes_index(const struct route *rt)
{
	for (unsigned i = 0; gw_route_names[i]; i++)
		if (!strcmp(gw_route_names[i], rt->name))
			return i;
	return 0;
}

const struct route *routes_not_found(void)
{
	return &not_found_route;
}

const struct route *routes_match(const char *method, const char *url, bool *method_mismatch)
{
	*method_mismatch = false;
	for (size_t i = 0; i < NROUTES; i++) {
		const struct route *rt = &routes[i];
		bool hit = rt->prefix ? !strncmp(url, rt->path, strlen(rt->path)) :
					!strcmp(url, rt->path);

		if (!hit)
			continue;
		if (!strcmp(method, rt->method))
			return rt;
		/* The /api/ catch-all ends the search: a path no API route
		 * has is unknown (404) for every method, not 405 because the
		 * web UI's GET catch-all below would match it. */
		if (rt->handle == handle_not_found)
			break;
		*method_mismatch = true;
	}
	return NULL;
}

static unsigned handle_not_found(struct req *r, const char *url)
{
	return reply_error(r, 404, "not_found", NULL, "no such resource: %s", url);
}

static unsigned handle_static(struct req *r, const char *url)
{
	unsigned status = static_queue(r->gw->web, r->conn, url);
	size_t n = strlen(url);

	if (!status)
		return handle_not_found(r, url);
	r->state = REQ_ANSWERED;
	/* Stats count pages, not the scripts and styles each page loads. */
	r->page_view = !strcmp(url, "/") || (n > 5 && !strcmp(url + n - 5, ".html"));
	return status;
}

static unsigned handle_healthz(struct req *r, const char *url)
{
	(void)url;
	return reply_json(r, 200, json_pack("{s:s, s:s}", "status", "ok", "instance",
					    r->gw->instance));
}

static unsigned render_readyz(struct req *r)
{
	Tarjotin__HealthReply *h = NULL;
	bool dir_ok = false, pg_ok = false, redis_ok = atomic_load(&r->gw->redis_ok);
	json_t *checks;
	unsigned status;

	if (r->call.outcome == BRIDGE_REPLIED &&
	    r->call.reply->status == TARJOTIN__STATUS__STATUS_OK) {
		h = tarjotin__health_reply__unpack(NULL, r->call.reply->payload.len,
						   r->call.reply->payload.data);
		dir_ok = h != NULL;
		pg_ok = h && h->postgresql;
	}
	checks = json_pack("{s:s, s:s, s:s}", "directory", dir_ok ? "ok" : "down",
			   "postgresql", dir_ok ? (pg_ok ? "ok" : "down") : "unknown", "redis",
			   redis_ok ? "ok" : "down");
	status = dir_ok && pg_ok && redis_ok ? 200 : 503;
	if (h)
		tarjotin__health_reply__free_unpacked(h, NULL);
	return reply_json(r, status, json_pack("{s:s, s:o}", "status",
					       status == 200 ? "ok" : "unavailable",
					       "checks", checks));
}

static unsigned handle_readyz(struct req *r, const char *url)
{
	Tarjotin__HealthRequest hr = TARJOTIN__HEALTH_REQUEST__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_HEALTH, &hr.base, true, 1000,
			   render_readyz);
}

static unsigned handle_metrics(struct req *r, const char *url)
{
	struct bridge_stats bs;
	struct MHD_Response *resp;
	size_t len;
	char *text;

	(void)url;
	bridge_get_stats(r->gw->bridge, &bs);
	text = metrics_render(r->gw->metrics, &bs, bridge_pending(r->gw->bridge), &len);
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->state = REQ_ANSWERED;
	return 200;
}

static unsigned render_ping(struct req *r)
{
	Tarjotin__Pong *p;
	unsigned status = reply_rpc_failure(r);

	if (status)
		return status;
	p = tarjotin__pong__unpack(NULL, r->call.reply->payload.len, r->call.reply->payload.data);
	if (!p)
		return reply_error(r, 502, "internal", NULL, "the directory sent a malformed pong");
	status = reply_json(r, 200, json_pack("{s:b, s:s, s:i}", "pong", 1, "instance",
					      p->instance, "pid", p->pid));
	tarjotin__pong__free_unpacked(p, NULL);
	return status;
}

static unsigned handle_ping(struct req *r, const char *url)
{
	Tarjotin__Ping ping = TARJOTIN__PING__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_PING, &ping.base, true, 0, render_ping);
}
