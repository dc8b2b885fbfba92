// units: services/directory/links.c services/directory/mailq.c services/directory/mask.c
/*
 * Unit tests for the pure parts of services/directory/links.c: what may be
 * TARJOTIN_PUBLIC_URL, what a token looks like, and that only a hash of it
 * (SHA-256) is what the database sees.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "links.h"
#include "banned.h"

static void test_public_url(void **state)
{
	static const char *const good[][2] = {
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080" },
		{ "https://tarjotin.example.org/", "https://tarjotin.example.org" },
		{ "https://[::1]:8443", "https://[::1]:8443" },
		{ "https://example.org/tarjotin//", "https://example.org/tarjotin" },
		{ NULL, NULL },
	};
	static const char *const bad[] = { "",
					   "127.0.0.1:8080",
					   "ftp://example.org",
					   "https://example.org/?x=1",
					   "https://example.org/#x",
					   "https://exa mple.org",
					   "https://",
					   "https:///path",
					   "https://example.org\r\nX: y",
					   "https://example.org/\"><script>",
					   "javascript:alert(1)",
					   NULL };
	char err[256], *url;

	(void)state;
	for (int i = 0; good[i][0]; i++) {
		url = links_public_url(good[i][0], err, sizeof(err));
		if (!url)
			fail_msg("'%s' refused: %s", good[i][0], err);
		assert_string_equal(url, good[i][1]);
		free(url);
	}
	for (int i = 0; bad[i]; i++) {
		url = links_public_url(bad[i], err, sizeof(err));
		if (url)
			fail_msg("'%s' accepted as '%s'", bad[i], url);
	}
}

static void test_token_form(void **state)
{
	(void)state;
	assert_true(links_token_valid("MpP76-dH9fyLoyjJROHKZBUgGr03z8aYTNoZpYkZ77k"));
	assert_false(links_token_valid(NULL));
	assert_false(links_token_valid(""));
	assert_false(links_token_valid("MpP76-dH9fyLoyjJROHKZBUgGr03z8aYTNoZpYkZ77"));
	assert_false(links_token_valid("MpP76-dH9fyLoyjJROHKZBUgGr03z8aYTNoZpYkZ77kk"));
	assert_false(links_token_valid("MpP76+dH9fyLoyjJROHKZBUgGr03z8aYTNoZpYkZ77k"));
	assert_false(links_token_valid("MpP76-dH9fyLoyjJROHKZBUgGr03z8aYTNoZpYkZ7=="));
}

/* SHA-256("abc"), FIPS 180-2 appendix B.1. */
static void test_hash_is_sha256(void **state)
{
	static const uint8_t want[LINKS_HASH_LEN] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
		0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
		0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	uint8_t got[LINKS_HASH_LEN];

	(void)state;
	links_hash("abc", got);
	assert_memory_equal(got, want, sizeof(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_public_url),
		cmocka_unit_test(test_token_form),
		cmocka_unit_test(test_hash_is_sha256),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
