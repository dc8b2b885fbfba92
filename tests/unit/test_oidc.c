// units: services/gateway/oidc.c services/gateway/oidc_config.c services/gateway/oidc_http.c services/gateway/oidc_jwks.c services/gateway/oidc_claims.c
/*
 * Unit tests for the gateway's OpenID Connect relying party: keys made and
 * ID tokens signed with libcjose, the discovery document, the JWKS and the
 * token endpoint served by a small libmicrohttpd server on 127.0.0.1 (an
 * ephemeral port), so that the real fetch code runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <cjose/cjose.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <sodium.h>

#include "oidc.h"

#define CLIENT_ID "tarjotin"
#define SECRET "s3cret:with/odd chars"
#define NONCE "nonce-1"
#define REDIRECT "http://127.0.0.1:1/auth/oidc/callback"

/* --- the provider stand-in -------------------------------------------------- */

struct served {
	pthread_mutex_t mu;
	char *jwks;        /* the JWKS document served now */
	char *token_reply; /* what the token endpoint answers */
	int token_status;
	char *discovery_issuer; /* NULL: the real issuer */
	int jwks_fetches;
	char *last_form; /* the token request's body */
	char *last_auth; /* its Authorization header */
};

static struct MHD_Daemon *daemon_;
static struct served srv = { .mu = PTHREAD_MUTEX_INITIALIZER, .token_status = 200 };
static char issuer[64];

static void set_str(char **field, const char *v)
{
	pthread_mutex_lock(&srv.mu);
	free(*field);
	*field = v ? strdup(v) : NULL;
	pthread_mutex_unlock(&srv.mu);
}

static enum MHD_Result reply(struct MHD_Connection *c, unsigned status, const char *body)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body,
								 MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
			       const char *method, const char *version, const char *upload,
			       size_t *upload_size, void **con_cls)
{
	char *body = NULL;
	enum MHD_Result ret;

	(void)cls;
	(void)version;
	if (strcmp(method, "POST") == 0) {
		/* Collect the form, then answer on the last call. */
		if (!*con_cls) {
			*con_cls = calloc(1, 4096);
			return MHD_YES;
		}
		if (*upload_size) {
			char *b = *con_cls;
			size_t have = strlen(b);
			if (have + *upload_size < 4095)
				memcpy(b + have, upload, *upload_size);
			*upload_size = 0;
			return MHD_YES;
		}
		pthread_mutex_lock(&srv.mu);
		free(srv.last_form);
		srv.last_form = *con_cls;
		*con_cls = NULL;
		free(srv.last_auth);
		const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		srv.last_auth = a ? strdup(a) : NULL;
		body = strdup(srv.token_reply ? srv.token_reply : "{}");
		unsigned st = (unsigned)srv.token_status;
		pthread_mutex_unlock(&srv.mu);
		ret = reply(c, st, body);
		free(body);
		return ret;
	}
	if (strcmp(url, "/redirect/.well-known/openid-configuration") == 0) {
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"",
									 MHD_RESPMEM_PERSISTENT);
		MHD_add_response_header(r, "Location", "/.well-known/openid-configuration");
		ret = MHD_queue_response(c, MHD_HTTP_FOUND, r);
		MHD_destroy_response(r);
		return ret;
	}
	if (strcmp(url, "/big/.well-known/openid-configuration") == 0) {
		body = malloc(100 * 1024 + 1);
		memset(body, ' ', 100 * 1024);
		body[100 * 1024] = '\0';
		ret = reply(c, MHD_HTTP_OK, body);
		free(body);
		return ret;
	}
	pthread_mutex_lock(&srv.mu);
	if (strcmp(url, "/.well-known/openid-configuration") == 0) {
		const char *iss = srv.discovery_issuer ? srv.discovery_issuer : issuer;
		size_t n = 600;
		body = malloc(n);
		snprintf(body, n,
			 "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/auth\","
			 "\"token_endpoint\":\"%s/token\",\"jwks_uri\":\"%s/jwks\"}",
			 iss, issuer, issuer, issuer);
	} else if (strcmp(url, "/jwks") == 0) {
		srv.jwks_fetches++;
		body = strdup(srv.jwks ? srv.jwks : "{\"keys\":[]}");
	}
	pthread_mutex_unlock(&srv.mu);
	if (!body)
		return reply(c, MHD_HTTP_NOT_FOUND, "{}");
	ret = reply(c, MHD_HTTP_OK, body);
	free(body);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static int jwks_fetches(void)
{
	int n;
	pthread_mutex_lock(&srv.mu);
	n = srv.jwks_fetches;
	pthread_mutex_unlock(&srv.mu);
	return n;
}

