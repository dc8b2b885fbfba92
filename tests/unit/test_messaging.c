// units: services/notify/backoff.c services/notify/stream.c services/directory/mask.c services/gateway/jwt.c
/*
 * Unit tests for the pure parts of messaging: retry backoff, recipient
 * masking, delivery-report JWT verification and sealing recipients.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "backoff.h"
#include "jwt.h"
#include "mask.h"
#include "seal.h"
#include "stream.h"
#include "banned.h"

static void test_backoff_ceiling_doubles_to_the_cap(void **state)
{
	(void)state;
	assert_int_equal(backoff_ceiling_ms(1000, 300000, 0), 1000);
	assert_int_equal(backoff_ceiling_ms(1000, 300000, 1), 2000);
	assert_int_equal(backoff_ceiling_ms(1000, 300000, 5), 32000);
	assert_int_equal(backoff_ceiling_ms(1000, 300000, 9), 300000);
	/* Huge attempt counts neither overflow nor loop long. */
	assert_int_equal(backoff_ceiling_ms(1000, 300000, 1000000), 300000);
	assert_int_equal(backoff_ceiling_ms(INT64_MAX / 2, INT64_MAX, 70), INT64_MAX);
	assert_int_equal(backoff_ceiling_ms(0, 1000, 3), 0);
	assert_int_equal(backoff_ceiling_ms(50, 400, 2), 200);
}

static void test_backoff_full_jitter_stays_in_range(void **state)
{
	(void)state;
	assert_int_equal(backoff_delay_ms(1000, 300000, 2, 0), 0);
	assert_int_equal(backoff_delay_ms(1000, 300000, 2, 4000), 4000);
	assert_int_equal(backoff_delay_ms(1000, 300000, 2, 4001), 0);
	assert_int_equal(backoff_delay_ms(1000, 300000, 2, UINT32_MAX), UINT32_MAX % 4001);
	for (int attempt = 0; attempt < 12; attempt++) {
		int64_t lo = INT64_MAX, hi = 0, ceil = backoff_ceiling_ms(100, 60000, attempt);

		for (int i = 0; i < 2000; i++) {
			int64_t d = backoff_delay_ms(100, 60000, attempt, randombytes_random());

			assert_true(d >= 0 && d <= ceil);
			lo = d < lo ? d : lo;
			hi = d > hi ? d : hi;
		}
		/* Spread over the whole range (full jitter, not "half"). */
		assert_true(lo < ceil / 10 + 1);
		assert_true(hi > ceil - ceil / 10 - 1);
	}
	assert_int_equal(backoff_delay_ms(0, 0, 5, 12345), 0);
}

/* A claimed batch is sent one job after another: no more may be taken at
 * once than can be sent before the claim time runs out again, else the last
 * ones go stale and another instance sends them too. */
static void test_claim_count_fits_the_claim_time(void **state)
{
	(void)state;
	assert_int_equal(stream_claim_count(30000, 20000), 1); /* the defaults */
	assert_int_equal(stream_claim_count(1500, 20000), 1);  /* never none */
	assert_int_equal(stream_claim_count(20000, 20000), 1);
	assert_int_equal(stream_claim_count(60000, 20000), 3);
	assert_int_equal(stream_claim_count(30000, 1000), 30);
	assert_int_equal(stream_claim_count(86400000, 100), STREAM_CLAIM_MAX);
	assert_int_equal(stream_claim_count(30000, 0), STREAM_CLAIM_MAX);
	for (long claim = 100; claim <= 600000; claim += 700)
		for (long send = 100; send <= 600000; send += 1900) {
			long n = stream_claim_count(claim, send);

			assert_true(n >= 1 && n <= STREAM_CLAIM_MAX);
			assert_true(n == 1 || n * send <= claim);
		}
}

static void expect_mask(const char *channel, const char *in, const char *want)
{
	char out[300];

	if (!want) {
		assert_int_equal(mask_recipient(channel, in, out, sizeof(out)), -1);
		assert_string_equal(out, "");
		return;
	}
	assert_int_equal(mask_recipient(channel, in, out, sizeof(out)), 0);
	assert_string_equal(out, want);
}

static void test_mask_recipient(void **state)
{
	(void)state;
	expect_mask("sms", "+358401234567", "+35840*****67");
	expect_mask("sms", "+358501234567", "+35850*****67");
	expect_mask("sms", "+46701234567", "+46701****67");
	expect_mask("sms", "+3584012345", "+35******45");
	expect_mask("email", "matti.meikalainen@example.org", "m***@example.org");
	expect_mask("email", "a@b.fi", "a***@b.fi");
	expect_mask("email", "@example.org", NULL);
	expect_mask("email", "matti@", NULL);
	expect_mask("sms", "0401234567", NULL);
	expect_mask("fax", "+358401234567", NULL);
	expect_mask("sms", NULL, NULL);
	{
		char small[8];

		assert_int_equal(mask_recipient("email", "m@example.org", small, sizeof(small)),
				 -1);
		assert_int_equal(mask_recipient("sms", "+358401234567", small, sizeof(small)), -1);
	}
}

