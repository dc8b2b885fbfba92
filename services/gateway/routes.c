/*
 * routes.c - see routes.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "auth.h"
#include "crroute.h"
#include "directory.pb-c.h"
#include "gateway.h"
#include "hsds.h"
#include "identity.h"
#include "messages.h"
#include "metrics.h"
#include "guard.h"
#include "oidcroute.h"
#include "pagecache.h"
#include "registry.h"
#include "routes.h"
#include "search.h"
#include "selfserv.h"
#include "smsin.h"
#include "static.h"
#include "usage.h"
#include "statsroute.h"
#include "surveyroute.h"
#include "banned.h"

static unsigned handle_static(struct req *r, const char *url);
static unsigned handle_withdraw_page(struct req *r, const char *url);
static unsigned handle_healthz(struct req *r, const char *url);
static unsigned handle_readyz(struct req *r, const char *url);
static unsigned handle_metrics(struct req *r, const char *url);
static unsigned handle_ping(struct req *r, const char *url);

/* Metric labels (and stats' route names): the ids the table carries. */
enum metric_id {
	M_HEALTHZ,
	M_READYZ,
	M_METRICS,
	M_PING,
	M_NOT_FOUND,
	M_STATIC,
	M_OPENAPI,
	M_HSDS,
	M_SEARCH,
	M_ACTIVITY,
	M_ORGANIZATION,
	M_TAXONOMIES,
	M_MUNICIPALITIES,
	M_MESSAGES,
	M_MESSAGE,
	M_DEAD_LETTERS,
	M_SMS_DLR,
	M_SESSION,
	M_AUTH_EMAIL_LINK,
	M_AUTH_LINK,
	M_AUTH_SIGNOUT,
	M_AUTH_SIGNOUT_EVERYWHERE,
	M_OIDC_START,
	M_OIDC_CALLBACK,
	M_ADMIN_USER_SITES,
	M_ADMIN_USER_SITE,
	M_ADMIN_ACCOUNTS,
	M_ADMIN_ACCOUNT,
	M_ADMIN_AUDIT,
	M_EDITORS,
	M_EDITOR,
	M_EDITOR_ORGS,
	M_EDITOR_ORG,
	M_EDITOR_ORG_ACTIVITIES,
	M_EDITOR_ORG_HISTORY,
	M_EDITOR_ACTIVITY,
	M_EDITOR_ACTIVITY_STATUS,
	M_EDITOR_ACTIVITY_CONFIRM,
	M_EDITOR_ACTIVITY_HISTORY,
	M_REGISTRATIONS,
	M_REVIEW_PEEK,
	M_REVIEW_CONFIRM,
	M_ADMIN_REGISTRATIONS,
	M_ADMIN_REGISTRATION_DECIDE,
	M_ADMIN_TAXONOMY,
	M_ADMIN_TAXONOMY_TERM,
	M_ADMIN_REVIEWS,
	M_CR_CONSENT,
	M_CR_SEND,
	M_CR_MINE,
	M_CR_MINE_GET,
	M_CR_INBOX,
	M_CR_OPEN,
	M_CR_STATUS,
	M_WITHDRAW_PEEK,
	M_WITHDRAW,
	M_SMS_INCOMING,
	M_STATS_REPORT,
	M_SURVEYS,
	M_SURVEY,
	M_SURVEY_SEND,
	M_SURVEY_CLOSE,
	M_SURVEY_PEEK,
	M_SURVEY_ANSWER,
	M_N
};

