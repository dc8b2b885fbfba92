/*
 * ratelimit.h - fixed-window counters in Redis, for the sign-in requests
 * (docs/identity.md: per address and per client IP, 15-minute windows).
 */
#ifndef TJ_RATELIMIT_H
#define TJ_RATELIMIT_H

#include <stdint.h>

#include <hiredis/hiredis.h>

#define RATELIMIT_KEY_MAX 160

/*
 * Counts one hit on the window of 'window_s' seconds that 'now' (Unix
 * seconds) falls in, for the key "tj:rl:<name>:<window index>" (name: our
 * own text, no blanks), the key expiring with its window.  Returns 0 when
 * the count is within limit, 1 when over it (*retry_after: the window's
 * remaining seconds, at least 1), -1 when Redis failed (the context's err
 * is set).
 */
int ratelimit_hit(redisContext *c, const char *name, long limit, long window_s, int64_t now,
		  long *retry_after);

#endif
