/*
 * crstore.h - what every part of contact requests writes the same way
 * (docs/contactrequests.md "Storage"): the client's sealed data, the keyed
 * hash of the phone, the inbox link's signature, one event row, and the
 * erasure of a request's client data.  All on a connection whose
 * transaction the caller holds.  Call sodium_init() first.
 */
#ifndef TJ_CRSTORE_H
#define TJ_CRSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "seal.h"

#define CRSTORE_SIG_LEN 22 /* base64url of 16 bytes, no padding */

/* The client's data {"first_name","phone","email","note"} (a JSON object,
 * at most SEAL_MAX_PLAIN bytes) sealed for request 'request_id' (the
 * associated data).  Returns a malloc'ed blob (free()), *len its size;
 * NULL when too long. */
uint8_t *crstore_seal(const struct seal_key *key, const char *request_id, const char *json,
		      size_t *len);

/* Opens request 'request_id''s client_enc; NULL when it does not
 * authenticate for this request.  Free with seal_wipe_free(). */
char *crstore_open(const struct seal_key *key, const char *request_id, const uint8_t *blob,
		   size_t len);

/* The keyed hash of an E.164 number (phone_normalize_fi's output) stored
 * as phone_mac, so that a stop word from that number finds its requests. */
void crstore_phone_mac(const struct seal_key *key, const char *e164, uint8_t out[SEAL_MAC_BYTES]);

/* The signature of the NGO's inbox link to 'request_id' into out
 * (CRSTORE_SIG_LEN characters and a NUL). */
void crstore_link_sig(const struct seal_key *key, const char *request_id,
		      char out[CRSTORE_SIG_LEN + 1]);

/* The NGO's signed link to request 'request_id' in its inbox:
 * <public_url>/inbox.html#request=<id>&sig=<sig>.  Free with free(). */
char *crstore_inbox_url(const char *public_url, const struct seal_key *key, const char *request_id);

/*
 * Links message 'job_id' to request 'request_id' as 'kind' ("request",
 * "receipt", ...; 'to_client': whether erasure must empty it).  Returns 0,
 * or -1 with err.
 */
int crstore_link_message(PGconn *db, const char *request_id, const char *job_id, const char *kind,
			 bool to_client, char *err, size_t errlen);

/*
 * Queues one message of request 'request_id' (mailq_queue's arguments:
 * channel, to, lang, tmpl, vars_json, seal_vars) and links it as 'kind'.
 * Returns 0, or -1 with err (the caller rolls back).
 */
int crstore_message(PGconn *db, const struct seal_key *key, const char *request_id,
		    const char *kind, bool to_client, const char *channel, const char *to,
		    const char *lang, const char *tmpl, const char *vars_json, bool seal_vars,
		    char *err, size_t errlen);

/*
 * Appends event 'kind'' of 'request_id' at 'at' (the scheduler's clock,
 * ISO) by 'actor_role' ("professional", "editor", "admin", "client",
 * "scheduler") with 'detail_json' (NULL: {}; no personal data), and wakes
 * the stats relay (NOTIFY tarjotin_cr_events).  Returns 1 when written, 0
 * when a once-only kind (a stage) was written before, -1 with err.
 */
int crstore_event(PGconn *db, const char *request_id, const char *kind, const char *at,
		  const char *actor_role, const char *detail_json, char *err, size_t errlen);

/*
 * Erases request 'request_id''s client data at 'at': client_enc and
 * phone_mac become NULL, erased_at is set, the messages it sent to the
 * client (contact_request_messages.to_client) lose their sealed recipient
 * and vars (recipient_hint "erased"), and the event 'erased' is written.
 * A request erased before is left alone.  Returns 1 when this call erased
 * it, 0 when it was erased before, -1 with err.
 */
int crstore_erase(PGconn *db, const char *request_id, const char *at, char *err, size_t errlen);

#endif
