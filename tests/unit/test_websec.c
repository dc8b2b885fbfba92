// units: services/gateway/websec.c services/gateway/fields.c
/*
 * Unit tests for the gateway's identity rules at the boundary: cookies
 * (reading the Cookie header, writing Set-Cookie), the Origin and CSRF
 * decisions, return paths, tokens and the admin API's field rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "fields.h"
#include "websec.h"

static void test_cookie_get(void **state)
{
	char v[64];

	(void)state;
	assert_int_equal(websec_cookie_get("tj_session=abc", "tj_session", v, sizeof(v)), 0);
	assert_string_equal(v, "abc");
	assert_int_equal(websec_cookie_get("a=1; tj_csrf=x-y_z;b=2", "tj_csrf", v, sizeof(v)), 0);
	assert_string_equal(v, "x-y_z");
	assert_int_equal(websec_cookie_get("a=1;  tj_csrf=last  ", "tj_csrf", v, sizeof(v)), 0);
	assert_string_equal(v, "last");
	/* A name that only starts or ends like ours is not ours. */
	assert_int_equal(websec_cookie_get("xtj_csrf=1; tj_csrfx=2", "tj_csrf", v, sizeof(v)), -1);
	assert_int_equal(websec_cookie_get("__Host-tj_session=k", "tj_session", v, sizeof(v)), -1);
	assert_int_equal(websec_cookie_get("__Host-tj_session=k", "__Host-tj_session", v,
					   sizeof(v)),
			 0);
	assert_string_equal(v, "k");
	assert_int_equal(websec_cookie_get(NULL, "tj_csrf", v, sizeof(v)), -1);
	assert_int_equal(websec_cookie_get("", "tj_csrf", v, sizeof(v)), -1);
	assert_int_equal(websec_cookie_get("tj_csrf", "tj_csrf", v, sizeof(v)), -1);
	/* Too long for the buffer: refused, not cut. */
	assert_int_equal(websec_cookie_get("t=0123456789", "t", v, 8), -1);
	assert_int_equal(websec_cookie_get("t=", "t", v, sizeof(v)), 0);
	assert_string_equal(v, "");
}

static void test_set_cookie(void **state)
{
	char *c;
	char name[64];

	(void)state;
	c = websec_set_cookie("tj_session", "v", "/", "Lax", true, false, -1);
	assert_string_equal(c, "tj_session=v; Path=/; HttpOnly; SameSite=Lax");
	free(c);
	c = websec_set_cookie("__Host-tj_csrf", "t", "/", "Strict", false, true, -1);
	assert_string_equal(c, "__Host-tj_csrf=t; Path=/; Secure; SameSite=Strict");
	free(c);
	c = websec_set_cookie("tj_oidc", "", "/auth/oidc", "Lax", true, false, 0);
	assert_string_equal(c, "tj_oidc=; Path=/auth/oidc; Max-Age=0; HttpOnly; SameSite=Lax");
	free(c);
	websec_cookie_name(true, "tj_session", name, sizeof(name));
	assert_string_equal(name, "__Host-tj_session");
	websec_cookie_name(false, "tj_session", name, sizeof(name));
	assert_string_equal(name, "tj_session");
}

static void test_origin(void **state)
{
	char o[WEBSEC_ORIGIN_MAX];

	(void)state;
	assert_int_equal(websec_origin_of("http://127.0.0.1:8080", o, sizeof(o)), 0);
	assert_string_equal(o, "http://127.0.0.1:8080");
	assert_int_equal(websec_origin_of("https://tarjotin.example.org/app/", o, sizeof(o)), 0);
	assert_string_equal(o, "https://tarjotin.example.org");
	assert_int_equal(websec_origin_of("https://h.example?x", o, sizeof(o)), 0);
	assert_string_equal(o, "https://h.example");
	assert_int_equal(websec_origin_of("ftp://h.example", o, sizeof(o)), -1);
	assert_int_equal(websec_origin_of("http://", o, sizeof(o)), -1);
	assert_int_equal(websec_origin_of("http:///path", o, sizeof(o)), -1);
	assert_int_equal(websec_origin_of("http://a b", o, sizeof(o)), -1);
	assert_int_equal(websec_origin_of("http://user@h.example", o, sizeof(o)), -1);
	assert_int_equal(websec_origin_of("127.0.0.1:8080", o, sizeof(o)), -1);

	assert_true(websec_origin_ok(NULL, NULL, "http://a.example"));
	assert_true(websec_origin_ok("http://a.example", "same-origin", "http://a.example"));
	assert_true(websec_origin_ok(NULL, "none", "http://a.example"));
	assert_false(websec_origin_ok("http://evil.example", NULL, "http://a.example"));
	assert_false(websec_origin_ok("http://a.example:81", NULL, "http://a.example"));
	assert_false(websec_origin_ok("null", NULL, "http://a.example"));
	assert_false(websec_origin_ok(NULL, "cross-site", "http://a.example"));
	assert_false(websec_origin_ok("http://a.example", "cross-site", "http://a.example"));
}

