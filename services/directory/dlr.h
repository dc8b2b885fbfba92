/*
 * dlr.h - SMS delivery reports (MSG_DELIVERY_REPORT, from the gateway's
 * webhook, by the service principal "sms_provider"): a final status applied
 * to its notification, idempotently, and audited.
 */
#ifndef TJ_DLR_H
#define TJ_DLR_H

#include "directory.h"

/* Worker handler (handler_fn): DeliveryReport in, JsonReply
 * {"updated":n,"status":...} (or {"updated":0,"ignored":true}) out. */
void dlr_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
