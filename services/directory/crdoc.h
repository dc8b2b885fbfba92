/*
 * crdoc.h - the rules of what comes in for a contact request
 * (docs/contactrequests.md): the send document's fields, checked all at
 * once into a struct docerr, what a send makes of it (the body's hash,
 * the sealed client data), the stop words of a reply SMS, and the
 * organisations' names joined for the client's messages.  Pure: the
 * database checks (activities, the consent's version, context codes) are
 * crsend.c's.
 */
#ifndef TJ_CRDOC_H
#define TJ_CRDOC_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "doccall.h"

#define CRDOC_FIRST_NAME_MAX 60
#define CRDOC_NOTE_MAX 500

/*
 * Checks the send body 'in' (MSG_CR_SEND) by the contract's table, with
 * at most 'max_activities' activities, noting every error into e under
 * the contract's names ("activities.2", "client.phone", ...).  The
 * canonical values go into 'out' (an object):
 *   "activities"      [uuid, ...] (lower case, in the given order)
 *   "first_name"      text or null
 *   "phone"           E.164 or null;   "mobile": a Finnish mobile (bool)
 *   "email"           lower case or null
 *   "note"            text ("" when none)
 *   "channel", "lang", "consent_version"
 *   "need", "municipality"  a well-formed code or null (unknown: ignored)
 * 'out' is complete only when e holds no error.
 */
void crdoc_send(struct docerr *e, const json_t *in, json_t *out, size_t max_activities);

/*
 * Whether the first word of 'message' (an SMS text, UTF-8), trimmed of
 * punctuation, is a stop word (SEIS, LOPETA, PERU, STOPP, ÅTERKALLA,
 * AVBRYT, STOP, WITHDRAW, CANCEL), case- and accent-insensitively.
 */
bool crdoc_stop_word(const char *message);

/*
 * The n names joined for the client in 'lang', each once (the first time
 * it comes): "A", "A ja B", "A, B ja C" ("och" in sv, "and" in en;
 * anything else is fi).  Returns a malloc'ed string (free()).
 */
char *crdoc_join_names(const char *const *names, size_t n, const char *lang);

/* --- what the send makes of the canonical document ------------------------ */

#define CRDOC_HASH_HEX 65 /* 64 hex digits and a NUL */

/* Whether 'k' is an Idempotency-Key: 16..64 of [A-Za-z0-9_-]. */
bool crdoc_key_ok(const char *k);

/* The SHA-256 (hex) of the raw body as canonical JSON (keys sorted): the
 * batch's body_hash, so that a key resent with another body is told
 * apart.  Call sodium_init() first. */
void crdoc_body_hash(const json_t *body, char out[CRDOC_HASH_HEX]);

/* The client's data of canonical document 'd' as sealed:
 * {"first_name","phone","email","note"} (malloc'ed; seal_wipe_free), NULL
 * when it cannot be built. */
char *crdoc_client_json(const json_t *d);

/* Whether that JSON is longer than seal_box_ad takes (SEAL_MAX_PLAIN). */
bool crdoc_client_too_long(const json_t *d);

/* The client's data as lines (name, phone, e-mail, note, those given) for
 * the NGO's e-mail when TARJOTIN_CR_CONTACT_IN_EMAIL is on (malloc'ed;
 * seal_wipe_free). */
char *crdoc_client_lines(const json_t *d);

#endif
