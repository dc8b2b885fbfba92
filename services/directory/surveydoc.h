/*
 * surveydoc.h - the rules of a follow-up survey (docs/statistics.md §7):
 * its definition, the recipients of a send, and a recipient's answers
 * against the questions.  Pure checks, no database: every error is noted
 * into a struct docerr (doccall.h), all of them, and the canonical form is
 * built into an output object.
 */
#ifndef TJ_SURVEYDOC_H
#define TJ_SURVEYDOC_H

#include <jansson.h>

#include "doccall.h"

#define SURVEYDOC_TITLE_MAX 200        /* characters, each language */
#define SURVEYDOC_INTRO_MAX 2000       /* characters, each language */
#define SURVEYDOC_QTEXT_MAX 500        /* characters of a question, each language */
#define SURVEYDOC_QUESTIONS_MAX 10     /* questions of a survey (ids q1..q10) */
#define SURVEYDOC_ANSWER_MAX 2000      /* characters of a text answer */
#define SURVEYDOC_RECIPIENTS_MAX 10000 /* recipient_ids of one send */

/*
 * The survey definition 'in' into 'out' as {"title":{fi,sv,en},
 * "intro":{fi,sv,en}, "audience", "questions":[{"id","type","text":{fi,sv,
 * en},"required"}]}: title.fi 1..200 (single line), sv/en 0..200 and ""
 * taking fi's; intro 0..2000 each (line breaks allowed), sv/en likewise;
 * audience "organizations" | "user_sites"; 1..10 questions, each an object
 * with an optional id "q1".."q10" (unique; a missing one gets the lowest
 * free), type "scale" | "text", text.fi 1..500 and required (default
 * false).  Fields: "title.fi", "questions.2.type", ...; codes required,
 * too_long, too_many, invalid.
 */
void surveydoc_survey(struct docerr *e, const json_t *in, json_t *out);

/*
 * The send body's "recipient_ids": absent or null stores null in 'out'
 * (every recipient of the audience); else an array of at most
 * SURVEYDOC_RECIPIENTS_MAX canonical uuids (either case; stored lower
 * case, duplicates dropped, in order).  Field "recipient_ids", codes
 * invalid, too_many.
 */
void surveydoc_recipients(struct docerr *e, const json_t *in, json_t *out);

/*
 * The answers 'answers' (a JSON object {"q1": 4, "q2": "text"}; NULL or
 * null: none given) to 'questions' (the canonical list surveydoc_survey
 * made) into 'out' (question id -> value; unanswered questions left out):
 * a scale an integer 1..5 ("range" for another number, "invalid" for
 * anything else), a text a string of valid UTF-8 without control
 * characters other than line breaks and tabs ("invalid") and at most
 * SURVEYDOC_ANSWER_MAX characters ("too_long"), stored as written; a
 * blank text is no answer.  A required question without an answer is
 * "required"; an answer to no question of the survey "unknown".  Fields
 * "answers.<id>" ("answers" when it is not an object).
 */
void surveydoc_answers(struct docerr *e, const json_t *questions, const json_t *answers,
		       json_t *out);

#endif
