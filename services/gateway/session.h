/*
 * session.h - sessions in Redis (docs/identity.md "Sessions").
 *
 * The id is 32 random bytes, base64url (websec_random_token), known only to
 * the browser's cookie.  Redis keeps the hash tj:sess:<sha256(id) hex> with
 * the principal's fields, the account document, the csrf token, created and
 * seen, its TTL the idle expiry (renewed by every lookup); the absolute
 * expiry is checked against 'created'.  tj:sess:acct:<account id> is the
 * set of an account's session hashes.  Every function takes a context the
 * caller holds (rpool); after a failure the context's err is set, and the
 * caller gives it back as rpool_release says.
 */
#ifndef TJ_SESSION_H
#define TJ_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include <hiredis/hiredis.h>

#include "identity.pb-c.h"
#include "req.h"
#include "websec.h"

struct session_config {
	long idle_s;          /* TARJOTIN_SESSION_IDLE_MIN, in seconds */
	long max_s;           /* TARJOTIN_SESSION_MAX_HOURS, in seconds */
	bool behind_tls;      /* TARJOTIN_BEHIND_TLS */
	char cookie[64];      /* tj_session or __Host-tj_session */
	char csrf_cookie[64]; /* tj_csrf or __Host-tj_csrf */
};

/* Reads TARJOTIN_SESSION_IDLE_MIN (default 30, 1..1440),
 * TARJOTIN_SESSION_MAX_HOURS (default 10, 1..720) and TARJOTIN_BEHIND_TLS
 * (default false); a bad value ends the process with status 2 naming the
 * variable (lib/config).  The idle expiry may not exceed the absolute one:
 * returns -1 with *bad_var and err then, else 0. */
int session_config_init(struct session_config *sc, const char **bad_var, char *err, size_t errlen);

/*
 * Creates a session for what the directory answered to a sign-in: writes
 * the hash and adds it to the account's set.  Fills id (the cookie's value)
 * and *p (principal, hash, session, a fresh csrf token; p->account_json is
 * a malloc'ed copy).  Returns 0, or -1 with the reason in err.
 */
int session_create(redisContext *c, const struct session_config *sc,
		   const Tarjotin__SessionInfo *info, char id[WEBSEC_TOKEN_SIZE],
		   struct req_principal *p, char *err, size_t errlen);

/*
 * Looks the session 'id' up (a cookie's value; a malformed one is simply
 * not found) and renews its idle expiry.  Returns 1 and fills *p (as
 * session_create does), 0 when there is no such live session (an expired
 * one is ended), or -1 when Redis failed (the reason in err).
 */
int session_lookup(redisContext *c, const struct session_config *sc, const char *id,
		   struct req_principal *p, char *err, size_t errlen);

/* Ends the session with this hash (hex) of an account ("" when unknown).
 * Returns 0, or -1 when Redis failed. */
int session_end(redisContext *c, const char *hash, const char *account_id);

/* Ends every session of the account.  Returns 0, or -1 when Redis failed. */
int session_end_account(redisContext *c, const char *account_id);

#endif
