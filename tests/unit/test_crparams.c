// units: services/gateway/docparse.c
/*
 * Unit tests for the contact-request routes' header and query rules
 * (docs/contactrequests.md "The HTTP API"): the send's Idempotency-Key
 * (16..64 of [A-Za-z0-9_-]) and the inbox link's sig (22 of them), both
 * checked with docparse_b64url_ok and crroute.h's bounds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crroute.h"
#include "docparse.h"

static bool key_ok(const char *s)
{
	return docparse_b64url_ok(s, CRROUTE_KEY_MIN, CRROUTE_KEY_MAX);
}

/* A string of n copies of c in buf (n < sizeof buf). */
static const char *repeat(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
	return buf;
}

static void test_key_lengths(void **state)
{
	char buf[80];

	(void)state;
	assert_false(key_ok(NULL));
	assert_false(key_ok(""));
	assert_false(key_ok(repeat(buf, 15, 'a')));
	assert_true(key_ok(repeat(buf, 16, 'a')));
	assert_true(key_ok(repeat(buf, 64, 'Z')));
	assert_false(key_ok(repeat(buf, 65, 'Z')));
	assert_false(key_ok(repeat(buf, 79, '0')));
	/* A browser's crypto.randomUUID() is 36 characters of the alphabet. */
	assert_true(key_ok("1b4e28ba-2fa1-11d2-883f-0016d3cca427"));
	/* base64url of 16 random bytes (22 characters). */
	assert_true(key_ok("q83vEjRWeJq83vEjRWeJqw"));
}

static void test_key_alphabet(void **state)
{
	static const char *const bad[] = {
		"abcdefghijklmnop=",  /* padding */
		"abcdefghijklmno+p",  /* base64, not base64url */
		"abcdefghijklmno/p",  /* a path */
		"abcdefgh ijklmnop",  /* a blank */
		" abcdefghijklmnop",  /* leading blank */
		"abcdefghijklmnop\t", /* trailing tab */
		"abcdefghijklmnop\n",  "abcdefgh.ijklmnop", "abcdefghijklmnöpq", /* not ASCII */
		"abcdefghijklmnop%41",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (key_ok(bad[i]))
			fail_msg("accepted as a key: '%s'", bad[i]);
	}
	assert_true(key_ok("ABCxyz019_-ABCxyz019_-"));
	assert_true(key_ok("----------------"));
	assert_true(key_ok("________________"));
}

static void test_sig(void **state)
{
	char buf[40];

	(void)state;
	assert_true(docparse_b64url_ok("q83vEjRWeJq83vEjRWeJqw", CRROUTE_SIG_LEN, CRROUTE_SIG_LEN));
	assert_false(docparse_b64url_ok(repeat(buf, 21, 'a'), CRROUTE_SIG_LEN, CRROUTE_SIG_LEN));
	assert_false(docparse_b64url_ok(repeat(buf, 23, 'a'), CRROUTE_SIG_LEN, CRROUTE_SIG_LEN));
	assert_false(docparse_b64url_ok("q83vEjRWeJq83vEjRWeJq=", CRROUTE_SIG_LEN,
					CRROUTE_SIG_LEN));
	/* min 0: the empty string is in range, NULL never. */
	assert_true(docparse_b64url_ok("", 0, 4));
	assert_false(docparse_b64url_ok(NULL, 0, 4));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_lengths),
		cmocka_unit_test(test_key_alphabet),
		cmocka_unit_test(test_sig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
