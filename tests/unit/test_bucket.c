// units: services/gateway/bucket.c
/*
 * Unit tests for the token buckets of the per-IP and per-session request
 * rates (docs/security.md "Abuse limits"): the 101st request within a
 * second of the default 100/s is refused with the seconds to wait, the
 * bucket refills with time, keys are apart, and a full table stays bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "bucket.h"

#define SEC 1000000LL

static void test_default_rate(void **state)
{
	struct bucket_table *t = bucket_new(1024, 100, 100);
	int64_t t0 = 1000 * SEC;

	(void)state;
	assert_non_null(t);
	/* A burst of 100 passes, the 101st does not (a token comes back every
	 * 10 ms: these come within 100 us). */
	for (int i = 0; i < 100; i++)
		assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + i), 0);
	assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + 100), 1);
	/* Another address has its own bucket. */
	assert_int_equal(bucket_take(t, "10.0.0.2", 8, t0 + 100), 0);
	/* 10 ms later one token is back, one only. */
	assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + 10200), 0);
	assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + 10200), 1);
	/* After a quiet while the burst is whole again, not more. */
	for (int i = 0; i < 100; i++)
		assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + 5 * SEC), 0);
	assert_int_equal(bucket_take(t, "10.0.0.1", 8, t0 + 5 * SEC), 1);
	bucket_destroy(&t);
	assert_null(t);
	bucket_destroy(&t);
}

static void test_retry_after(void **state)
{
	/* 1 token per 10 s: an empty bucket waits 10 s, then less. */
	struct bucket_table *t = bucket_new(64, 0.1, 2);

	(void)state;
	assert_int_equal(bucket_take(t, "s", 1, 0), 0);
	assert_int_equal(bucket_take(t, "s", 1, 0), 0);
	assert_int_equal(bucket_take(t, "s", 1, 0), 10);
	assert_int_equal(bucket_take(t, "s", 1, 4 * SEC), 6);
	assert_int_equal(bucket_take(t, "s", 1, 10 * SEC), 0);
	bucket_destroy(&t);
}

static void test_off_and_bounded(void **state)
{
	struct bucket_table *off = bucket_new(64, 0, 1), *t = bucket_new(64, 1, 1);
	char key[32];

	(void)state;
	for (int i = 0; i < 1000; i++)
		assert_int_equal(bucket_take(off, "x", 1, 0), 0);
	/* Far more keys than slots: each new key evicts an old one and starts
	 * full, nothing grows; the latest keys are still counted. */
	for (int i = 0; i < 10000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(bucket_take(t, key, strlen(key), i), 0);
	}
	assert_int_equal(bucket_take(t, key, strlen(key), 10000), 1);
	bucket_destroy(&off);
	bucket_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_rate),
		cmocka_unit_test(test_retry_after),
		cmocka_unit_test(test_off_and_bounded),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
