/*
 * survey.h - the admin's follow-up surveys (docs/statistics.md §7): the
 * list, creating and editing a draft, one survey with its results, and
 * closing it.  Every call takes a DocCall and answers a DocReply; the
 * rules (admin only) are authz.c's.  The send is surveysend.h's, the
 * recipients' answer page surveyans.h's.
 */
#ifndef TJ_SURVEY_H
#define TJ_SURVEY_H

#include "directory.h"

/* MSG_SURVEY_LIST: {"items":[{"id","title","audience","status",
 * "created_at","sent_at","recipients","answered","response_rate"}]},
 * newest first. */
void survey_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_SURVEY_SAVE: DocCall id "" creates a draft from the body (audit
 * survey.create), a survey id replaces a draft's definition (survey.update;
 * 409 survey_sent once sent, 404 not_found); 400 invalid_fields with every
 * field error (surveydoc.h).  Answers the survey's document. */
void survey_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_SURVEY_GET: the survey's document and "results": {"recipients",
 * "answered","response_rate" (percent, one decimal; 0 without
 * recipients),"questions":[{"id","type","n", scale: "counts" [n1..n5],
 * "mean" (2 decimals, null when n is 0); text: "answers" newest first}]}. */
void survey_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_SURVEY_CLOSE: a sent survey becomes closed (audit survey.close); a
 * closed one stays as it is (no audit row); a draft answers 409
 * survey_draft.  Answers the survey's document. */
void survey_close(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
