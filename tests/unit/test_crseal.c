// units: services/directory/crstore.c services/directory/mailq.c services/directory/mask.c
/*
 * Unit tests for lib/seal.c's sealing of client data bound to its record
 * (seal_box_ad / seal_open_ad) and keyed hashes (seal_mac), through
 * services/directory/crstore.c as contact requests use them
 * (docs/contactrequests.md "Storage"): a blob sealed for request A opens
 * for A only, with its key only, and not once changed; a hash is the same
 * for the same key, purpose and data, and differs otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "crstore.h"
#include "seal.h"
#include "banned.h"

#define REQ_A "6f1c0d2e-0000-4000-8000-00000000000a"
#define REQ_B "6f1c0d2e-0000-4000-8000-00000000000b"
#define CLIENT "{\"first_name\":\"Aino\",\"phone\":\"+358401234567\",\"email\":null,\"note\":\"\"}"

static void test_sealed_for_one_request_only(void **state)
{
	struct seal_key key, other;
	size_t n = 0;
	uint8_t *blob;
	char *plain;

	(void)state;
	randombytes_buf(key.k, sizeof(key.k));
	randombytes_buf(other.k, sizeof(other.k));
	blob = crstore_seal(&key, REQ_A, CLIENT, &n);
	assert_non_null(blob);
	assert_int_equal(n, strlen(CLIENT) + SEAL_OVERHEAD);
	assert_null(memmem(blob, n, "358401234567", 12));
	assert_null(memmem(blob, n, "Aino", 4));
	plain = crstore_open(&key, REQ_A, blob, n);
	assert_non_null(plain);
	assert_string_equal(plain, CLIENT);
	seal_wipe_free(plain);
	/* another request's row, another key, a changed byte, a cut blob */
	assert_null(crstore_open(&key, REQ_B, blob, n));
	assert_null(crstore_open(&other, REQ_A, blob, n));
	assert_null(seal_open_ad(&key, blob, n, ""));
	assert_null(seal_open_ad(&key, blob, SEAL_OVERHEAD - 1, REQ_A));
	blob[n - 1] ^= 1;
	assert_null(crstore_open(&key, REQ_A, blob, n));
	blob[n - 1] ^= 1;
	blob[0] ^= 1; /* the nonce */
	assert_null(crstore_open(&key, REQ_A, blob, n));
	free(blob);
	/* a notification's recipient sealed for a job with the same uuid is no
	 * client record, nor the reverse */
	blob = seal_job_box(&key, "recipient", REQ_A, "sms", "contact_receipt", "x", 1, &n);
	assert_non_null(blob);
	assert_null(crstore_open(&key, REQ_A, blob, n));
	free(blob);
	blob = crstore_seal(&key, REQ_A, "x", &n);
	assert_null(seal_job_open(&key, "recipient", REQ_A, "sms", "contact_receipt", blob, n));
	free(blob);
}

static void test_seal_limits_and_fresh_nonces(void **state)
{
	struct seal_key key;
	static char big[SEAL_MAX_PLAIN + 2];
	uint8_t *a, *b;
	size_t na = 0, nb = 0;

	(void)state;
	randombytes_buf(key.k, sizeof(key.k));
	memset(big, 'x', SEAL_MAX_PLAIN + 1);
	assert_null(crstore_seal(&key, REQ_A, big, &na));
	big[SEAL_MAX_PLAIN] = 0;
	a = crstore_seal(&key, REQ_A, big, &na);
	assert_non_null(a);
	free(a);
	/* the same data twice: two different blobs (a fresh nonce each) */
	a = crstore_seal(&key, REQ_A, CLIENT, &na);
	b = crstore_seal(&key, REQ_A, CLIENT, &nb);
	assert_int_equal(na, nb);
	assert_memory_not_equal(a, b, na);
	free(a);
	free(b);
}

static void test_mac_is_deterministic_per_purpose(void **state)
{
	struct seal_key key, other;
	uint8_t m1[SEAL_MAC_BYTES], m2[SEAL_MAC_BYTES], m3[SEAL_MAC_BYTES];
	char s1[CRSTORE_SIG_LEN + 1], s2[CRSTORE_SIG_LEN + 1];

	(void)state;
	randombytes_buf(key.k, sizeof(key.k));
	randombytes_buf(other.k, sizeof(other.k));
	crstore_phone_mac(&key, "+358401234567", m1);
	crstore_phone_mac(&key, "+358401234567", m2);
	assert_memory_equal(m1, m2, SEAL_MAC_BYTES);
	seal_mac(&key, "phone", "+358401234567", 13, m3);
	assert_memory_equal(m1, m3, SEAL_MAC_BYTES);
	/* another number, another purpose, another key */
	crstore_phone_mac(&key, "+358401234568", m2);
	assert_memory_not_equal(m1, m2, SEAL_MAC_BYTES);
	seal_mac(&key, "crlink", "+358401234567", 13, m2);
	assert_memory_not_equal(m1, m2, SEAL_MAC_BYTES);
	crstore_phone_mac(&other, "+358401234567", m2);
	assert_memory_not_equal(m1, m2, SEAL_MAC_BYTES);
	/* the inbox link's signature: 22 base64url characters, per request */
	crstore_link_sig(&key, REQ_A, s1);
	assert_int_equal(strlen(s1), CRSTORE_SIG_LEN);
	assert_int_equal(strspn(s1,
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
			 CRSTORE_SIG_LEN);
	crstore_link_sig(&key, REQ_A, s2);
	assert_string_equal(s1, s2);
	crstore_link_sig(&key, REQ_B, s2);
	assert_string_not_equal(s1, s2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sealed_for_one_request_only),
		cmocka_unit_test(test_seal_limits_and_fresh_nonces),
		cmocka_unit_test(test_mac_is_deterministic_per_purpose),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
