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
 * Admin calls need "Authorization: Bearer <TARJOTIN_ADMIN_TOKEN>" (an
 * interim scheme until accounts exist); delivery reports need a valid
 * X-Gwapi-Signature (HS256 with TARJOTIN_SMS_DLR_SECRET).
 */
#ifndef TJ_GW_MESSAGES_H
#define TJ_GW_MESSAGES_H

#include "gateway.h"

#define MESSAGES_VARS_MAX 4096  /* bytes of vars as JSON */
#define MESSAGES_VAR_MAX 1000   /* bytes of one value */

unsigned messages_route_send(struct req *r, const char *url);
unsigned messages_route_list(struct req *r, const char *url);
unsigned messages_route_get(struct req *r, const char *url);
unsigned messages_route_dead_letters(struct req *r, const char *url);
unsigned messages_route_requeue(struct req *r, const char *url);
unsigned messages_route_dlr(struct req *r, const char *url);

#endif