/* --- keys and tokens ------------------------------------------------------------ */

static cjose_jwk_t *rsa1, *rsa_evil, *rsa2, *ec1, *hmac;

static cjose_jwk_t *with_kid(cjose_jwk_t *k, const char *kid)
{
	assert_non_null(k);
	assert_true(cjose_jwk_set_kid(k, kid, strlen(kid), NULL));
	return k;
}

static cjose_jwk_t *rsa_key(const char *kid)
{
	static const uint8_t e[] = { 0x01, 0x00, 0x01 };
	return with_kid(cjose_jwk_create_RSA_random(2048, e, sizeof e, NULL), kid);
}

/* {"keys":[public parts of the given keys]} */
static void serve_keys(cjose_jwk_t *a, cjose_jwk_t *b)
{
	json_t *doc = json_object(), *keys = json_array();
	char *s;

	for (int i = 0; i < 2; i++) {
		cjose_jwk_t *k = i ? b : a;
		if (!k)
			continue;
		char *pub = cjose_jwk_to_json(k, false, NULL);
		assert_non_null(pub);
		json_array_append_new(keys, json_loads(pub, 0, NULL));
		free(pub);
	}
	json_object_set_new(doc, "keys", keys);
	s = json_dumps(doc, JSON_COMPACT);
	set_str(&srv.jwks, s);
	free(s);
	json_decref(doc);
}

static json_t *claims(int64_t now)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:s, s:[s,s]}", "iss", issuer,
			 "aud", CLIENT_ID, "sub", "user-1", "exp", (json_int_t)(now + 300), "iat",
			 (json_int_t)now, "nonce", NONCE, "email",
			 "Hoitaja@Kuopio-Terveys.Example.ORG", "email_verified", 1, "name",
			 "Hanna Hoitaja", "groups", "g1", "g2");
}

/* Signs 'c' (consumed) with key k and alg; kid from the key. */
static char *sign(cjose_jwk_t *k, const char *alg, json_t *c)
{
	cjose_header_t *h = cjose_header_new(NULL);
	char *payload = json_dumps(c, JSON_COMPACT);
	const char *kid = cjose_jwk_get_kid(k, NULL);
	const char *ser = NULL;
	cjose_jws_t *jws;
	char *out;

	assert_true(cjose_header_set(h, CJOSE_HDR_ALG, alg, NULL));
	if (kid)
		assert_true(cjose_header_set(h, CJOSE_HDR_KID, kid, NULL));
	jws = cjose_jws_sign(k, h, (const uint8_t *)payload, strlen(payload), NULL);
	assert_non_null(jws);
	assert_true(cjose_jws_export(jws, &ser, NULL));
	out = strdup(ser);
	cjose_jws_release(jws);
	cjose_header_release(h);
	free(payload);
	json_decref(c);
	return out;
}

