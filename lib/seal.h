/*
 * seal.h - recipients encrypted at rest (libsodium secretbox).
 *
 * A sealed blob is nonce (24 bytes) || crypto_secretbox_easy(plaintext):
 * XSalsa20-Poly1305 under the 32-byte key TARJOTIN_DATA_KEY (64 hex
 * digits).  The directory seals recipients before they reach PostgreSQL,
 * the outbox and the Redis Stream; only notify opens them, to hand them to
 * libcurl.  Call sodium_init() before any of these.
 */
#ifndef TJ_SEAL_H
#define TJ_SEAL_H

#include <stddef.h>
#include <stdint.h>

#define SEAL_KEY_BYTES 32
#define SEAL_OVERHEAD 40 /* nonce 24 + MAC 16 */
#define SEAL_MAX_PLAIN 1024

struct seal_key {
	uint8_t k[SEAL_KEY_BYTES];
};

/* Reads the key from TARJOTIN_DATA_KEY.  Returns 0, or -1 with a reason in
 * err when it is unset or not 64 hex digits. */
int seal_key_from_env(struct seal_key *key, char *err, size_t errlen);

/* Seals 'plain' (len <= SEAL_MAX_PLAIN).  Returns a malloc'ed blob of
 * len + SEAL_OVERHEAD bytes (*outlen), freed with free(); NULL when too long. */
uint8_t *seal_box(const struct seal_key *key, const void *plain, size_t len, size_t *outlen);

/* Opens a blob into a NUL-terminated malloc'ed string (freed with
 * seal_wipe_free); NULL when it does not authenticate or is malformed. */
char *seal_open(const struct seal_key *key, const uint8_t *blob, size_t len);

/*
 * Client contact data (docs/contactrequests.md "Storage"): sealed with
 * XChaCha20-Poly1305 (libsodium's IETF AEAD) under a subkey derived from
 * the data key, with 'ad' (the contact request's id) as associated data,
 * so that a blob opens only for the record it was sealed for.  The blob is
 * nonce (24 bytes) || ciphertext || tag (16): len + SEAL_OVERHEAD bytes.
 * seal_box_ad returns it malloc'ed (free()), NULL when len > SEAL_MAX_PLAIN;
 * seal_open_ad returns the plaintext NUL-terminated (seal_wipe_free), NULL
 * when it does not authenticate with this 'ad' or is malformed.
 */
uint8_t *seal_box_ad(const struct seal_key *key, const void *plain, size_t len, const char *ad,
		     size_t *outlen);
char *seal_open_ad(const struct seal_key *key, const uint8_t *blob, size_t len, const char *ad);

/*
 * A keyed hash (HMAC-SHA-256 under a subkey derived from the data key for
 * 'purpose', at most 8 characters, e.g. "phone" or "crlink") of 'data' into
 * out: a client's phone number matched without storing it, or a link's
 * signature.  The same key, purpose and data always give the same hash.
 */
#define SEAL_MAC_BYTES 32
void seal_mac(const struct seal_key *key, const char *purpose, const void *data, size_t len,
	      uint8_t out[SEAL_MAC_BYTES]);

/* Zeroes and frees a string from seal_open; accepts NULL. */
void seal_wipe_free(char *s);

/* Standard base64 (with padding) of 'len' bytes; free() the result. */
char *seal_b64(const uint8_t *bin, size_t len);

/* Decodes standard base64; returns a malloc'ed buffer (free()) and *outlen,
 * or NULL when 's' is not base64 or longer than 'max' decoded bytes. */
uint8_t *seal_unb64(const char *s, size_t max, size_t *outlen);

#endif
