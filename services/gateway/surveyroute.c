/*
 * surveyroute.c - see surveyroute.h.  An answer link's token is never
 * logged.
 */
#include <stdlib.h>
#include <string.h>

#include "docroute.h"
#include "gateway.h"
#include "surveyroute.h"
#include "websec.h"
#include "banned.h"

unsigned surveyroute_list(struct req *r, const char *url)
{
	(void)url;
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_SURVEY_LIST,
					   .idempotent = true,
					   .ok = 200 });
}

unsigned surveyroute_create(struct req *r, const char *url)
{
	unsigned status = 0;
	json_t *body;

	(void)url;
	if (!(body = docroute_body(r, false, &status)))
		return status;
	/* Never resent: a second run makes a second survey. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_SURVEY_SAVE,
					   .json = body,
					   .ok = 201,
					   .location = SURVEYROUTE_PREFIX });
}

unsigned surveyroute_get(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, SURVEYROUTE_PREFIX, "", id);

	if (status)
		return status;
	return docroute_forward(r,
				&(struct docroute_call){ .type = TARJOTIN__MSG_TYPE__MSG_SURVEY_GET,
							 .id = id,
							 .idempotent = true,
							 .ok = 200 });
}

unsigned surveyroute_update(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, SURVEYROUTE_PREFIX, "", id);
	json_t *body;

	if (status)
		return status;
	if (!(body = docroute_body(r, false, &status)))
		return status;
	/* The whole draft written again is the same draft: safe to resend. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_SURVEY_SAVE,
					   .id = id,
					   .json = body,
					   .idempotent = true,
					   .ok = 200 });
}

/* send and close: POST .../{id}/<verb>, never resent (a second send
 * answers 409 survey_sent). */
static unsigned action(struct req *r, const char *url, const char *rest, Tarjotin__MsgType type)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, SURVEYROUTE_PREFIX, rest, id);
	json_t *body;

	if (status)
		return status;
	if (!(body = docroute_body(r, true, &status)))
		return status;
	return docroute_forward(r, &(struct docroute_call){
					   .type = type, .id = id, .json = body, .ok = 200 });
}

unsigned surveyroute_send(struct req *r, const char *url)
{
	return action(r, url, "/send", TARJOTIN__MSG_TYPE__MSG_SURVEY_SEND);
}

unsigned surveyroute_close(struct req *r, const char *url)
{
	return action(r, url, "/close", TARJOTIN__MSG_TYPE__MSG_SURVEY_CLOSE);
}

/* An answer link's call: the token in the body, checked, counted per IP
 * under a counter of its own (the sign-in requests' per-IP limit). */
static unsigned link_call(struct req *r, Tarjotin__MsgType type, bool idempotent, unsigned ok)
{
	unsigned status = 0;
	json_t *body = docroute_body(r, false, &status);

	if (!body)
		return status;
	if (!websec_token_ok(json_string_value(json_object_get(body, "token")))) {
		json_decref(body);
		return req_reply_error(r, 400, "link_invalid", "token",
				       "the link is not valid; use the link of your e-mail");
	}
	if ((status = docroute_throttle(r, "survey", r->gw->ident.limit_ip))) {
		json_decref(body);
		return status;
	}
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .json = body,
							    .idempotent = idempotent,
							    .ok = ok });
}

unsigned surveyroute_peek(struct req *r, const char *url)
{
	(void)url;
	return link_call(r, TARJOTIN__MSG_TYPE__MSG_SURVEY_PEEK, true, 200);
}

unsigned surveyroute_answer(struct req *r, const char *url)
{
	(void)url;
	/* One answer per link: a resend would find it used. */
	return link_call(r, TARJOTIN__MSG_TYPE__MSG_SURVEY_ANSWER, false, 201);
}
