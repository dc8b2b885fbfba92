/*
 * smssig.h - checking a GatewayAPI webhook call (a delivery report, an
 * incoming SMS; docs/sms-provider.md): X-Gwapi-Signature is an HS256 JWT
 * (jwt.h) with TARJOTIN_SMS_DLR_SECRET whose payload is the call's
 * object; the signed claims are what the routes use, and a body that says
 * something else about the fields they use is refused.  Such a call
 * carries no cookies: it goes on as the ROLE_SERVICE principal
 * "sms_provider", which the directory allows those calls only.
 */
#ifndef TJ_GW_SMSSIG_H
#define TJ_GW_SMSSIG_H

#include <jansson.h>

#include "req.h"

/*
 * Verifies r's signature with r->gw->messages.dlr_secret and checks that
 * the body (when there is one) agrees with the claims on every name in
 * 'same' (NULL-terminated).  'what' names the calls in the 401 when no
 * secret is configured ("delivery reports").  Returns the claims (a JSON
 * object, json_decref it) with r's principal set to the service, or NULL
 * with the status queued in *status: 401 unauthorized (no secret; a
 * missing, malformed or wrong signature: field X-Gwapi-Signature, the
 * reason logged as 'what' refused), 400 invalid_body, 400
 * invalid_parameter naming the field the body differs in.
 */
json_t *smssig_verify(struct req *r, const char *what, const char *const *same, unsigned *status);

#endif
