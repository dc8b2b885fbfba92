#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "num.h"
#include "redisx.h"
#include "banned.h"

/* The service's Redis user and password, read once (config_secret exits
 * on a weak password, at the first connection, which is at start). */
static pthread_once_t credentials_once = PTHREAD_ONCE_INIT;
static const char *redis_user, *redis_password;

static void credentials_read(void)
{
	redis_user = config_str("TARJOTIN_REDIS_USER", "");
	redis_password = config_secret("TARJOTIN_REDIS_PASSWORD");
}

/* AUTH as the configured user; 0, or -1 with the reason (never the
 * password) in err. */
static int authenticate(redisContext *c, const char *addr, char *err, size_t errlen)
{
	redisReply *r;
	int rc = -1;

	if (!*redis_password)
		return 0;
	r = *redis_user ? redisCommand(c, "AUTH %s %s", redis_user, redis_password) :
			  redisCommand(c, "AUTH %s", redis_password);
	if (!r)
		snprintf(err, errlen, "cannot authenticate to redis '%s': %s", addr, c->errstr);
	else if (r->type == REDIS_REPLY_ERROR)
		snprintf(err, errlen, "redis '%s' refused user '%s': %s", addr,
			 *redis_user ? redis_user : "default", r->str);
	else
		rc = 0;
	if (r)
		freeReplyObject(r);
	return rc;
}

void redisx_config(void)
{
	pthread_once(&credentials_once, credentials_read);
}

redisContext *redisx_connect(const char *addr, int timeout_ms, char *err, size_t errlen)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };
	redisContext *c;
	char host[256];
	const char *colon;
	long port;

	if (!strncmp(addr, "unix:", 5)) {
		c = redisConnectUnixWithTimeout(addr + 5, tv);
	} else {
		colon = strrchr(addr, ':');
		if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
			snprintf(err, errlen,
				 "bad redis address '%s' (want host:port or unix:/path)", addr);
			return NULL;
		}
		memcpy(host, addr, (size_t)(colon - addr));
		host[colon - addr] = '\0';
		if (num_parse_long(colon + 1, 1, 65535, &port)) {
			snprintf(err, errlen, "bad redis port in '%s'", addr);
			return NULL;
		}
		c = redisConnectWithTimeout(host, (int)port, tv);
	}
	if (!c) {
		snprintf(err, errlen, "cannot allocate redis context");
		return NULL;
	}
	if (c->err) {
		snprintf(err, errlen, "cannot connect to redis '%s': %s", addr, c->errstr);
		redisFree(c);
		return NULL;
	}
	redisSetTimeout(c, tv);
	pthread_once(&credentials_once, credentials_read);
	if (authenticate(c, addr, err, errlen)) {
		redisFree(c);
		return NULL;
	}
	return c;
}

int redisx_ping(redisContext *c)
{
	redisReply *r = redisCommand(c, "PING");
	int rc = -1;

	if (r && r->type == REDIS_REPLY_STATUS && !strcmp(r->str, "PONG"))
		rc = 0;
	if (r)
		freeReplyObject(r);
	return rc;
}

const char *redisx_field(const redisReply *fv, const char *name)
{
	if (!fv || fv->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < fv->elements; i += 2)
		if (fv->element[i]->type == REDIS_REPLY_STRING &&
		    fv->element[i + 1]->type == REDIS_REPLY_STRING &&
		    !strcmp(fv->element[i]->str, name))
			return fv->element[i + 1]->str;
	return NULL;
}
