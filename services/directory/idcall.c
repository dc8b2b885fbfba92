/*
 * idcall.c - see idcall.h.
 */
#include <stdlib.h>
#include <string.h>

#include "idcall.h"
#include "num.h"
#include "reply.h"
#include "rpc.h"
#include "banned.h"

int idcall_open(const Tarjotin__Envelope *req, struct idcall *c, Tarjotin__Envelope *reply)
{
	json_error_t jerr;

	c->body = NULL;
	c->call = tarjotin__identity_call__unpack(NULL, req->payload.len, req->payload.data);
	if (!c->call) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed IdentityCall");
		return -1;
	}
	c->body = c->call->json.len ? json_loadb((const char *)c->call->json.data,
						 c->call->json.len, JSON_REJECT_DUPLICATES, &jerr) :
				      json_object();
	if (!json_is_object(c->body)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "the body must be a JSON object");
		return -1;
	}
	return 0;
}

void idcall_close(struct idcall *c)
{
	json_decref(c->body);
	c->body = NULL;
	tarjotin__identity_call__free_unpacked(c->call, NULL);
	c->call = NULL;
}

void idcall_reply(Tarjotin__Envelope *reply, const char *json, char *const *revoke, size_t n)
{
	Tarjotin__IdentityReply r = TARJOTIN__IDENTITY_REPLY__INIT;

	r.json.data = (uint8_t *)json;
	r.json.len = json ? strlen(json) : 0;
	r.revoke_sessions_of = (char **)revoke;
	r.n_revoke_sessions_of = n;
	free(reply->payload.data);
	rpc_pack_payload(&r.base, &reply->payload);
}

const char *idcall_str(const struct idcall *c, const char *key)
{
	json_t *v = json_object_get(c->body, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

bool idcall_has(const struct idcall *c, const char *key)
{
	return json_object_get(c->body, key) != NULL;
}

long idcall_int(const struct idcall *c, const char *key, long def, long max)
{
	json_t *v = json_object_get(c->body, key);
	long n;

	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return def;
	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if (!json_is_string(v) || num_parse_long(json_string_value(v), 1, max, &n))
		return -1;
	return n >= 1 && n <= max ? n : -1;
}
