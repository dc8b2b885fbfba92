// lib/smstext.c, linked through libtarjotin.a
/*
 * Unit tests for services/notify/smstext.c.  Every expected number is
 * counted by hand in the comment next to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smstext.h"
#include "xalloc.h"
#include "banned.h"

static char *repeat(const char *s, size_t times)
{
	size_t n = strlen(s), i;
	char *r = xmalloc(n * times + 1);

	for (i = 0; i < times; i++)
		memcpy(r + i * n, s, n);
	r[n * times] = '\0';
	return r;
}

static void expect(const char *text, enum smstext_encoding enc, size_t chars, size_t units,
		   size_t parts)
{
	struct smstext_info info;

	assert_int_equal(smstext_analyze(text, &info), 0);
	assert_int_equal(info.encoding, enc);
	assert_int_equal(info.chars, chars);
	assert_int_equal(info.units, units);
	assert_int_equal(info.parts, parts);
}

static void test_finnish_and_swedish_are_gsm7(void **state)
{
	(void)state;
	/* "Hei!" 4 + " " 1 + "Muistikahvila" 13 + " " 1 + "ottaa" 5 + " " 1 +
	 * "sinuun" 6 + " " 1 + "yhteyttä." 9 = 41; ä is in the default
	 * alphabet (0x7B), so 41 septets, 1 part. */
	expect("Hei! Muistikahvila ottaa sinuun yhteyttä.", SMSTEXT_GSM7, 41, 41, 1);
	/* "Påminnelse:" 11 + " " + "är" 2 + " " + "uppgifterna" 11 + " " +
	 * "aktuella?" 9 = 36; å (0x0F) and ä are default: 36 septets. */
	expect("Påminnelse: är uppgifterna aktuella?", SMSTEXT_GSM7, 36, 36, 1);
	/* Å Ä Ö å ä ö é É ü Ü: all ten in the default alphabet. */
	expect("ÅÄÖåäöéÉüÜ", SMSTEXT_GSM7, 10, 10, 1);
	/* Capital Ç is in the table (0x09), small ç is not: UCS-2. */
	expect("Ç", SMSTEXT_GSM7, 1, 1, 1);
	expect("ç", SMSTEXT_UCS2, 1, 1, 1);
	/* Newline and CR are default characters. */
	expect("a\r\nb", SMSTEXT_GSM7, 4, 4, 1);
}

static void test_extension_characters_count_two(void **state)
{
	(void)state;
	/* "Hinta 5 €": 9 characters; € is ESC + 0x65: 8 + 2 = 10 septets. */
	expect("Hinta 5 €", SMSTEXT_GSM7, 9, 10, 1);
	/* [ ] { } \ ^ ~ | € : 9 characters, 2 septets each = 18. */
	expect("[]{}\\^~|€", SMSTEXT_GSM7, 9, 18, 1);
	/* 80 euro signs = 160 septets: still one message. */
	{
		char *t = repeat("€", 80);

		expect(t, SMSTEXT_GSM7, 80, 160, 1);
		free(t);
		/* 81 = 162 septets: concatenated, 76 per part (152 septets, the
		 * 77th would need 154 > 153): 76 + 5 = 81 -> 2 parts. */
		t = repeat("€", 81);
		expect(t, SMSTEXT_GSM7, 81, 162, 2);
		free(t);
	}
}

static void test_gsm7_boundaries(void **state)
{
	char *t;

	(void)state;
	t = repeat("a", 160); /* exactly one message */
	expect(t, SMSTEXT_GSM7, 160, 160, 1);
	free(t);
	t = repeat("a", 161); /* 153 + 8 */
	expect(t, SMSTEXT_GSM7, 161, 161, 2);
	free(t);
	t = repeat("a", 306); /* 153 * 2 */
	expect(t, SMSTEXT_GSM7, 306, 306, 2);
	free(t);
	t = repeat("a", 307); /* 153 * 2 + 1 */
	expect(t, SMSTEXT_GSM7, 307, 307, 3);
	free(t);
	/* A long Finnish text: the 41-character sentence plus a space, four
	 * times = 168 characters, all default: 168 septets > 160 -> 153 + 15
	 * = 2 parts. */
	t = repeat("Hei! Muistikahvila ottaa sinuun yhteyttä. ", 4);
	expect(t, SMSTEXT_GSM7, 168, 168, 2);
	free(t);
}

static void test_ucs2_and_emoji(void **state)
{
	char *t;

	(void)state;
	/* "Kiitos!" 7 + " " 1 + 😊 (U+1F60A, a surrogate pair: 2 units) + " "
	 * 1 + "Yhdistys" 8 + " " 1 + "soittaa" 7 + " " 1 + "sinulle." 8:
	 * 35 characters, 36 UTF-16 units, 1 part (<= 70). */
	expect("Kiitos! 😊 Yhdistys soittaa sinulle.", SMSTEXT_UCS2, 35, 36, 1);
	/* An en dash is not GSM-7: the whole Finnish text becomes UCS-2.
	 * "Tarjotin – Pohjois-Savo" = 8 + 1 + 1 + 1 + 12 = 23 units. */
	expect("Tarjotin – Pohjois-Savo", SMSTEXT_UCS2, 23, 23, 1);
	/* 70 en dashes: one message; 71: 67 + 4 = 2 parts. */
	t = repeat("–", 70);
	expect(t, SMSTEXT_UCS2, 70, 70, 1);
	free(t);
	t = repeat("–", 71);
	expect(t, SMSTEXT_UCS2, 71, 71, 2);
	free(t);
	/* 35 emoji = 70 units: one message; 36 = 72 units: 33 emoji (66
	 * units, a 34th would need 68 > 67) + 3 emoji = 2 parts. */
	t = repeat("😊", 35);
	expect(t, SMSTEXT_UCS2, 35, 70, 1);
	free(t);
	t = repeat("😊", 36);
	expect(t, SMSTEXT_UCS2, 36, 72, 2);
	free(t);
	/* Swedish with an emoji: "Tack! 👍" = 5 + 1 + 2 = 8 units, 7 chars. */
	expect("Tack! 👍", SMSTEXT_UCS2, 7, 8, 1);
}

