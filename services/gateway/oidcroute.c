/*
 * oidcroute.c - see oidcroute.h.  No state, code, token or e-mail address
 * reaches a log line: failures are logged with their reason only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "envelope.pb-c.h"
#include "gateway.h"
#include "guard.h"
#include "log.h"
#include "oidc.h"
#include "oidcroute.h"
#include "websec.h"
#include "xalloc.h"
#include "banned.h"

#define COOKIE "tj_oidc"
#define COOKIE_PATH "/auth/oidc"
#define START_PREFIX "/auth/oidc/"

/* What the callback keeps between its handler and its render. */
struct callback_state {
	char provider[OIDC_KEY_MAX + 1];
	char ret[WEBSEC_RETURN_MAX + 1];
	const char *fail_code; /* a literal: where a refusal sends the browser */
};

static void set_state_cookie(struct req *r, const char *value, long max_age)
{
	char *ck = websec_set_cookie(COOKIE, value, COOKIE_PATH, "Lax", true,
				     r->gw->sessions.behind_tls, max_age);

	req_add_header(r, "Set-Cookie", ck);
	free(ck);
}

static unsigned redirect_error(struct req *r, const char *code)
{
	char loc[96];

	snprintf(loc, sizeof(loc), "/signin.html?error=%s", code);
	return req_reply_empty(r, 303, loc);
}

