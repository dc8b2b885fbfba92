/*
 * oidc.c - the OpenID Connect relying party (oidc.h): the per-provider
 * cache of discovery and keys, the authorization request, the token
 * exchange and the ID token's signature.  The providers' configuration is
 * in oidc_config.c, HTTP in oidc_http.c, the key set in oidc_jwks.c, the
 * claim checks in oidc_claims.c.
 */
#include "oidc.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <cjose/header.h>
#include <cjose/jws.h>
#include <curl/curl.h>
#include <jansson.h>
#include <sodium.h>

#include "banned.h"
#include "clock.h"
#include "errmsg.h"
#include "log.h"
#include "oidc_claims.h"
#include "oidc_config.h"
#include "oidc_http.h"
#include "oidc_jwks.h"
#include "strbuf.h"
#include "xalloc.h"

#define DOC_MAX (64 * 1024)   /* discovery, JWKS and token responses */
#define TOKEN_MAX (16 * 1024) /* an ID token */
#define REFETCH_US 1000000    /* at most one JWKS re-fetch a second */
#define CODE_MAX 512          /* an authorization code */

struct provider {
	const struct oidc_provider_config *cfg; /* in struct oidc's cfg */
	const char *key;
	pthread_mutex_t mu;
	/* Under mu: the discovery document's endpoints (set once, then
	 * kept), the key set and when it was last re-fetched. */
	char *authorization_endpoint;
	char *token_endpoint;
	char *jwks_uri;
	struct oidc_jwks *jwks;
	int64_t refetch_us;
	int fetching;           /* a thread fetches the JWKS now */
	pthread_cond_t fetched; /* signalled when it is done */
};

struct oidc {
	struct oidc_config cfg;
	char *redirect_uri;
	int timeout_ms;
	int curl_inited;
	size_t n; /* providers whose mutex is initialised */
	struct provider p[OIDC_MAX_PROVIDERS];
};

struct oidc *oidc_new(const char *redirect_uri, int timeout_ms, const char **bad_var, char *err,
		      size_t errlen)
{
	struct oidc *o = xcalloc(1, sizeof *o);

	if (oidc_config_load(&o->cfg, redirect_uri, bad_var, err, errlen) < 0) {
		free(o);
		return NULL;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		errmsg(err, errlen, "library init failed");
		goto fail;
	}
	o->curl_inited = 1;
	for (; o->n < o->cfg.n; o->n++) {
		struct provider *p = &o->p[o->n];
		if (pthread_mutex_init(&p->mu, NULL) != 0) {
			errmsg(err, errlen, "pthread_mutex_init failed");
			goto fail;
		}
		if (pthread_cond_init(&p->fetched, NULL) != 0) {
			pthread_mutex_destroy(&p->mu);
			errmsg(err, errlen, "pthread_cond_init failed");
			goto fail;
		}
		p->cfg = &o->cfg.p[o->n];
		p->key = p->cfg->key;
	}
	o->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	o->redirect_uri = xstrdup(redirect_uri ? redirect_uri : "");
	return o;
fail:
	if (bad_var)
		*bad_var = "TARJOTIN_OIDC_PROVIDERS";
	oidc_destroy(&o);
	return NULL;
}

void oidc_destroy(struct oidc **op)
{
	struct oidc *o = *op;

	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		struct provider *p = &o->p[i];
		free(p->authorization_endpoint);
		free(p->token_endpoint);
		free(p->jwks_uri);
		oidc_jwks_destroy(&p->jwks);
		pthread_cond_destroy(&p->fetched);
		pthread_mutex_destroy(&p->mu);
	}
	oidc_config_release(&o->cfg);
	free(o->redirect_uri);
	if (o->curl_inited)
		curl_global_cleanup();
	free(o);
	*op = NULL;
}

size_t oidc_count(const struct oidc *o)
{
	return o ? o->n : 0;
}

const struct oidc_provider_config *oidc_provider(const struct oidc *o, size_t i)
{
	return o && i < o->n ? o->p[i].cfg : NULL;
}

