/*
 * crsend.h - a professional's send of a client's contact request
 * (docs/contactrequests.md "The send (81)"): the consent text
 * (MSG_CR_CONSENT) and the send itself (MSG_CR_SEND), one transaction:
 * the batch (idempotent per account and Idempotency-Key), a request per
 * activity with the client's data sealed for it, the events, the audit
 * rows, the NGOs' e-mails and the client's receipt.
 */
#ifndef TJ_CRSEND_H
#define TJ_CRSEND_H

#include "directory.h"

/* MSG_CR_CONSENT (public): {"version","texts":{"fi","sv","en"}}, the
 * newest consent text. */
void crsend_consent(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/*
 * MSG_CR_SEND (a professional with a user site; envelope
 * idempotency_key required): the send document checked (400
 * invalid_fields, all at once), stored and its messages queued; the 201
 * body as the contract's.  The same key with the same body again: the
 * stored body with a top-level "replayed": true (the gateway takes it
 * out and answers Idempotent-Replayed: true); with another body: 409
 * idempotency_key_reused.
 */
void crsend_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
