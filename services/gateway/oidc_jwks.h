/*
 * oidc_jwks.h - a provider's JSON Web Key Set (RFC 7517), imported with
 * libcjose, and the choice of the key that checks an ID token's signature.
 * Not thread-safe by itself: oidc.c guards each set with its provider's
 * mutex (cjose's reference counts are plain integers).
 */
#ifndef TJ_OIDC_JWKS_H
#define TJ_OIDC_JWKS_H

#include <stddef.h>

#include <cjose/jwk.h>

#define OIDC_JWKS_MAX_KEYS 32

struct oidc_jwks;

/*
 * Parses a JWKS document ({"keys":[...]}).  Keys that are not for
 * signatures ("use" other than "sig"), of a type we do not verify with
 * (only RSA and EC P-256), or that cjose cannot import are skipped; at most
 * OIDC_JWKS_MAX_KEYS are kept.  Returns the set (oidc_jwks_destroy frees),
 * or NULL with a reason in err when the document is not a JWKS or holds no
 * usable key.
 */
struct oidc_jwks *oidc_jwks_parse(const char *json, size_t len, char *err, size_t errlen);
void oidc_jwks_destroy(struct oidc_jwks **jp);

/* How many keys the set kept. */
size_t oidc_jwks_count(const struct oidc_jwks *j);

/*
 * The key for a token signed with 'alg' (RS256, PS256 or ES256) and 'kid'
 * (NULL when the header has none: then the one key of the right type, if
 * there is exactly one).  The key's type must fit the algorithm and its
 * "alg", when it has one, must equal it.  Returns the key retained
 * (cjose_jwk_release it, under the same lock), or NULL.
 */
cjose_jwk_t *oidc_jwks_find(const struct oidc_jwks *j, const char *alg, const char *kid);

#endif