static void check_parts(const char *text, size_t want, const char *const *expected)
{
	char **parts = NULL, *joined;
	size_t n = 0, i, len = 0;

	assert_int_equal(smstext_split(text, 0, &parts, &n), 0);
	assert_int_equal(n, want);
	assert_non_null(parts);
	assert_null(parts[n]);
	for (i = 0; i < n; i++) {
		if (expected && expected[i])
			assert_string_equal(parts[i], expected[i]);
		len += strlen(parts[i]);
	}
	/* the parts put together give the text back */
	joined = xmalloc(len + 1);
	len = 0;
	for (i = 0; i < n; i++) {
		memcpy(joined + len, parts[i], strlen(parts[i]));
		len += strlen(parts[i]);
	}
	joined[len] = '\0';
	assert_string_equal(joined, text);
	free(joined);
	smstext_parts_free(&parts);
	assert_null(parts);
}

static void test_split_never_breaks_pairs(void **state)
{
	char *a152 = repeat("a", 152), *a66 = repeat("a", 66), *t;
	struct smstext_info info;

	(void)state;
	/* 152 a + € + 10 a = 164 septets -> concatenated.  Part 1 has 152
	 * septets; € needs 2 more (154 > 153), so it opens part 2 whole:
	 * part 2 = "€" + 10 a = 12 septets. */
	t = xasprintf("%s€aaaaaaaaaa", a152);
	{
		const char *const want[] = { a152, "€aaaaaaaaaa" };

		check_parts(t, 2, want);
	}
	assert_int_equal(smstext_analyze(t, &info), 0);
	assert_int_equal(info.parts, 2);
	assert_int_equal(info.units, 164);
	free(t);
	/* 66 a + 😊 + 10 a = 78 units (UCS-2 because of the emoji) -> parts
	 * of 67: 66 a, then the surrogate pair would need 68 > 67, so part 2
	 * = 😊 + 10 a = 12 units. */
	t = xasprintf("%s😊aaaaaaaaaa", a66);
	{
		const char *const want[] = { a66, "😊aaaaaaaaaa" };

		check_parts(t, 2, want);
	}
	free(t);
	/* A single part comes back whole; an empty text has no parts. */
	{
		const char *const want[] = { "Hei!" };

		check_parts("Hei!", 1, want);
	}
	check_parts("", 0, NULL);
	/* Long Finnish text: 168 characters -> 153 + 15. */
	t = repeat("Hei! Muistikahvila ottaa sinuun yhteyttä. ", 4);
	check_parts(t, 2, NULL);
	free(t);
	free(a152);
	free(a66);
}

static void test_limits(void **state)
{
	char *t, **parts = (char **)1, err[128];
	size_t n = 99;

	(void)state;
	/* 6 * 153 = 918 septets: the largest accepted message. */
	t = repeat("a", 918);
	assert_int_equal(smstext_check(t, err, sizeof(err)), 0);
	assert_int_equal(smstext_split(t, SMSTEXT_MAX_PARTS, &parts, &n), 0);
	assert_int_equal(n, 6);
	smstext_parts_free(&parts);
	free(t);
	/* 919 septets = 7 parts: refused. */
	t = repeat("a", 919);
	assert_int_equal(smstext_check(t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "7 SMS parts"));
	parts = (char **)1;
	assert_int_equal(smstext_split(t, SMSTEXT_MAX_PARTS, &parts, &n), -1);
	assert_null(parts);
	assert_int_equal(n, 0);
	free(t);
	/* UCS-2: 6 * 67 = 402 units is the most. */
	t = repeat("–", 402);
	assert_int_equal(smstext_check(t, err, sizeof(err)), 0);
	free(t);
	t = repeat("–", 403);
	assert_int_equal(smstext_check(t, err, sizeof(err)), -1);
	free(t);
	assert_int_equal(smstext_check("", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "empty"));
	assert_int_equal(smstext_check("x", NULL, 0), 0);
}

static void test_invalid_utf8(void **state)
{
	static const char *const bad[] = {
		"\xc3",             /* truncated ä */
		"abc\xc3(",         /* bad continuation */
		"\xc0\xaf",         /* overlong '/' */
		"\xe0\x80\xaf",     /* overlong, 3 bytes */
		"\xed\xa0\x80",     /* UTF-16 surrogate D800 */
		"\xf4\x90\x80\x80", /* above U+10FFFF */
		"\xff",             /* never valid */
		"\x80",             /* lone continuation */
		"Hei \xf0\x9f\x98", /* truncated emoji */
	};
	struct smstext_info info;
	char **parts = NULL, err[128];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(smstext_analyze(bad[i], &info), -1);
		assert_int_equal(smstext_split(bad[i], 0, &parts, &n), -1);
		assert_null(parts);
		assert_int_equal(smstext_check(bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "UTF-8"));
	}
	assert_int_equal(smstext_analyze(NULL, &info), -1);
	smstext_parts_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_finnish_and_swedish_are_gsm7),
		cmocka_unit_test(test_extension_characters_count_two),
		cmocka_unit_test(test_gsm7_boundaries),
		cmocka_unit_test(test_ucs2_and_emoji),
		cmocka_unit_test(test_split_never_breaks_pairs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_invalid_utf8),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
