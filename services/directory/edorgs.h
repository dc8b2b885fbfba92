/*
 * edorgs.h - the editor's lists (docs/selfservice.md "Editing"): the
 * organisations one may edit with their activities' counts and review
 * state, and an organisation's activities.
 */
#ifndef TJ_EDORGS_H
#define TJ_EDORGS_H

#include "directory.h"

/*
 * MSG_EDITOR_ORGANIZATIONS: an editor's organisations (the principal's
 * organization_ids), or for an admin every approved one (body {"q"?}: a
 * part of the name), by name, at most 200.  Answers {"items":[{"id",
 * "name","status","activities":{"draft","published","paused","archived"},
 * "review":{"due","unverified","hidden"}}]}; review.due counts the
 * published, still current activities whose due date (assured_date +
 * TARJOTIN_REVIEW_MONTHS, on the review's clock) has come.
 */
void edorgs_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/*
 * MSG_ORG_ACTIVITIES: id = the organisation (FORBIDDEN for an editor of
 * another, NOT_FOUND when it names nothing).  Answers {"items":[{"id",
 * "name","status","freshness","assured_date","assurer","due_date",
 * "version","updated_at"}]} every activity, any status, by name.
 */
void edorgs_activities(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
