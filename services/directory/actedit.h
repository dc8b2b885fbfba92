/*
 * actedit.h - editors and admins edit activities (docs/selfservice.md
 * "Editing"): create, read, save with a version (If-Match), change the
 * status, confirm "still correct".  Each call takes a DocCall and answers
 * the activity document with its version (DocReply); an editor acts only
 * for their organisations' activities (FORBIDDEN), an id that names
 * nothing is NOT_FOUND.  Every change is one transaction with the row
 * locked: the content, one history row per changed field, the audit row.
 */
#ifndef TJ_ACTEDIT_H
#define TJ_ACTEDIT_H

#include "directory.h"

/* MSG_ACTIVITY_CREATE: id = the organisation, body = the document
 * ("status" draft or published).  Version 1, history of every non-empty
 * writable field (not the status), audit "activity.create". */
void actedit_create(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_ACTIVITY_EDIT_GET: id = the activity. */
void actedit_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_ACTIVITY_SAVE: id = the activity, if_match = the version edited
 * (required; another version: CONFLICT "version_conflict" with the current
 * document), body = the whole document.  A save that changes nothing
 * answers the same version and writes nothing; else version + 1, history,
 * audit "activity.update" {"fields"}, and a published activity counts as
 * verified today. */
void actedit_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_ACTIVITY_STATUS: body {"status": draft|published|paused|archived},
 * if_match required.  Publishing checks the publication rules.  Version +
 * 1, history "status", audit "activity.status" {"from","to"}. */
void actedit_status(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_ACTIVITY_CONFIRM: "still correct" (published activities only:
 * CONFLICT "not_published"); if_match optional.  assured_date := today on
 * the review's clock, assurer := the account's e-mail, freshness :=
 * current; the version stays.  Audit "activity.confirm" {"via":"editor"}. */
void actedit_confirm(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
