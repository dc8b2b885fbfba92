/*
 * usersites.h - the admin's user sites (MSG_USER_SITE_LIST, MSG_USER_SITE_SAVE):
 * health centres and service units, their county, e-mail domains, identity
 * provider and group.
 */
#ifndef TJ_USERSITES_H
#define TJ_USERSITES_H

#include "directory.h"

/* Worker handlers (handler_fn). */
void usersites_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void usersites_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
