/*
 * redisx.h - connecting to Redis the way every service does.
 *
 * The address is "host:port" or "unix:/path/to/socket".  hiredis' rule that
 * bites: after any error the context is unusable; free it and connect anew.
 */
#ifndef TJ_REDISX_H
#define TJ_REDISX_H

#include <hiredis/hiredis.h>

/*
 * Connects with a timeout (milliseconds) for the connect and for every
 * command, and authenticates as TARJOTIN_REDIS_USER with
 * TARJOTIN_REDIS_PASSWORD (or _FILE; config_secret) when a password is set:
 * each service has its own ACL user (docs/security.md "Stores").  Returns a
 * context, or NULL with the reason in err.  Free with redisFree().
 */
redisContext *redisx_connect(const char *addr, int timeout_ms, char *err, size_t errlen);

/* Reads the Redis user and password now (a weak password ends the process,
 * config_secret): call it from main before any thread starts, because
 * exiting while threads run is not safe.  redisx_connect would otherwise
 * read them at the first connection.  Idempotent. */
void redisx_config(void);

/* Sends PING; returns 0 when Redis answered PONG, else -1. */
int redisx_ping(redisContext *c);

/* The value of field 'name' in a stream entry's field/value array (as
 * XRANGE, XREADGROUP and XAUTOCLAIM return it), or NULL when the field is
 * missing or not a string.  Points into the reply: valid until it is freed. */
const char *redisx_field(const redisReply *fv, const char *name);

#endif
