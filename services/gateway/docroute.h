/*
 * docroute.h - forwarding a self-service call (selfservice.proto DocCall)
 * and answering its DocReply (docs/selfservice.md "Errors"): the If-Match
 * and body checks every route shares, the language from Accept-Language,
 * the per-IP throttle of the anonymous routes, and the rendering of the
 * field errors (400 invalid_fields) and version conflicts (409 with
 * "current").  The routes are selfserv.c's and registry.c's.
 */
#ifndef TJ_DOCROUTE_H
#define TJ_DOCROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "envelope.pb-c.h"
#include "req.h"
#include "uuid.h"

/* One call to forward. */
struct docroute_call {
	Tarjotin__MsgType type;
	const char *id;       /* the record in the path; NULL: "" */
	json_t *json;         /* the body or the query; consumed; NULL: {} */
	int64_t if_match;     /* the version from If-Match; 0: none */
	bool idempotent;      /* may the bridge resend it (see docroute.c) */
	unsigned ok;          /* the status of a success: 200, 201 or 204 */
	const char *location; /* with 201: Location is this prefix and the reply's "id" */
	/* The Envelope's idempotency_key (NULL: none; at most
	 * DOCROUTE_KEY_MAX characters, copied).  With a key, the success must
	 * be a JSON object; a replay (the directory's stored answer to the
	 * same key, with a top-level "replayed": true) is answered with
	 * "Idempotent-Replayed: true", and "replayed" is taken out of the body. */
	const char *idempotency_key;
};

#define DOCROUTE_KEY_MAX 64

/*
 * Forwards c as a DocCall (lang from Accept-Language) and, once the reply
 * comes, answers it: OK with c->ok and the reply's JSON (ETag "<version>"
 * when the version is > 0, Cache-Control no-store), ending the sessions of
 * every account in revoke_sessions_of; the errors as docs/selfservice.md
 * says.  Consumes c->json.  Returns 0 (answer later).
 */
unsigned docroute_forward(struct req *r, struct docroute_call *c);

/*
 * Reads If-Match into *version (0 when absent).  Returns 0 to go on, or the
 * status queued: 400 invalid_parameter (field If-Match) for a malformed
 * one, 428 precondition_required when 'required' and it is absent.
 */
unsigned docroute_if_match(struct req *r, bool required, int64_t *version);

/*
 * The request body as a JSON object (json_decref it; 'optional': no body
 * at all is {}), or NULL with 400 invalid_body queued into *status.  (A body over the server's limit,
 * TARJOTIN_HTTP_MAX_BODY, 64 KiB by default, was answered 413 before.)
 */
json_t *docroute_body(struct req *r, bool optional, unsigned *status);

/*
 * Counts one request of the client's IP against 'limit' per 15 minutes
 * under the counter 'what' ("register", "review": our own text).  Returns
 * 0 to go on, or the status queued: 429 too_many_requests with
 * Retry-After, or 503 when Redis is not available.
 */
unsigned docroute_throttle(struct req *r, const char *what, long limit);

/*
 * As docroute_throttle, per signed-in account (the principal's id) under
 * "<what>:acct:<id>": 429 says "too many requests from this account".
 * Without a principal it counts nothing and returns 0.
 */
unsigned docroute_throttle_account(struct req *r, const char *what, long limit);

/*
 * The uuid of the path "<prefix><id><rest>" ('url' starts with 'prefix')
 * into id.  Returns 0, or the status queued: 404 when the path has another
 * shape, 400 invalid_parameter (field id) when the id segment is no uuid.
 */
unsigned docroute_path_id(struct req *r, const char *url, const char *prefix, const char *rest,
			  char id[UUID_STR_SIZE]);

/* Answers 400 invalid_parameter naming 'field': "<field> must be <rule>". */
unsigned docroute_bad_param(struct req *r, const char *field, const char *rule);

#endif
