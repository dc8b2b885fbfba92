#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "config.h"
#include "seal.h"
#include "xalloc.h"
#include "banned.h"

int seal_key_from_env(struct seal_key *key, char *err, size_t errlen)
{
	const char *hex = config_str("TARJOTIN_DATA_KEY", "");
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

uint8_t *seal_box(const struct seal_key *key, const void *plain, size_t len, size_t *outlen)
{
	uint8_t *out;

	if (len > SEAL_MAX_PLAIN)
		return NULL;
	out = xmalloc(len + SEAL_OVERHEAD);
	randombytes_buf(out, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(out + crypto_secretbox_NONCEBYTES, plain, len, out, key->k);
	*outlen = len + SEAL_OVERHEAD;
	return out;
}

char *seal_open(const struct seal_key *key, const uint8_t *blob, size_t len)
{
	char *out;
	size_t n;

	if (len < SEAL_OVERHEAD || len > SEAL_MAX_PLAIN + SEAL_OVERHEAD)
		return NULL;
	n = len - SEAL_OVERHEAD;
	out = xmalloc(n + 1);
	if (crypto_secretbox_open_easy((uint8_t *)out, blob + crypto_secretbox_NONCEBYTES,
				       len - crypto_secretbox_NONCEBYTES, blob, key->k)) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	if (strlen(out) != n) { /* an embedded NUL: not one of ours */
		seal_wipe_free(out);
		return NULL;
	}
	return out;
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
