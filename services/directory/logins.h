/*
 * logins.h - the e-mail link sign-in's two calls (docs/identity.md "E-mail
 * link"): asking for a link (MSG_LOGIN_LINK_REQUEST) and using one
 * (MSG_LOGIN_LINK_CONSUME).
 */
#ifndef TJ_LOGINS_H
#define TJ_LOGINS_H

#include "directory.h"

/* Worker handlers (handler_fn). */
void logins_request(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void logins_consume(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/*
 * Issues a link for account 'account_id' at 'email' and queues its e-mail in
 * 'lang', in the caller's open transaction (invitations and new editors).
 * Returns 0, or -1 with 'reply' filled (UNAVAILABLE without a data key).
 */
int logins_invite(struct worker *w, const char *email, const char *account_id, const char *lang,
		  Tarjotin__Envelope *reply);

#endif
