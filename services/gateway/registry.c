/*
 * registry.c - see registry.h.  The review link's token is never logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docparse.h"
#include "docroute.h"
#include "fields.h"
#include "gateway.h"
#include "registry.h"
#include "websec.h"
#include "banned.h"

#define REG_PREFIX "/api/v1/admin/registrations/"
#define TERM_PREFIX "/api/v1/admin/taxonomy/"

/* --- public ---------------------------------------------------------------- */

unsigned registry_route_submit(struct req *r, const char *url)
{
	unsigned status = 0;
	json_t *body;

	(void)url;
	if (!(body = docroute_body(r, false, &status)))
		return status;
	if ((status = docroute_throttle(r, "register", r->gw->ident.register_limit_ip))) {
		json_decref(body);
		return status;
	}
	/* Never resent: the same body twice makes two proposals. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_REGISTRATION_SUBMIT,
					   .json = body,
					   .ok = 201 });
}

/* A review link's call: the token in the body, checked, counted per IP
 * (the sign-in requests' per-IP limit, a counter of its own). */
static unsigned review_link(struct req *r, Tarjotin__MsgType type, bool idempotent)
{
	unsigned status = 0;
	json_t *body = docroute_body(r, false, &status);

	if (!body)
		return status;
	if (!websec_token_ok(json_string_value(json_object_get(body, "token")))) {
		json_decref(body);
		return req_reply_error(r, 400, "link_invalid", "token",
				       "the link is not valid; use the newest link you got");
	}
	if ((status = docroute_throttle(r, "review", r->gw->ident.limit_ip))) {
		json_decref(body);
		return status;
	}
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .json = body,
							    .idempotent = idempotent,
							    .ok = 200 });
}

unsigned registry_route_review_peek(struct req *r, const char *url)
{
	(void)url;
	return review_link(r, TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_PEEK, true);
}

unsigned registry_route_review_confirm(struct req *r, const char *url)
{
	(void)url;
	/* Single use: a resend would find the link used. */
	return review_link(r, TARJOTIN__MSG_TYPE__MSG_REVIEW_LINK_CONFIRM, false);
}

/* --- admin: registrations ---------------------------------------------------- */

unsigned registry_route_list(struct req *r, const char *url)
{
	const char *s = req_arg(r, "status");

	(void)url;
	if (!s || !*s)
		s = "pending";
	if (strcmp(s, "pending") && strcmp(s, "approved") && strcmp(s, "rejected"))
		return docroute_bad_param(r, "status", "pending, approved or rejected");
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_REGISTRATION_LIST,
					   .json = json_pack("{s:s}", "status", s),
					   .idempotent = true,
					   .ok = 200 });
}

unsigned registry_route_decide(struct req *r, const char *url)
{
	const char *tail = url + strlen(REG_PREFIX), *slash = strchr(tail, '/');
	char id[UUID_STR_SIZE];
	unsigned status = 0;
	json_t *body;

	if (!slash || (strcmp(slash, "/approve") && strcmp(slash, "/reject")))
		return req_not_found(r, url);
	if (!docparse_path_uuid(tail, slash, id))
		return docroute_bad_param(r, "id", "a uuid");
	if (!(body = docroute_body(r, true, &status)))
		return status;
	json_object_set_new(body, "decision", json_string(slash + 1));
	/* Never resent: a second run would answer 409 not_pending. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_REGISTRATION_DECIDE,
					   .id = id,
					   .json = body,
					   .ok = 200 });
}

/* --- admin: taxonomy and the review report ----------------------------------- */

unsigned registry_route_taxonomy_list(struct req *r, const char *url)
{
	(void)url;
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_TAXONOMY_ADMIN_LIST,
					   .idempotent = true,
					   .ok = 200 });
}

unsigned registry_route_term_create(struct req *r, const char *url)
{
	unsigned status = 0;
	json_t *body;

	(void)url;
	if (!(body = docroute_body(r, false, &status)))
		return status;
	/* Never resent: a second run would answer 409 exists. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_TAXONOMY_TERM_SAVE,
					   .json = body,
					   .ok = 201,
					   .location = TERM_PREFIX });
}

unsigned registry_route_term_update(struct req *r, const char *url)
{
	const char *id = url + strlen(TERM_PREFIX);
	unsigned status = 0;
	int64_t version = 0;
	json_t *body;

	if (strchr(id, '/'))
		return req_not_found(r, url);
	if (!docparse_term_id_ok(id))
		return docroute_bad_param(r, "id", "a term id: [a-z][a-z0-9-]{0,39}");
	if ((status = docroute_if_match(r, false, &version)))
		return status;
	if (!(body = docroute_body(r, false, &status)))
		return status;
	/* A whole term written again is the same term: safe to resend. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_TAXONOMY_TERM_SAVE,
					   .id = id,
					   .json = body,
					   .if_match = version,
					   .idempotent = true,
					   .ok = 200 });
}

unsigned registry_route_reviews(struct req *r, const char *url)
{
	const char *county = req_arg(r, "county");
	json_t *q = json_object();

	(void)url;
	if (county && *county && !fields_county_ok(county)) {
		json_decref(q);
		return docroute_bad_param(r, "county", "two capital letters");
	}
	if (county && *county)
		json_object_set_new(q, "county", json_string(county));
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_REVIEW_REPORT,
					   .json = q,
					   .idempotent = true,
					   .ok = 200 });
}
