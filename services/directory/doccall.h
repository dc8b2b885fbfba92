/*
 * doccall.h - the self-service calls' envelope (selfservice.proto DocCall /
 * DocReply, docs/selfservice.md): the JSON body in; the JSON answer, the
 * document's version and the accounts whose sessions end out; and the
 * field errors of a document, collected so that all are answered at once.
 */
#ifndef TJ_DOCCALL_H
#define TJ_DOCCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "envelope.pb-c.h"
#include "selfservice.pb-c.h"

struct doccall {
	Tarjotin__DocCall *call; /* call->id, ->id2 ("" if none), ->if_match (0: none), ->lang */
	json_t *body;            /* a JSON object ({} when the call had none) */
	const char *lang;        /* call->lang when fi/sv/en, else "fi" */
};

/* Decodes the request's DocCall into c (doccall_close frees, also on
 * error).  Returns 0, or -1 with reply set to BAD_REQUEST. */
int doccall_open(const Tarjotin__Envelope *req, struct doccall *c, Tarjotin__Envelope *reply);
void doccall_close(struct doccall *c);

/* Packs a DocReply with 'json' (NULL: empty), 'version' (0: none) and the
 * n accounts in 'revoke' into the reply's payload (all copied). */
void doccall_reply(Tarjotin__Envelope *reply, const char *json, int64_t version,
		   char *const *revoke, size_t n);

/* Answers CONFLICT "version_conflict" with the current document 'json'
 * and its version (the gateway puts it into the error body as "current"). */
void doccall_conflict(Tarjotin__Envelope *reply, const char *json, int64_t version);

/* --- field errors ---------------------------------------------------------- */

/* The field errors of one document, in the order found. */
struct docerr {
	json_t *list; /* [{"field","code","message"}] */
};

void docerr_init(struct docerr *e);
void docerr_release(struct docerr *e);

/* Notes that 'field' ("name", "area.municipalities", "contacts.2.email")
 * broke rule 'code' ("required", "too_long", ...), with an English message
 * (printf format).  A field already noted keeps its first error. */
void docerr_add(struct docerr *e, const char *field, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Whether any error was noted. */
bool docerr_any(const struct docerr *e);

/* Answers BAD_REQUEST "invalid_fields" with error_field the first field,
 * the message "N fields are invalid" and the payload DocReply json
 * {"fields":[...]}.  Returns -1 (for "return docerr_reply(...)"). */
int docerr_reply(struct docerr *e, Tarjotin__Envelope *reply);

#endif
