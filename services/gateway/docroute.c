/*
 * docroute.c - see docroute.h.
 *
 * Which calls the bridge may resend (a resend after a lost reply runs the
 * call twice): reads (GET, and the review link's peek) always; a write
 * that carries If-Match too, because the version check lets at most one of
 * two runs write (the second answers 409 version_conflict with the
 * document the first one wrote, from which the client sees its change
 * landed) - the routes set it for those.  Creates, decisions and the
 * single-use review link are never resent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docparse.h"
#include "docroute.h"
#include "gateway.h"
#include "guard.h"
#include "log.h"
#include "ratelimit.h"
#include "selfservice.pb-c.h"
#include "session.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define THROTTLE_WINDOW_S (15 * 60)
#define LOCATION_MAX 200

/* What render() needs of the call: kept in r->scratch. */
struct pending {
	unsigned ok;
	char location[LOCATION_MAX];
	bool keyed;
	char key[DOCROUTE_KEY_MAX + 1];
};

unsigned docroute_path_id(struct req *r, const char *url, const char *prefix, const char *rest,
			  char id[UUID_STR_SIZE])
{
	const char *seg = url + strlen(prefix);
	size_t len = strlen(seg), rest_len = strlen(rest);

	if (docparse_path_uuid(seg, rest, id))
		return 0;
	if (len > rest_len && !strcmp(seg + len - rest_len, rest) &&
	    !memchr(seg, '/', len - rest_len))
		return docroute_bad_param(r, "id", "a uuid");
	return req_not_found(r, url);
}

unsigned docroute_bad_param(struct req *r, const char *field, const char *rule)
{
	return req_reply_error(r, 400, "invalid_parameter", field, "%s must be %s", field, rule);
}

unsigned docroute_if_match(struct req *r, bool required, int64_t *version)
{
	int rc = docparse_if_match(req_header(r, "If-Match"), version);

	if (rc < 0)
		return docroute_bad_param(r, "If-Match", "\"<version>\", as the ETag was sent");
	if (rc == 1 && required)
		return req_reply_error(r, 428, "precondition_required", "If-Match",
				       "send If-Match with the version you edited (its ETag)");
	return 0;
}

json_t *docroute_body(struct req *r, bool optional, unsigned *status)
{
	json_t *body = optional && !r->body_len ? json_object() : req_body_object(r);

	if (!body)
		*status = req_reply_error(r, 400, "invalid_body", "body",
					  "the body must be a JSON object");
	return body;
}

/* Counts one hit of the counter 'name'; 'who' names it in the 429. */
static unsigned throttle(struct req *r, const char *name, const char *what, long limit,
			 const char *who)
{
	char ra[24];
	long retry = 0;
	unsigned status = 0;
	redisContext *c = guard_redis(r, &status);
	int rc;

	if (!c)
		return status;
	rc = ratelimit_hit(c, name, limit, THROTTLE_WINDOW_S, (int64_t)time(NULL), &retry);
	guard_redis_done(r, &c);
	if (rc < 0)
		return guard_unavailable(r);
	if (!rc)
		return 0;
	log_info("request throttled", "counter", what, NULL);
	snprintf(ra, sizeof(ra), "%ld", retry);
	req_add_header(r, "Retry-After", ra);
	return req_reply_error(r, 429, "too_many_requests", NULL,
			       "too many requests from this %s, try again in %ld seconds", who,
			       retry);
}

unsigned docroute_throttle(struct req *r, const char *what, long limit)
{
	char name[RATELIMIT_KEY_MAX], ip[64];

	req_client_ip(r, ip, sizeof(ip));
	snprintf(name, sizeof(name), "%s:ip:%s", what, *ip ? ip : "unknown");
	return throttle(r, name, what, limit, "address");
}

unsigned docroute_throttle_account(struct req *r, const char *what, long limit)
{
	char name[RATELIMIT_KEY_MAX];

	if (!r->principal)
		return 0;
	snprintf(name, sizeof(name), "%s:acct:%s", what, r->principal->account_id);
	return throttle(r, name, what, limit, "account");
}

/* --- answering ------------------------------------------------------------ */

static void add_etag(struct req *r, int64_t version)
{
	char tag[32];

	if (version <= 0)
		return;
	snprintf(tag, sizeof(tag), "\"%lld\"", (long long)version);
	req_add_header(r, "ETag", tag);
}

/* The reply's JSON parsed, or NULL. */
static json_t *reply_json(const Tarjotin__DocReply *m)
{
	return m && m->json.len ? json_loadb((const char *)m->json.data, m->json.len, 0, NULL) :
				  NULL;
}

/* Queues {"error":{status, code, message, field, <key>: extra}}: the
 * message is the directory's (written byte-safe, as req_reply_error
 * does); extra is borrowed. */
