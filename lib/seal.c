#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "seal.h"
#include "template.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

int seal_key_from_env(struct seal_key *key, char *err, size_t errlen)
{
	const char *hex = config_secret("TARJOTIN_DATA_KEY"); /* or _FILE */
	size_t n = 0;

	if (strlen(hex) != 2 * SEAL_KEY_BYTES ||
	    sodium_hex2bin(key->k, sizeof(key->k), hex, strlen(hex), NULL, &n, NULL) ||
	    n != SEAL_KEY_BYTES) {
		snprintf(err, errlen, "TARJOTIN_DATA_KEY must be %d hex digits (32 bytes)",
			 2 * SEAL_KEY_BYTES);
		return -1;
	}
	return 0;
}

/* The subkey for 'purpose' (<= 8 characters; "aead" for seal_box_ad):
 * libsodium's KDF, subkey id 1, the context the purpose written over
 * "tjseal__", so each purpose has its own key. */
static void subkey(const struct seal_key *key, const char *purpose, uint8_t out[32])
{
	char ctx[crypto_kdf_CONTEXTBYTES + 1] = "tjseal__";

	memcpy(ctx, purpose, strnlen(purpose, crypto_kdf_CONTEXTBYTES));
	crypto_kdf_derive_from_key(out, 32, 1, ctx, key->k);
}

uint8_t *seal_box_ad(const struct seal_key *key, const void *plain, size_t len, const char *ad,
		     size_t *outlen)
{
	uint8_t k[32], *out;
	unsigned long long clen = 0;

	if (len > SEAL_MAX_PLAIN)
		return NULL;
	subkey(key, "aead", k);
	out = xmalloc(len + SEAL_OVERHEAD);
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
		out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen, plain, len,
		(const uint8_t *)ad, strlen(ad), NULL, out, k);
	sodium_memzero(k, sizeof(k));
	*outlen = clen + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
	return out;
}

char *seal_open_ad(const struct seal_key *key, const uint8_t *blob, size_t len, const char *ad)
{
	uint8_t k[32];
	char *out;
	unsigned long long n = 0;
	const size_t nb = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

	if (len < SEAL_OVERHEAD || len > SEAL_MAX_PLAIN + SEAL_OVERHEAD)
		return NULL;
	subkey(key, "aead", k);
	out = xmalloc(len - SEAL_OVERHEAD + 1);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((uint8_t *)out, &n, NULL, blob + nb,
						       len - nb, (const uint8_t *)ad, strlen(ad),
						       blob, k)) {
		sodium_memzero(k, sizeof(k));
		free(out);
		return NULL;
	}
	sodium_memzero(k, sizeof(k));
	out[n] = '\0';
	if (strlen(out) != n) {
		seal_wipe_free(out);
		return NULL;
	}
	return out;
}

int seal_job_ad(char ad[SEAL_JOB_AD_MAX], const char *field, const char *job_id,
		const char *channel, const char *tmpl)
{
	ad[0] = '\0';
	if (!field || (strcmp(field, "recipient") && strcmp(field, "vars")) ||
	    !uuid_valid(job_id) || !channel ||
	    (strcmp(channel, "email") && strcmp(channel, "sms")) || !template_name_valid(tmpl))
		return -1;
	snprintf(ad, SEAL_JOB_AD_MAX, "notify-v1/%s/%s/%s/%s", field, job_id, channel, tmpl);
	return 0;
}

uint8_t *seal_job_box(const struct seal_key *key, const char *field, const char *job_id,
		      const char *channel, const char *tmpl, const void *plain, size_t len,
		      size_t *outlen)
{
	char ad[SEAL_JOB_AD_MAX];

	if (seal_job_ad(ad, field, job_id, channel, tmpl))
		return NULL;
	return seal_box_ad(key, plain, len, ad, outlen);
}

char *seal_job_open(const struct seal_key *key, const char *field, const char *job_id,
		    const char *channel, const char *tmpl, const uint8_t *blob, size_t len)
{
	char ad[SEAL_JOB_AD_MAX];

	if (seal_job_ad(ad, field, job_id, channel, tmpl))
		return NULL;
	return seal_open_ad(key, blob, len, ad);
}

void seal_mac(const struct seal_key *key, const char *purpose, const void *data, size_t len,
	      uint8_t out[SEAL_MAC_BYTES])
{
	uint8_t k[32];

	subkey(key, purpose, k);
	crypto_auth_hmacsha256(out, data, len, k);
	sodium_memzero(k, sizeof(k));
}

void seal_wipe_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}

char *seal_b64(const uint8_t *bin, size_t len)
{
	size_t n = sodium_base64_encoded_len(len, sodium_base64_VARIANT_ORIGINAL);
	char *out = xmalloc(n);

	sodium_bin2base64(out, n, bin, len, sodium_base64_VARIANT_ORIGINAL);
	return out;
}

uint8_t *seal_unb64(const char *s, size_t max, size_t *outlen)
{
	size_t slen = strlen(s);
	uint8_t *out;

	if (slen / 4 * 3 > max + 3)
		return NULL;
	out = xmalloc(slen / 4 * 3 + 3);
	if (sodium_base642bin(out, slen / 4 * 3 + 3, s, slen, NULL, outlen, NULL,
			      sodium_base64_VARIANT_ORIGINAL) ||
	    *outlen > max) {
		free(out);
		return NULL;
	}
	return out;
}