static struct provider *find(struct oidc *o, const char *key)
{
	for (size_t i = 0; o && key && i < o->n; i++) {
		if (strcmp(o->p[i].key, key) == 0)
			return &o->p[i];
	}
	return NULL;
}

const struct oidc_provider_config *oidc_find(const struct oidc *o, const char *key)
{
	struct provider *p = find((struct oidc *)o, key);
	return p ? p->cfg : NULL;
}

/* --- discovery and keys ------------------------------------------------- */

static char *endpoint(json_t *doc, const char *name)
{
	json_t *v = json_object_get(doc, name);

	if (!json_is_string(v) || !oidc_config_url_valid(json_string_value(v), 1))
		return NULL;
	return xstrdup(json_string_value(v));
}

/* Fetches the discovery document unless it is cached.  Returns 0 when the
 * endpoints are known, -1 with a reason. */
static int discover(struct oidc *o, struct provider *p, char *err, size_t errlen)
{
	struct oidc_http_reply r = { 0 };
	json_t *doc = NULL, *iss;
	char *url = NULL, *a = NULL, *t = NULL, *j = NULL;
	size_t ilen = strlen(p->cfg->issuer);
	int have, ret = -1;
	char why[160];

	pthread_mutex_lock(&p->mu);
	have = p->jwks_uri != NULL;
	pthread_mutex_unlock(&p->mu);
	if (have)
		return 0;
	/* OpenID Connect Discovery 4: the issuer without its trailing slash. */
	if (ilen && p->cfg->issuer[ilen - 1] == '/')
		ilen--;
	url = xasprintf("%.*s/.well-known/openid-configuration", (int)ilen, p->cfg->issuer);
	if (oidc_http_get(url, o->timeout_ms, DOC_MAX, &r, why, sizeof why) < 0) {
		errmsg(err, errlen, "discovery failed: %s", why);
		goto out;
	}
	if (r.status != 200) {
		errmsg(err, errlen, "discovery failed: status %ld", r.status);
		goto out;
	}
	doc = json_loadb(r.body, r.len, 0, NULL);
	iss = json_object_get(doc, "issuer");
	if (!json_is_string(iss) || strcmp(json_string_value(iss), p->cfg->issuer) != 0) {
		errmsg(err, errlen, "discovery failed: issuer differs");
		goto out;
	}
	a = endpoint(doc, "authorization_endpoint");
	t = endpoint(doc, "token_endpoint");
	j = endpoint(doc, "jwks_uri");
	if (!a || !t || !j) {
		errmsg(err, errlen, "discovery failed: an endpoint is missing");
		goto out;
	}
	pthread_mutex_lock(&p->mu);
	if (!p->jwks_uri) { /* another thread may have been first */
		p->authorization_endpoint = a;
		p->token_endpoint = t;
		p->jwks_uri = j;
		a = t = j = NULL;
	}
	pthread_mutex_unlock(&p->mu);
	log_info("oidc discovered", "provider", p->key, NULL);
	ret = 0;
out:
	free(a);
	free(t);
	free(j);
	json_decref(doc);
	oidc_http_reply_release(&r);
	free(url);
	return ret;
}

/* A copy of one of the cached endpoints (discover first). */
static char *cached(struct provider *p, char *const *field)
{
	char *s;

	pthread_mutex_lock(&p->mu);
	s = *field ? xstrdup(*field) : NULL;
	pthread_mutex_unlock(&p->mu);
	return s;
}

static struct oidc_jwks *fetch_jwks(struct oidc *o, struct provider *p, char *err, size_t errlen)
{
	struct oidc_http_reply r = { 0 };
	struct oidc_jwks *j = NULL;
	char *url = cached(p, &p->jwks_uri);
	char why[160], n[24];

