/* Unit tests for lib/utf8.c: what the gateway accepts as text from outside. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "utf8.h"

static void test_counts_characters(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("", false), 0);
	assert_int_equal(utf8_chars("muisti", false), 6);
	assert_int_equal(utf8_chars("Siilinjärvi", false), 11); /* ä is 2 bytes, 1 char */
	assert_int_equal(utf8_chars("Påminnelse: är", false), 14);
	assert_int_equal(utf8_chars("\xe2\x82\xac", false), 1);        /* € */
	assert_int_equal(utf8_chars("\xf0\x9f\x98\x80 ok", false), 4); /* emoji + " ok" */
}

static void test_refuses_malformed(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("\xc3", false), -1);             /* cut short */
	assert_int_equal(utf8_chars("\xc3(", false), -1);            /* bad continuation */
	assert_int_equal(utf8_chars("\xc0\xaf", false), -1);         /* overlong '/' */
	assert_int_equal(utf8_chars("\xe0\x80\xaf", false), -1);     /* overlong, 3 bytes */
	assert_int_equal(utf8_chars("\xed\xa0\x80", false), -1);     /* a surrogate */
	assert_int_equal(utf8_chars("\xf4\x90\x80\x80", false), -1); /* above U+10FFFF */
	assert_int_equal(utf8_chars("\xff", false), -1);
	assert_int_equal(utf8_chars("\x80", false), -1); /* lone continuation */
}

static void test_controls(void **state)
{
	(void)state;
	assert_int_equal(utf8_chars("a\x01", true), -1);
	assert_int_equal(utf8_chars("a\x7f", true), -1);
	assert_int_equal(utf8_chars("a\xc2\x85", true), -1); /* C1 NEL */
	assert_int_equal(utf8_chars("a\nb", false), -1);
	assert_int_equal(utf8_chars("a\r\nb\tc", true), 6);
	assert_int_equal(utf8_chars("a\r\nb\tc", false), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_characters),
		cmocka_unit_test(test_refuses_malformed),
		cmocka_unit_test(test_controls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
