// units: services/gateway/oidc.c services/gateway/oidc_config.c services/gateway/oidc_http.c services/gateway/oidc_jwks.c services/gateway/oidc_claims.c tests/unit/oidc_stub.c
/*
 * Unit tests of the gateway's OpenID Connect relying party, the flow and
 * the configuration: the authorization URL (state, nonce, PKCE), the token
 * exchange (client_secret_basic, the form), discovery's issuer check and
 * HTTP limits against the provider stand-in (oidc_stub.c), and what
 * oidc_new refuses.
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

#include <cmocka.h>
#include <sodium.h>

#include "oidc.h"
#include "oidc_stub.h"

#define CLIENT_ID OIDC_STUB_CLIENT_ID
#define NONCE OIDC_STUB_NONCE
#define REDIRECT OIDC_STUB_REDIRECT

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
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	struct oidc_begin b;
	unsigned char hash[crypto_hash_sha256_BYTES];
	char want[64], v[512], err[160], prefix[128];

	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), 0);
	snprintf(prefix, sizeof prefix, "%s/auth?", stub->issuer);
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
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	struct oidc_identity id = { 0 };
	char err[160], basic[160], *tok, *reply, *form, *auth;
	const char *cred = "tarjotin:s3cret%3Awith%2Fodd%20chars%2C%20and%2032%2B%20bytes%20long";

	tok = oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, time(NULL)));
	reply = malloc(strlen(tok) + 64);
	snprintf(reply, strlen(tok) + 64, "{\"id_token\":\"%s\",\"token_type\":\"Bearer\"}", tok);
	oidc_stub_set(stub, &stub->token_reply, reply);
	assert_int_equal(oidc_finish(o, "test", "the-code", "the-verifier", NONCE, &id, err,
				     sizeof err),
			 0);
	assert_string_equal(id.email, "hoitaja@kuopio-terveys.example.org");
	oidc_identity_release(&id);
	oidc_stub_last_request(stub, &form, &auth);
	assert_string_equal(form,
			    "grant_type=authorization_code&code=the-code&redirect_uri=http%3A%2F%"
			    "2F127.0.0.1%3A1%2Fauth%2Foidc%2Fcallback&code_verifier=the-verifier");
	memcpy(basic, "Basic ", 6);
	sodium_bin2base64(basic + 6, sizeof basic - 6, (const unsigned char *)cred, strlen(cred),
			  sodium_base64_VARIANT_ORIGINAL);
	assert_string_equal(auth, basic);
	free(form);
	free(auth);

	/* The provider refuses the code: its error code, nothing else. */
	oidc_stub_set(stub, &stub->token_reply,
		      "{\"error\":\"invalid_grant\",\"error_description\":\"x y\"}");
	oidc_stub_token_status(stub, 400);
	assert_int_equal(oidc_finish(o, "test", "c", "v", NONCE, &id, err, sizeof err), -1);
	assert_string_equal(err, "token endpoint: invalid_grant");
	/* A token without an e-mail address is refused. */
	oidc_stub_token_status(stub, 200);
	free(reply);
	free(tok);
	json_t *c = oidc_stub_claims(stub, time(NULL));
	json_object_del(c, "email");
	tok = oidc_stub_sign(stub->rsa1, "RS256", c);
	reply = malloc(strlen(tok) + 64);
	snprintf(reply, strlen(tok) + 64, "{\"id_token\":\"%s\"}", tok);
	oidc_stub_set(stub, &stub->token_reply, reply);
	assert_int_equal(oidc_finish(o, "test", "c", "v", NONCE, &id, err, sizeof err), -1);
	assert_string_equal(err, "no email");
	assert_int_equal(oidc_finish(o, "test", "", "v", NONCE, &id, err, sizeof err), -1);
	free(reply);
	free(tok);
}

/* The discovery document must name the configured issuer. */
static void test_discovery_issuer(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	struct oidc_begin b;
	char err[160];

	oidc_stub_set(stub, &stub->discovery_issuer, "http://127.0.0.1:9/other");
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: issuer differs");
	oidc_stub_set(stub, &stub->discovery_issuer, NULL);
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

	struct oidc_stub *stub = *state;

	snprintf(iss, sizeof iss, "%s/redirect", stub->issuer);
	oidc_stub_env(iss);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_non_null(o);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: status 302");
	oidc_destroy(&o);
	snprintf(iss, sizeof iss, "%s/big", stub->issuer);
	oidc_stub_env(iss);
	o = oidc_new(REDIRECT, 2000, &bad, err, sizeof err);
	assert_int_equal(oidc_begin(o, "test", &b, err, sizeof err), -1);
	assert_string_equal(err, "discovery failed: response over 65536 bytes");
	oidc_destroy(&o);
	/* Nothing listens on port 1. */
	oidc_stub_env("http://127.0.0.1:1");
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

	struct oidc_stub *stub = *state;

	oidc_stub_env("ftp://127.0.0.1/");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	oidc_stub_env("http://");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	oidc_stub_env("https://idp.example.org/?x=1");
	refused_config("TARJOTIN_OIDC_TEST_ISSUER");
	oidc_stub_env(stub->issuer);
	unsetenv("TARJOTIN_OIDC_TEST_CLIENT_SECRET");
	refused_config("TARJOTIN_OIDC_TEST_CLIENT_SECRET");
	oidc_stub_env(stub->issuer);
	setenv("TARJOTIN_OIDC_TEST_CLIENT_ID", "", 1);
	refused_config("TARJOTIN_OIDC_TEST_CLIENT_ID");
	oidc_stub_env(stub->issuer);
	setenv("TARJOTIN_OIDC_TEST_SCOPES", "email", 1);
	refused_config("TARJOTIN_OIDC_TEST_SCOPES");
	oidc_stub_env(stub->issuer);
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
		setenv(var, "a-client-secret-of-at-least-32-bytes", 1);
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
	oidc_stub_env(stub->issuer);
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
		cmocka_unit_test_setup_teardown(test_begin, oidc_stub_setup, oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_finish, oidc_stub_setup, oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_discovery_issuer, oidc_stub_setup,
						oidc_stub_teardown),
		cmocka_unit_test(test_http_limits),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, oidc_stub_group_setup, oidc_stub_group_teardown);
}
