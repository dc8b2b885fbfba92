/*
 * guard.h - what runs before a route that needs it (req.h's guard): the
 * Origin check, the session lookup that fills the principal, the signed-in
 * requirement and the CSRF check; and the Redis access the identity routes
 * share.
 */
#ifndef TJ_GUARD_H
#define TJ_GUARD_H

#include <hiredis/hiredis.h>

#include "req.h"

#define GUARD_REDIS_WAIT_MS 200 /* how long a route waits for a free context */

/*
 * The table's guard (req_guard_fn): for a state-changing method (not on a
 * no_csrf route) a foreign Origin or cross-site Sec-Fetch-Site is 403
 * forbidden_origin; a session cookie is looked up (Redis down: 503
 * unavailable) and a live session fills r->principal; a state-changing
 * request whose X-CSRF-Token is not the session's (or, anonymous, the
 * tj_csrf cookie's) token is 403 csrf; then a signed-in route without a
 * session is 401 unauthorized.  Returns 0 to go on, or the status queued.
 */
unsigned guard_request(struct req *r, const char *method);

/* A Redis context for a route, or NULL with a 503 queued (its status in
 * *status).  Give it back with guard_redis_done. */
redisContext *guard_redis(struct req *r, unsigned *status);

/* Gives the context back (rpool_release); NULLs *cp. */
void guard_redis_done(struct req *r, redisContext **cp);

/* Ends every session of the n accounts in 'ids' (the directory named
 * them after a change of role, site, organisations or disabling).  The
 * write is done by then: a Redis failure is logged, not answered; ids that
 * are not uuids are skipped. */
void guard_end_sessions(struct req *r, char *const *ids, size_t n);

/* Queues the 503 a route answers when Redis failed mid-way. */
unsigned guard_unavailable(struct req *r);

/* The user site of the professional whose session the request's cookie
 * names, into site ("" for anyone else, or when Redis does not answer: a
 * usage event's dimension, never a reason to fail the request). */
void guard_peek_site(struct req *r, char *site, size_t sitelen);

#endif
