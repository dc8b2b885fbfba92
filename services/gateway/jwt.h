/*
 * jwt.h - verifying the HS256 JSON Web Tokens (RFC 7519) that GatewayAPI
 * signs its delivery reports with (X-Gwapi-Signature, docs/sms-provider.md).
 *
 * Only "alg":"HS256" is accepted ("none" and everything else refused); the
 * HMAC-SHA-256 over "<header>.<payload>" (base64url, as sent) is compared
 * in constant time (sodium_memcmp).  Call sodium_init() first.
 */
#ifndef TJ_JWT_H
#define TJ_JWT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define JWT_MAX_LEN 8192

/* Verifies 'token' with 'secret'.  Returns its payload (a JSON object,
 * json_decref it), or NULL with a lower-case reason in err when the token
 * is malformed, not HS256 or its signature does not match. */
json_t *jwt_verify_hs256(const char *token, const uint8_t *secret, size_t secret_len, char *err,
			 size_t errlen);

#endif
