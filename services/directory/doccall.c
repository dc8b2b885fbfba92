/*
 * doccall.c - see doccall.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doccall.h"
#include "reply.h"
#include "rpc.h"
#include "banned.h"

int doccall_open(const Tarjotin__Envelope *req, struct doccall *c, Tarjotin__Envelope *reply)
{
	json_error_t jerr;

	c->body = NULL;
	c->lang = "fi";
	c->call = tarjotin__doc_call__unpack(NULL, req->payload.len, req->payload.data);
	if (!c->call) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed DocCall");
		return -1;
	}
	if (!strcmp(c->call->lang, "sv") || !strcmp(c->call->lang, "en"))
		c->lang = c->call->lang;
	c->body = c->call->json.len ? json_loadb((const char *)c->call->json.data,
						 c->call->json.len, JSON_REJECT_DUPLICATES, &jerr) :
				      json_object();
	if (!json_is_object(c->body)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_body", "body",
			       "the body must be a JSON object");
		return -1;
	}
	return 0;
}

void doccall_close(struct doccall *c)
{
	json_decref(c->body);
	c->body = NULL;
	tarjotin__doc_call__free_unpacked(c->call, NULL);
	c->call = NULL;
}

void doccall_reply(Tarjotin__Envelope *reply, const char *json, int64_t version,
		   char *const *revoke, size_t n)
{
	Tarjotin__DocReply r = TARJOTIN__DOC_REPLY__INIT;

	r.json.data = (uint8_t *)json;
	r.json.len = json ? strlen(json) : 0;
	r.version = version;
	r.revoke_sessions_of = (char **)revoke;
	r.n_revoke_sessions_of = n;
	free(reply->payload.data);
	reply->payload.data = NULL;
	reply->payload.len = 0;
	rpc_pack_payload(&r.base, &reply->payload);
}

void doccall_conflict(Tarjotin__Envelope *reply, const char *json, int64_t version)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "version_conflict", "If-Match",
		       "the document changed since the version you edited; current version %lld",
		       (long long)version);
	doccall_reply(reply, json, version, NULL, 0);
}

void docerr_init(struct docerr *e)
{
	e->list = json_array();
}

void docerr_release(struct docerr *e)
{
	json_decref(e->list);
	e->list = NULL;
}

void docerr_add(struct docerr *e, const char *field, const char *code, const char *fmt, ...)
{
	char msg[300];
	va_list ap;
	size_t i;
	json_t *v;

	json_array_foreach(e->list, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "field")), field))
			return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	json_array_append_new(e->list, json_pack("{s:s, s:s, s:s}", "field", field, "code", code,
						 "message", msg));
}

bool docerr_any(const struct docerr *e)
{
	return json_array_size(e->list) > 0;
}

int docerr_reply(struct docerr *e, Tarjotin__Envelope *reply)
{
	size_t n = json_array_size(e->list);
	json_t *doc = json_pack("{s:O}", "fields", e->list);
	char *text = json_dumps(doc, JSON_COMPACT);

	reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_fields",
		       n ? json_string_value(json_object_get(json_array_get(e->list, 0), "field")) :
			   NULL,
		       "%zu field%s invalid", n, n == 1 ? " is" : "s are");
	doccall_reply(reply, text, 0, NULL, 0);
	free(text);
	json_decref(doc);
	return -1;
}
