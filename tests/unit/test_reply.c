// units: services/directory/reply.c
/*
 * Unit tests for services/directory/reply.c: a reply's error text, which
 * the gateway puts into JSON bodies and logs, stays valid UTF-8 when it is
 * too long and says that it was shortened.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "reply.h"
#include "utf8.h"
#include "banned.h"

static void test_short_error_is_kept(void **state)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;

	(void)state;
	reply_set_error(&reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "id", "no such activity: %s",
			"Siilinjärvi");
	assert_int_equal(reply.status, TARJOTIN__STATUS__STATUS_NOT_FOUND);
	assert_string_equal(reply.error, "no such activity: Siilinjärvi");
	assert_string_equal(reply.error_field, "id");
	reply_release(&reply);
}

static void test_long_error_is_cut_at_a_character(void **state)
{
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	char text[1201];
	size_t len;

	(void)state;
	/* 'ä' is two bytes: a cut at an odd byte count would halve one. */
	for (size_t i = 0; i + 2 < sizeof(text); i += 2)
		memcpy(text + i, "\xc3\xa4", 2);
	text[1200] = '\0';
	reply_set_error(&reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL, "x%s", text);
	len = strlen(reply.error);
	assert_true(len < 512);
	assert_true(utf8_chars(reply.error, false) > 0);
	assert_string_equal(reply.error + len - 3, "\xe2\x80\xa6"); /* ends in "…" */
	assert_string_equal(reply.error_field, "");
	reply_release(&reply);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_error_is_kept),
		cmocka_unit_test(test_long_error_is_cut_at_a_character),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