static void test_csrf(void **state)
{
	(void)state;
	assert_true(websec_csrf_ok("abc", "abc"));
	assert_false(websec_csrf_ok("abd", "abc"));
	assert_false(websec_csrf_ok("ab", "abc"));
	assert_false(websec_csrf_ok("abcd", "abc"));
	assert_false(websec_csrf_ok(NULL, "abc"));
	assert_false(websec_csrf_ok("abc", NULL));
	/* No expected token: nothing matches, not even nothing. */
	assert_false(websec_csrf_ok("", ""));
}

static void test_return_path(void **state)
{
	char long_path[WEBSEC_RETURN_MAX + 2];

	(void)state;
	assert_true(websec_return_ok("/"));
	assert_true(websec_return_ok("/admin.html?tab=accounts#x"));
	assert_false(websec_return_ok(""));
	assert_false(websec_return_ok("admin.html"));
	assert_false(websec_return_ok("//evil.example/"));
	assert_false(websec_return_ok("/a//b"));
	assert_false(websec_return_ok("/\\evil.example"));
	assert_false(websec_return_ok("https://evil.example/"));
	assert_false(websec_return_ok("/a\nb"));
	assert_false(websec_return_ok("/a b"));
	memset(long_path, 'a', sizeof(long_path) - 1);
	long_path[0] = '/';
	long_path[sizeof(long_path) - 1] = '\0';
	assert_false(websec_return_ok(long_path));
	long_path[WEBSEC_RETURN_MAX] = '\0';
	assert_true(websec_return_ok(long_path));
}

static void test_tokens(void **state)
{
	char a[WEBSEC_TOKEN_SIZE], b[WEBSEC_TOKEN_SIZE], h[65];

	(void)state;
	websec_random_token(a);
	websec_random_token(b);
	assert_int_equal(strlen(a), WEBSEC_TOKEN_LEN);
	assert_true(websec_token_ok(a));
	assert_string_not_equal(a, b);
	assert_false(websec_token_ok(NULL));
	assert_false(websec_token_ok("abc"));
	assert_false(websec_token_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa="));
	assert_false(websec_token_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_true(websec_token_ok("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-_"));
	websec_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fields(void **state)
{
	char e[EMAIL_MAX_LEN + 1];

	(void)state;
	assert_int_equal(fields_email("Maija.Meikalainen@Example.ORG", e), 0);
	assert_string_equal(e, "maija.meikalainen@example.org");
	assert_int_equal(fields_email("no-at-sign", e), -1);
	assert_int_equal(fields_email("a@b.example\r\nBcc: x@y.example", e), -1);
	assert_int_equal(fields_email(NULL, e), -1);

	assert_true(fields_name_ok("Kuopion Kalevan terveysasema", true));
	assert_true(fields_name_ok("Siilinjärven sosiaalipalvelut", true));
	assert_false(fields_name_ok("", true));
	assert_true(fields_name_ok("", false));
	assert_false(fields_name_ok("   ", true));
	assert_false(fields_name_ok("a\tb", true));
	assert_false(fields_name_ok("\xff", true));
	{
		char n[402];

		/* 200 characters of two bytes each: allowed; 201: not. */
		for (int i = 0; i < 200; i++)
			memcpy(n + 2 * i, "\xc3\xa4", 2);
		n[400] = '\0';
		assert_true(fields_name_ok(n, true));
		memcpy(n + 400, "a", 2);
		assert_false(fields_name_ok(n, true));
	}
	assert_true(fields_county_ok("PS"));
	assert_false(fields_county_ok("ps"));
	assert_false(fields_county_ok("PSX"));
	assert_false(fields_county_ok(NULL));
	assert_true(fields_domain_ok("kuopio-terveys.example.org"));
	assert_false(fields_domain_ok("localhost"));
	assert_false(fields_domain_ok("Example.org"));
	assert_false(fields_domain_ok(".example.org"));
	assert_false(fields_domain_ok("example..org"));
	assert_false(fields_domain_ok("example.org-"));
	assert_false(fields_domain_ok("ex ample.org"));
	assert_true(fields_role_ok("professional"));
	assert_true(fields_role_ok("editor"));
	assert_true(fields_role_ok("admin"));
	assert_false(fields_role_ok("service"));
	assert_false(fields_role_ok("Admin"));
	assert_true(fields_lang_ok("sv"));
	assert_false(fields_lang_ok("de"));
	assert_true(fields_action_ok("login_link.issued"));
	assert_false(fields_action_ok("DROP TABLE"));
	assert_true(fields_time_ok("2026-12-01T10:00:00Z"));
	assert_true(fields_time_ok("2026-12-01"));
	assert_false(fields_time_ok("yesterday"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cookie_get),  cmocka_unit_test(test_set_cookie),
		cmocka_unit_test(test_origin),      cmocka_unit_test(test_csrf),
		cmocka_unit_test(test_return_path), cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_fields),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
