/*
 * accounts.h - the admin's accounts (MSG_ACCOUNT_LIST, MSG_ACCOUNT_INVITE,
 * MSG_ACCOUNT_UPDATE): listing, inviting (an account and a sign-in link by
 * e-mail) and changing name, role, user site, organisations or disabled.
 */
#ifndef TJ_ACCOUNTS_H
#define TJ_ACCOUNTS_H

#include "directory.h"

/* Worker handlers (handler_fn). */
void accounts_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void accounts_invite(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void accounts_update(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
