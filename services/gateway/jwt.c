#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "jwt.h"
#include "xalloc.h"
#include "banned.h"

/* Decodes base64url without padding into a NUL-terminated buffer; free(). */
static uint8_t *b64url(const char *s, size_t n, size_t *outlen)
{
	uint8_t *out = xmalloc(n / 4 * 3 + 4);

	if (sodium_base642bin(out, n / 4 * 3 + 3, s, n, NULL, outlen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING)) {
		free(out);
		return NULL;
	}
	out[*outlen] = '\0';
	return out;
}

static json_t *json_part(const char *s, size_t n)
{
	size_t len = 0;
	uint8_t *raw = b64url(s, n, &len);
	json_t *j = raw ? json_loadb((const char *)raw, len, JSON_REJECT_DUPLICATES, NULL) : NULL;

	free(raw);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

json_t *jwt_verify_hs256(const char *token, const uint8_t *secret, size_t secret_len, char *err,
			 size_t errlen)
{
	const char *dot1, *dot2;
	json_t *header = NULL, *payload = NULL;
	uint8_t mac[crypto_auth_hmacsha256_BYTES], *sig = NULL;
	size_t sig_len = 0, len;
	crypto_auth_hmacsha256_state st;
	const char *alg;

	if (!token || (len = strlen(token)) == 0 || len > JWT_MAX_LEN) {
		snprintf(err, errlen, "missing or oversized token");
		return NULL;
	}
	dot1 = strchr(token, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.') || dot1 == token || dot2 == dot1 + 1 ||
	    !dot2[1]) {
		snprintf(err, errlen, "not a signed JWT (three parts)");
		return NULL;
	}
	header = json_part(token, (size_t)(dot1 - token));
	alg = json_string_value(json_object_get(header, "alg"));
	if (!header || !alg || strcmp(alg, "HS256")) {
		snprintf(err, errlen, "the JWT header is not HS256");
		goto fail;
	}
	sig = b64url(dot2 + 1, strlen(dot2 + 1), &sig_len);
	if (!sig || sig_len != sizeof(mac)) {
		snprintf(err, errlen, "malformed JWT signature");
		goto fail;
	}
	crypto_auth_hmacsha256_init(&st, secret, secret_len);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)token, (size_t)(dot2 - token));
	crypto_auth_hmacsha256_final(&st, mac);
	if (sodium_memcmp(mac, sig, sizeof(mac)) != 0) {
		snprintf(err, errlen, "the JWT signature does not match");
		goto fail;
	}
	payload = json_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!payload)
		snprintf(err, errlen, "the JWT payload is not a JSON object");
fail:
	sodium_memzero(&st, sizeof(st));
	free(sig);
	json_decref(header);
	return payload;
}
