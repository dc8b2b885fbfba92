/*
 * oidc_claims.h - the checks of an ID token's claims (OpenID Connect Core
 * 3.1.3.7) once its signature is verified, and the identity they give.
 */
#ifndef TJ_OIDC_CLAIMS_H
#define TJ_OIDC_CLAIMS_H

#include <stdint.h>

#include <jansson.h>

#include "oidc.h"

#define OIDC_CLAIMS_SKEW 60 /* seconds of clock skew allowed for exp and iat */

/* What the claims must say. */
struct oidc_claims_want {
	const char *issuer;
	const char *client_id;
	const char *nonce;
	const char *groups_claim;
	int64_t now; /* Unix seconds */
};

/*
 * Checks 'claims' (a JSON object): iss equal, aud the client id or an
 * array holding it (then azp the client id when it has several), exp >
 * now - skew, iat < now + skew, nonce equal, sub set, email_verified not
 * false, email (when present) valid, lower-cased.  Returns 0 and fills *id
 * (oidc_identity_release frees it), or -1 with the reason in err: "issuer",
 * "audience", "expired", "issued in the future", "nonce", "subject",
 * "email not verified", "email".  *id is untouched on error.
 */
int oidc_claims_check(json_t *claims, const struct oidc_claims_want *w, struct oidc_identity *id,
		      char *err, size_t errlen);

#endif
