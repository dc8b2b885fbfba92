/*
 * signin.h - OpenID Connect sign-ins mapped to accounts (MSG_AUTH_SIGNIN)
 * and sign-ins the gateway refused (MSG_AUTH_FAILED), both audited
 * (docs/identity.md "OpenID Connect").
 */
#ifndef TJ_SIGNIN_H
#define TJ_SIGNIN_H

#include "directory.h"

/* Worker handlers (handler_fn). */
void signin_oidc(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void signin_failed(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
