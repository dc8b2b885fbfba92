/*
 * orgprofile.h - the organisation document an editor or the admin keeps
 * current (docs/selfservice.md "Editing"): reading it with its version
 * (MSG_ORG_PROFILE_GET) and saving it against that version
 * (MSG_ORG_PROFILE_SAVE) with field history and an audit row.
 */
#ifndef TJ_ORGPROFILE_H
#define TJ_ORGPROFILE_H

#include "directory.h"

/*
 * Worker handlers (handler_fn); DocCall id the organisation.  NOT_FOUND
 * when it names nothing, FORBIDDEN for an editor of others.  Save: the
 * whole document with if_match (0: BAD_REQUEST precondition_required,
 * which the gateway answers as 428 before it gets here); another version
 * than the current: CONFLICT version_conflict with the current document;
 * field errors all at once.  A save that changes nothing keeps the version
 * and writes nothing.
 */
void orgprofile_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);
void orgprofile_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