	if (!url) {
		errmsg(err, errlen, "jwks: no discovery");
		goto out;
	}
	if (oidc_http_get(url, o->timeout_ms, DOC_MAX, &r, why, sizeof why) < 0) {
		errmsg(err, errlen, "jwks failed: %s", why);
		goto out;
	}
	if (r.status != 200) {
		errmsg(err, errlen, "jwks failed: status %ld", r.status);
		goto out;
	}
	j = oidc_jwks_parse(r.body, r.len, why, sizeof why);
	if (!j) {
		errmsg(err, errlen, "jwks failed: %s", why);
		goto out;
	}
	snprintf(n, sizeof n, "%zu", oidc_jwks_count(j));
	log_info("oidc jwks fetched", "provider", p->key, "keys", n, NULL);
out:
	oidc_http_reply_release(&r);
	free(url);
	return j;
}

/*
 * The key for (alg, kid), retained: from the cached set, else from a newly
 * fetched one (the first fetch, or one re-fetch a second for a kid the
 * cached set lacks, so that a rotated key is picked up).  While one thread
 * fetches, the others that need a key wait for its set (at most the HTTP
 * timeout) rather than fail, so that sign-ins at the moment of a rotation
 * all succeed.
 */
static cjose_jwk_t *signing_key(struct oidc *o, struct provider *p, const char *alg,
				const char *kid, char *err, size_t errlen)
{
	struct oidc_jwks *fresh;
	cjose_jwk_t *k;
	int fetch = 0, waited = 0;
	int64_t now = clock_mono_us();

	pthread_mutex_lock(&p->mu);
	k = oidc_jwks_find(p->jwks, alg, kid);
	while (!k && p->fetching) {
		pthread_cond_wait(&p->fetched, &p->mu);
		k = oidc_jwks_find(p->jwks, alg, kid);
		waited = 1;
	}
	if (!k &&
	    (!p->jwks || (!waited && (p->refetch_us == 0 || now - p->refetch_us >= REFETCH_US)))) {
		if (p->jwks)
			p->refetch_us = now;
		p->fetching = 1;
		fetch = 1;
	}
	pthread_mutex_unlock(&p->mu);
	if (k)
		return k;
	if (!fetch) {
		errmsg(err, errlen, "unknown key");
		return NULL;
	}
	fresh = fetch_jwks(o, p, err, errlen);
	pthread_mutex_lock(&p->mu);
	if (fresh) {
		oidc_jwks_destroy(&p->jwks);
		p->jwks = fresh;
		k = oidc_jwks_find(p->jwks, alg, kid);
		if (!k)
			errmsg(err, errlen, "unknown key");
	}
	p->fetching = 0;
	pthread_cond_broadcast(&p->fetched);
	pthread_mutex_unlock(&p->mu);
	return k;
}

static void key_release(struct provider *p, cjose_jwk_t *k)
{
	pthread_mutex_lock(&p->mu);
	cjose_jwk_release(k);
	pthread_mutex_unlock(&p->mu);
}

/* --- the ID token --------------------------------------------------------- */

/* The alg and kid of a compact JWS's protected header, read before cjose
 * sees the token so that "none" and HMAC are refused by name. */
