/* Unit tests for lib/email.c: what an address may and may not be. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "email.h"
#include "banned.h"

static void test_good_addresses(void **state)
{
	static const char *const good[] = {
		"user@example.com",
		"etunimi.sukunimi@pohjois-savo.fi",
		"a@b.co",
		"first+tag@sub.domain.example.org",
		"o'brien@example.ie",
		"x!#$%&'*+-/=?^_`{|}~y@example.com",
		"info@xn--pohjoissav-n5a.fi", /* IDN in A-label form */
		"UPPER@EXAMPLE.FI",
		"n1@123.example",
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		if (email_valid(good[i], err, sizeof(err)) != 0)
			fail_msg("'%s' refused: %s", good[i], err);
	}
}

struct bad {
	const char *addr;
	const char *why; /* a substring of the message */
};

static void test_bad_addresses(void **state)
{
	static const struct bad bad[] = {
		{ "", "empty" },
		{ "plainaddress", "no '@'" },
		{ "@example.com", "local part is empty" },
		{ "user@", "domain is empty" },
		{ "a@b@example.com", "more than one '@'" },
		{ ".user@example.com", "dot" },
		{ "user.@example.com", "dot" },
		{ "us..er@example.com", "two dots" },
		{ "user@localhost", "no dot" },
		{ "user@example..com", "empty label" },
		{ "user@.example.com", "empty label" },
		{ "user@example.com.", "empty label" },
		{ "user@-example.com", "hyphen" },
		{ "user@example-.com", "hyphen" },
		{ "user@exa_mple.com", "'_'" },
		{ "user@[192.0.2.1]", "literal" },
		{ "user@192.0.2.1", "numeric" },
		{ "\"quoted\"@example.com", "quoted" },
		{ "us(er)@example.com", "'('" },
		{ "us,er@example.com", "','" },
		{ "user name@example.com", "space" },
		{ "user@exa mple.com", "space" },
		{ "user\t@example.com", "control" },
		{ "käyttäjä@example.fi", "non-ASCII" },
		{ "user@pohjoissavo.fi\xc3\xa4", "non-ASCII" },
		/* header and SMTP command injection */
		{ "victim@example.com\r\nBcc: all@example.com", "line break" },
		{ "victim@example.com\nBcc: all@example.com", "line break" },
		{ "victim@example.com\rRCPT TO:<x@example.com>", "line break" },
		{ "a@example.com>\r\nDATA", "line break" },
		{ "<a@example.com>", "'<'" },
	};
	char err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		if (email_valid(bad[i].addr, err, sizeof(err)) != -1)
			fail_msg("'%s' accepted", bad[i].addr);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].addr, err, bad[i].why);
	}
}

static void test_nul_inside_is_the_end(void **state)
{
	/* A C string ends at NUL; what follows is never seen, so the check is
	 * on the visible part only ("user@example.com"), which is fine. */
	static const char with_nul[] = "user@example.com\0\r\nBcc: x@example.com";

	(void)state;
	assert_int_equal(email_valid(with_nul, NULL, 0), 0);
	assert_int_equal(email_valid(NULL, NULL, 0), -1);
}

static void test_length_limits(void **state)
{
	char local[80], addr[300], label[70];
	size_t i;

	(void)state;
	/* local part: 64 is fine, 65 is not */
	memset(local, 'a', 64);
	local[64] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	assert_int_equal(email_valid(addr, NULL, 0), 0);
	memset(local, 'a', 65);
	local[65] = '\0';
	snprintf(addr, sizeof(addr), "%s@example.com", local);
	assert_int_equal(email_valid(addr, NULL, 0), -1);

	/* domain label: 63 is fine, 64 is not */
	memset(label, 'b', 63);
	label[63] = '\0';
	snprintf(addr, sizeof(addr), "a@%s.fi", label);
	assert_int_equal(email_valid(addr, NULL, 0), 0);
	memset(label, 'b', 64);
	label[64] = '\0';
	snprintf(addr, sizeof(addr), "a@%s.fi", label);
	assert_int_equal(email_valid(addr, NULL, 0), -1);

	/* whole address: 254 is fine, 255 is not.  "a@" + labels of 49 b's
	 * and dots: a@ (2) + 4 * (49 + 1) = 202, + "c...c.fi" to the length. */
	{
		char err[128];
		size_t n;

		addr[0] = '\0';
		n = (size_t)snprintf(addr, sizeof(addr), "a@");
		for (i = 0; i < 4; i++) {
			memset(addr + n, 'b', 49);
			n += 49;
			addr[n++] = '.';
		}
		/* now 202 chars; add 49 c's, '.', "fi" = 254 */
		memset(addr + n, 'c', 49);
		n += 49;
		memcpy(addr + n, ".fi", 4);
		assert_int_equal(strlen(addr), 254);
		if (email_valid(addr, err, sizeof(err)) != 0)
			fail_msg("254-char address refused: %s", err);
		memmove(addr + 1, addr, strlen(addr) + 1);
		addr[0] = 'x';
		assert_int_equal(strlen(addr), 255);
		assert_int_equal(email_valid(addr, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "longer than 254"));
	}
}

static void test_domain_only(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(email_domain_valid("tarjotin.example.fi", err, sizeof(err)), 0);
	assert_int_equal(email_domain_valid("bad domain.fi", err, sizeof(err)), -1);
	assert_int_equal(email_domain_valid("x.fi\r\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "line break"));
	assert_int_equal(email_domain_valid(NULL, err, sizeof(err)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_addresses),        cmocka_unit_test(test_bad_addresses),
		cmocka_unit_test(test_nul_inside_is_the_end), cmocka_unit_test(test_length_limits),
		cmocka_unit_test(test_domain_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