static char *b64url(const char *s)
{
	size_t n = sodium_base64_encoded_len(strlen(s), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	char *out = malloc(n);
	sodium_bin2base64(out, n, (const unsigned char *)s, strlen(s),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out;
}

/* alg "none": header.payload. with no signature. */
static char *unsigned_token(json_t *c)
{
	char *payload = json_dumps(c, JSON_COMPACT), *h = b64url("{\"alg\":\"none\"}");
	char *p = b64url(payload), *out;
	size_t n = strlen(h) + strlen(p) + 3;

	out = malloc(n);
	snprintf(out, n, "%s.%s.", h, p);
	free(h);
	free(p);
	free(payload);
	json_decref(c);
	return out;
}

/* --- fixtures ------------------------------------------------------------------ */

static void provider_env(const char *iss)
{
	setenv("TARJOTIN_OIDC_PROVIDERS", "test", 1);
	setenv("TARJOTIN_OIDC_TEST_ISSUER", iss, 1);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_ID", CLIENT_ID, 1);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_SECRET", SECRET, 1);
	setenv("TARJOTIN_OIDC_TEST_NAME", "Testin hyvinvointialue", 1);
	unsetenv("TARJOTIN_OIDC_TEST_SCOPES");
}

static struct oidc *rp(void)
{
	const char *bad = NULL;
	char err[160];
	struct oidc *o;

	provider_env(issuer);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	if (!o)
		fail_msg("oidc_new: %s: %s", bad, err);
	return o;
}

static int group_setup(void **state)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	const union MHD_DaemonInfo *info;
	uint16_t port;

	(void)state;
	if (sodium_init() < 0)
		return -1;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* port 0: the kernel picks */
	daemon_ = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
				   NULL, handler, NULL, MHD_OPTION_NOTIFY_COMPLETED, completed,
				   NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
	if (!daemon_)
		return -1;
	info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
	port = info->port;
	snprintf(issuer, sizeof issuer, "http://127.0.0.1:%u", port);
	rsa1 = rsa_key("k1");
	rsa_evil = rsa_key("k1"); /* the same kid, another key */
	rsa2 = rsa_key("k2");
	ec1 = with_kid(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, NULL), "e1");
	hmac = with_kid(cjose_jwk_create_oct_random(32, NULL), "k1");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	MHD_stop_daemon(daemon_);
	cjose_jwk_release(rsa1);
	cjose_jwk_release(rsa_evil);
	cjose_jwk_release(rsa2);
	cjose_jwk_release(ec1);
	cjose_jwk_release(hmac);
	free(srv.jwks);
	free(srv.token_reply);
	free(srv.discovery_issuer);
	free(srv.last_form);
	free(srv.last_auth);
	return 0;
}

/* Each test starts from the first keys served and a fresh cache. */
static int setup(void **state)
{
	serve_keys(rsa1, ec1);
	set_str(&srv.discovery_issuer, NULL);
	*state = rp();
	return 0;
}

static int teardown(void **state)
{
	struct oidc *o = *state;
	oidc_destroy(&o);
	assert_null(o);
	return 0;
}

/* --- verification ---------------------------------------------------------------- */

/* Verifies 'tok' (freed) and expects 'reason', or success when NULL.  A
 * reason never holds the token or a piece of it. */
static void expect(struct oidc *o, char *tok, int64_t now, const char *reason)
{
	struct oidc_identity id = { 0 };
	char err[160] = "";
	int rc = oidc_verify_id_token(o, "test", tok, NONCE, now, &id, err, sizeof err);

	if (!reason) {
		if (rc != 0)
			fail_msg("refused: %s", err);
		oidc_identity_release(&id);
	} else {
		assert_int_equal(rc, -1);
		assert_string_equal(err, reason);
		assert_null(id.subject);
		const char *dot = strchr(tok, '.');
		if (dot && dot - tok > 8)
			assert_null(strstr(err, dot - 8 > tok ? dot - 8 : tok));
	}
	free(tok);
}

