/*
 * oidc.h - OpenID Connect relying party: the authorization code flow with
 * PKCE (S256), state and nonce, for the providers configured in the
 * environment (docs/identity.md).  JWK/JWS through libcjose, HTTP through
 * libcurl, JSON through jansson; no crypto by hand.
 *
 * The discovery document and the JWKS are fetched when first needed and
 * cached; a kid the cached JWKS lacks re-fetches it once (at most once per
 * provider per second), so that a provider's key rotation is picked up.
 * Every function is safe to call from several HTTP threads at once; the
 * network calls (discovery, JWKS, token exchange) block the calling thread
 * for at most the configured timeout.
 */
#ifndef TJ_OIDC_H
#define TJ_OIDC_H

#include <stddef.h>
#include <stdint.h>

#define OIDC_MAX_PROVIDERS 16
#define OIDC_KEY_MAX 32
#define OIDC_MAX_GROUPS 64

struct oidc;

/* One provider, from TARJOTIN_OIDC_<KEY>_*.  Strings are the
 * environment's (they outlive the process's use of them). */
struct oidc_provider_config {
	const char *key;  /* [a-z0-9-]{1,32} */
	const char *name; /* for the sign-in button */
	/* exact "iss"; discovery at <issuer>/.well-known/openid-configuration */
	const char *issuer;
	const char *client_id;
	const char *client_secret;
	const char *scopes;       /* "openid email profile" */
	const char *groups_claim; /* "groups" */
};

/* What a verified ID token says.  Free with oidc_identity_release. */
struct oidc_identity {
	char *issuer;
	char *subject;
	char *email; /* lower case; NULL when the token has none (refused by oidc_finish) */
	char *name;  /* may be NULL */
	char *groups[OIDC_MAX_GROUPS];
	size_t n_groups;
};

/* What oidc_begin made: the authorization URL to redirect to, and what the
 * callback needs back (kept by the caller in Redis, keyed by the state). */
struct oidc_begin {
	char *url;      /* the authorization request; free() */
	char state[44]; /* base64url of 32 random bytes, NUL-terminated */
	char nonce[44];
	char verifier[44]; /* the PKCE code verifier */
};

/*
 * Reads the providers from the environment (TARJOTIN_OIDC_PROVIDERS and
 * TARJOTIN_OIDC_<KEY>_*), validates them (issuer an http(s) URL, client id
 * and secret set, at most OIDC_MAX_PROVIDERS), and returns the relying
 * party; redirect_uri is "<public url>/auth/oidc/callback".  With no
 * providers configured it returns an object with none.  On a bad
 * configuration returns NULL, *bad_var naming the variable (a per-thread
 * buffer, valid until this thread's next oidc_new) and err the reason.  timeout_ms bounds every HTTP call.  oidc_destroy frees.
 */
struct oidc *oidc_new(const char *redirect_uri, int timeout_ms, const char **bad_var, char *err,
		      size_t errlen);
void oidc_destroy(struct oidc **op);

/* The configured providers, in the order of TARJOTIN_OIDC_PROVIDERS. */
size_t oidc_count(const struct oidc *o);
const struct oidc_provider_config *oidc_provider(const struct oidc *o, size_t i);
/* The provider with this key, or NULL. */
const struct oidc_provider_config *oidc_find(const struct oidc *o, const char *key);

/*
 * Starts a sign-in with the provider 'key': fetches discovery if not yet
 * cached, makes state, nonce and verifier, and builds the authorization URL
 * (response_type=code, client_id, redirect_uri, scope, state, nonce,
 * code_challenge, code_challenge_method=S256).  Returns 0, or -1 with the
 * reason in err (unknown provider, discovery failed).
 */
int oidc_begin(struct oidc *o, const char *key, struct oidc_begin *out, char *err, size_t errlen);
void oidc_begin_release(struct oidc_begin *b);

/*
 * Finishes a sign-in: exchanges 'code' (with the PKCE verifier) at the
 * token endpoint and verifies the ID token (oidc_verify_id_token, now).
 * Returns 0 and fills *id, or -1 with a short lower-case reason in err that
 * holds no token material.
 */
int oidc_finish(struct oidc *o, const char *key, const char *code, const char *verifier,
		const char *nonce, struct oidc_identity *id, char *err, size_t errlen);

/*
 * Verifies an ID token from provider 'key' at time 'now' (Unix seconds):
 * the JWS signature against the provider's JWKS (RS256, PS256, ES256 only;
 * an unknown kid re-fetches the JWKS once), iss == the issuer, aud holds
 * the client id (and azp is the client id when aud has several values),
 * exp > now - skew, iat < now + skew (skew 60 s), nonce equal, and
 * email_verified not false.  Returns 0 and fills *id, or -1 with the
 * reason ("signature", "audience", "expired", "nonce", "issuer", ...) in err.
 */
int oidc_verify_id_token(struct oidc *o, const char *key, const char *id_token, const char *nonce,
			 int64_t now, struct oidc_identity *id, char *err, size_t errlen);

void oidc_identity_release(struct oidc_identity *id);

#endif
