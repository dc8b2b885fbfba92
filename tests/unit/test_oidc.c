// units: services/gateway/oidc.c services/gateway/oidc_config.c services/gateway/oidc_http.c services/gateway/oidc_jwks.c services/gateway/oidc_claims.c tests/unit/oidc_stub.c
/*
 * Unit tests of the gateway's OpenID Connect relying party, the ID token:
 * tokens signed with libcjose keys and verified against the JWKS that a
 * provider stand-in (oidc_stub.c) serves on 127.0.0.1, so that the real
 * fetch code runs: good tokens, each refusal by its reason, key rotation.
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
#include <pthread.h>
#include <sodium.h>

#include "oidc.h"
#include "oidc_stub.h"

#define CLIENT_ID OIDC_STUB_CLIENT_ID
#define NONCE OIDC_STUB_NONCE
#define REDIRECT OIDC_STUB_REDIRECT

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
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);
	struct oidc_identity id = { 0 };
	char err[160], *tok = oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now));

	assert_int_equal(oidc_verify_id_token(o, "test", tok, NONCE, now, &id, err, sizeof err), 0);
	assert_string_equal(id.issuer, stub->issuer);
	assert_string_equal(id.subject, "user-1");
	assert_string_equal(id.email, "hoitaja@kuopio-terveys.example.org");
	assert_string_equal(id.name, "Hanna Hoitaja");
	assert_int_equal(id.n_groups, 2);
	assert_string_equal(id.groups[1], "g2");
	oidc_identity_release(&id);
	assert_null(id.email);
	free(tok);
	expect(o, oidc_stub_sign(stub->rsa1, "PS256", oidc_stub_claims(stub, now)), now, NULL);
	expect(o, oidc_stub_sign(stub->ec1, "ES256", oidc_stub_claims(stub, now)), now, NULL);
	/* Within the 60 s skew. */
	expect(o, oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now)), now + 300 + 50,
	       NULL);
	expect(o, oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now + 50)), now, NULL);
	/* One fetch of the keys served them all. */
	assert_int_equal(oidc_stub_jwks_fetches(stub) > 0, 1);
}

static json_t *with(json_t *c, const char *name, json_t *v)
{
	json_object_set_new(c, name, v);
	return c;
}

static void test_refused(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);

	expect(o, oidc_stub_sign(stub->rsa_evil, "RS256", oidc_stub_claims(stub, now)), now,
	       "signature");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "aud", json_string("other"))),
	       now, "audience");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "iss", json_string("http://evil"))),
	       now, "issuer");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "nonce", json_string("other"))),
	       now, "nonce");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      json_pack("{s:s,s:s,s:s,s:I,s:I}", "iss", stub->issuer, "aud",
					CLIENT_ID, "sub", "u", "exp", (json_int_t)(now + 60), "iat",
					(json_int_t)now)),
	       now, "nonce");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "exp", json_integer(now - 61))),
	       now, "expired");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "iat", json_integer(now + 61))),
	       now, "issued in the future");
	expect(o, oidc_stub_unsigned(oidc_stub_claims(stub, now)), now, "algorithm");
	expect(o, oidc_stub_sign(stub->hmac, "HS256", oidc_stub_claims(stub, now)), now,
	       "algorithm");
	expect(o, oidc_stub_sign(stub->rsa1, "RS384", oidc_stub_claims(stub, now)), now,
	       "algorithm");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "email_verified", json_false())),
	       now, "email not verified");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "email",
				   json_string("no at sign"))),
	       now, "email");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "sub", json_string(""))),
	       now, "subject");
	expect(o, strdup("not.a.token"), now, "malformed");
	expect(o, strdup(""), now, "malformed");
	/* The EC key's kid on an RSA token: no key of that type has it. */
	cjose_jwk_t *posing = oidc_stub_rsa_key("e1");
	expect(o, oidc_stub_sign(posing, "RS256", oidc_stub_claims(stub, now)), now, "unknown key");
	cjose_jwk_release(posing);
}