static const char *const metric_names[M_N + 1] = {
	[M_HEALTHZ] = "healthz",
	[M_READYZ] = "readyz",
	[M_METRICS] = "metrics",
	[M_PING] = "ping",
	[M_NOT_FOUND] = "not_found",
	[M_STATIC] = "static",
	[M_OPENAPI] = "openapi",
	[M_HSDS] = "hsds",
	[M_SEARCH] = "search",
	[M_ACTIVITY] = "activity",
	[M_ORGANIZATION] = "organization",
	[M_TAXONOMIES] = "taxonomies",
	[M_MUNICIPALITIES] = "municipalities",
	[M_MESSAGES] = "messages",
	[M_MESSAGE] = "message",
	[M_DEAD_LETTERS] = "dead_letters",
	[M_SMS_DLR] = "sms_dlr",
	[M_SESSION] = "session",
	[M_AUTH_EMAIL_LINK] = "auth_email_link",
	[M_AUTH_LINK] = "auth_link",
	[M_AUTH_SIGNOUT] = "auth_signout",
	[M_AUTH_SIGNOUT_EVERYWHERE] = "auth_signout_everywhere",
	[M_OIDC_START] = "oidc_start",
	[M_OIDC_CALLBACK] = "oidc_callback",
	[M_ADMIN_USER_SITES] = "admin_user_sites",
	[M_ADMIN_USER_SITE] = "admin_user_site",
	[M_ADMIN_ACCOUNTS] = "admin_accounts",
	[M_ADMIN_ACCOUNT] = "admin_account",
	[M_ADMIN_AUDIT] = "admin_audit",
	[M_EDITORS] = "editors",
	[M_EDITOR] = "editor",
	[M_EDITOR_ORGS] = "editor_organizations",
	[M_EDITOR_ORG] = "editor_organization",
	[M_EDITOR_ORG_ACTIVITIES] = "editor_organization_activities",
	[M_EDITOR_ORG_HISTORY] = "editor_organization_history",
	[M_EDITOR_ACTIVITY] = "editor_activity",
	[M_EDITOR_ACTIVITY_STATUS] = "editor_activity_status",
	[M_EDITOR_ACTIVITY_CONFIRM] = "editor_activity_confirm",
	[M_EDITOR_ACTIVITY_HISTORY] = "editor_activity_history",
	[M_REGISTRATIONS] = "registrations",
	[M_REVIEW_PEEK] = "review_peek",
	[M_REVIEW_CONFIRM] = "review_confirm",
	[M_ADMIN_REGISTRATIONS] = "admin_registrations",
	[M_ADMIN_REGISTRATION_DECIDE] = "admin_registration_decide",
	[M_ADMIN_TAXONOMY] = "admin_taxonomy",
	[M_ADMIN_TAXONOMY_TERM] = "admin_taxonomy_term",
	[M_ADMIN_REVIEWS] = "admin_reviews",
	[M_CR_CONSENT] = "cr_consent",
	[M_CR_SEND] = "cr_send",
	[M_CR_MINE] = "cr_mine",
	[M_CR_MINE_GET] = "cr_mine_get",
	[M_CR_INBOX] = "cr_inbox",
	[M_CR_OPEN] = "cr_open",
	[M_CR_STATUS] = "cr_status",
	[M_WITHDRAW_PEEK] = "withdraw_peek",
	[M_WITHDRAW] = "withdraw",
	[M_SMS_INCOMING] = "sms_incoming",
	[M_STATS_REPORT] = "stats_report",
	[M_SURVEYS] = "admin_surveys",
	[M_SURVEY] = "admin_survey",
	[M_SURVEY_SEND] = "admin_survey_send",
	[M_SURVEY_CLOSE] = "admin_survey_close",
	[M_SURVEY_PEEK] = "survey_peek",
	[M_SURVEY_ANSWER] = "survey_answer",
	[M_N] = NULL,
};

/* Order matters: the first match wins; prefixes after exact paths.  A route
 * is exact unless .prefix (and .suffix: the path's end); .usage reports it
 * to stats.  .auth: public routes never parse a cookie; SIGNED_IN answers
 * 401 without a session (the directory checks the role). */
