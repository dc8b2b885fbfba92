/*
 * seal.h - personal data encrypted at rest under the 32-byte key
 * TARJOTIN_DATA_KEY (64 hex digits), always bound to the record it belongs
 * to (AEAD associated data).  The directory seals recipients before they
 * reach PostgreSQL, the outbox and the Redis Stream; only notify opens
 * them, to hand them to libcurl (seal_job_box / seal_job_open).  Contact
 * requests seal the client's data for their request (seal_box_ad).  Call
 * sodium_init() before any of these.
 *
 * Until issue 16 recipients were a secretbox without associated data
 * (nonce || crypto_secretbox_easy); such old blobs open nowhere any more
 * (notify dead-letters their jobs, docs/security.md "Messaging").
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
 * A notification's sealed field bound to its job (docs/security.md
 * "Messaging"): seal_box_ad with the associated data
 *
 *     "notify-v1/" <field> "/" <job id> "/" <channel> "/" <template>
 *
 * where field is "recipient" or "vars", the job id a canonical lower-case
 * uuid, channel "email" or "sms" and the template [a-z0-9_]{1,64}; none of
 * them can hold a '/', so the layout is unambiguous.  A blob copied into
 * another job, channel, template or field does not open.
 */
#define SEAL_JOB_AD_MAX 160

/* Writes that associated data into ad (SEAL_JOB_AD_MAX bytes).  Returns 0,
 * or -1 when a part is not of the form above (ad is then ""). */
int seal_job_ad(char ad[SEAL_JOB_AD_MAX], const char *field, const char *job_id,
		const char *channel, const char *tmpl);

/* seal_box_ad under seal_job_ad's data: a malloc'ed blob (free()), NULL when
 * a part is malformed or len > SEAL_MAX_PLAIN. */
uint8_t *seal_job_box(const struct seal_key *key, const char *field, const char *job_id,
		      const char *channel, const char *tmpl, const void *plain, size_t len,
		      size_t *outlen);

/* seal_open_ad under seal_job_ad's data: the plaintext (seal_wipe_free), NULL
 * when a part is malformed or the blob was not sealed for exactly this
 * field, job, channel and template (or is malformed, or an old secretbox). */
char *seal_job_open(const struct seal_key *key, const char *field, const char *job_id,
		    const char *channel, const char *tmpl, const uint8_t *blob, size_t len);

/*
 * A keyed hash (HMAC-SHA-256 under a subkey derived from the data key for
 * 'purpose', at most 8 characters, e.g. "phone" or "crlink") of 'data' into
 * out: a client's phone number matched without storing it, or a link's
 * signature.  The same key, purpose and data always give the same hash.
 */
#define SEAL_MAC_BYTES 32
void seal_mac(const struct seal_key *key, const char *purpose, const void *data, size_t len,
	      uint8_t out[SEAL_MAC_BYTES]);

/* Zeroes and frees a string from an open function; accepts NULL. */
void seal_wipe_free(char *s);

/* Standard base64 (with padding) of 'len' bytes; free() the result. */
char *seal_b64(const uint8_t *bin, size_t len);

/* Decodes standard base64; returns a malloc'ed buffer (free()) and *outlen,
 * or NULL when 's' is not base64 or longer than 'max' decoded bytes. */
uint8_t *seal_unb64(const char *s, size_t max, size_t *outlen);

#endif
