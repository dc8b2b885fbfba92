/*
 * guard.c - see guard.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway.h"
#include "guard.h"
#include "log.h"
#include "session.h"
#include "uuid.h"
#include "websec.h"
#include "banned.h"

unsigned guard_unavailable(struct req *r)
{
	return req_reply_error(r, 503, "unavailable", NULL,
			       "the session store is not available, try again");
}

redisContext *guard_redis(struct req *r, unsigned *status)
{
	char err[256];
	redisContext *c = rpool_acquire(r->gw->rpool, GUARD_REDIS_WAIT_MS, err, sizeof(err));

	if (!c) {
		log_warn("redis unavailable", "error", err, NULL);
		*status = guard_unavailable(r);
	}
	return c;
}

void guard_redis_done(struct req *r, redisContext **cp)
{
	rpool_release(r->gw->rpool, cp);
}

void guard_end_sessions(struct req *r, char *const *ids, size_t n)
{
	redisContext *c;

	if (!n)
		return;
	if (!(c = rpool_acquire(r->gw->rpool, GUARD_REDIS_WAIT_MS, NULL, 0))) {
		log_warn("sessions not ended", "reason", "redis unavailable", NULL);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (uuid_valid(ids[i]) && session_end_account(c, ids[i])) {
			log_warn("sessions not ended", "account", ids[i], NULL);
			break;
		}
	guard_redis_done(r, &c);
}

/* Looks the cookie's session up: 0 (found or not), or the 503 queued. */
static unsigned lookup_session(struct req *r, const char *cookies)
{
	struct req_principal p;
	char id[WEBSEC_TOKEN_SIZE + 1], err[256];
	redisContext *c;
	unsigned status = 0;
	int n;

	if (websec_cookie_get(cookies, r->gw->sessions.cookie, id, sizeof(id)) ||
	    !websec_token_ok(id))
		return 0;
	if (!(c = guard_redis(r, &status)))
		return status;
	n = session_lookup(c, &r->gw->sessions, id, &p, err, sizeof(err));
	guard_redis_done(r, &c);
	if (n < 0) {
		log_warn("session lookup failed", "error", err, NULL);
		return guard_unavailable(r);
	}
	if (n == 1)
		*req_principal_new(r) = p; /* takes p.account_json */
	return 0;
}

void guard_peek_site(struct req *r, char *site, size_t sitelen)
{
	struct req_principal p;
	char id[WEBSEC_TOKEN_SIZE + 1], err[256];
	redisContext *c;

	site[0] = '\0';
	if (r->principal) {
		snprintf(site, sitelen, "%s", r->principal->user_site_id);
		return;
	}
	if (websec_cookie_get(req_header(r, "Cookie"), r->gw->sessions.cookie, id, sizeof(id)) ||
	    !websec_token_ok(id))
		return;
	if (!(c = rpool_acquire(r->gw->rpool, GUARD_REDIS_WAIT_MS, err, sizeof(err))))
		return;
	if (session_lookup(c, &r->gw->sessions, id, &p, err, sizeof(err)) == 1) {
		if (p.role == TARJOTIN__ROLE__ROLE_PROFESSIONAL)
			snprintf(site, sitelen, "%s", p.user_site_id);
		free(p.account_json);
	}
	guard_redis_done(r, &c);
}

/* The CSRF rule: 0, or the 403 queued. */
static unsigned check_csrf(struct req *r, const char *cookies)
{
	char anon[WEBSEC_TOKEN_SIZE + 1];
	const char *want;

	if (r->principal)
		want = r->principal->csrf;
	else if (!websec_cookie_get(cookies, r->gw->sessions.csrf_cookie, anon, sizeof(anon)) &&
		 websec_token_ok(anon))
		want = anon;
	else
		want = NULL;
	if (!websec_csrf_ok(req_header(r, "X-CSRF-Token"), want))
		return req_reply_error(r, 403, "csrf", "X-CSRF-Token",
				       "the request's CSRF token is missing or wrong");
	return 0;
}

unsigned guard_request(struct req *r, const char *method)
{
	const struct gateway *gw = r->gw;
	bool changes = strcmp(method, "GET") && strcmp(method, "HEAD") &&
		       strcmp(method, "OPTIONS") && !r->route->no_csrf;
	const char *cookies;
	unsigned status;

	if (changes && !websec_origin_ok(req_header(r, "Origin"), req_header(r, "Sec-Fetch-Site"),
					 gw->ident.origin))
		return req_reply_error(r, 403, "forbidden_origin", NULL,
				       "requests from another site are refused");
	if (r->route->auth == REQ_AUTH_PUBLIC && !changes)
		return 0;
	cookies = req_header(r, "Cookie");
	if (r->route->auth != REQ_AUTH_PUBLIC && (status = lookup_session(r, cookies)))
		return status;
	/* CSRF before the 401: a forged request learns nothing, not even
	 * whether its victim was signed in. */
	if (changes && (status = check_csrf(r, cookies)))
		return status;
	if (r->route->auth == REQ_AUTH_SIGNED_IN && !r->principal)
		return req_reply_error(r, 401, "unauthorized", NULL, "sign in first");
	return 0;
}
