// units: tests/fuzz/fuzzin.c services/gateway/jwt.c services/gateway/oidc_claims.c
// units: services/gateway/oidc_jwks.c services/gateway/oidc.c services/gateway/oidc_config.c
// units: services/gateway/oidc_http.c
/*
 * fuzz_jose - the gateway's JWT/JOSE checks: the HS256 delivery-report
 * tokens (jwt_verify_hs256), both as sent and signed here with the secret
 * so the fuzzer reaches the header and payload checks behind the MAC; an
 * ID token's claims once verified (oidc_claims_check); a provider's JWKS
 * (oidc_jwks_parse) and the key chosen for an alg and kid
 * (oidc_jwks_find).  Input: a selector byte, then NUL-separated fields.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "services/gateway/jwt.h"
#include "services/gateway/oidc_claims.h"
#include "services/gateway/oidc_jwks.h"
#include "tests/fuzz/fuzzin.h"
#include "xalloc.h"
#include "banned.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t secret[] = "a delivery-report secret of 32+ bytes";

/* libFuzzer's: once at start. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		exit(1);
	return 0;
}

/* base64url of s[0..n) without padding, appended at out (room assumed). */
static char *b64url(char *out, size_t room, const char *s, size_t n)
{
	sodium_bin2base64(out, room, (const unsigned char *)s, n,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return out + strlen(out);
}

static void check_payload(json_t *j)
{
	if (j && !json_is_object(j))
		fuzzin_fail("jwt_verify_hs256: the payload is not an object");
	json_decref(j);
}

/* "<header>.<payload>.<mac>" signed with the secret, as GatewayAPI would. */
static void signed_token(struct fuzzin *in)
{
	const char *h = fuzzin_str(in), *p = fuzzin_str(in);
	size_t hn = strlen(h), pn = strlen(p);
	size_t room = sodium_base64_ENCODED_LEN(hn, sodium_base64_VARIANT_URLSAFE_NO_PADDING) +
		      sodium_base64_ENCODED_LEN(pn, sodium_base64_VARIANT_URLSAFE_NO_PADDING) + 64;
	char *tok = xmalloc(room), *end, err[128];
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;

	end = b64url(tok, room, h, hn);
	*end++ = '.';
	end = b64url(end, room - (size_t)(end - tok), p, pn);
	crypto_auth_hmacsha256_init(&st, secret, sizeof(secret) - 1);
	crypto_auth_hmacsha256_update(&st, (const unsigned char *)tok, (size_t)(end - tok));
	crypto_auth_hmacsha256_final(&st, mac);
	*end++ = '.';
	sodium_bin2base64(end, room - (size_t)(end - tok), mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	check_payload(jwt_verify_hs256(tok, secret, sizeof(secret) - 1, err, sizeof(err)));
	free(tok);
}

static void claims(struct fuzzin *in, uint8_t flags)
{
	struct oidc_claims_want w = { 0 };
	struct oidc_identity id = { 0 };
	size_t len;
	const char *doc;
	char err[128];
	json_t *c;

	w.issuer = "https://idp.example";
	w.client_id = "tarjotin";
	w.nonce = flags & 1 ? fuzzin_str(in) : "nonce-1";
	w.groups_claim = flags & 2 ? fuzzin_str(in) : "groups";
	w.now = 1700000000 + (int64_t)fuzzin_byte(in) * 3600;
	doc = fuzzin_rest(in, &len);
	if (!(c = json_loadb(doc, len, JSON_REJECT_DUPLICATES, NULL)))
		return;
	if (json_is_object(c) && oidc_claims_check(c, &w, &id, err, sizeof(err)) == 0) {
		if (!id.subject || !*id.subject)
			fuzzin_fail("oidc_claims_check: accepted without a subject");
		for (const char *e = id.email; e && *e; e++)
			if (isupper((unsigned char)*e))
				fuzzin_fail("oidc_claims_check: e-mail not lower-cased");
		oidc_identity_release(&id);
	}
	json_decref(c);
}

static void jwks(struct fuzzin *in)
{
	/* What oidc.c asks for: it refuses every other alg before (alg_allowed). */
	static const char *const algs[] = { "RS256", "PS256", "ES256" };
	uint8_t a = fuzzin_byte(in);
	const char *kid = fuzzin_str(in);
	size_t len;
	const char *doc = fuzzin_rest(in, &len);
	char err[128];
	struct oidc_jwks *j = oidc_jwks_parse(doc, len, err, sizeof(err));
	cjose_jwk_t *k;

	if (!j)
		return;
	if (oidc_jwks_count(j) < 1 || oidc_jwks_count(j) > OIDC_JWKS_MAX_KEYS)
		fuzzin_fail("oidc_jwks_parse: a set without keys or with too many");
	k = oidc_jwks_find(j, algs[a % 3], a & 8 ? NULL : kid);
	if (k && (cjose_jwk_get_kty(k, NULL) == CJOSE_JWK_KTY_EC) != (a % 3 == 2))
		fuzzin_fail("oidc_jwks_find: a key of the wrong type for the alg");
	if (k)
		cjose_jwk_release(k);
	oidc_jwks_destroy(&j);
}

/* libFuzzer's: one input; returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzzin in;
	uint8_t sel;
	char err[128];

	fuzzin_init(&in, data, size);
	sel = fuzzin_byte(&in);
	switch (sel % 4) {
	case 0:
		check_payload(jwt_verify_hs256(fuzzin_str(&in), secret, sizeof(secret) - 1, err,
					       sizeof(err)));
		break;
	case 1:
		signed_token(&in);
		break;
	case 2:
		claims(&in, (uint8_t)(sel / 4));
		break;
	default:
		jwks(&in);
		break;
	}
	fuzzin_release(&in);
	return 0;
}
