/*
 * oidcroute.h - the OpenID Connect sign-in routes (docs/identity.md), over
 * the relying party in oidc.h:
 *
 *   GET /auth/oidc/{key}/start?return=/path   302 to the provider
 *   GET /auth/oidc/callback?code&state        303 to the return path, or to
 *                                             /signin.html?error=<code>
 *
 * The start keeps provider, verifier, nonce and return path in Redis
 * tj:oidc:<sha256(state)> for 10 minutes and sets the cookie tj_oidc to the
 * state; the callback uses the record once and only with that cookie.
 */
#ifndef TJ_GW_OIDCROUTE_H
#define TJ_GW_OIDCROUTE_H

#include "req.h"

#define OIDCROUTE_STATE_TTL_S 600

unsigned oidcroute_start(struct req *r, const char *url);
unsigned oidcroute_callback(struct req *r, const char *url);

#endif
