/*
 * gateway.h - the gateway's context: what its modules share, set up by
 * main.c and handed to every route handler as r->gw.  Including it brings
 * the request core (req.h) along.
 */
#ifndef TJ_GATEWAY_H
#define TJ_GATEWAY_H

#include <hiredis/hiredis.h>

#include "bridge.h"
#include "healthwatch.h"
#include "messages.h"
#include "req.h"
#include "rpool.h"
#include "session.h"
#include "websec.h"

struct oidc;
struct admit;
struct pagecache;

/* Identity's configuration (docs/identity.md), read once at start. */
struct gateway_identity {
	const char *public_url;         /* TARJOTIN_PUBLIC_URL */
	char origin[WEBSEC_ORIGIN_MAX]; /* its origin: what Origin must equal */
	long limit_address, limit_ip;   /* sign-in requests per 15 minutes */
	long register_limit_ip;         /* registrations per client IP per 15 minutes */
};

/* What the Redis watch checks with; its thread's only. */
struct gateway_redis {
	const char *addr;
	redisContext *c;
};

struct gateway {
	struct req_server http;
	struct req_server internal; /* /healthz, /readyz, /metrics (TARJOTIN_INTERNAL_*) */
	struct admit *admit;        /* the per-IP and per-session request rates */
	struct bridge *bridge;
	struct metrics *metrics;
	struct static_files *web;
	struct gateway_redis redis;
	struct healthwatch redis_watch;
	struct messages_config messages;
	const char *instance;
	struct rpool *rpool; /* the HTTP threads' Redis contexts */
	struct session_config sessions;
	struct gateway_identity ident;
	struct oidc *oidc;
	struct pagecache *pages; /* the search pages sent; NULL: none kept */
};

#endif