/* GatewayAPI's documented example, signed with "secret". */
static const char DOC_TOKEN[] =
	"eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJpZCI6MjM4MTcwMywibXNpc2RuIjo0NTQyNjA5MDQ1LCJ0aW1l"
	"IjoxNTIyNzY0MDYyLCJzdGF0dXMiOiJERUxJVkVSRUQiLCJlcnJvciI6bnVsbCwiY29kZSI6bnVsbCwidXNlcnJl"
	"ZiI6bnVsbCwiY2FsbGJhY2tfdXJsIjoiaHR0cDovL2JiYWY3MTQyLm5ncm9rLmlvIiwiYXBpIjo0fQ."
	"KdfDH65bnQtgxEkFnpAQodOciAJedZFB13r9wEo8t3Y";

static json_t *verify(const char *tok, const char *secret)
{
	char err[128];

	return jwt_verify_hs256(tok, (const uint8_t *)secret, strlen(secret), err, sizeof(err));
}

static void test_jwt_documented_example(void **state)
{
	json_t *p = verify(DOC_TOKEN, "secret");

	(void)state;
	assert_non_null(p);
	assert_int_equal(json_integer_value(json_object_get(p, "id")), 2381703);
	assert_int_equal(json_integer_value(json_object_get(p, "msisdn")), 4542609045LL);
	assert_string_equal(json_string_value(json_object_get(p, "status")), "DELIVERED");
	json_decref(p);
}

static void test_jwt_refusals(void **state)
{
	char tok[sizeof(DOC_TOKEN) + 8];
	char *dot;

	(void)state;
	assert_null(verify(DOC_TOKEN, "Secret"));
	assert_null(verify(DOC_TOKEN, ""));
	assert_null(verify(NULL, "secret"));
	assert_null(verify("", "secret"));
	assert_null(verify("a.b", "secret"));
	assert_null(verify("a.b.c.d", "secret"));
	assert_null(verify("..", "secret"));
	/* One flipped character of the signature. */
	snprintf(tok, sizeof(tok), "%s", DOC_TOKEN);
	tok[strlen(tok) - 1] = tok[strlen(tok) - 1] == 'Y' ? 'Z' : 'Y';
	assert_null(verify(tok, "secret"));
	/* The signature cut short. */
	snprintf(tok, sizeof(tok), "%s", DOC_TOKEN);
	tok[strlen(tok) - 4] = '\0';
	assert_null(verify(tok, "secret"));
	/* A changed payload under the old signature. */
	snprintf(tok, sizeof(tok), "%s", DOC_TOKEN);
	dot = strchr(tok, '.');
	dot[3] = dot[3] == 'A' ? 'B' : 'A';
	assert_null(verify(tok, "secret"));
	/* alg "none" with no signature, and with the old one. */
	assert_null(verify("eyJhbGciOiJub25lIn0.eyJpZCI6MX0.", "secret"));
	snprintf(tok, sizeof(tok), "eyJhbGciOiJub25lIn0%s", strchr(DOC_TOKEN, '.'));
	assert_null(verify(tok, "secret"));
}

static void test_jwt_roundtrip_with_our_signature(void **state)
{
	const char *head = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";
	char payload[200], signing[400], tok[500], sig[64];
	uint8_t mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	const char *json = "{\"id\":7,\"status\":\"DELIVERED\",\"userref\":\"j\"}";
	json_t *p;

	(void)state;
	sodium_bin2base64(payload, sizeof(payload), (const uint8_t *)json, strlen(json),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(signing, sizeof(signing), "%s.%s", head, payload);
	crypto_auth_hmacsha256_init(&st, (const uint8_t *)"k3y", 3);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)signing, strlen(signing));
	crypto_auth_hmacsha256_final(&st, mac);
	sodium_bin2base64(sig, sizeof(sig), mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(tok, sizeof(tok), "%s.%s", signing, sig);
	p = verify(tok, "k3y");
	assert_non_null(p);
	assert_string_equal(json_string_value(json_object_get(p, "userref")), "j");
	json_decref(p);
	assert_null(verify(tok, "k3y "));
}

#define JOB_A "0b7e2c55-6d1a-4f0e-9b3c-2a1d4e5f6a7b"
#define JOB_B "0b7e2c55-6d1a-4f0e-9b3c-2a1d4e5f6a7c"

/* Opens 'blob' as the recipient of (job, channel, tmpl): true when it did
 * and gave "+358401234567". */
static bool opens_as(const struct seal_key *key, const char *field, const char *job,
		     const char *channel, const char *tmpl, const uint8_t *blob, size_t n)
{
	char *plain = seal_job_open(key, field, job, channel, tmpl, blob, n);
	bool ok = plain && !strcmp(plain, "+358401234567");

	seal_wipe_free(plain);
	return ok;
}

