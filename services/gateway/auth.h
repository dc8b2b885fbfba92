/*
 * auth.h - the session and e-mail-link routes (docs/identity.md):
 *
 *   GET  /api/v1/session                  who is signed in, the csrf token, the providers
 *   POST /api/v1/auth/email-link          ask for a sign-in link (202, throttled: 429)
 *   POST /api/v1/auth/link                use a link's token: a new session (200)
 *   POST /api/v1/auth/signout             end this session (204)
 *   POST /api/v1/auth/signout-everywhere  end every session of the account (204)
 *
 * and auth_begin_session, which every sign-in (link, OpenID Connect) ends in.
 */
#ifndef TJ_GW_AUTH_H
#define TJ_GW_AUTH_H

#include <jansson.h>

#include "identity.pb-c.h"
#include "req.h"

/* Route handlers for routes.c. */
unsigned auth_route_session(struct req *r, const char *url);
unsigned auth_route_email_link(struct req *r, const char *url);
unsigned auth_route_link(struct req *r, const char *url);
unsigned auth_route_signout(struct req *r, const char *url);
unsigned auth_route_signout_everywhere(struct req *r, const char *url);

/*
 * Starts a new session for a successful sign-in: ends the session the
 * request came with (if any), creates one in Redis, adds its Set-Cookie to
 * the response and makes it the request's principal.  Returns 0, or the
 * 503 it queued when Redis failed.
 */
unsigned auth_begin_session(struct req *r, const Tarjotin__SessionInfo *info);

/* The session document (GET /api/v1/session) of the request's principal;
 * json_decref it. */
json_t *auth_session_doc(struct req *r, const char *csrf);

#endif
