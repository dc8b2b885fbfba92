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

/* What the Redis watch checks with; its thread's only. */
struct gateway_redis {
	const char *addr;
	redisContext *c;
};

struct gateway {
	struct req_server http;
	struct bridge *bridge;
	struct metrics *metrics;
	struct static_files *web;
	struct gateway_redis redis;
	struct healthwatch redis_watch;
	struct messages_config messages;
	const char *instance;
};

#endif
