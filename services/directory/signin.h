/*
 * signin.h - OpenID Connect sign-ins mapped to accounts (MSG_AUTH_SIGNIN)
 * and sign-ins the gateway refused (MSG_AUTH_FAILED), both audited
 * (docs/identity.md "OpenID Connect").
 */
#ifndef TJ_SIGNIN_H
#define TJ_SIGNIN_H

#include "directory.h"

/*
 * Writes the audit row of a refused sign-in: signin_failed by "anonymous"
 * (naming account_id when known, may be NULL), the masked hint of 'email'
 * (may be ""), detail {"method","provider","reason"}; in whatever
 * transaction is open (none: the row stands alone).  Returns 0, or -1 with
 * 'reply' filled.
 */
int signin_record_failure(struct worker *w, const char *account_id, const char *email,
			  const char *method, const char *provider, const char *reason,
			  Tarjotin__Envelope *reply);

/* Worker handlers (handler_fn). */
void signin_oidc(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void signin_failed(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
