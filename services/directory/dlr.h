/*
 * dlr.h - SMS delivery reports (MSG_DELIVERY_REPORT, from the gateway's
 * webhook, by the service principal "sms_provider"): a final status applied
 * to its notification and audited, within the window and once (dlrrule.h).
 * A report that changes nothing (the same status again, outside the window,
 * for no message of ours) is answered as received but neither applied nor
 * audited; only a report without a time is a bad request.
 */
#ifndef TJ_DLR_H
#define TJ_DLR_H

#include "directory.h"

/* Worker handler (handler_fn): DeliveryReport in, JsonReply out:
 * {"updated":1,"status":...} when applied, {"updated":0,"status":...,
 * "replayed":true} when it changes nothing, {"updated":0,"ignored":true,
 * "reason":"stale"|"future"|"unknown_message"|"message_outside_window"}
 * (no reason: a transient status). */
void dlr_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