static bool key_ok(const char *k, size_t n)
{
	if (n == 0 || n > OIDC_KEY_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
			return false;
	return true;
}

unsigned oidcroute_start(struct req *r, const char *url)
{
	const char *p = url + strlen(START_PREFIX), *ret = req_arg(r, "return");
	size_t n = strlen(p) >= strlen("/start") ? strlen(p) - strlen("/start") : 0;
	char key[OIDC_KEY_MAX + 1], hash[65], rkey[96], err[256];
	struct oidc_begin b = { 0 };
	unsigned status = 0;
	redisContext *c;
	redisReply *h = NULL, *e = NULL;
	int ok;

	if (!key_ok(p, n))
		return req_not_found(r, url);
	memcpy(key, p, n);
	key[n] = '\0';
	if (!r->gw->oidc || !oidc_find(r->gw->oidc, key))
		return req_not_found(r, url);
	if (!ret || !*ret)
		ret = "/";
	if (!websec_return_ok(ret))
		return req_reply_error(r, 400, "invalid_parameter", "return",
				       "return must be a local path starting with /");
	if (oidc_begin(r->gw->oidc, key, &b, err, sizeof(err))) {
		log_warn("oidc sign-in not started", "provider", key, "reason", err, NULL);
		return redirect_error(r, "oidc_failed");
	}
	if (!(c = guard_redis(r, &status)))
		goto out;
	websec_sha256_hex(b.state, strlen(b.state), hash);
	snprintf(rkey, sizeof(rkey), "tj:oidc:%s", hash);
	redisAppendCommand(c, "HSET %s provider %s verifier %s nonce %s return %s", rkey, key,
			   b.verifier, b.nonce, ret);
	redisAppendCommand(c, "EXPIRE %s %d", rkey, OIDCROUTE_STATE_TTL_S);
	ok = redisGetReply(c, (void **)&h) == REDIS_OK &&
	     redisGetReply(c, (void **)&e) == REDIS_OK && h && h->type == REDIS_REPLY_INTEGER &&
	     e && e->type == REDIS_REPLY_INTEGER;
	if (h)
		freeReplyObject(h);
	if (e)
		freeReplyObject(e);
	if (!ok && !c->err)
		c->err = REDIS_ERR_OTHER;
	guard_redis_done(r, &c);
	if (!ok) {
		status = guard_unavailable(r);
		goto out;
	}
	set_state_cookie(r, b.state, OIDCROUTE_STATE_TTL_S);
	status = req_reply_empty(r, 302, b.url);
out:
	oidc_begin_release(&b);
	sodium_memzero(&b, sizeof(b));
	return status;
}

/* --- the callback -------------------------------------------------------- */

static unsigned render_failed(struct req *r)
{
	const struct callback_state *cs = r->scratch;

	return redirect_error(r, cs->fail_code);
}

/* Audits a refused sign-in (MSG_AUTH_FAILED), then 303 to the sign-in page
 * with 'code' (one of ours, a literal). */
static unsigned fail(struct req *r, const char *provider, const char *reason, const char *code)
{
	Tarjotin__SignInFailure m = TARJOTIN__SIGN_IN_FAILURE__INIT;

	struct callback_state *cs = r->scratch;

	log_info("oidc sign-in refused", "provider", provider, "reason", reason, NULL);
	cs->fail_code = code;
	m.method = (char *)"oidc";
	m.provider = (char *)provider;
	m.email = (char *)"";
	m.reason = (char *)reason;
	return req_forward(r, TARJOTIN__MSG_TYPE__MSG_AUTH_FAILED, &m.base, true, 0, render_failed);
}

static unsigned render_signin(struct req *r)
{
	struct callback_state *cs = r->scratch;
	Tarjotin__Envelope *env = r->call.reply;
	Tarjotin__SessionInfo *si;
	unsigned status;

	if (r->call.outcome != BRIDGE_REPLIED || env->status != TARJOTIN__STATUS__STATUS_OK) {
		const char *code = "oidc_failed";

		if (r->call.outcome == BRIDGE_REPLIED && env->error_code &&
		    (!strcmp(env->error_code, "no_user_site") ||
		     !strcmp(env->error_code, "account_disabled") ||
		     !strcmp(env->error_code, "role_mismatch")))
			code = env->error_code;
		/* The directory audited its own refusal. */
		log_info("oidc sign-in refused", "provider", cs->provider, "reason", code, NULL);
		return redirect_error(r, code);
	}
	si = tarjotin__session_info__unpack(NULL, env->payload.len, env->payload.data);
	if (!si)
		return redirect_error(r, "oidc_failed");
	status = auth_begin_session(r, si);
	tarjotin__session_info__free_unpacked(si, NULL);
	return status ? status : req_reply_empty(r, 303, cs->ret);
}

/* Takes the state record (once: whoever deletes it owns it).  Returns 1
 * with its fields copied, 0 when there is none, -1 when Redis failed. */
static int take_state(redisContext *c, const char *state, char *provider, char *verifier,
		      char *nonce, char *ret)
{
	char hash[65], rkey[96];
	redisReply *h = NULL, *d = NULL;
	const char *want[] = { "provider", "verifier", "nonce", "return" };
	char *dst[] = { provider, verifier, nonce, ret };
	size_t cap[] = { OIDC_KEY_MAX + 1, 44, 44, WEBSEC_RETURN_MAX + 1 };
	int rc = -1, found = 0;

	websec_sha256_hex(state, strlen(state), hash);
	snprintf(rkey, sizeof(rkey), "tj:oidc:%s", hash);
	redisAppendCommand(c, "HGETALL %s", rkey);
	redisAppendCommand(c, "DEL %s", rkey);
	if (redisGetReply(c, (void **)&h) != REDIS_OK ||
	    redisGetReply(c, (void **)&d) != REDIS_OK || !h || h->type != REDIS_REPLY_ARRAY || !d ||
	    d->type != REDIS_REPLY_INTEGER) {
		if (!c->err)
			c->err = REDIS_ERR_OTHER;
		goto out;
	}
	rc = 0;
	if (d->integer != 1)
		goto out;
	for (size_t i = 0; i + 1 < h->elements; i += 2)
		for (int k = 0; k < 4; k++)
			if (h->element[i]->type == REDIS_REPLY_STRING &&
			    h->element[i + 1]->type == REDIS_REPLY_STRING &&
			    !strcmp(h->element[i]->str, want[k]) &&
			    h->element[i + 1]->len < cap[k]) {
				memcpy(dst[k], h->element[i + 1]->str, h->element[i + 1]->len + 1);
				found |= 1 << k;
			}
	rc = found == 0xf ? 1 : 0;
out:
	if (h)
		freeReplyObject(h);
	if (d)
		freeReplyObject(d);
	return rc;
}

unsigned oidcroute_callback(struct req *r, const char *url)
{
	Tarjotin__SignInRequest m = TARJOTIN__SIGN_IN_REQUEST__INIT;
	const char *state = req_arg(r, "state"), *code = req_arg(r, "code");
	char cookie[WEBSEC_TOKEN_SIZE + 1], verifier[44], nonce[44], err[256];
	struct callback_state *cs = xcalloc(1, sizeof(*cs));
	struct oidc_identity id = { 0 };
	unsigned status = 0;
	redisContext *c;
	int got;

	(void)url;
	r->scratch = cs;
	set_state_cookie(r, "", 0); /* used up, whatever happens */
	if (!state || !websec_token_ok(state) ||
	    websec_cookie_get(req_header(r, "Cookie"), COOKIE, cookie, sizeof(cookie)) ||
	    !websec_csrf_ok(state, cookie))
		return fail(r, "", "state does not match the cookie", "state");
	if (!(c = guard_redis(r, &status)))
		return status;
	got = take_state(c, state, cs->provider, verifier, nonce, cs->ret);
	guard_redis_done(r, &c);
	if (got < 0)
		return guard_unavailable(r);
	if (got == 0)
		return fail(r, "", "state unknown, used or expired", "state");
	if (req_arg(r, "error"))
		return fail(r, cs->provider, "the provider refused", "oidc_failed");
	if (!code || !*code || strlen(code) > 2048)
		return fail(r, cs->provider, "no authorization code", "oidc_failed");
	if (oidc_finish(r->gw->oidc, cs->provider, code, verifier, nonce, &id, err, sizeof(err))) {
		char reason[300];

		snprintf(reason, sizeof(reason), "id token: %s", err);
		return fail(r, cs->provider, reason, "oidc_failed");
	}
	m.method = (char *)"oidc";
	m.provider = cs->provider;
	m.issuer = id.issuer;
	m.subject = id.subject;
	m.email = id.email;
	m.name = id.name ? id.name : (char *)"";
	m.n_groups = id.n_groups;
	m.groups = id.groups;
	status = req_forward(r, TARJOTIN__MSG_TYPE__MSG_AUTH_SIGNIN, &m.base, false, 0,
			     render_signin);
	oidc_identity_release(&id);
	return status;
}
