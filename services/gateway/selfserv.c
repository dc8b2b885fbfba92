/*
 * selfserv.c - see selfserv.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docparse.h"
#include "docroute.h"
#include "fields.h"
#include "num.h"
#include "selfserv.h"
#include "banned.h"

#define ORG_PREFIX "/api/v1/editor/organizations/"
#define ACT_PREFIX "/api/v1/editor/activities/"
#define HISTORY_LIMIT_MAX 200
#define HISTORY_LIMIT_DEFAULT 50

/* Forwards a read of the record 'id' (a GET: the bridge may resend it). */
static unsigned read_doc(struct req *r, Tarjotin__MsgType type, const char *id, json_t *query)
{
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .id = id,
							    .json = query,
							    .idempotent = true,
							    .ok = 200 });
}

/* A write of the record 'id' with the body; If-Match required or not. */
static unsigned write_doc(struct req *r, Tarjotin__MsgType type, const char *id, bool need_match,
			  bool optional_body)
{
	unsigned status = 0;
	int64_t version = 0;
	json_t *body;

	if ((status = docroute_if_match(r, need_match, &version)))
		return status;
	if (!(body = docroute_body(r, optional_body, &status)))
		return status;
	/* With If-Match a resend cannot write twice (docroute.c). */
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .id = id,
							    .json = body,
							    .if_match = version,
							    .idempotent = version > 0,
							    .ok = 200 });
}

/* A history page: {"type", "before"?, "limit"}. */
static unsigned history(struct req *r, const char *id, const char *type)
{
	const char *before = req_arg(r, "before"), *limit = req_arg(r, "limit");
	int32_t n = HISTORY_LIMIT_DEFAULT;
	long b = 0;
	json_t *q;

	if (before && (before[0] == '-' || num_parse_long(before, 1, INT64_MAX / 2, &b)))
		return docroute_bad_param(r, "before", "a positive integer");
	if (limit && req_parse_int(limit, 1, HISTORY_LIMIT_MAX, &n))
		return docroute_bad_param(r, "limit", "an integer 1..200");
	q = json_pack("{s:s, s:i}", "type", type, "limit", (int)n);
	if (b)
		json_object_set_new(q, "before", json_integer(b));
	return read_doc(r, TARJOTIN__MSG_TYPE__MSG_HISTORY_LIST, id, q);
}

/* --- organisations --------------------------------------------------------- */

unsigned selfserv_route_orgs(struct req *r, const char *url)
{
	const char *q = req_arg(r, "q");
	json_t *query = json_object();

	(void)url;
	if (q && !fields_name_ok(q, false)) {
		json_decref(query);
		return docroute_bad_param(r, "q", "at most 200 characters of text");
	}
	if (q && *q)
		json_object_set_new(query, "q", json_string(q));
	return read_doc(r, TARJOTIN__MSG_TYPE__MSG_EDITOR_ORGANIZATIONS, NULL, query);
}

unsigned selfserv_route_org_get(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "", id);

	return status ? status : read_doc(r, TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_GET, id, NULL);
}

unsigned selfserv_route_org_put(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "", id);

	return status ? status :
			write_doc(r, TARJOTIN__MSG_TYPE__MSG_ORG_PROFILE_SAVE, id, true, false);
}

unsigned selfserv_route_org_activities(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "/activities", id);

	return status ? status : read_doc(r, TARJOTIN__MSG_TYPE__MSG_ORG_ACTIVITIES, id, NULL);
}

unsigned selfserv_route_activity_create(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "/activities", id);
	json_t *body;

	if (status || !(body = docroute_body(r, false, &status)))
		return status;
	/* Never resent: a second run would create a second activity. */
	return docroute_forward(r, &(struct docroute_call){
					   .type = TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CREATE,
					   .id = id,
					   .json = body,
					   .ok = 201,
					   .location = ACT_PREFIX });
}

unsigned selfserv_route_org_history(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "/history", id);

	return status ? status : history(r, id, "organization");
}

/* --- activities ------------------------------------------------------------ */

unsigned selfserv_route_activity_get(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ACT_PREFIX, "", id);

	return status ? status : read_doc(r, TARJOTIN__MSG_TYPE__MSG_ACTIVITY_EDIT_GET, id, NULL);
}

unsigned selfserv_route_activity_put(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ACT_PREFIX, "", id);

	return status ? status :
			write_doc(r, TARJOTIN__MSG_TYPE__MSG_ACTIVITY_SAVE, id, true, false);
}

unsigned selfserv_route_activity_status(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ACT_PREFIX, "/status", id);

	return status ? status :
			write_doc(r, TARJOTIN__MSG_TYPE__MSG_ACTIVITY_STATUS, id, true, false);
}

unsigned selfserv_route_activity_confirm(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ACT_PREFIX, "/confirm", id);

	return status ? status :
			write_doc(r, TARJOTIN__MSG_TYPE__MSG_ACTIVITY_CONFIRM, id, false, true);
}

unsigned selfserv_route_activity_history(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, ACT_PREFIX, "/history", id);

	return status ? status : history(r, id, "activity");
}
