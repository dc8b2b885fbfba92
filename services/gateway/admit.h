/*
 * admit.h - the request rates every public request is counted against
 * before anything else is done for it (docs/security.md "Abuse limits"):
 * one token bucket per client IP (the socket's peer: no X-Forwarded-For is
 * trusted) and one per session cookie.  Over either, the request is
 * answered 429 too_many_requests with Retry-After.  In-process: each
 * gateway instance counts what reaches it.
 */
#ifndef TJ_ADMIT_H
#define TJ_ADMIT_H

#include <stddef.h>

#include "req.h"

struct admit_config {
	double ip_rate, ip_burst;           /* TARJOTIN_HTTP_RATE_IP, _BURST_IP */
	double session_rate, session_burst; /* TARJOTIN_HTTP_RATE_SESSION, _BURST_SESSION */
	size_t slots;                       /* TARJOTIN_HTTP_RATE_SLOTS: buckets per table */
	const char *cookie;                 /* the session cookie's name; must outlive */
};

struct admit;

/* The two tables.  Returns NULL when a lock cannot be made; free with
 * admit_destroy. */
struct admit *admit_new(const struct admit_config *c);

/* Frees it; accepts NULL and NULLs the pointer. */
void admit_destroy(struct admit **ap);

/*
 * The route table's admit hook: counts the request of r (the gateway's
 * r->gw->admit).  Returns 0 to go on, or 429 queued (Retry-After: the
 * seconds until a token is back).
 */
unsigned admit_request(struct req *r);

#endif
