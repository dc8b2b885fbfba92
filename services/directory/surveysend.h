/*
 * surveysend.h - sending a follow-up survey (docs/statistics.md §7): the
 * recipients chosen, one answer link each, the invitations queued, the
 * survey frozen, all in one transaction (every recipient is queued or
 * none is).
 */
#ifndef TJ_SURVEYSEND_H
#define TJ_SURVEYSEND_H

#include "directory.h"

/*
 * MSG_SURVEY_SEND (admin): DocCall id the survey, body {"recipient_ids"?:
 * [ids], "dry_run"?: bool}.  The recipients are the approved organisations
 * (audience "organizations") or the user sites ("user_sites"), all of them
 * or those of recipient_ids (any other id: 400 invalid_fields
 * recipient_ids "unknown").  An organisation is mailed at its e-mail, or
 * without one at each maintainer's address (the same link); a user site at
 * its contact_email; one without an address is skipped.  Each recipient
 * gets a token (only its SHA-256 stored in survey_recipients) in the
 * e-mail survey_invitation (vars survey_url, survey_title, recipient_name,
 * sealed) in its language: a maintainer's account language, else the
 * organisation's (the first maintainer with an account, else its
 * registration language); a user site's mails are in Finnish.  Answers
 * {"sent": n, "skipped": n}; audit survey.send with the same detail.
 * 404 not_found, 409 survey_sent (not a draft), 409 no_recipients (nobody
 * to send to: nothing changes), 503 without a data key.  With dry_run the
 * counts only, nothing written ({"sent","skipped","dry_run":true}).
 */
void surveysend_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