#define SIGNED_IN .auth = REQ_AUTH_SIGNED_IN
#define OPTIONAL .auth = REQ_AUTH_OPTIONAL
static const struct route routes[] = {
	/* /readyz and /metrics are on the internal listener only (below). */
	{ "GET", "/healthz", .metric = M_HEALTHZ, .handle = handle_healthz },
	{ "GET", "/api/v1/ping", .metric = M_PING, .handle = handle_ping, .usage = true },
	/* The OpenAPI document of /api/v1, a static file: web/api/v1/openapi.json. */
	{ "GET", "/api/v1/openapi.json", .metric = M_OPENAPI, .handle = handle_static,
	  .usage = true },
	{ "GET", "/api/v1/activities", .metric = M_SEARCH, .handle = search_route_list,
	  .usage = true },
	{ "GET", "/api/v1/activities/", .prefix = true, .metric = M_ACTIVITY,
	  .handle = search_route_activity, .usage = true },
	/* Before the public organisation route: its editors are not public. */
	{ "GET", "/api/v1/organizations/", .prefix = true, .suffix = "/editors",
	  .metric = M_EDITORS, .handle = identity_route_editors_list, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/organizations/", .prefix = true, .suffix = "/editors",
	  .metric = M_EDITORS, .handle = identity_route_editors_add, .usage = true, SIGNED_IN },
	{ "DELETE", "/api/v1/organizations/", .prefix = true, .metric = M_EDITOR,
	  .handle = identity_route_editors_remove, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/organizations/", .prefix = true, .metric = M_ORGANIZATION,
	  .handle = search_route_organization, .usage = true },
	{ "GET", "/api/v1/taxonomies", .metric = M_TAXONOMIES, .handle = search_route_taxonomies,
	  .usage = true },
	{ "GET", "/api/v1/municipalities", .metric = M_MUNICIPALITIES,
	  .handle = search_route_municipalities, .usage = true },
	{ "POST", "/api/v1/admin/messages", .metric = M_MESSAGES, .handle = messages_route_send,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/messages", .metric = M_MESSAGES, .handle = messages_route_list,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/messages/", .prefix = true, .metric = M_MESSAGE,
	  .handle = messages_route_get, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/dead-letters", .metric = M_DEAD_LETTERS,
	  .handle = messages_route_dead_letters, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/dead-letters/", .prefix = true, .metric = M_DEAD_LETTERS,
	  .handle = messages_route_requeue, .usage = true, SIGNED_IN },
	/* Carries no cookies; authenticated by the provider's signature. */
	{ "POST", "/api/v1/sms/delivery-reports", .metric = M_SMS_DLR, .handle = messages_route_dlr,
	  .usage = true, .no_csrf = true },
	{ "POST", "/api/v1/sms/incoming", .metric = M_SMS_INCOMING, .handle = smsin_route,
	  .usage = true, .no_csrf = true },
	{ "GET", "/api/v1/session", .metric = M_SESSION, .handle = auth_route_session,
	  .usage = true, OPTIONAL },
	{ "POST", "/api/v1/auth/email-link", .metric = M_AUTH_EMAIL_LINK,
	  .handle = auth_route_email_link, .usage = true, OPTIONAL },
	{ "POST", "/api/v1/auth/link", .metric = M_AUTH_LINK, .handle = auth_route_link,
	  .usage = true, OPTIONAL },
	{ "POST", "/api/v1/auth/signout", .metric = M_AUTH_SIGNOUT, .handle = auth_route_signout,
	  .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/auth/signout-everywhere", .metric = M_AUTH_SIGNOUT_EVERYWHERE,
	  .handle = auth_route_signout_everywhere, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/user-sites", .metric = M_ADMIN_USER_SITES,
	  .handle = identity_route_user_sites_list, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/user-sites", .metric = M_ADMIN_USER_SITES,
	  .handle = identity_route_user_sites_create, .usage = true, SIGNED_IN },
	{ "PUT", "/api/v1/admin/user-sites/", .prefix = true, .metric = M_ADMIN_USER_SITE,
	  .handle = identity_route_user_sites_update, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/accounts", .metric = M_ADMIN_ACCOUNTS,
	  .handle = identity_route_accounts_list, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/accounts", .metric = M_ADMIN_ACCOUNTS,
	  .handle = identity_route_accounts_invite, .usage = true, SIGNED_IN },
	{ "PUT", "/api/v1/admin/accounts/", .prefix = true, .metric = M_ADMIN_ACCOUNT,
	  .handle = identity_route_accounts_update, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/audit", .metric = M_ADMIN_AUDIT, .handle = identity_route_audit,
	  .usage = true, SIGNED_IN },
	/* NGO self-service (docs/selfservice.md): the public POSTs read a
	 * session when there is one, so that a signed-in page's CSRF token
	 * is the session's (as /api/v1/auth/link). */
	{ "POST", "/api/v1/registrations", .metric = M_REGISTRATIONS,
	  .handle = registry_route_submit, .usage = true, OPTIONAL },
	{ "POST", "/api/v1/reviews/peek", .metric = M_REVIEW_PEEK,
	  .handle = registry_route_review_peek, .usage = true, OPTIONAL },
	{ "POST", "/api/v1/reviews/confirm", .metric = M_REVIEW_CONFIRM,
	  .handle = registry_route_review_confirm, .usage = true, OPTIONAL },
	{ "GET", "/api/v1/admin/registrations", .metric = M_ADMIN_REGISTRATIONS,
	  .handle = registry_route_list, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/registrations/", .prefix = true,
	  .metric = M_ADMIN_REGISTRATION_DECIDE, .handle = registry_route_decide, .usage = true,
	  SIGNED_IN },
	{ "GET", "/api/v1/admin/taxonomy", .metric = M_ADMIN_TAXONOMY,
	  .handle = registry_route_taxonomy_list, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/taxonomy", .metric = M_ADMIN_TAXONOMY,
	  .handle = registry_route_term_create, .usage = true, SIGNED_IN },
	{ "PUT", "/api/v1/admin/taxonomy/", .prefix = true, .metric = M_ADMIN_TAXONOMY_TERM,
	  .handle = registry_route_term_update, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/reviews", .metric = M_ADMIN_REVIEWS,
	  .handle = registry_route_reviews, .usage = true, SIGNED_IN },
	/* Contact requests (docs/contactrequests.md).  The withdraw link is
	 * public; its POSTs read a session as the review link's do. */
	{ "GET", "/api/v1/contact-requests/consent", .metric = M_CR_CONSENT,
	  .handle = crroute_consent, .usage = true },
	{ "POST", "/api/v1/contact-requests", .metric = M_CR_SEND, .handle = crroute_send,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/my/contact-requests", .metric = M_CR_MINE, .handle = crroute_mine,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/my/contact-requests/", .prefix = true, .metric = M_CR_MINE_GET,
	  .handle = crroute_mine_get, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/editor/organizations/", .prefix = true, .suffix = "/contact-requests",
	  .metric = M_CR_INBOX, .handle = crroute_inbox, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/editor/contact-requests/", .prefix = true, .suffix = "/status",
	  .metric = M_CR_STATUS, .handle = crroute_status, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/editor/contact-requests/", .prefix = true, .metric = M_CR_OPEN,
	  .handle = crroute_open, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/withdrawals/peek", .metric = M_WITHDRAW_PEEK,
	  .handle = crroute_withdraw_peek, .usage = true, OPTIONAL },
	{ "POST", "/api/v1/withdrawals", .metric = M_WITHDRAW, .handle = crroute_withdraw,
	  .usage = true, OPTIONAL },
	{ "GET", "/api/v1/editor/organizations", .metric = M_EDITOR_ORGS,
	  .handle = selfserv_route_orgs, .usage = true, SIGNED_IN },
	/* The sub-resources before the bare /{id} routes of the same prefix. */
	{ "GET", "/api/v1/editor/organizations/", .prefix = true, .suffix = "/activities",
	  .metric = M_EDITOR_ORG_ACTIVITIES, .handle = selfserv_route_org_activities, .usage = true,
	  SIGNED_IN },
	{ "POST", "/api/v1/editor/organizations/", .prefix = true, .suffix = "/activities",
	  .metric = M_EDITOR_ORG_ACTIVITIES, .handle = selfserv_route_activity_create,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/editor/organizations/", .prefix = true, .suffix = "/history",
	  .metric = M_EDITOR_ORG_HISTORY, .handle = selfserv_route_org_history, .usage = true,
	  SIGNED_IN },
	{ "GET", "/api/v1/editor/organizations/", .prefix = true, .metric = M_EDITOR_ORG,
	  .handle = selfserv_route_org_get, .usage = true, SIGNED_IN },
	{ "PUT", "/api/v1/editor/organizations/", .prefix = true, .metric = M_EDITOR_ORG,
	  .handle = selfserv_route_org_put, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/editor/activities/", .prefix = true, .suffix = "/status",
	  .metric = M_EDITOR_ACTIVITY_STATUS, .handle = selfserv_route_activity_status,
	  .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/editor/activities/", .prefix = true, .suffix = "/confirm",
	  .metric = M_EDITOR_ACTIVITY_CONFIRM, .handle = selfserv_route_activity_confirm,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/editor/activities/", .prefix = true, .suffix = "/history",
	  .metric = M_EDITOR_ACTIVITY_HISTORY, .handle = selfserv_route_activity_history,
	  .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/editor/activities/", .prefix = true, .metric = M_EDITOR_ACTIVITY,
	  .handle = selfserv_route_activity_get, .usage = true, SIGNED_IN },
	{ "PUT", "/api/v1/editor/activities/", .prefix = true, .metric = M_EDITOR_ACTIVITY,
	  .handle = selfserv_route_activity_put, .usage = true, SIGNED_IN },
	/* Statistics (docs/statistics.md): reports from stats, admin and
	 * funder; the follow-up survey, its answer link public as the review
	 * link's. */
	{ "GET", STATSROUTE_PREFIX, .prefix = true, .metric = M_STATS_REPORT,
	  .handle = statsroute_report, .usage = true, SIGNED_IN },
	{ "GET", "/api/v1/admin/surveys", .metric = M_SURVEYS, .handle = surveyroute_list,
	  .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/admin/surveys", .metric = M_SURVEYS, .handle = surveyroute_create,
	  .usage = true, SIGNED_IN },
	{ "POST", SURVEYROUTE_PREFIX, .prefix = true, .suffix = "/send", .metric = M_SURVEY_SEND,
	  .handle = surveyroute_send, .usage = true, SIGNED_IN },
	{ "POST", SURVEYROUTE_PREFIX, .prefix = true, .suffix = "/close", .metric = M_SURVEY_CLOSE,
	  .handle = surveyroute_close, .usage = true, SIGNED_IN },
	{ "GET", SURVEYROUTE_PREFIX, .prefix = true, .metric = M_SURVEY, .handle = surveyroute_get,
	  .usage = true, SIGNED_IN },
	{ "PUT", SURVEYROUTE_PREFIX, .prefix = true, .metric = M_SURVEY,
	  .handle = surveyroute_update, .usage = true, SIGNED_IN },
	{ "POST", "/api/v1/survey-answers/peek", .metric = M_SURVEY_PEEK,
	  .handle = surveyroute_peek, .usage = true, OPTIONAL },
	{ "POST", "/api/v1/survey-answers", .metric = M_SURVEY_ANSWER, .handle = surveyroute_answer,
	  .usage = true, OPTIONAL },
	/* A path no API route has is unknown (404) for every method, not 405
	 * because the web UI's GET catch-all below would match it. */
	{ "GET", "/api/", .prefix = true, .metric = M_NOT_FOUND, .handle = req_not_found,
	  .usage = true, .ends_search = true },
	/* Open data: every answer under /hsds, errors included, may be read by
	 * any site (HSDS's compliance rules). */
	/* OpenID Connect: the callback reads the session cookie (a sign-in
	 * ends the session it came with); the start needs none. */
	{ "GET", "/auth/oidc/callback", .metric = M_OIDC_CALLBACK, .handle = oidcroute_callback,
	  .usage = true, OPTIONAL },
	{ "GET", "/auth/oidc/", .prefix = true, .suffix = "/start", .metric = M_OIDC_START,
	  .handle = oidcroute_start, .usage = true },
	{ "GET", "/hsds", .metric = M_HSDS, .handle = hsds_route, .usage = true, .cors = true },
	{ "GET", "/hsds/", .prefix = true, .metric = M_HSDS, .handle = hsds_route, .usage = true,
	  .cors = true },
	/* The withdraw link's page: <public url>/w#<token> (w.html). */
	{ "GET", "/w", .metric = M_STATIC, .handle = handle_withdraw_page, .usage = true },
	{ "GET", "/", .prefix = true, .metric = M_STATIC, .handle = handle_static, .usage = true },
};

