/*
 * links.h - one-time sign-in links (docs/identity.md "E-mail link"): the
 * token, its stored hash, and the e-mail that carries it, on a connection
 * whose transaction the caller holds.  Used by the directory's handlers and
 * by the operator command (services/admin).
 *
 * A token is 32 random bytes (libsodium) in base64url without padding: 43
 * characters.  Only its SHA-256 is stored; the link is
 * <public url>/link.html#<token>, valid LINKS_VALID_MINUTES.  Call
 * sodium_init() first.
 */
#ifndef TJ_LINKS_H
#define TJ_LINKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "seal.h"

#define LINKS_TOKEN_LEN 43
#define LINKS_HASH_LEN 32
#define LINKS_VALID_MINUTES 15
#define LINKS_PUBLIC_URL_DEFAULT "http://127.0.0.1:8080"
#define LINKS_PUBLIC_URL_MAX 200

/* TARJOTIN_PUBLIC_URL 'url' as links are built on it: http(s)://host[:port]
 * and an optional path, printable ASCII without quotes, spaces, '?' or
 * '#', trailing slashes dropped.  Returns it malloc'ed (free()), or NULL
 * with err. */
char *links_public_url(const char *url, char *err, size_t errlen);

/* Whether 'token' has a token's form (43 base64url characters). */
bool links_token_valid(const char *token);

/* The SHA-256 of 'token' into out. */
void links_hash(const char *token, uint8_t out[LINKS_HASH_LEN]);

/* A new token (32 random bytes, base64url: LINKS_TOKEN_LEN characters and
 * a NUL) and its SHA-256.  The caller wipes the token (sodium_memzero)
 * once it is used.  Sign-in links and one-click review links alike. */
void links_new_token(char token[LINKS_TOKEN_LEN + 1], uint8_t hash[LINKS_HASH_LEN]);

/*
 * Makes a token and stores its link for 'email' (lower case), for the
 * account 'account_id' or, NULL, a professional of 'user_site_id' to be
 * created at first use; return_path NULL or "" is "/".  Returns the link
 * URL (free() it), or NULL with err.
 */
char *links_issue(PGconn *db, const char *public_url, const char *email, const char *account_id,
		  const char *user_site_id, const char *return_path, char *err, size_t errlen);

/*
 * Queues the e-mail that carries 'url' to 'email' in 'lang' (fi/sv/en):
 * the notification (template login_link, vars login_url and valid_minutes
 * sealed into vars_enc under 'key') and its outbox row.  Returns 0, or -1
 * with err.
 */
int links_mail(PGconn *db, const struct seal_key *key, const char *email, const char *lang,
	       const char *url, char *err, size_t errlen);

#endif
