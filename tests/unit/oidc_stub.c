/*
 * oidc_stub.c - the OpenID provider stand-in of the unit tests (oidc_stub.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>
#include <sodium.h>

#include "oidc_stub.h"

void oidc_stub_set(struct oidc_stub *s, char **field, const char *v)
{
	pthread_mutex_lock(&s->mu);
	free(*field);
	*field = v ? strdup(v) : NULL;
	pthread_mutex_unlock(&s->mu);
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
	struct oidc_stub *s = cls;
	char *body = NULL;
	enum MHD_Result ret;

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
		pthread_mutex_lock(&s->mu);
		free(s->last_form);
		s->last_form = *con_cls;
		*con_cls = NULL;
		free(s->last_auth);
		const char *a = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
		s->last_auth = a ? strdup(a) : NULL;
		body = strdup(s->token_reply ? s->token_reply : "{}");
		unsigned st = (unsigned)s->token_status;
		pthread_mutex_unlock(&s->mu);
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
	pthread_mutex_lock(&s->mu);
	if (strcmp(url, "/.well-known/openid-configuration") == 0) {
		const char *iss = s->discovery_issuer ? s->discovery_issuer : s->issuer;
		size_t n = 600;
		body = malloc(n);
		snprintf(body, n,
			 "{\"issuer\":\"%s\",\"authorization_endpoint\":\"%s/auth\","
			 "\"token_endpoint\":\"%s/token\",\"jwks_uri\":\"%s/jwks\"}",
			 iss, s->issuer, s->issuer, s->issuer);
	} else if (strcmp(url, "/jwks") == 0) {
		s->jwks_fetches++;
		body = strdup(s->jwks ? s->jwks : "{\"keys\":[]}");
	}
	pthread_mutex_unlock(&s->mu);
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

int oidc_stub_jwks_fetches(struct oidc_stub *s)
{
	int n;

	pthread_mutex_lock(&s->mu);
	n = s->jwks_fetches;
	pthread_mutex_unlock(&s->mu);
	return n;
}

void oidc_stub_token_status(struct oidc_stub *s, int status)
{
	pthread_mutex_lock(&s->mu);
	s->token_status = status;
	pthread_mutex_unlock(&s->mu);
}

void oidc_stub_last_request(struct oidc_stub *s, char **form, char **auth)
{
	pthread_mutex_lock(&s->mu);
	*form = s->last_form ? strdup(s->last_form) : NULL;
	*auth = s->last_auth ? strdup(s->last_auth) : NULL;
	pthread_mutex_unlock(&s->mu);
}

/* --- keys and tokens --------------------------------------------------------- */

static cjose_jwk_t *with_kid(cjose_jwk_t *k, const char *kid)
{
	assert_non_null(k);
	assert_true(cjose_jwk_set_kid(k, kid, strlen(kid), NULL));
	return k;
}

cjose_jwk_t *oidc_stub_rsa_key(const char *kid)
{
	static const uint8_t e[] = { 0x01, 0x00, 0x01 };
	return with_kid(cjose_jwk_create_RSA_random(2048, e, sizeof e, NULL), kid);
}

void oidc_stub_serve_keys(struct oidc_stub *s, cjose_jwk_t *a, cjose_jwk_t *b)
{
	json_t *doc = json_object(), *keys = json_array();
	char *text;

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
	text = json_dumps(doc, JSON_COMPACT);
	oidc_stub_set(s, &s->jwks, text);
	free(text);
	json_decref(doc);
}

json_t *oidc_stub_claims(const struct oidc_stub *s, int64_t now)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:b, s:s, s:[s,s]}", "iss", s->issuer,
			 "aud", OIDC_STUB_CLIENT_ID, "sub", "user-1", "exp",
			 (json_int_t)(now + 300), "iat", (json_int_t)now, "nonce", OIDC_STUB_NONCE,
			 "email", "Hoitaja@Kuopio-Terveys.Example.ORG", "email_verified", 1, "name",
			 "Hanna Hoitaja", "groups", "g1", "g2");
}

char *oidc_stub_sign(cjose_jwk_t *k, const char *alg, json_t *c)
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

char *oidc_stub_unsigned(json_t *c)
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

/* --- the server's life and the relying party ------------------------------------ */

void oidc_stub_env(const char *iss)
{
	setenv("TARJOTIN_OIDC_PROVIDERS", "test", 1);
	setenv("TARJOTIN_OIDC_TEST_ISSUER", iss, 1);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_ID", OIDC_STUB_CLIENT_ID, 1);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_SECRET", OIDC_STUB_SECRET, 1);
	setenv("TARJOTIN_OIDC_TEST_NAME", "Testin hyvinvointialue", 1);
	unsetenv("TARJOTIN_OIDC_TEST_SCOPES");
}

struct oidc *oidc_stub_rp(const struct oidc_stub *s)
{
	const char *bad = NULL;
	char err[160];
	struct oidc *o;

	oidc_stub_env(s->issuer);
	o = oidc_new(OIDC_STUB_REDIRECT, 2000, &bad, err, sizeof err);
	if (!o)
		fail_msg("oidc_new: %s: %s", bad, err);
	return o;
}

struct oidc_stub *oidc_stub_new(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	struct oidc_stub *s = calloc(1, sizeof *s);
	const union MHD_DaemonInfo *info;

	if (!s || sodium_init() < 0 || pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return NULL;
	}
	s->token_status = 200;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* port 0: the kernel picks */
	s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL,
				     NULL, handler, s, MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				     MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_END);
	if (!s->daemon) {
		oidc_stub_destroy(&s);
		return NULL;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(s->issuer, sizeof s->issuer, "http://127.0.0.1:%u", info->port);
	s->rsa1 = oidc_stub_rsa_key("k1");
	s->rsa_evil = oidc_stub_rsa_key("k1"); /* the same kid, another key */
	s->rsa2 = oidc_stub_rsa_key("k2");
	s->ec1 = with_kid(cjose_jwk_create_EC_random(CJOSE_JWK_EC_P_256, NULL), "e1");
	s->hmac = with_kid(cjose_jwk_create_oct_random(32, NULL), "k1");
	return s;
}

void oidc_stub_destroy(struct oidc_stub **sp)
{
	struct oidc_stub *s = *sp;

	if (!s)
		return;
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	cjose_jwk_release(s->rsa1);
	cjose_jwk_release(s->rsa_evil);
	cjose_jwk_release(s->rsa2);
	cjose_jwk_release(s->ec1);
	cjose_jwk_release(s->hmac);
	free(s->jwks);
	free(s->token_reply);
	free(s->discovery_issuer);
	free(s->last_form);
	free(s->last_auth);
	pthread_mutex_destroy(&s->mu);
	free(s);
	*sp = NULL;
}

int oidc_stub_group_setup(void **state)
{
	*state = oidc_stub_new();
	return *state ? 0 : -1;
}

int oidc_stub_group_teardown(void **state)
{
	oidc_stub_destroy((struct oidc_stub **)state);
	return 0;
}

int oidc_stub_setup(void **state)
{
	struct oidc_stub *s = *state;

	oidc_stub_serve_keys(s, s->rsa1, s->ec1);
	oidc_stub_set(s, &s->discovery_issuer, NULL);
	s->rp = oidc_stub_rp(s);
	return 0;
}

int oidc_stub_teardown(void **state)
{
	struct oidc_stub *s = *state;

	oidc_destroy(&s->rp);
	assert_null(s->rp);
	return 0;
}
