/*
 * crwithdraw.h - the client's withdrawal of a contact request
 * (docs/contactrequests.md "Withdrawal"): the receipt's link (peek, then
 * withdraw once) and a stop word replied by SMS.  A withdrawn request's
 * client data is erased at once and its NGO told.
 */
#ifndef TJ_CRWITHDRAW_H
#define TJ_CRWITHDRAW_H

#include "directory.h"

/* MSG_CR_WITHDRAW_PEEK (public, {"token"}): 200 {"state":"active"|"closed",
 * "requests":[{"activity":{"id","name"},"organization":{"id","name"}}]};
 * 410 link_used once withdrawn, 404 not_found for an unknown token, 400
 * link_invalid for a malformed one. */
void crwithdraw_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_CR_WITHDRAW (public, {"token"}): every request of the link's batch
 * that is not final withdrawn, all its requests erased, each NGO told:
 * 200 {"withdrawn":n,"requests":[...]}; again: 410 link_used. */
void crwithdraw_withdraw(struct worker *w, const Tarjotin__Envelope *req,
			 Tarjotin__Envelope *reply);

/* MSG_SMS_INCOMING (the service sms_provider, {"id","msisdn","message"}):
 * a stop word withdraws every open request of the sender's number and
 * answers {"withdrawn":n} (the client gets contact_withdrawn_client when
 * n > 0); any other text {"ignored":true}.  A provider id seen before
 * answers its first outcome again. */
void crwithdraw_sms(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