static int header_alg(const char *token, char *alg, size_t alen, char *kid, size_t klen)
{
	const char *dot = strchr(token, '.');
	unsigned char raw[1024];
	size_t n = 0;
	json_t *h = NULL, *a, *k;
	int ret = -1;

	if (!dot || (size_t)(dot - token) > 2 * sizeof raw)
		return -1;
	if (sodium_base642bin(raw, sizeof raw - 1, token, (size_t)(dot - token), NULL, &n, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
		return -1;
	h = json_loadb((const char *)raw, n, 0, NULL);
	a = json_object_get(h, "alg");
	k = json_object_get(h, "kid");
	if (!json_is_string(a) || strlen(json_string_value(a)) >= alen)
		goto out;
	snprintf(alg, alen, "%s", json_string_value(a));
	kid[0] = '\0';
	if (k && (!json_is_string(k) || strlen(json_string_value(k)) >= klen))
		goto out;
	if (k)
		snprintf(kid, klen, "%s", json_string_value(k));
	ret = 0;
out:
	json_decref(h);
	return ret;
}

static int alg_allowed(const char *alg)
{
	return strcmp(alg, "RS256") == 0 || strcmp(alg, "PS256") == 0 || strcmp(alg, "ES256") == 0;
}

int oidc_verify_id_token(struct oidc *o, const char *key, const char *id_token, const char *nonce,
			 int64_t now, struct oidc_identity *id, char *err, size_t errlen)
{
	struct provider *p = find(o, key);
	struct oidc_claims_want want;
	cjose_jws_t *jws = NULL;
	cjose_jwk_t *jwk = NULL;
	json_t *claims = NULL;
	uint8_t *plain = NULL;
	size_t plain_len = 0, len;
	char alg[16], kid[256];
	cjose_err cerr;
	int ret = -1;

	if (!p)
		return errmsg(err, errlen, "unknown provider");
	len = id_token ? strlen(id_token) : 0;
	if (len == 0 || len > TOKEN_MAX ||
	    header_alg(id_token, alg, sizeof alg, kid, sizeof kid) < 0)
		return errmsg(err, errlen, "malformed");
	if (!alg_allowed(alg))
		return errmsg(err, errlen, "algorithm");
	if (discover(o, p, err, errlen) < 0)
		return -1;
	jws = cjose_jws_import(id_token, len, &cerr);
	if (!jws) {
		errmsg(err, errlen, "malformed");
		goto out;
	}
	jwk = signing_key(o, p, alg, kid[0] ? kid : NULL, err, errlen);
	if (!jwk)
		goto out;
	if (!cjose_jws_verify(jws, jwk, &cerr)) {
		errmsg(err, errlen, "signature");
		goto out;
	}
	if (!cjose_jws_get_plaintext(jws, &plain, &plain_len, &cerr)) {
		errmsg(err, errlen, "malformed");
		goto out;
	}
	claims = json_loadb((const char *)plain, plain_len, JSON_REJECT_DUPLICATES, NULL);
	want = (struct oidc_claims_want){ p->cfg->issuer, p->cfg->client_id, nonce,
					  p->cfg->groups_claim, now };
	ret = oidc_claims_check(claims, &want, id, err, errlen);
out:
	json_decref(claims);
	if (jwk)
		key_release(p, jwk);
	cjose_jws_release(jws); /* 'plain' belongs to the jws */
	return ret;
}

void oidc_identity_release(struct oidc_identity *id)
{
	free(id->issuer);
	free(id->subject);
	free(id->email);
	free(id->name);
	for (size_t i = 0; i < id->n_groups; i++)
		free(id->groups[i]);
	memset(id, 0, sizeof *id);
}

/* --- the authorization request and the token exchange ------------------- */

/* Appends s percent-encoded (RFC 3986 unreserved kept), for a query and
 * for an application/x-www-form-urlencoded body alike. */
static void add_enc(struct strbuf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
			strbuf_add(b, (const char *)&c, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			strbuf_add(b, e, 3);
		}
	}
}

static void add_param(struct strbuf *b, const char *name, const char *value)
{
	if (b->len && b->p[b->len - 1] != '?' && b->p[b->len - 1] != '&')
		strbuf_adds(b, "&");
	strbuf_adds(b, name);
	strbuf_adds(b, "=");
	add_enc(b, value);
}

/* 32 random bytes in base64url without padding: 43 characters. */
static void random_token(char out[44])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, 44, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

int oidc_begin(struct oidc *o, const char *key, struct oidc_begin *out, char *err, size_t errlen)
{
	struct provider *p = find(o, key);
	struct strbuf b = STRBUF_INIT;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char challenge[44];
	char *auth;

	memset(out, 0, sizeof *out);
	if (!p)
		return errmsg(err, errlen, "unknown provider");
	if (discover(o, p, err, errlen) < 0)
		return -1;
	auth = cached(p, &p->authorization_endpoint);
	random_token(out->state);
	random_token(out->nonce);
	random_token(out->verifier);
	crypto_hash_sha256(hash, (const unsigned char *)out->verifier, strlen(out->verifier));
	sodium_bin2base64(challenge, sizeof challenge, hash, sizeof hash,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	strbuf_adds(&b, auth);
	strbuf_adds(&b, strchr(auth, '?') ? "&" : "?");
	add_param(&b, "response_type", "code");
	add_param(&b, "client_id", p->cfg->client_id);
	add_param(&b, "redirect_uri", o->redirect_uri);
	add_param(&b, "scope", p->cfg->scopes);
	add_param(&b, "state", out->state);
	add_param(&b, "nonce", out->nonce);
	add_param(&b, "code_challenge", challenge);
	add_param(&b, "code_challenge_method", "S256");
	out->url = strbuf_detach(&b);
	free(auth);
	return 0;
}

void oidc_begin_release(struct oidc_begin *b)
{
	free(b->url);
	sodium_memzero(b, sizeof *b);
}

/* The token endpoint's answer: the id_token, or a reason naming its
 * OAuth error code (RFC 6749 5.2; a code, never a description). */
static char *id_token_of(const struct oidc_http_reply *r, char *err, size_t errlen)
{
	json_t *doc = json_loadb(r->body, r->len, 0, NULL);
	json_t *t = json_object_get(doc, "id_token"), *e = json_object_get(doc, "error");
	char *tok = NULL;

	if (r->status == 200 && json_is_string(t)) {
		tok = xstrdup(json_string_value(t));
	} else if (json_is_string(e) && strlen(json_string_value(e)) < 40 &&
		   strspn(json_string_value(e), "abcdefghijklmnopqrstuvwxyz_") ==
			   strlen(json_string_value(e))) {
		errmsg(err, errlen, "token endpoint: %s", json_string_value(e));
	} else {
		errmsg(err, errlen, "token endpoint: status %ld", r->status);
	}
	json_decref(doc);
	return tok;
}

int oidc_finish(struct oidc *o, const char *key, const char *code, const char *verifier,
		const char *nonce, struct oidc_identity *id, char *err, size_t errlen)
{
	struct provider *p = find(o, key);
	struct strbuf form = STRBUF_INIT, user = STRBUF_INIT, pass = STRBUF_INIT;
	struct oidc_http_reply r = { 0 };
	char *token_url = NULL, *tok = NULL;
	char why[160];
	int ret = -1;

	if (!p)
		return errmsg(err, errlen, "unknown provider");
	if (!code || !*code || strlen(code) > CODE_MAX || !verifier || !*verifier ||
	    strlen(verifier) > CODE_MAX)
		return errmsg(err, errlen, "no code");
	if (discover(o, p, err, errlen) < 0)
		return -1;
	token_url = cached(p, &p->token_endpoint);
	add_param(&form, "grant_type", "authorization_code");
	add_param(&form, "code", code);
	add_param(&form, "redirect_uri", o->redirect_uri);
	add_param(&form, "code_verifier", verifier);
	/* client_secret_basic: both form-encoded first (RFC 6749 2.3.1). */
	add_enc(&user, p->cfg->client_id);
	add_enc(&pass, p->cfg->client_secret);
	if (oidc_http_post_form(token_url, user.p, pass.p, form.p, o->timeout_ms, DOC_MAX, &r, why,
				sizeof why) < 0) {
		errmsg(err, errlen, "token endpoint: %s", why);
		goto out;
	}
	tok = id_token_of(&r, err, errlen);
	if (!tok)
		goto out;
	if (oidc_verify_id_token(o, key, tok, nonce, clock_wall_ms() / 1000, id, err, errlen) < 0)
		goto out;
	if (!id->email) {
		oidc_identity_release(id);
		errmsg(err, errlen, "no email");
		goto out;
	}
	ret = 0;
out:
	if (form.p)
		sodium_memzero(form.p, form.len);
	if (pass.p)
		sodium_memzero(pass.p, pass.len);
	strbuf_release(&form);
	strbuf_release(&user);
	strbuf_release(&pass);
	if (r.body)
		sodium_memzero(r.body, r.len);
	oidc_http_reply_release(&r);
	if (tok)
		sodium_memzero(tok, strlen(tok));
	free(tok);
	free(token_url);
	return ret;
}
