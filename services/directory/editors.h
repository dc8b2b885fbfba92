/*
 * editors.h - an organisation's editors (MSG_EDITOR_LIST, MSG_EDITOR_ADD,
 * MSG_EDITOR_REMOVE), for an admin or an editor of that organisation.
 */
#ifndef TJ_EDITORS_H
#define TJ_EDITORS_H

#include "directory.h"

/* Worker handlers (handler_fn); IdentityCall.id is the organisation,
 * id2 (remove) the account. */
void editors_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void editors_add(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void editors_remove(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