static unsigned reply_error_with(struct req *r, unsigned status, const char *code,
				 const char *field, const char *key, const json_t *extra)
{
	const Tarjotin__Envelope *env = r->call.reply;
	struct strbuf b = STRBUF_INIT;
	char *text = json_dumps(extra, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len;

	strbuf_addf(&b, "{\"error\":{\"status\":%u,\"code\":", status);
	strbuf_json_str(&b, code);
	strbuf_adds(&b, ",\"message\":");
	strbuf_json_strn(&b, env->error ? env->error : "", 1000);
	if (field) {
		strbuf_adds(&b, ",\"field\":");
		strbuf_json_str(&b, field);
	}
	if (text) {
		strbuf_addf(&b, ",\"%s\":", key);
		strbuf_adds(&b, text);
		free(text);
	}
	strbuf_adds(&b, "}}");
	len = b.len;
	text = strbuf_detach(&b);
	return req_reply_document(r, status, text, len, "no-store", false, free, text);
}

/* The self-service errors with a body of their own: 400 invalid_fields
 * and 409 version_conflict.  Returns 0 for any other reply. */
static unsigned reply_doc_error(struct req *r, const Tarjotin__DocReply *m)
{
	const Tarjotin__Envelope *env = r->call.reply;
	const char *code = env->error_code ? env->error_code : "";
	json_t *doc = NULL, *fields;
	const char *field;
	unsigned status = 0;

	if (env->status == TARJOTIN__STATUS__STATUS_BAD_REQUEST &&
	    !strcmp(code, "invalid_fields")) {
		doc = reply_json(m);
		fields = json_object_get(doc, "fields");
		field = json_string_value(json_object_get(json_array_get(fields, 0), "field"));
		if (!field && env->error_field && *env->error_field)
			field = env->error_field;
		status = reply_error_with(r, 400, code, field, "fields",
					  json_is_array(fields) ? fields : NULL);
	} else if (env->status == TARJOTIN__STATUS__STATUS_CONFLICT &&
		   !strcmp(code, "version_conflict")) {
		doc = reply_json(m);
		add_etag(r, m ? m->version : 0);
		status = reply_error_with(r, 409, code, "If-Match", "current",
					  json_is_object(doc) ? doc : NULL);
	}
	json_decref(doc);
	return status;
}

/* Location for a 201: the prefix and the created record's id. */
static void add_location(struct req *r, const char *prefix, const Tarjotin__DocReply *m)
{
	json_t *doc = reply_json(m);
	const char *id = json_string_value(json_object_get(doc, "id"));
	char loc[LOCATION_MAX + UUID_STR_SIZE];

	if (id && (uuid_valid(id) || docparse_term_id_ok(id))) {
		snprintf(loc, sizeof(loc), "%s%s", prefix, id);
		req_add_header(r, "Location", loc);
	}
	json_decref(doc);
}

/* A keyed call's success: a replay (docroute.h) says so in the header;
 * "replayed" is taken out of the body. */
static unsigned reply_keyed(struct req *r, unsigned ok, const Tarjotin__DocReply *m)
{
	json_t *doc = reply_json(m);
	bool replayed = json_is_true(json_object_get(doc, "replayed"));

	if (!json_is_object(doc)) {
		json_decref(doc);
		return req_reply_error(r, 502, "internal", NULL,
				       "the directory sent a malformed reply");
	}
	if (replayed)
		req_add_header(r, "Idempotent-Replayed", "true");
	json_object_del(doc, "replayed");
	return req_reply_json(r, ok, doc);
}

static unsigned render(struct req *r)
{
	const struct pending *p = r->scratch;
	const Tarjotin__Envelope *env = r->call.reply;
	Tarjotin__DocReply *m = NULL;
	unsigned status = 0;

	if (r->call.outcome == BRIDGE_REPLIED)
		m = tarjotin__doc_reply__unpack(NULL, env->payload.len, env->payload.data);
	if (r->call.outcome == BRIDGE_REPLIED && env->status != TARJOTIN__STATUS__STATUS_OK)
		status = reply_doc_error(r, m);
	if (!status && !(status = req_reply_rpc_failure(r))) {
		if (!m) {
			status = req_reply_error(r, 502, "internal", NULL,
						 "the directory sent a malformed reply");
			goto out;
		}
		guard_end_sessions(r, m->revoke_sessions_of, m->n_revoke_sessions_of);
		add_etag(r, m->version);
		if (p->ok == 201 && p->location[0])
			add_location(r, p->location, m);
		if (p->keyed)
			status = reply_keyed(r, p->ok, m);
		else if (p->ok == 204 || !m->json.len)
			status = req_reply_empty(r, p->ok, NULL);
		else
			status = req_reply_document(r, p->ok, m->json.data, m->json.len, "no-store",
						    false, NULL, NULL);
	}
out:
	if (m)
		tarjotin__doc_reply__free_unpacked(m, NULL);
	return status;
}

/* --- forwarding ----------------------------------------------------------- */

unsigned docroute_forward(struct req *r, struct docroute_call *c)
{
	Tarjotin__DocCall m = TARJOTIN__DOC_CALL__INIT;
	struct pending *p = xcalloc(1, sizeof(*p));
	char *json = c->json ? json_dumps(c->json, JSON_COMPACT) : NULL, empty[] = "{}";
	unsigned status;

	json_decref(c->json);
	c->json = NULL;
	p->ok = c->ok;
	if (c->location)
		snprintf(p->location, sizeof(p->location), "%s", c->location);
	if (c->idempotency_key) {
		p->keyed = true;
		snprintf(p->key, sizeof(p->key), "%s", c->idempotency_key);
		r->idempotency_key = p->key;
	}
	free(r->scratch);
	r->scratch = p;
	m.id = (char *)(c->id ? c->id : "");
	m.id2 = (char *)"";
	m.json.data = (uint8_t *)(json ? json : empty);
	m.json.len = strlen((const char *)m.json.data);
	m.if_match = c->if_match;
	m.lang = (char *)docparse_lang(req_header(r, "Accept-Language"));
	status = req_forward(r, c->type, &m.base, c->idempotent, 0, render);
	free(json);
	return status;
}
