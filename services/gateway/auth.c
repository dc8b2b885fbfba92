/*
 * auth.c - see auth.h.  Nothing here logs a cookie, token, csrf or an
 * e-mail address.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auth.h"
#include "email.h"
#include "envelope.pb-c.h"
#include "gateway.h"
#include "guard.h"
#include "log.h"
#include "oidc.h"
#include "ratelimit.h"
#include "session.h"
#include "websec.h"
#include "xalloc.h"
#include "banned.h"

#define SIGNIN_WINDOW_S (15 * 60)

json_t *auth_session_doc(struct req *r, const char *csrf)
{
	json_t *doc = json_object(), *prov = json_array(), *acct = NULL;
	struct oidc *o = r->gw->oidc;

	for (size_t i = 0; o && i < oidc_count(o); i++) {
		const struct oidc_provider_config *pc = oidc_provider(o, i);

		json_array_append_new(prov, json_pack("{s:s, s:s}", "id", pc->key, "name",
						      pc->name ? pc->name : pc->key));
	}
	if (r->principal && r->principal->account_json)
		acct = json_loads(r->principal->account_json, 0, NULL);
	json_object_set_new(doc, "signed_in", json_boolean(r->principal != NULL));
	json_object_set_new(doc, "csrf", json_string(csrf));
	if (r->principal)
		json_object_set_new(doc, "account", acct ? acct : json_object());
	json_object_set_new(doc, "providers", prov);
	return doc;
}

unsigned auth_route_session(struct req *r, const char *url)
{
	const struct session_config *sc = &r->gw->sessions;
	char tok[WEBSEC_TOKEN_SIZE + 1];
	bool have = !websec_cookie_get(req_header(r, "Cookie"), sc->csrf_cookie, tok,
				       sizeof(tok)) &&
		    websec_token_ok(tok);

	(void)url;
	if (!have) {
		char *ck;

		websec_random_token(tok);
		ck = websec_set_cookie(sc->csrf_cookie, tok, "/", "Strict", false, sc->behind_tls,
				       -1);
		req_add_header(r, "Set-Cookie", ck);
		free(ck);
	}
	return req_reply_json(r, 200, auth_session_doc(r, r->principal ? r->principal->csrf : tok));
}

unsigned auth_begin_session(struct req *r, const Tarjotin__SessionInfo *info)
{
	const struct session_config *sc = &r->gw->sessions;
	struct req_principal p;
	char id[WEBSEC_TOKEN_SIZE], err[256], *ck;
	unsigned status = 0;
	redisContext *c = guard_redis(r, &status);

	if (!c)
		return status;
	if (r->principal && r->principal->hash[0] &&
	    session_end(c, r->principal->hash, r->principal->account_id))
		log_warn("cannot end the old session", "error", c->errstr, NULL);
	if (session_create(c, sc, info, id, &p, err, sizeof(err))) {
		guard_redis_done(r, &c);
		log_warn("cannot create a session", "error", err, NULL);
		return guard_unavailable(r);
	}
	guard_redis_done(r, &c);
	if (r->principal)
		free(r->principal->account_json);
	*req_principal_new(r) = p;
	ck = websec_set_cookie(sc->cookie, id, "/", "Lax", true, sc->behind_tls, -1);
	req_add_header(r, "Set-Cookie", ck);
	sodium_memzero(id, sizeof(id));
	free(ck);
	return 0;
}

/* --- e-mail links -------------------------------------------------------- */

static unsigned render_accepted(struct req *r)
{
	unsigned status = req_reply_rpc_failure(r);

	if (status)
		return status;
	return req_reply_json(r, 202, json_pack("{s:s}", "status", "accepted"));
}

/* Counts the request against both limits; 0 to go on, or the status queued. */
static unsigned throttle(struct req *r, const char *email)
{
	const struct gateway_identity *id = &r->gw->ident;
	char name[RATELIMIT_KEY_MAX], hash[65], ip[64], ra[24];
	unsigned status = 0;
	long retry = 0, retry2 = 0;
	int64_t now = (int64_t)time(NULL);
	redisContext *c = guard_redis(r, &status);
	int a, b;

	if (!c)
		return status;
	req_client_ip(r, ip, sizeof(ip));
	snprintf(name, sizeof(name), "signin:ip:%s", *ip ? ip : "unknown");
	a = ratelimit_hit(c, name, id->limit_ip, SIGNIN_WINDOW_S, now, &retry);
	websec_sha256_hex(email, strlen(email), hash);
	snprintf(name, sizeof(name), "signin:addr:%s", hash);
	b = a < 0 ? -1 : ratelimit_hit(c, name, id->limit_address, SIGNIN_WINDOW_S, now, &retry2);
	guard_redis_done(r, &c);
	if (a < 0 || b < 0)
		return guard_unavailable(r);
	if (!a && !b)
		return 0;
	if (retry2 > retry)
		retry = retry2;
	log_info("sign-in link throttled", "reason", a ? "ip" : "address", NULL);
	snprintf(ra, sizeof(ra), "%ld", retry);
	req_add_header(r, "Retry-After", ra);
	return req_reply_error(r, 429, "too_many_requests", NULL,
			       "too many sign-in requests, try again in %ld seconds", retry);
}

