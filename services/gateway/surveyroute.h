/*
 * surveyroute.h - the follow-up survey's routes (docs/statistics.md
 * section 7), forwarded as DocCalls (docroute.h) to MSG_SURVEY_*:
 *
 *   GET  /api/v1/admin/surveys                  admin
 *   POST /api/v1/admin/surveys                  admin (201, Location)
 *   GET  /api/v1/admin/surveys/{id}             admin
 *   PUT  /api/v1/admin/surveys/{id}             admin
 *   POST /api/v1/admin/surveys/{id}/send        admin
 *   POST /api/v1/admin/surveys/{id}/close       admin
 *   POST /api/v1/survey-answers/peek            anyone with a token (body)
 *   POST /api/v1/survey-answers                 anyone with a token (body)
 *
 * The answer link's routes are throttled per IP as the review link's.
 */
#ifndef TJ_SURVEYROUTE_H
#define TJ_SURVEYROUTE_H

#include "req.h"

#define SURVEYROUTE_PREFIX "/api/v1/admin/surveys/"

unsigned surveyroute_list(struct req *r, const char *url);
unsigned surveyroute_create(struct req *r, const char *url);
unsigned surveyroute_get(struct req *r, const char *url);
unsigned surveyroute_update(struct req *r, const char *url);
unsigned surveyroute_send(struct req *r, const char *url);
unsigned surveyroute_close(struct req *r, const char *url);
unsigned surveyroute_peek(struct req *r, const char *url);
unsigned surveyroute_answer(struct req *r, const char *url);

#endif
