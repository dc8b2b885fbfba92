/*
 * websec.h - the browser-security rules at the gateway's boundary, pure
 * functions with no I/O: cookies (reading the Cookie header, writing
 * Set-Cookie), the Origin and CSRF decisions, return paths and the random
 * tokens sessions and CSRF use (docs/identity.md).
 */
#ifndef TJ_WEBSEC_H
#define TJ_WEBSEC_H

#include <stdbool.h>
#include <stddef.h>

#define WEBSEC_TOKEN_LEN 43 /* base64url of 32 bytes, without padding */
#define WEBSEC_TOKEN_SIZE 44
#define WEBSEC_RETURN_MAX 500
#define WEBSEC_ORIGIN_MAX 256

/*
 * Finds the cookie 'name' in a Cookie header ("a=1; b=2") and copies its
 * value into out.  Returns 0, or -1 when the header is NULL, the cookie is
 * missing, or its value does not fit outlen (with the NUL).
 */
int websec_cookie_get(const char *header, const char *name, char *out, size_t outlen);

/*
 * A Set-Cookie value: name=value; Path=path; [Max-Age=n;] [HttpOnly;]
 * [Secure;] SameSite=samesite.  max_age < 0 leaves it a browser-session
 * cookie; 0 clears it.  Returns a malloc'ed string (free()).
 */
char *websec_set_cookie(const char *name, const char *value, const char *path, const char *samesite,
			bool http_only, bool secure, long max_age);

/* The cookie's name: "__Host-" + base behind TLS, else base.  out must hold
 * both and the NUL (64 bytes is plenty for ours). */
void websec_cookie_name(bool behind_tls, const char *base, char *out, size_t outlen);

/*
 * The origin ("scheme://host[:port]") of an http(s) URL with a host and no
 * blanks or control bytes.  Returns 0, or -1 when url is not such a URL or
 * the origin does not fit outlen.
 */
int websec_origin_of(const char *url, char *out, size_t outlen);

/*
 * The Origin rule for a state-changing request: a present Origin must
 * equal public_origin and a Sec-Fetch-Site of "cross-site" is refused.
 * Either header may be NULL.  Returns true when the request may go on.
 */
bool websec_origin_ok(const char *origin, const char *sec_fetch_site, const char *public_origin);

/* The CSRF rule: 'got' (the X-CSRF-Token header, may be NULL) equals the
 * expected token (may be NULL or "": nothing matches), compared in
 * constant time.  Call sodium_init() first. */
bool websec_csrf_ok(const char *got, const char *want);

/* A return path: starts with one '/', at most WEBSEC_RETURN_MAX bytes, no
 * "//", no '\\', no control bytes or blanks. */
bool websec_return_ok(const char *path);

/* True when s is exactly WEBSEC_TOKEN_LEN characters of base64url. */
bool websec_token_ok(const char *s);

/* 32 random bytes (libsodium) as base64url without padding, NUL-terminated. */
void websec_random_token(char out[WEBSEC_TOKEN_SIZE]);

/* The lower-case hex SHA-256 of s (65 bytes with the NUL). */
void websec_sha256_hex(const char *s, size_t len, char out[65]);

#endif