static void test_seal_roundtrip(void **state)
{
	struct seal_key key, other;
	size_t n = 0, bn = 0;
	uint8_t *blob, *back;
	char *b64;

	(void)state;
	randombytes_buf(key.k, sizeof(key.k));
	randombytes_buf(other.k, sizeof(other.k));
	blob = seal_job_box(&key, "recipient", JOB_A, "sms", "test", "+358401234567", 13, &n);
	assert_non_null(blob);
	assert_int_equal(n, 13 + SEAL_OVERHEAD);
	assert_null(memmem(blob, n, "358401234567", 12));
	b64 = seal_b64(blob, n);
	back = seal_unb64(b64, 1000, &bn);
	assert_int_equal(bn, n);
	assert_true(opens_as(&key, "recipient", JOB_A, "sms", "test", back, bn));
	assert_false(opens_as(&other, "recipient", JOB_A, "sms", "test", back, bn));
	back[bn - 1] ^= 1;
	assert_false(opens_as(&key, "recipient", JOB_A, "sms", "test", back, bn));
	assert_false(opens_as(&key, "recipient", JOB_A, "sms", "test", back, 10));
	assert_null(seal_unb64("not base64!", 1000, &bn));
	free(back);
	free(b64);
	free(blob);
}

/* A recipient (or sealed vars) opens only in the entry it was sealed for:
 * its own job id, channel, template and field; copied into any other it
 * does not open. */
static void test_seal_bound_to_its_job(void **state)
{
	struct seal_key key;
	size_t n = 0;
	uint8_t *blob, *old;
	char ad[SEAL_JOB_AD_MAX], *plain;

	(void)state;
	randombytes_buf(key.k, sizeof(key.k));
	blob = seal_job_box(&key, "recipient", JOB_A, "sms", "contact_receipt", "+358401234567", 13,
			    &n);
	assert_non_null(blob);
	assert_true(opens_as(&key, "recipient", JOB_A, "sms", "contact_receipt", blob, n));
	assert_false(opens_as(&key, "recipient", JOB_B, "sms", "contact_receipt", blob, n));
	assert_false(opens_as(&key, "recipient", JOB_A, "email", "contact_receipt", blob, n));
	assert_false(opens_as(&key, "recipient", JOB_A, "sms", "login_link", blob, n));
	assert_false(opens_as(&key, "recipient", JOB_A, "sms", "contact_receipt_x", blob, n));
	assert_false(opens_as(&key, "vars", JOB_A, "sms", "contact_receipt", blob, n));
	/* the upper-case form of the same uuid is not what we write */
	assert_false(opens_as(&key, "recipient", "0B7E2C55-6D1A-4F0E-9B3C-2A1D4E5F6A7B", "sms",
			      "contact_receipt", blob, n));
	/* nor any other AD that merely contains the job's */
	assert_null(seal_open_ad(&key, blob, n, JOB_A));
	assert_null(seal_open_ad(&key, blob, n, ""));
	assert_int_equal(seal_job_ad(ad, "recipient", JOB_A, "sms", "contact_receipt"), 0);
	assert_string_equal(ad, "notify-v1/recipient/" JOB_A "/sms/contact_receipt");
	plain = seal_open_ad(&key, blob, n, ad); /* the documented layout, byte for byte */
	assert_non_null(plain);
	seal_wipe_free(plain);
	free(blob);
	/* malformed parts neither seal nor open, and cannot shift the layout */
	assert_null(seal_job_box(&key, "recipient", "not-a-uuid", "sms", "t", "x", 1, &n));
	assert_null(seal_job_box(&key, "recipient", JOB_A, "fax", "t", "x", 1, &n));
	assert_null(seal_job_box(&key, "recipient", JOB_A, "sms", "a/b", "x", 1, &n));
	assert_null(seal_job_box(&key, "to", JOB_A, "sms", "t", "x", 1, &n));
	assert_int_equal(seal_job_ad(ad, "recipient", JOB_A, "sms", ""), -1);
	assert_string_equal(ad, "");
	/* an old-format recipient (secretbox, no associated data) opens no more */
	n = 13 + SEAL_OVERHEAD;
	old = malloc(n);
	assert_non_null(old);
	randombytes_buf(old, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(old + crypto_secretbox_NONCEBYTES, (const uint8_t *)"+358401234567",
			      13, old, key.k);
	assert_false(opens_as(&key, "recipient", JOB_A, "sms", "contact_receipt", old, n));
	free(old);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff_ceiling_doubles_to_the_cap),
		cmocka_unit_test(test_backoff_full_jitter_stays_in_range),
		cmocka_unit_test(test_claim_count_fits_the_claim_time),
		cmocka_unit_test(test_mask_recipient),
		cmocka_unit_test(test_jwt_documented_example),
		cmocka_unit_test(test_jwt_refusals),
		cmocka_unit_test(test_jwt_roundtrip_with_our_signature),
		cmocka_unit_test(test_seal_roundtrip),
		cmocka_unit_test(test_seal_bound_to_its_job),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
