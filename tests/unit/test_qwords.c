// units: services/gateway/qwords.c
/*
 * Unit tests for the free-text words of a zero-result search
 * (docs/statistics.md section 1): lower case across Finnish and Swedish
 * letters, splitting, the 3..30 letter rule, at most five, and no words at
 * all from a query that may be a phone number or an address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "qwords.h"
#include "banned.h"

static void test_words_are_lower_cased_letters(void **state)
{
	char w[5][QWORDS_SIZE];

	(void)state;
	assert_int_equal(qwords_split("Vertaistuki ÄÄNEKOSKI, Åland-ÖLJY", w, 5), 4);
	assert_string_equal(w[0], "vertaistuki");
	assert_string_equal(w[1], "äänekoski");
	assert_string_equal(w[2], "åland");
	assert_string_equal(w[3], "öljy");
	/* Latin Extended-A: Š and Ž (Finnish loan words) lower-cased too. */
	assert_int_equal(qwords_split("ŠAKKI ŽIRAFFI", w, 5), 2);
	assert_string_equal(w[0], "šakki");
	assert_string_equal(w[1], "žiraffi");
	/* ß has no upper case here; × and ÷ are no letters: they split. */
	assert_int_equal(qwords_split("Straße kaksi×kolme", w, 5), 3);
	assert_string_equal(w[0], "straße");
	assert_string_equal(w[1], "kaksi");
	assert_string_equal(w[2], "kolme");
}

static void test_short_long_and_many_words(void **state)
{
	char w[5][QWORDS_SIZE];

	(void)state;
	/* Words under 3 letters are left out. */
	assert_int_equal(qwords_split("ei ja yö kävely", w, 5), 1);
	assert_string_equal(w[0], "kävely");
	/* A word over 30 letters is cut at 30 letters (a character boundary). */
	assert_int_equal(qwords_split("ääääääääääääääääääääääääääääääääääää", w, 5), 1);
	assert_int_equal(strlen(w[0]), 60);
	/* At most max words. */
	assert_int_equal(qwords_split("yksi kaksi kolme neljä viisi kuusi seitsemän", w, 5), 5);
	assert_string_equal(w[4], "viisi");
	assert_int_equal(qwords_split("yksi kaksi kolme", w, 2), 2);
	assert_int_equal(qwords_split("", w, 5), 0);
	assert_int_equal(qwords_split("  ..  ", w, 5), 0);
}

static void test_a_digit_or_at_sign_gives_no_words(void **state)
{
	char w[5][QWORDS_SIZE];

	(void)state;
	assert_int_equal(qwords_split("soita 040 123 4567", w, 5), 0);
	assert_int_equal(qwords_split("matti.meikalainen@example.org", w, 5), 0);
	assert_int_equal(qwords_split("ryhmä2", w, 5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_words_are_lower_cased_letters),
		cmocka_unit_test(test_short_long_and_many_words),
		cmocka_unit_test(test_a_digit_or_at_sign_gives_no_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
