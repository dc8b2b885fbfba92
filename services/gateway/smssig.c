/*
 * smssig.c - see smssig.h.
 */
#include <stdio.h>
#include <string.h>

#include "gateway.h"
#include "jwt.h"
#include "log.h"
#include "smssig.h"
#include "banned.h"

/* 0 when the body is absent or agrees with the claims; else the 400 queued. */
static unsigned body_agrees(struct req *r, json_t *claims, const char *const *same)
{
	json_t *body;
	unsigned status = 0;

	if (!r->body_len)
		return 0;
	if (!(body = req_body_object(r)))
		return req_reply_error(r, 400, "invalid_body", "body",
				       "the body must be a JSON object");
	for (int i = 0; same[i] && !status; i++) {
		json_t *a = json_object_get(claims, same[i]), *b = json_object_get(body, same[i]);

		if (a && b && !json_equal(a, b))
			status = req_reply_error(r, 400, "invalid_parameter", same[i],
						 "the body's %s differs from the signed one",
						 same[i]);
	}
	json_decref(body);
	return status;
}

json_t *smssig_verify(struct req *r, const char *what, const char *const *same, unsigned *status)
{
	const char *secret = r->gw->messages.dlr_secret;
	char err[128], event[64];
	struct req_principal *p;
	json_t *claims;

	if (!*secret) {
		*status = req_reply_error(r, 401, "unauthorized", NULL,
					  "%s are not accepted: no TARJOTIN_SMS_DLR_SECRET", what);
		return NULL;
	}
	claims = jwt_verify_hs256(req_header(r, "X-Gwapi-Signature"), (const uint8_t *)secret,
				  strlen(secret), err, sizeof(err));
	if (!claims) {
		snprintf(event, sizeof(event), "%s refused", what);
		log_warn(event, "reason", err, NULL);
		*status = req_reply_error(r, 401, "unauthorized", "X-Gwapi-Signature", "%s", err);
		return NULL;
	}
	if ((*status = body_agrees(r, claims, same))) {
		json_decref(claims);
		return NULL;
	}
	p = req_principal_new(r);
	p->role = TARJOTIN__ROLE__ROLE_SERVICE;
	snprintf(p->account_id, sizeof(p->account_id), "sms_provider");
	return claims;
}
