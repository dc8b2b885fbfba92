/*
 * smsin.h - the incoming SMS webhook (GatewayAPI's MO webhook,
 * docs/sms-provider.md "Incoming SMS (MO)"; docs/contactrequests.md
 * "Withdrawal"):
 *
 *   POST /api/v1/sms/incoming   X-Gwapi-Signature    (89)
 *
 * Verified as the delivery reports are (smssig.h); of the signed claims
 * the id (unique per SMS), msisdn (the sender) and message go to the
 * directory as {"id","msisdn","message"} (integers and text), which
 * decides what the text means: the gateway does not read it.  Never logs
 * the number or the text.
 */
#ifndef TJ_GW_SMSIN_H
#define TJ_GW_SMSIN_H

#include "req.h"

#define SMSIN_MESSAGE_MAX 2000 /* bytes of the text forwarded (clipped at a character) */

/* The route handler (routes.c). */
unsigned smsin_route(struct req *r, const char *url);

#endif
