/*
 * messages.h - the gateway's messaging routes (issue 4):
 *
 *   POST /api/v1/admin/messages                      queue a message (201)
 *   GET  /api/v1/admin/messages[?limit&status&channel] recent, newest first
 *   GET  /api/v1/admin/messages/{job_id}
 *   GET  /api/v1/admin/dead-letters
 *   POST /api/v1/admin/dead-letters/{job_id}/requeue
 *   POST /api/v1/sms/delivery-reports                GatewayAPI DLR webhook
 *
 * Admin calls need a signed-in session (the route table's auth level; the
 * directory checks the role, docs/identity.md); delivery reports need a
 * valid X-Gwapi-Signature (HS256 with TARJOTIN_SMS_DLR_SECRET) and go on
 * with the ROLE_SERVICE principal "sms_provider".
 */
#ifndef TJ_GW_MESSAGES_H
#define TJ_GW_MESSAGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

#include "req.h"

#define MESSAGES_VARS_MAX 4096 /* bytes of vars as JSON */
#define MESSAGES_VAR_MAX 1000  /* bytes of one value */
#define MESSAGES_SECRET_MAX 4096

/* The messaging routes' configuration, read once at start. */
struct messages_config {
	const char *dlr_secret; /* "" when reports are refused */
};

/*
 * Reads TARJOTIN_SMS_DLR_SECRET (unset or empty: delivery reports are
 * refused), without control characters or blanks (a pasted line break
 * would never match).  Returns 0, or -1 with the
 * variable's name in *bad_var and what it should be in err; the values
 * themselves are never put in err.  Call sodium_init() first.
 */
int messages_config_init(struct messages_config *mc, const char **bad_var, char *err,
			 size_t errlen);

/* Route handlers for routes.c; r->gw->messages is their configuration. */
unsigned messages_route_send(struct req *r, const char *url);
unsigned messages_route_list(struct req *r, const char *url);
unsigned messages_route_get(struct req *r, const char *url);
unsigned messages_route_dead_letters(struct req *r, const char *url);
unsigned messages_route_requeue(struct req *r, const char *url);
unsigned messages_route_dlr(struct req *r, const char *url);

#endif