const struct req_routes routes_table = {
	.routes = routes,
	.n = sizeof(routes) / sizeof(routes[0]),
	.names = metric_names,
	.not_found = M_NOT_FOUND,
	.guard = guard_request,
	.finish = usage_emit,
	.admit = admit_request,
};

/* The internal listener's (TARJOTIN_INTERNAL_ADDR/PORT): probes and
 * Prometheus, no limits, no usage events. */
static const struct route internal_routes[] = {
	{ "GET", "/healthz", .metric = M_HEALTHZ, .handle = handle_healthz },
	{ "GET", "/readyz", .metric = M_READYZ, .handle = handle_readyz },
	{ "GET", "/metrics", .metric = M_METRICS, .handle = handle_metrics },
};

const struct req_routes routes_internal = {
	.routes = internal_routes,
	.n = sizeof(internal_routes) / sizeof(internal_routes[0]),
	.names = metric_names,
	.not_found = M_NOT_FOUND,
};

static unsigned handle_static(struct req *r, const char *url)
{
	size_t n = strlen(url);
	char *cookie = NULL;
	unsigned status;

	/* Stats count pages, not the scripts and styles each page loads. */
	r->page_view = !strcmp(url, "/") || (n > 5 && !strcmp(url + n - 5, ".html"));
	if (r->page_view && r->route->usage)
		cookie = usage_page_view(r, url);
	status = static_queue(r->gw->web, r->conn, url, cookie);
	free(cookie);
	if (!status)
		return req_not_found(r, url);
	r->state = REQ_ANSWERED;
	return status;
}

