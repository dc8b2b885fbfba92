// units: services/gateway/oidc_jwks.c
/*
 * Regression tests for what `make fuzz` (tests/fuzz/) found, each replaying
 * the input that crashed.
 *
 * fuzz_jose: a JWKS key whose base64url member leaves one character over
 * (length % 4 == 1) or holds a byte outside the alphabet made libcjose 0.6
 * abort on an assertion (base64.c "shift != 1") inside cjose_jwk_import:
 * a provider's JWKS could stop the gateway.  oidc_jwks.c now refuses such
 * a key before cjose sees it; the set's other keys are still used.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "oidc_jwks.h"
#include "banned.h"

/* The modulus of a real 2048-bit RSA key (public), quoted, for a key that
 * imports. */
#define GOOD_N                                                                         \
	"\""                                                                           \
	"zTK_m_oAwiMo0kpZEq13zSP9OBL8wBNLApEqlWlNnZZxRQg1eTy3BmCueX8TjzV8cib4RKqaIMt-" \
	"TDJwTClCwGMyR98eXaEsuGcVbZxtQVlIcGS_xMQ8qrbWxyVjdhv9iw2cHo8TpU_EqLakNTp3xlMv" \
	"OsAfG2w0Ku9lUcc5vjvNiIwzAyijhxHpQmrNI078MdfEmFzXOVJMZ4tnNCOnjuWS9JhzrTcuzURT" \
	"cBGybzLFjVEZ0kbb_v93X9unxvh56RjfX31GSU9sxJiRi30EW1cgSLCrnfTc3TvTtXBNFblCoS_b" \
	"TiW9MfnewNfI1wIu8n3ZU7CI0uTcG9kg23FJ0Q"                                       \
	"\""

/* A real P-256 point. */
#define GOOD_X "QLF0LBNYcHbzlIGi2CU-79DMx6cMNnzqqJBNyKJghgI"
#define GOOD_Y "kUebctoiKWj9wt00BGRX3dz2Dx2mtXi2hn_uBaqq0zI"

static size_t keys_of(const char *doc)
{
	char err[128] = "";
	struct oidc_jwks *j = oidc_jwks_parse(doc, strlen(doc), err, sizeof(err));
	size_t n = j ? oidc_jwks_count(j) : 0;

	if (!j)
		assert_string_equal(err, "no usable key in the jwks");
	oidc_jwks_destroy(&j);
	assert_null(j);
	return n;
}

/* The JWKS of the crashing input, as the fuzzer wrote it. */
static void test_fuzzer_jwks_is_refused(void **state)
{
	(void)state;
	assert_int_equal(
		keys_of("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"k1\",\"use\":\"sig\",\"alg\":\"RS256\","
			"\"n\":\"zTK_m_oAwiMo0kpZEq13zSP9cBGybzLFjVEZ0kbb_v93X9unxvh56RjfX=1GSU9sxJiRi"
			"30EW1cgSLCrnfTc3TvTtXBNFblCoS_bTiW9MfnewNBNyKJghgI\","
			"\"y\":\"kUebctoiKWj9wt00BGRX3dz2Dx2mtXi2hn_uBAB\"}]}"),
		0);
}

/* One character over in each member cjose decodes, RSA and EC, and a
 * member that is not a string. */
static void test_one_character_over_is_refused(void **state)
{
	(void)state;
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AAAAA\",\"e\":\"AQAB\"}]}"),
			 0);
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"RSA\",\"n\":" GOOD_N ",\"e\":\"AQABA\"}]}"),
			 0);
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"A\","
				 "\"y\":\"" GOOD_Y "\"}]}"),
			 0);
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"RSA\",\"n\":" GOOD_N ",\"e\":7}]}"), 0);
}

/* A bad key does not cost the set its good ones; padding (not base64url)
 * refuses the key. */
static void test_good_keys_beside_a_bad_one_are_kept(void **state)
{
	(void)state;
	assert_int_equal(
		keys_of("{\"keys\":[{\"kty\":\"RSA\",\"kid\":\"bad\",\"n\":\"AAAAA\","
			"\"e\":\"AQAB\"},{\"kty\":\"RSA\",\"kid\":\"k1\",\"n\":" GOOD_N
			",\"e\":\"AQAB\"},{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" GOOD_X
			"\",\"y\":\"" GOOD_Y "\"}]}"),
		2);
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"RSA\",\"n\":" GOOD_N ",\"e\":\"AQAB\"}]}"),
			 1);
	assert_int_equal(keys_of("{\"keys\":[{\"kty\":\"RSA\",\"n\":" GOOD_N ",\"e\":\"AQAB=\"}]}"),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fuzzer_jwks_is_refused),
		cmocka_unit_test(test_one_character_over_is_refused),
		cmocka_unit_test(test_good_keys_beside_a_bad_one_are_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