static void test_good_tokens(void **state)
{
	struct oidc *o = *state;
	int64_t now = time(NULL);
	struct oidc_identity id = { 0 };
	char err[160], *tok = sign(rsa1, "RS256", claims(now));

	assert_int_equal(oidc_verify_id_token(o, "test", tok, NONCE, now, &id, err, sizeof err), 0);
	assert_string_equal(id.issuer, issuer);
	assert_string_equal(id.subject, "user-1");
	assert_string_equal(id.email, "hoitaja@kuopio-terveys.example.org");
	assert_string_equal(id.name, "Hanna Hoitaja");
	assert_int_equal(id.n_groups, 2);
	assert_string_equal(id.groups[1], "g2");
	oidc_identity_release(&id);
	assert_null(id.email);
	free(tok);
	expect(o, sign(rsa1, "PS256", claims(now)), now, NULL);
	expect(o, sign(ec1, "ES256", claims(now)), now, NULL);
	/* Within the 60 s skew. */
	expect(o, sign(rsa1, "RS256", claims(now)), now + 300 + 50, NULL);
	expect(o, sign(rsa1, "RS256", claims(now + 50)), now, NULL);
	/* One fetch of the keys served them all. */
	assert_int_equal(jwks_fetches() > 0, 1);
}

static json_t *with(json_t *c, const char *name, json_t *v)
{
	json_object_set_new(c, name, v);
	return c;
}

static void test_refused(void **state)
{
	struct oidc *o = *state;
	int64_t now = time(NULL);

	expect(o, sign(rsa_evil, "RS256", claims(now)), now, "signature");
	expect(o, sign(rsa1, "RS256", with(claims(now), "aud", json_string("other"))), now,
	       "audience");
	expect(o, sign(rsa1, "RS256", with(claims(now), "iss", json_string("http://evil"))), now,
	       "issuer");
	expect(o, sign(rsa1, "RS256", with(claims(now), "nonce", json_string("other"))), now,
	       "nonce");
	expect(o,
	       sign(rsa1, "RS256",
		    json_pack("{s:s,s:s,s:s,s:I,s:I}", "iss", issuer, "aud", CLIENT_ID, "sub", "u",
			      "exp", (json_int_t)(now + 60), "iat", (json_int_t)now)),
	       now, "nonce");
	expect(o, sign(rsa1, "RS256", with(claims(now), "exp", json_integer(now - 61))), now,
	       "expired");
	expect(o, sign(rsa1, "RS256", with(claims(now), "iat", json_integer(now + 61))), now,
	       "issued in the future");
	expect(o, unsigned_token(claims(now)), now, "algorithm");
	expect(o, sign(hmac, "HS256", claims(now)), now, "algorithm");
	expect(o, sign(rsa1, "RS384", claims(now)), now, "algorithm");
	expect(o, sign(rsa1, "RS256", with(claims(now), "email_verified", json_false())), now,
	       "email not verified");
	expect(o, sign(rsa1, "RS256", with(claims(now), "email", json_string("no at sign"))), now,
	       "email");
	expect(o, sign(rsa1, "RS256", with(claims(now), "sub", json_string(""))), now, "subject");
	expect(o, strdup("not.a.token"), now, "malformed");
	expect(o, strdup(""), now, "malformed");
	/* The EC key's kid on an RSA token: no key of that type has it. */
	cjose_jwk_t *posing = rsa_key("e1");
	expect(o, sign(posing, "RS256", claims(now)), now, "unknown key");
	cjose_jwk_release(posing);
}

static void test_audiences(void **state)
{
	struct oidc *o = *state;
	int64_t now = time(NULL);

	expect(o, sign(rsa1, "RS256", with(claims(now), "aud", json_pack("[s]", CLIENT_ID))), now,
	       NULL);
	/* Several audiences: azp must name us. */
	expect(o, sign(rsa1, "RS256", with(claims(now), "aud", json_pack("[s,s]", "x", CLIENT_ID))),
	       now, "audience");
	expect(o,
	       sign(rsa1, "RS256",
		    with(with(claims(now), "aud", json_pack("[s,s]", "x", CLIENT_ID)), "azp",
			 json_string(CLIENT_ID))),
	       now, NULL);
	expect(o, sign(rsa1, "RS256", with(claims(now), "aud", json_pack("[s]", "x"))), now,
	       "audience");
}