static unsigned handle_withdraw_page(struct req *r, const char *url)
{
	(void)url;
	return handle_static(r, "/w.html");
}

static unsigned handle_healthz(struct req *r, const char *url)
{
	(void)url;
	return req_reply_json(r, 200,
			      json_pack("{s:s, s:s}", "status", "ok", "instance", r->gw->instance));
}

static unsigned render_readyz(struct req *r)
{
	Tarjotin__HealthReply *h = NULL;
	bool dir_ok = false, pg_ok = false, redis_ok = healthwatch_ok(&r->gw->redis_watch);
	json_t *checks;
	unsigned status;

	if (r->call.outcome == BRIDGE_REPLIED &&
	    r->call.reply->status == TARJOTIN__STATUS__STATUS_OK) {
		h = tarjotin__health_reply__unpack(NULL, r->call.reply->payload.len,
						   r->call.reply->payload.data);
		dir_ok = h != NULL;
		pg_ok = h && h->postgresql;
		if (h) {
			struct metrics_directory_figures fig = {
				.expired_dropped = h->expired_dropped,
				.outbox_stream_ahead = h->outbox_stream_ahead,
				.workers = h->workers,
				.workers_busy = h->workers_busy,
			};

			metrics_directory_health(r->gw->metrics, h->instance, &fig);
		}
	}
	checks = json_pack("{s:s, s:s, s:s}", "directory", dir_ok ? "ok" : "down", "postgresql",
			   dir_ok ? (pg_ok ? "ok" : "down") : "unknown", "redis",
			   redis_ok ? "ok" : "down");
	status = dir_ok && pg_ok && redis_ok ? 200 : 503;
	if (h)
		tarjotin__health_reply__free_unpacked(h, NULL);
	return req_reply_json(r, status,
			      json_pack("{s:s, s:o}", "status",
					status == 200 ? "ok" : "unavailable", "checks", checks));
}