unsigned auth_route_email_link(struct req *r, const char *url)
{
	Tarjotin__LoginLinkRequest m = TARJOTIN__LOGIN_LINK_REQUEST__INIT;
	json_t *body = req_body_object(r), *jlang, *jret;
	const char *email, *lang = "fi", *ret = "";
	char addr[EMAIL_MAX_LEN + 1];
	unsigned status;
	size_t n;

	(void)url;
	if (!body)
		return req_reply_error(r, 400, "invalid_body", "body",
				       "the body must be a JSON object");
	email = json_string_value(json_object_get(body, "email"));
	jlang = json_object_get(body, "lang");
	jret = json_object_get(body, "return");
	if (!email || (n = strlen(email)) > EMAIL_MAX_LEN || email_valid(email, NULL, 0)) {
		status = req_reply_error(r, 400, "invalid_parameter", "email",
					 "email must be a valid e-mail address");
		goto out;
	}
	for (size_t i = 0; i <= n; i++)
		addr[i] = (char)tolower((unsigned char)email[i]);
	if (jlang && !json_is_null(jlang)) {
		lang = json_string_value(jlang);
		if (!lang || (strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en"))) {
			status = req_reply_error(r, 400, "invalid_parameter", "lang",
						 "lang must be \"fi\", \"sv\" or \"en\"");
			goto out;
		}
	}
	if (jret && !json_is_null(jret)) {
		ret = json_string_value(jret);
		if (!ret || !websec_return_ok(ret)) {
			status = req_reply_error(r, 400, "invalid_parameter", "return",
						 "return must be a local path starting with /");
			goto out;
		}
	}
	if ((status = throttle(r, addr)))
		goto out;
	m.email = addr;
	m.lang = (char *)lang;
	m.return_path = (char *)ret;
	status = req_forward(r, TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_REQUEST, &m.base, true, 0,
			     render_accepted);
out:
	json_decref(body);
	return status;
}

static unsigned render_link(struct req *r)
{
	Tarjotin__LoginLinkConsumed *m;
	unsigned status = req_reply_rpc_failure(r);
	json_t *doc;

	if (status) {
		log_info("sign-in by link refused", "reason",
			 r->call.reply && r->call.reply->error_code ? r->call.reply->error_code :
								      "directory",
			 NULL);
		return status;
	}
	m = tarjotin__login_link_consumed__unpack(NULL, r->call.reply->payload.len,
						  r->call.reply->payload.data);
	if (!m || !m->session)
		status = req_reply_error(r, 502, "internal", NULL,
					 "the directory sent a malformed reply");
	else if (!(status = auth_begin_session(r, m->session))) {
		doc = auth_session_doc(r, r->principal->csrf);
		json_object_set_new(doc, "return",
				    json_string(m->return_path && websec_return_ok(m->return_path) ?
							m->return_path :
							"/"));
		status = req_reply_json(r, 200, doc);
	}
	if (m)
		tarjotin__login_link_consumed__free_unpacked(m, NULL);
	return status;
}

unsigned auth_route_link(struct req *r, const char *url)
{
	Tarjotin__LoginLinkConsume m = TARJOTIN__LOGIN_LINK_CONSUME__INIT;
	json_t *body = req_body_object(r);
	const char *tok = body ? json_string_value(json_object_get(body, "token")) : NULL;
	unsigned status;

	(void)url;
	if (!websec_token_ok(tok)) {
		status = req_reply_error(r, 400, "link_invalid", "token",
					 "the link is not valid; ask for a new one");
		goto out;
	}
	m.token = (char *)tok;
	/* Single use: a resend would find it used, so no retries. */
	status = req_forward(r, TARJOTIN__MSG_TYPE__MSG_LOGIN_LINK_CONSUME, &m.base, false, 0,
			     render_link);
out:
	json_decref(body);
	return status;
}

/* --- signing out --------------------------------------------------------- */

static unsigned render_signed_out(struct req *r)
{
	if (r->call.outcome != BRIDGE_REPLIED ||
	    r->call.reply->status != TARJOTIN__STATUS__STATUS_OK)
		log_warn("sign-out not audited", "reason",
			 r->call.outcome == BRIDGE_REPLIED ? "directory refused" : "no answer",
			 NULL);
	return req_reply_empty(r, 204, NULL);
}

static unsigned sign_out(struct req *r, bool everywhere)
{
	Tarjotin__AuditEvent ev = TARJOTIN__AUDIT_EVENT__INIT;
	const struct session_config *sc = &r->gw->sessions;
	struct req_principal *p = r->principal;
	unsigned status = 0;
	redisContext *c = guard_redis(r, &status);
	char *ck;
	int rc;

	if (!c)
		return status;
	rc = everywhere ? session_end_account(c, p->account_id) :
			  session_end(c, p->hash, p->account_id);
	guard_redis_done(r, &c);
	if (rc)
		return guard_unavailable(r);
	ck = websec_set_cookie(sc->cookie, "", "/", "Lax", true, sc->behind_tls, 0);
	req_add_header(r, "Set-Cookie", ck);
	free(ck);
	ev.action = (char *)(everywhere ? "signout_everywhere" : "signout");
	ev.target_type = (char *)"account";
	ev.target_id = p->account_id;
	ev.detail_json.data = (uint8_t *)(uintptr_t) "{}";
	ev.detail_json.len = 2;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_AUDIT_WRITE, &ev.base, false, 0,
			   render_signed_out);
}

unsigned auth_route_signout(struct req *r, const char *url)
{
	(void)url;
	return sign_out(r, false);
}

unsigned auth_route_signout_everywhere(struct req *r, const char *url)
{
	(void)url;
	return sign_out(r, true);
}
