/*
 * surveyans.h - a recipient's answer page of a follow-up survey
 * (docs/statistics.md §7): what the link shows and the one answer it
 * takes, without a sign-in (the token in the body is the authority).
 */
#ifndef TJ_SURVEYANS_H
#define TJ_SURVEYANS_H

#include "directory.h"

/* MSG_SURVEY_PEEK: body {"token"} -> {"survey":{"title","intro",
 * "questions"} (every language), "recipient_name", "state":"open"}; 404
 * link_invalid (no such link, or no token's form), 410 link_used, 410
 * survey_closed.  Changes nothing. */
void surveyans_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_SURVEY_ANSWER: body {"token","lang"?,"answers":{"q1":4,"q2":"..."}}
 * -> {"ok":true}: the same checks, then the answers (surveydoc.h's rules,
 * 400 invalid_fields; at least one) stored with the link, not the person,
 * the link used (of two answers in parallel exactly one wins, the other
 * 410 link_used) and the audit row survey.answer (actor anonymous, no
 * answer text), in one transaction. */
void surveyans_answer(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
