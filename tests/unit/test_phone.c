/* Unit tests for lib/phone.c: Finnish numbers to E.164. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "phone.h"
#include "banned.h"

struct good {
	const char *in, *out;
	int mobile;
};

static void test_good_numbers(void **state)
{
	static const struct good good[] = {
		/* mobile, every way people write it */
		{ "040 123 4567", "+358401234567", 1 },
		{ "0401234567", "+358401234567", 1 },
		{ "040-123 45 67", "+358401234567", 1 },
		{ "040.123.4567", "+358401234567", 1 },
		{ "+358 40 1234567", "+358401234567", 1 },
		{ "+358401234567", "+358401234567", 1 },
		{ "00358401234567", "+358401234567", 1 },
		{ "00 358 40 123 4567", "+358401234567", 1 },
		{ "+358 (0)40 123 4567", "+358401234567", 1 },
		{ "(040) 123 4567", "+358401234567", 1 },
		{ "050 123 4567", "+358501234567", 1 },
		{ "045 1234 5678", "+3584512345678", 1 },
		{ "044 1234567", "+358441234567", 1 },
		{ "0457 1234567", "+3584571234567", 1 },
		{ "050 12345", "+3585012345", 1 }, /* old short mobile, NSN 7 */
		/* landlines and service numbers: valid, not SMS-capable */
		{ "(09) 123 4567", "+35891234567", 0 },
		{ "09 1234 567", "+35891234567", 0 },
		{ "017 123 4567", "+358171234567", 0 },
		{ "+358 17 123 4567", "+358171234567", 0 },
		{ "0800 12345", "+35880012345", 0 },
		{ "020 123 45", "+3582012345", 0 },
		{ "0100 100", "+358100100", 0 }, /* NSN 6 */
		/* other countries, already international */
		{ "+46 70 123 45 67", "+46701234567", 0 },
		{ "0046701234567", "+46701234567", 0 },
		{ "+1 (202) 555-0123", "+12025550123", 0 },
		{ "+372 5123 4567", "+37251234567", 0 },
		{ "+44 20 7946 0958", "+442079460958", 0 },
		/* "00" is the international call prefix whatever the spacing:
		 * "0 040..." is Romania (+40), not a typo of 040 */
		{ "0 040 123 4567", "+401234567", 0 },
		{ "+1234567", "+1234567", 0 },                 /* 7 digits: shortest */
		{ "+123456789012345", "+123456789012345", 0 }, /* 15: longest */
	};
	char out[PHONE_E164_MAX + 1], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		err[0] = '\0';
		if (phone_normalize_fi(good[i].in, out, sizeof(out), err, sizeof(err)) != 0) {
			fail_msg("'%s' refused: %s", good[i].in, err);
		}
		if (strcmp(out, good[i].out))
			fail_msg("'%s' gave '%s', want '%s'", good[i].in, out, good[i].out);
		if (phone_is_mobile_fi(out) != good[i].mobile)
			fail_msg("'%s': mobile %d, want %d", out, !good[i].mobile, good[i].mobile);
	}
}

struct bad {
	const char *in;
	const char *why;
};

static void test_bad_numbers(void **state)
{
	static const struct bad bad[] = {
		{ "", "no digits" },
		{ "   ", "no digits" },
		{ "-()", "no digits" },
		{ "040 123 456a", "letter" },
		{ "puh. 040 1234567", "letter" },
		{ "040 CALL NOW", "letter" },
		{ "040/1234567", "not a digit" },
		{ "040_1234567", "not a digit" },
		{ "040 123 4567\n", "line break" },
		{ "040 123\r\n4567", "line break" },
		{ "040 123 4567 #", "not a digit" },
		{ "+358 40 +1234567", "'+'" },
		{ "358+401234567", "'+'" },
		{ "++358401234567", "'+'" },
		{ "401234567", "must start with 0" },
		{ "358401234567", "must start with 0" },
		{ "0123", "too short" },  /* NSN "123": 3 digits */
		{ "01234", "too short" }, /* NSN 4 digits */
		{ "+358 123", "too short" },
		{ "040 1234 5678 901", "too long" }, /* NSN 13 digits */
		{ "+358 40 1234 5678 901", "too long" },
		{ "000 123 4567", "country code cannot start with 0" },
		{ "00040 123 4567", "country code cannot start with 0" },
		{ "+358 00 123 4567", "too many leading zeros" },
		{ "+123456", "7 to 15 digits" },
		{ "+1234567890123456", "7 to 15 digits" },
		{ "+0 123 456 789", "country code cannot start with 0" },
		{ "0401234567\xc2\xa0", "not a digit" }, /* no-break space */
		{ "\xef\xbc\x90\xef\xbc\x94\xef\xbc\x90 1234567", "not a digit" }, /* full-width */
	};
	char out[PHONE_E164_MAX + 1], err[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		memcpy(out, "junk", 5);
		if (phone_normalize_fi(bad[i].in, out, sizeof(out), err, sizeof(err)) != -1)
			fail_msg("'%s' accepted as '%s'", bad[i].in, out);
		if (out[0] != '\0')
			fail_msg("'%s': output not cleared", bad[i].in);
		if (!strstr(err, bad[i].why))
			fail_msg("'%s': message '%s' lacks '%s'", bad[i].in, err, bad[i].why);
	}
}

static void test_limits_and_arguments(void **state)
{
	char out[PHONE_E164_MAX + 1], small[8], err[128];
	char longin[PHONE_INPUT_MAX + 2];

	(void)state;
	assert_int_equal(phone_normalize_fi(NULL, out, sizeof(out), err, sizeof(err)), -1);
	assert_int_equal(phone_normalize_fi("0401234567", small, sizeof(small), err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "buffer"));
	/* err may be NULL */
	assert_int_equal(phone_normalize_fi("abc", out, sizeof(out), NULL, 0), -1);
	/* an input of 65 characters is refused before it is looked at */
	memset(longin, ' ', sizeof(longin) - 1);
	longin[sizeof(longin) - 1] = '\0';
	memcpy(longin, "0401234567", 10);
	assert_int_equal(phone_normalize_fi(longin, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "longer than 64"));
	/* 64 is still fine */
	longin[PHONE_INPUT_MAX] = '\0';
	assert_int_equal(phone_normalize_fi(longin, out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "+358401234567");
}

static void test_is_mobile(void **state)
{
	(void)state;
	assert_int_equal(phone_is_mobile_fi("+358401234567"), 1);
	assert_int_equal(phone_is_mobile_fi("+358501234567"), 1);
	assert_int_equal(phone_is_mobile_fi("+358461234567"), 1);
	assert_int_equal(phone_is_mobile_fi("+358511234567"), 0); /* 051 is not mobile */
	assert_int_equal(phone_is_mobile_fi("+35891234567"), 0);
	assert_int_equal(phone_is_mobile_fi("+3584012"), 0);        /* NSN 5: too short */
	assert_int_equal(phone_is_mobile_fi("+35840123456789"), 0); /* NSN 11: too long */
	assert_int_equal(phone_is_mobile_fi("+46701234567"), 0);
	assert_int_equal(phone_is_mobile_fi("0401234567"), 0); /* not E.164 */
	assert_int_equal(phone_is_mobile_fi("+358 40 1234567"), 0);
	assert_int_equal(phone_is_mobile_fi(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_numbers),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_limits_and_arguments),
		cmocka_unit_test(test_is_mobile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