static unsigned handle_readyz(struct req *r, const char *url)
{
	Tarjotin__HealthRequest hr = TARJOTIN__HEALTH_REQUEST__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_HEALTH, &hr.base, true, 1000, render_readyz);
}

static unsigned handle_metrics(struct req *r, const char *url)
{
	struct bridge_stats bs;
	struct pagecache_stats ps;
	struct MHD_Response *resp;
	size_t len;
	char *text;

	(void)url;
	bridge_get_stats(r->gw->bridge, &bs);
	pagecache_get_stats(r->gw->pages, &ps);
	text = metrics_render(r->gw->metrics, &bs, r->gw->pages ? &ps : NULL,
			      bridge_pending(r->gw->bridge), &len);
	resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	MHD_add_response_header(resp, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	req_add_common_headers(r, resp);
	MHD_queue_response(r->conn, 200, resp);
	MHD_destroy_response(resp);
	r->state = REQ_ANSWERED;
	return 200;
}

static unsigned render_ping(struct req *r)
{
	Tarjotin__Pong *p;
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	p = tarjotin__pong__unpack(NULL, r->call.reply->payload.len, r->call.reply->payload.data);
	if (!p)
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed pong");
	status = req_reply_json(r, 200,
				json_pack("{s:b, s:s, s:i}", "pong", 1, "instance", p->instance,
					  "pid", p->pid));
	tarjotin__pong__free_unpacked(p, NULL);
	return status;
}

static unsigned handle_ping(struct req *r, const char *url)
{
	Tarjotin__Ping ping = TARJOTIN__PING__INIT;

	(void)url;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_PING, &ping.base, true, 0, render_ping);
}
