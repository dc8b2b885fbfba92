/*
 * crroute.h - the contact-request routes (issue 14, docs/contactrequests.md
 * "The HTTP API"): the consent text, a professional's send and own
 * requests, an NGO editor's inbox, a request's status, and the client's
 * withdraw link.  Paths, headers and the query are checked here; the
 * bodies' fields by the directory (docroute.h), which also decides who may
 * see what.  Tokens, client data and Idempotency-Keys are never logged.
 *
 *   GET  /api/v1/contact-requests/consent                       (80)
 *   POST /api/v1/contact-requests         Idempotency-Key       (81, 201)
 *   GET  /api/v1/my/contact-requests[?page&per_page]            (82)
 *   GET  /api/v1/my/contact-requests/{id}                       (83)
 *   GET  /api/v1/editor/organizations/{id}/contact-requests
 *        [?state=open|all&page&per_page]                        (84)
 *   GET  /api/v1/editor/contact-requests/{id}[?sig]             (85)
 *   POST /api/v1/editor/contact-requests/{id}/status            (86)
 *   POST /api/v1/withdrawals/peek {"token"}                     (87)
 *   POST /api/v1/withdrawals      {"token"}                     (88)
 *
 * Throttles: a send counts per account (CRROUTE_SEND_LIMIT per 15
 * minutes); the withdraw calls per client IP under "withdraw" against
 * TARJOTIN_SIGNIN_LIMIT_IP.
 */
#ifndef TJ_GW_CRROUTE_H
#define TJ_GW_CRROUTE_H

#include "req.h"

#define CRROUTE_SEND_LIMIT 60 /* sends per account per 15 minutes */
#define CRROUTE_KEY_MIN 16    /* Idempotency-Key: 16..64 of [A-Za-z0-9_-] */
#define CRROUTE_KEY_MAX 64
#define CRROUTE_SIG_LEN 22      /* an inbox link's sig (crstore_link_sig) */
#define CRROUTE_PAGE_MAX 100000 /* ?page */
#define CRROUTE_PER_PAGE_MAX 100

unsigned crroute_consent(struct req *r, const char *url);
unsigned crroute_send(struct req *r, const char *url);
unsigned crroute_mine(struct req *r, const char *url);
unsigned crroute_mine_get(struct req *r, const char *url);
unsigned crroute_inbox(struct req *r, const char *url);
unsigned crroute_open(struct req *r, const char *url);
unsigned crroute_status(struct req *r, const char *url);
unsigned crroute_withdraw_peek(struct req *r, const char *url);
unsigned crroute_withdraw(struct req *r, const char *url);

#endif
