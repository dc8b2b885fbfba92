/*
 * oidc_stub.h - an OpenID provider stand-in for the relying party's unit
 * tests: a libmicrohttpd server on 127.0.0.1 (an ephemeral port) serving
 * the discovery document, the JWKS and the token endpoint, keys made with
 * libcjose, and ID tokens signed with them.  Fails the running cmocka test
 * when a library call fails.
 */
#ifndef TJ_OIDC_STUB_H
#define TJ_OIDC_STUB_H

#include <pthread.h>
#include <stdint.h>

#include <cjose/cjose.h>
#include <jansson.h>
#include <microhttpd.h>

#include "oidc.h"

#define OIDC_STUB_CLIENT_ID "tarjotin"
#define OIDC_STUB_SECRET "s3cret:with/odd chars, and 32+ bytes long"
#define OIDC_STUB_NONCE "nonce-1"
#define OIDC_STUB_REDIRECT "http://127.0.0.1:1/auth/oidc/callback"

struct oidc_stub {
	struct MHD_Daemon *daemon;
	char issuer[64];                                  /* http://127.0.0.1:<port> */
	cjose_jwk_t *rsa1, *rsa_evil, *rsa2, *ec1, *hmac; /* kids k1, k1, k2, e1, k1 */
	pthread_mutex_t mu;
	/* Under mu: what is served and what was asked. */
	char *jwks;             /* the JWKS document served now */
	char *token_reply;      /* what the token endpoint answers */
	int token_status;       /* with this status */
	char *discovery_issuer; /* the issuer discovery names; NULL: the real one */
	int jwks_fetches;
	char *last_form; /* the last token request's body */
	char *last_auth; /* its Authorization header */
	struct oidc *rp; /* the running test's relying party (oidc_stub_setup) */
};

/* Starts the server and makes the keys; NULL on failure.  Also serves
 * <issuer>/redirect/... (a 302) and <issuer>/big/... (100 KiB). */
struct oidc_stub *oidc_stub_new(void);
void oidc_stub_destroy(struct oidc_stub **sp);

/* Sets one of the served strings (a copy, NULL allowed) under the lock. */
void oidc_stub_set(struct oidc_stub *s, char **field, const char *v);
void oidc_stub_token_status(struct oidc_stub *s, int status);
/* Serves {"keys":[the public parts of a and b]} (b may be NULL). */
void oidc_stub_serve_keys(struct oidc_stub *s, cjose_jwk_t *a, cjose_jwk_t *b);
int oidc_stub_jwks_fetches(struct oidc_stub *s);
/* Copies of the last token request's body and Authorization; free() them. */
void oidc_stub_last_request(struct oidc_stub *s, char **form, char **auth);

/* A new RSA key (2048 bits) with this kid; cjose_jwk_release it. */
cjose_jwk_t *oidc_stub_rsa_key(const char *kid);
/* Good claims for a token issued at 'now': iss, aud, sub, exp, iat, nonce,
 * a mixed-case e-mail, email_verified, name, groups g1 and g2. */
json_t *oidc_stub_claims(const struct oidc_stub *s, int64_t now);
/* Signs 'c' (consumed) with k and alg, the key's kid in the header; free(). */
char *oidc_stub_sign(cjose_jwk_t *k, const char *alg, json_t *c);
/* An "alg":"none" token of 'c' (consumed); free(). */
char *oidc_stub_unsigned(json_t *c);

/* The environment of one provider "test" with this issuer. */
void oidc_stub_env(const char *issuer);
/* A relying party for the stub's provider; oidc_destroy it. */
struct oidc *oidc_stub_rp(const struct oidc_stub *s);

/* cmocka fixtures: the group's state is the stub; each test's setup serves
 * the first keys (rsa1, ec1) again and makes a fresh relying party in
 * stub->rp, which its teardown destroys. */
int oidc_stub_group_setup(void **state);
int oidc_stub_group_teardown(void **state);
int oidc_stub_setup(void **state);
int oidc_stub_teardown(void **state);

#endif