/* The provider rotates: the served set now has only a new key with a new
 * kid; a token signed with it is accepted after exactly one re-fetch. */
static void test_rotation(void **state)
{
	struct oidc *o = *state;
	int64_t now = time(NULL);
	int before;

	expect(o, sign(rsa1, "RS256", claims(now)), now, NULL);
	serve_keys(rsa2, NULL);
	before = jwks_fetches();
	expect(o, sign(rsa2, "RS256", claims(now)), now, NULL);
	assert_int_equal(jwks_fetches(), before + 1);
	/* The new key is cached: no more fetches. */
	expect(o, sign(rsa2, "RS256", claims(now)), now, NULL);
	assert_int_equal(jwks_fetches(), before + 1);
	/* The old key is gone from the set: refused, and within the second no
	 * re-fetch is made for it. */
	expect(o, sign(rsa1, "RS256", claims(now)), now, "unknown key");
	assert_int_equal(jwks_fetches(), before + 1);
}

/* A kid the re-fetched set lacks too is refused. */
static void test_unknown_kid(void **state)
{
	struct oidc *o = *state;
	int64_t now = time(NULL);
	cjose_jwk_t *stray = rsa_key("k9");
	int before = jwks_fetches();

	/* The first fetch, then one re-fetch for the kid, then none. */
	expect(o, sign(stray, "RS256", claims(now)), now, "unknown key");
	assert_int_equal(jwks_fetches(), before + 1);
	expect(o, sign(stray, "RS256", claims(now)), now, "unknown key");
	assert_int_equal(jwks_fetches(), before + 2);
	expect(o, sign(stray, "RS256", claims(now)), now, "unknown key");
	assert_int_equal(jwks_fetches(), before + 2);
	cjose_jwk_release(stray);
}

/* --- the flow ------------------------------------------------------------------- */

/* The value of query parameter 'name' in url, into buf. */
static const char *param(const char *url, const char *name, char *buf, size_t len)
{
	char key[64];
	const char *p, *e;

	snprintf(key, sizeof key, "%s=", name);
	p = strstr(url, key);
	assert_non_null(p);
	assert_true(p[-1] == '?' || p[-1] == '&');
	p += strlen(key);
	e = strchr(p, '&');
	snprintf(buf, len, "%.*s", (int)(e ? (size_t)(e - p) : strlen(p)), p);
	return buf;
}

static void test_begin(void **state)
{
	struct oidc *o = *state;
	struct oidc_begin b;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char want[64], v[512], err[160], prefix[128];

	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), 0);
	snprintf(prefix, sizeof prefix, "%s/auth?", issuer);
	assert_int_equal(strncmp(b.url, prefix, strlen(prefix)), 0);
	assert_int_equal(strlen(b.state), 43);
	assert_int_equal(strlen(b.nonce), 43);
	assert_int_equal(strlen(b.verifier), 43);
	assert_string_not_equal(b.state, b.nonce);
	assert_string_equal(param(b.url, "response_type", v, sizeof v), "code");
	assert_string_equal(param(b.url, "client_id", v, sizeof v), CLIENT_ID);
	assert_string_equal(param(b.url, "redirect_uri", v, sizeof v),
			    "http%3A%2F%2F127.0.0.1%3A1%2Fauth%2Foidc%2Fcallback");
	assert_string_equal(param(b.url, "scope", v, sizeof v), "openid%20email%20profile");
	assert_string_equal(param(b.url, "state", v, sizeof v), b.state);
	assert_string_equal(param(b.url, "nonce", v, sizeof v), b.nonce);
	assert_string_equal(param(b.url, "code_challenge_method", v, sizeof v), "S256");
	crypto_hash_sha256(hash, (const unsigned char *)b.verifier, strlen(b.verifier));
	sodium_bin2base64(want, sizeof want, hash, sizeof hash,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_string_equal(param(b.url, "code_challenge", v, sizeof v), want);
	oidc_begin_release(&b);
	assert_int_equal(oidc_begin(o, "nope", &b, err, sizeof err), -1);
	assert_string_equal(err, "unknown provider");
}

