/*
 * reviewlink.h - the one-click review link (docs/selfservice.md "The
 * one-click link"): what a link confirms, and the confirmation itself,
 * without a sign-in (the token is the authority).  Both take a DocCall
 * with body {"token"} and answer a DocReply.
 */
#ifndef TJ_REVIEWLINK_H
#define TJ_REVIEWLINK_H

#include "directory.h"

/* MSG_REVIEW_LINK_PEEK: 200 {"state":"ready","activity":{"id","name"},
 * "organization":{"id","name"},"assured_date","due_date"}, or 400
 * link_invalid, 410 link_used / link_expired, 409 version_changed /
 * not_published.  Changes nothing. */
void reviewlink_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_REVIEW_LINK_CONFIRM: the same checks, then in one transaction the
 * link used (only one of two parallel uses wins), the activity assured
 * today by the link's address and current again, and the audit row
 * activity.confirm; 200 {"state":"confirmed",...,"assured_date"}. */
void reviewlink_confirm(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