static void test_audiences(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);

	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "aud",
				   json_pack("[s]", CLIENT_ID))),
	       now, NULL);
	/* Several audiences: azp must name us. */
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "aud",
				   json_pack("[s,s]", "x", CLIENT_ID))),
	       now, "audience");
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(with(oidc_stub_claims(stub, now), "aud",
					json_pack("[s,s]", "x", CLIENT_ID)),
				   "azp", json_string(CLIENT_ID))),
	       now, NULL);
	expect(o,
	       oidc_stub_sign(stub->rsa1, "RS256",
			      with(oidc_stub_claims(stub, now), "aud", json_pack("[s]", "x"))),
	       now, "audience");
}

/* The provider rotates: the served set now has only a new key with a new
 * kid; a token signed with it is accepted after exactly one re-fetch. */
static void test_rotation(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);
	int before;

	expect(o, oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now)), now, NULL);
	oidc_stub_serve_keys(stub, stub->rsa2, NULL);
	before = oidc_stub_jwks_fetches(stub);
	expect(o, oidc_stub_sign(stub->rsa2, "RS256", oidc_stub_claims(stub, now)), now, NULL);
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 1);
	/* The new key is cached: no more fetches. */
	expect(o, oidc_stub_sign(stub->rsa2, "RS256", oidc_stub_claims(stub, now)), now, NULL);
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 1);
	/* The old key is gone from the set: refused, and within the second no
	 * re-fetch is made for it. */
	expect(o, oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now)), now,
	       "unknown key");
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 1);
}

struct verifier_thread {
	struct oidc *o;
	char *token;
	int rc;
	char err[160];
};

static void *verify_thread(void *arg)
{
	struct verifier_thread *t = arg;
	struct oidc_identity id = { 0 };

	t->rc = oidc_verify_id_token(t->o, "test", t->token, NONCE, time(NULL), &id, t->err,
				     sizeof t->err);
	oidc_identity_release(&id);
	return NULL;
}

/* Sign-ins at the moment of a rotation, from several threads: all pass,
 * with one re-fetch (the others wait for it). */
static void test_rotation_threads(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);
	struct verifier_thread t[6];
	pthread_t th[6];
	int before;

	expect(o, oidc_stub_sign(stub->rsa1, "RS256", oidc_stub_claims(stub, now)), now, NULL);
	oidc_stub_serve_keys(stub, stub->rsa2, NULL);
	before = oidc_stub_jwks_fetches(stub);
	for (int i = 0; i < 6; i++) {
		t[i] = (struct verifier_thread){
			.o = o,
			.token = oidc_stub_sign(stub->rsa2, "RS256", oidc_stub_claims(stub, now))
		};
		assert_int_equal(pthread_create(&th[i], NULL, verify_thread, &t[i]), 0);
	}
	for (int i = 0; i < 6; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		if (t[i].rc != 0)
			fail_msg("thread %d refused: %s", i, t[i].err);
		free(t[i].token);
	}
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 1);
}

/* A kid the re-fetched set lacks too is refused. */
static void test_unknown_kid(void **state)
{
	struct oidc_stub *stub = *state;
	struct oidc *o = stub->rp;
	int64_t now = time(NULL);
	cjose_jwk_t *stray = oidc_stub_rsa_key("k9");
	int before = oidc_stub_jwks_fetches(stub);

	/* The first fetch, then one re-fetch for the kid, then none. */
	expect(o, oidc_stub_sign(stray, "RS256", oidc_stub_claims(stub, now)), now, "unknown key");
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 1);
	expect(o, oidc_stub_sign(stray, "RS256", oidc_stub_claims(stub, now)), now, "unknown key");
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 2);
	expect(o, oidc_stub_sign(stray, "RS256", oidc_stub_claims(stub, now)), now, "unknown key");
	assert_int_equal(oidc_stub_jwks_fetches(stub), before + 2);
	cjose_jwk_release(stray);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_tokens, oidc_stub_setup,
						oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_refused, oidc_stub_setup, oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_audiences, oidc_stub_setup,
						oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_rotation, oidc_stub_setup, oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_rotation_threads, oidc_stub_setup,
						oidc_stub_teardown),
		cmocka_unit_test_setup_teardown(test_unknown_kid, oidc_stub_setup,
						oidc_stub_teardown),
	};
	return cmocka_run_group_tests(tests, oidc_stub_group_setup, oidc_stub_group_teardown);
}