static void test_finish(void **state)
{
	struct oidc *o = *state;
	struct oidc_identity id = { 0 };
	char err[160], basic[128], *tok, *reply;
	const char *cred = "tarjotin:s3cret%3Awith%2Fodd%20chars";

	tok = sign(rsa1, "RS256", claims(time(NULL)));
	reply = malloc(strlen(tok) + 64);
	snprintf(reply, strlen(tok) + 64, "{\"id_token\":\"%s\",\"token_type\":\"Bearer\"}", tok);
	set_str(&srv.token_reply, reply);
	assert_int_equal(oidc_finish(o, "test", "the-code", "the-verifier", NONCE, &id, err,
				     sizeof err),
			 0);
	assert_string_equal(id.email, "hoitaja@kuopio-terveys.example.org");
	oidc_identity_release(&id);
	pthread_mutex_lock(&srv.mu);
	assert_string_equal(srv.last_form,
			    "grant_type=authorization_code&code=the-code&redirect_uri=http%3A%2F%"
			    "2F127.0.0.1%3A1%2Fauth%2Foidc%2Fcallback&code_verifier=the-verifier");
	memcpy(basic, "Basic ", 6);
	sodium_bin2base64(basic + 6, sizeof basic - 6, (const unsigned char *)cred, strlen(cred),
			  sodium_base64_VARIANT_ORIGINAL);
	assert_string_equal(srv.last_auth, basic);
	pthread_mutex_unlock(&srv.mu);

	/* The provider refuses the code: its error code, nothing else. */
	set_str(&srv.token_reply, "{\"error\":\"invalid_grant\",\"error_description\":\"x y\"}");
	srv.token_status = 400;
	assert_int_equal(oidc_finish(o, "test", "c", "v", NONCE, &id, err, sizeof err), -1);
	assert_string_equal(err, "token endpoint: invalid_grant");
	/* A token without an e-mail address is refused. */
	srv.token_status = 200;
	free(reply);
	free(tok);
	json_t *c = claims(time(NULL));
	json_object_del(c, "email");
	tok = sign(rsa1, "RS256", c);
	reply = malloc(strlen(tok) + 64);
	snprintf(reply, strlen(tok) + 64, "{\"id_token\":\"%s\"}", tok);
	set_str(&srv.token_reply, reply);
	assert_int_equal(oidc_finish(o, "test", "c", "v", NONCE, &id, err, sizeof err), -1);
	assert_string_equal(err, "no email");
	assert_int_equal(oidc_finish(o, "test", "", "v", NONCE, &id, err, sizeof err), -1);
	free(reply);
	free(tok);
}

/* The discovery document must name the configured issuer. */
static void test_discovery_issuer(void **state)
{
	struct oidc *o = *state;
	struct oidc_begin b;
	char err[160];

	set_str(&srv.discovery_issuer, "http://127.0.0.1:9/other");
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: issuer differs");
	set_str(&srv.discovery_issuer, NULL);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), 0);
	oidc_begin_release(&b);
}

/* Discovery through the HTTP limits: no redirect is followed, no answer
 * over the maximum is read, nothing but http(s) is spoken. */
static void test_http_limits(void **state)
{
	struct oidc_begin b;
	const char *bad;
	char iss[96], err[160];
	struct oidc *o;

	(void)state;
	snprintf(iss, sizeof iss, "%s/redirect", issuer);
	provider_env(iss);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: status 302");
	oidc_destroy(&o);
	snprintf(iss, sizeof iss, "%s/big", issuer);
	provider_env(iss);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: response over 65536 bytes");
	oidc_destroy(&o);
	/* Nothing listens on port 1. */
	provider_env("http://127.0.0.1:1");
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: couldn't connect to server");
	oidc_destroy(&o);
}

