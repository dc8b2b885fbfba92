/*
 * idcall.h - the admin and editor calls' envelope (identity.proto
 * IdentityCall / IdentityReply): the JSON body in, the JSON answer and the
 * accounts whose sessions end out.
 */
#ifndef TJ_IDCALL_H
#define TJ_IDCALL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "envelope.pb-c.h"
#include "identity.pb-c.h"

struct idcall {
	Tarjotin__IdentityCall *call; /* call->id, call->id2: the path's ids ("" if none) */
	json_t *body;                 /* a JSON object ({} when the call had none) */
};

/* Decodes the request's IdentityCall into c (idcall_close frees, also on
 * error).  Returns 0, or -1 with reply set to BAD_REQUEST. */
int idcall_open(const Tarjotin__Envelope *req, struct idcall *c, Tarjotin__Envelope *reply);
void idcall_close(struct idcall *c);

/* Packs an IdentityReply with 'json' and the n accounts in 'revoke' into
 * the reply's payload (all copied). */
void idcall_reply(Tarjotin__Envelope *reply, const char *json, char *const *revoke, size_t n);

/* The string member 'key' of the body; NULL when absent, null or not a
 * string. */
const char *idcall_str(const struct idcall *c, const char *key);

/* Whether the body has member 'key' (null included). */
bool idcall_has(const struct idcall *c, const char *key);

/* The number member 'key' (a JSON number or a string of digits) within
 * 1..max; 'def' when absent.  -1 when present but not such a number. */
long idcall_int(const struct idcall *c, const char *key, long def, long max);

#endif
