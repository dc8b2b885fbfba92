// units: services/gateway/docparse.c
/*
 * Unit tests for the self-service routes' header and path rules
 * (docs/selfservice.md "Errors"): If-Match, the call's language from
 * Accept-Language, taxonomy term ids and uuids in paths.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "docparse.h"

static void test_if_match_forms(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(docparse_if_match("\"7\"", &v), 0);
	assert_int_equal(v, 7);
	v = -1;
	assert_int_equal(docparse_if_match("W/\"12\"", &v), 0);
	assert_int_equal(v, 12);
	v = -1;
	assert_int_equal(docparse_if_match("3", &v), 0);
	assert_int_equal(v, 3);
	assert_int_equal(docparse_if_match("  \"42\"\t", &v), 0);
	assert_int_equal(v, 42);
	/* A taxonomy term's version: epoch microseconds. */
	assert_int_equal(docparse_if_match("\"1764633600123456\"", &v), 0);
	assert_int_equal(v, 1764633600123456LL);
	assert_int_equal(docparse_if_match("9223372036854775807", &v), 0);
	assert_int_equal(v, INT64_MAX);
}

static void test_if_match_absent(void **state)
{
	int64_t v = -1;

	(void)state;
	assert_int_equal(docparse_if_match(NULL, &v), 1);
	assert_int_equal(docparse_if_match("", &v), 1);
	assert_int_equal(v, 0);
	v = -1;
	assert_int_equal(docparse_if_match("   ", &v), 1);
	assert_int_equal(v, 0);
}

static void test_if_match_refused(void **state)
{
	static const char *const bad[] = {
		"*",
		"\"\"",
		"\"7",
		"7\"",
		"W/7",
		"w/\"7\"",
		"\"0\"",
		"0",
		"07",
		"-1",
		"+1",
		"7a",
		"\"7\", \"8\"",
		"\" 7\"",
		"1.5",
		"W/\"\"",
		"\"abc\"",
		"W/",
		"99999999999999999999",
		"9223372036854775808",
		NULL,
	};
	int64_t v = 5;

	(void)state;
	for (size_t i = 0; bad[i]; i++) {
		if (docparse_if_match(bad[i], &v) != -1)
			fail_msg("If-Match '%s' was taken", bad[i]);
		assert_int_equal(v, 5);
	}
}

static void test_lang(void **state)
{
	(void)state;
	assert_string_equal(docparse_lang(NULL), "fi");
	assert_string_equal(docparse_lang(""), "fi");
	assert_string_equal(docparse_lang("sv"), "sv");
	assert_string_equal(docparse_lang("en"), "en");
	assert_string_equal(docparse_lang("fi"), "fi");
	assert_string_equal(docparse_lang("sv-FI,sv;q=0.9,fi;q=0.8"), "sv");
	assert_string_equal(docparse_lang("EN-gb;q=1"), "en");
	assert_string_equal(docparse_lang(" en, fi"), "en");
	/* Only the first tag counts, and only fi/sv/en. */
	assert_string_equal(docparse_lang("de-DE,en;q=0.5"), "fi");
	assert_string_equal(docparse_lang("*"), "fi");
	assert_string_equal(docparse_lang("eng"), "fi");
	assert_string_equal(docparse_lang("e"), "fi");
	assert_string_equal(docparse_lang("svx"), "fi");
	assert_string_equal(docparse_lang("en_US"), "fi");
}

static void test_term_id(void **state)
{
	char max[DOCPARSE_TERM_ID_MAX + 2];

	(void)state;
	assert_true(docparse_term_id_ok("a"));
	assert_true(docparse_term_id_ok("loneliness"));
	assert_true(docparse_term_id_ok("peer-support-2"));
	assert_false(docparse_term_id_ok(NULL));
	assert_false(docparse_term_id_ok(""));
	assert_false(docparse_term_id_ok("2a"));
	assert_false(docparse_term_id_ok("-a"));
	assert_false(docparse_term_id_ok("Abc"));
	assert_false(docparse_term_id_ok("a_b"));
	assert_false(docparse_term_id_ok("a/b"));
	assert_false(docparse_term_id_ok("a b"));
	memset(max, 'a', DOCPARSE_TERM_ID_MAX);
	max[DOCPARSE_TERM_ID_MAX] = '\0';
	assert_true(docparse_term_id_ok(max));
	max[DOCPARSE_TERM_ID_MAX] = 'a';
	max[DOCPARSE_TERM_ID_MAX + 1] = '\0';
	assert_false(docparse_term_id_ok(max));
}

static void test_path_uuid(void **state)
{
	const char *u = "5A0E2B6C-1D2E-4F3A-8B4C-5D6E7F8A9B0C";
	char id[UUID_STR_SIZE] = "untouched";
	char path[100];

	(void)state;
	assert_true(docparse_path_uuid(u, "", id));
	assert_string_equal(id, "5a0e2b6c-1d2e-4f3a-8b4c-5d6e7f8a9b0c");
	snprintf(path, sizeof(path), "%s/history", u);
	assert_true(docparse_path_uuid(path, "/history", id));
	snprintf(id, sizeof(id), "untouched");
	assert_false(docparse_path_uuid(path, "", id));
	assert_false(docparse_path_uuid(path, "/status", id));
	snprintf(path, sizeof(path), "%s/history/", u);
	assert_false(docparse_path_uuid(path, "/history", id));
	assert_false(docparse_path_uuid("5a0e2b6c1d2e4f3a8b4c5d6e7f8a9b0c", "", id));
	assert_false(docparse_path_uuid("", "", id));
	assert_string_equal(id, "untouched");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_if_match_forms),   cmocka_unit_test(test_if_match_absent),
		cmocka_unit_test(test_if_match_refused), cmocka_unit_test(test_lang),
		cmocka_unit_test(test_term_id),          cmocka_unit_test(test_path_uuid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