/* --- configuration -------------------------------------------------------------- */

static void refused_config(const char *want_var)
{
	const char *bad = NULL;
	char err[160] = "";
	struct oidc *o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);

	assert_null(o);
	assert_non_null(bad);
	assert_string_equal(bad, want_var);
	assert_true(err[0] != '\0');
}

static void test_config(void **state)
{
	const char *bad = NULL;
	char err[160], list[16 * 4 + 8] = "";
	struct oidc *o;

	(void)state;
	provider_env("ftp://127.0.0.1/");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	provider_env("http://");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	provider_env("https://idp.example.org/?x=1");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	provider_env(issuer);
	unsetenv("TARJOTIN_OIDC_TEST_CLIENT_SECRET");
	refused_config("TARJOTIN_OIDC_TEST_CLIENT_SECRET");
	provider_env(issuer);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_ID", "", 1);
	refused_config("TARJOTIN_OIDC_TEST_CLIENT_ID");
	provider_env(issuer);
	setenv("TARJOTIN_OIDC_TEST_SCOPES", "email", 1);
	refused_config("TARJOTIN_OIDC_TEST_SCOPES");
	provider_env(issuer);
	setenv("TARJOTIN_OIDC_PROVIDERS", "Bad_Key", 1);
	refused_config("TARJOTIN_OIDC_PROVIDERS");
	setenv("TARJOTIN_OIDC_PROVIDERS", "test,test", 1);
	refused_config("TARJOTIN_OIDC_PROVIDERS");
	for (int i = 0; i < OIDC_MAX_PROVIDERS + 1; i++) {
		char var[64];
		size_t n = strlen(list);
		snprintf(list + n, sizeof list - n, "%sp%d", i ? "," : "", i);
		snprintf(var, sizeof var, "TARJOTIN_OIDC_P%d_ISSUER", i);
		setenv(var, "https://idp.example.org", 1);
		snprintf(var, sizeof var, "TARJOTIN_OIDC_P%d_CLIENT_ID", i);
		setenv(var, "c", 1);
		snprintf(var, sizeof var, "TARJOTIN_OIDC_P%d_CLIENT_SECRET", i);
		setenv(var, "s", 1);
	}
	setenv("TARJOTIN_OIDC_PROVIDERS", list, 1);
	refused_config("TARJOTIN_OIDC_PROVIDERS");
	/* Sixteen are fine, in their order, with their defaults. */
	*strrchr(list, ',') = '\0';
	setenv("TARJOTIN_OIDC_PROVIDERS", list, 1);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(oidc_count(o), OIDC_MAX_PROVIDERS);
	assert_string_equal(oidc_provider(o, 3)->key, "p3");
	assert_string_equal(oidc_provider(o, 3)->name, "p3");
	assert_string_equal(oidc_provider(o, 3)->scopes, "openid email profile");
	assert_string_equal(oidc_provider(o, 3)->groups_claim, "groups");
	assert_non_null(oidc_find(o, "p15"));
	assert_null(oidc_find(o, "p16"));
	oidc_destroy(&o);
	/* A bad redirect URI, when there are providers. */
	provider_env(issuer);
	assert_null(oidc_new("/relative", 2000, &bad, err, sizeof err));
	assert_string_equal(bad, "TARJOTIN_PUBLIC_URL");
	/* None configured: an object with none. */
	setenv("TARJOTIN_OIDC_PROVIDERS", " ", 1);
	o = oidc_new(NULL, 2000, &bad, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(oidc_count(o), 0);
	oidc_destroy(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audiences, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_begin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_finish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_discovery_issuer, setup, teardown),
		cmocka_unit_test(test_http_limits),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
