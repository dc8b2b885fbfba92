/*
 * ratelimit.c - see ratelimit.h.
 */
#include <stdio.h>
#include <string.h>

#include "ratelimit.h"
#include "banned.h"

int ratelimit_hit(redisContext *c, const char *name, long limit, long window_s, int64_t now,
		  long *retry_after)
{
	int64_t win = now / window_s;
	char key[RATELIMIT_KEY_MAX];
	redisReply *inc = NULL, *exp = NULL;
	int rc = -1;

	snprintf(key, sizeof(key), "tj:rl:%s:%lld", name, (long long)win);
	/* INCR and EXPIRE in one round trip; the key outlives its window by
	 * nothing, so a counter never carries over. */
	redisAppendCommand(c, "INCR %s", key);
	redisAppendCommand(c, "EXPIREAT %s %lld", key, (long long)((win + 1) * window_s));
	if (redisGetReply(c, (void **)&inc) != REDIS_OK ||
	    redisGetReply(c, (void **)&exp) != REDIS_OK)
		goto out;
	if (!inc || inc->type != REDIS_REPLY_INTEGER) {
		c->err = c->err ? c->err : REDIS_ERR_OTHER;
		goto out;
	}
	rc = 0;
	if (inc->integer > limit) {
		*retry_after = (long)((win + 1) * window_s - now);
		if (*retry_after < 1)
			*retry_after = 1;
		rc = 1;
	}
out:
	if (inc)
		freeReplyObject(inc);
	if (exp)
		freeReplyObject(exp);
	return rc;
}
