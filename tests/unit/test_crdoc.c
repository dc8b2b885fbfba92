// units: services/directory/crdoc.c services/directory/docfields.c services/directory/doccall.c
// units: services/directory/reply.c services/directory/wdb.c
/*
 * Unit tests for services/directory/crdoc.c: the send document's rules
 * (docs/contactrequests.md "The send (81)"), each broken by one member
 * giving its field and code, several at once giving all; the stop words
 * of a reply SMS; the organisations' names joined for the client.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crdoc.h"
#include "doccall.h"
#include "banned.h"

#define A1 "a0000000-0000-4000-8000-000000000001"
#define A2 "a0000000-0000-4000-8000-000000000002"

#define VALID                                                                              \
	"{\"activities\":[\"" A1 "\",\"" A2                                                \
	"\"],\"client\":{\"first_name\":\" Aino \","                                       \
	"\"phone\":\"040 123 4567\",\"email\":\"Aino@Example.org\"},\"channel\":\"call\"," \
	"\"lang\":\"fi\",\"note\":\"Soita aamulla\",\"consent\":{\"version\":\"2026-12\"," \
	"\"given\":true},\"context\":{\"need\":\"memory\",\"municipality\":\"297\"}}"

/* Sets member 'key' of 'in' (a dotted path of objects: "client.phone")
 * to the JSON 'value' ("": removed). */
static void set(json_t *in, const char *path, const char *value)
{
	char buf[64], *dot;
	json_t *target = in;

	snprintf(buf, sizeof(buf), "%s", path);
	while ((dot = strchr(buf, '.'))) {
		*dot = 0;
		target = json_object_get(target, buf);
		assert_non_null(target);
		memmove(buf, dot + 1, strlen(dot + 1) + 1);
	}
	if (*value)
		json_object_set_new(target, buf, json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(target, buf);
}

/* The errors of VALID with up to two changes (path NULL: none). */
static json_t *check(const char *p1, const char *v1, const char *p2, const char *v2, json_t **out)
{
	json_t *in = json_loads(VALID, 0, NULL), *list;
	struct docerr e;

	assert_non_null(in);
	if (p1)
		set(in, p1, v1);
	if (p2)
		set(in, p2, v2);
	docerr_init(&e);
	*out = json_object();
	crdoc_send(&e, in, *out, 10);
	list = json_incref(e.list);
	docerr_release(&e);
	json_decref(in);
	return list;
}

static const char *err_str(const json_t *list, size_t i, const char *key)
{
	return json_string_value(json_object_get(json_array_get(list, i), key));
}

/* Exactly one error, 'field' with 'code', after the changes (field
 * NULL: none). */
static void expect2(const char *p1, const char *v1, const char *p2, const char *v2,
		    const char *field, const char *code)
{
	json_t *out, *list = check(p1, v1, p2, v2, &out);

	if (!field ? json_array_size(list) != 0 :
		     json_array_size(list) != 1 || strcmp(err_str(list, 0, "field"), field) ||
			     strcmp(err_str(list, 0, "code"), code))
		fail_msg("%s=%s: %s", p1, v1, json_dumps(list, JSON_COMPACT));
	json_decref(list);
	json_decref(out);
}

static void expect(const char *path, const char *value, const char *field, const char *code)
{
	expect2(path, value, NULL, NULL, field, code);
}

static void test_valid_document_is_canonical(void **state)
{
	json_t *out, *list = check(NULL, NULL, NULL, NULL, &out);

	(void)state;
	assert_int_equal(json_array_size(list), 0);
	assert_int_equal(json_array_size(json_object_get(out, "activities")), 2);
	assert_string_equal(json_string_value(json_object_get(out, "first_name")), "Aino");
	assert_string_equal(json_string_value(json_object_get(out, "phone")), "+358401234567");
	assert_true(json_is_true(json_object_get(out, "mobile")));
	assert_string_equal(json_string_value(json_object_get(out, "email")), "aino@example.org");
	assert_string_equal(json_string_value(json_object_get(out, "channel")), "call");
	assert_string_equal(json_string_value(json_object_get(out, "lang")), "fi");
	assert_string_equal(json_string_value(json_object_get(out, "consent_version")), "2026-12");
	assert_string_equal(json_string_value(json_object_get(out, "need")), "memory");
	assert_string_equal(json_string_value(json_object_get(out, "municipality")), "297");
	json_decref(list);
	json_decref(out);
}

static void test_activities(void **state)
{
	(void)state;
	expect("activities", "", "activities", "required");
	expect("activities", "[]", "activities", "required");
	expect("activities", "\"" A1 "\"", "activities", "required");
	expect("activities", "[\"" A1 "\",\"" A1 "\"]", "activities", "duplicate");
	expect("activities", "[\"" A1 "\",\"nope\"]", "activities.1", "not_found");
	expect("activities", "[\"" A1 "\",7]", "activities.1", "not_found");
	expect("activities",
	       "[\"a0000000-0000-4000-8000-000000000001\",\"a0000000-0000-4000-8000-000000000002\","
	       "\"a0000000-0000-4000-8000-000000000003\",\"a0000000-0000-4000-8000-000000000004\","
	       "\"a0000000-0000-4000-8000-000000000005\",\"a0000000-0000-4000-8000-000000000006\","
	       "\"a0000000-0000-4000-8000-000000000007\",\"a0000000-0000-4000-8000-000000000008\","
	       "\"a0000000-0000-4000-8000-000000000009\",\"a0000000-0000-4000-8000-000000000010\","
	       "\"a0000000-0000-4000-8000-000000000011\"]",
	       "activities", "too_many");
}

static void test_client(void **state)
{
	char long_name[80];

	(void)state;
	expect("client", "", "client", "required");
	expect("client", "\"Aino\"", "client", "required");
	memset(long_name, 'a', 63);
	long_name[0] = '"';
	long_name[62] = '"';
	long_name[63] = 0;
	expect("client.first_name", long_name, "client.first_name", "too_long");
	expect("client.first_name", "\"Ai\\u0007no\"", "client.first_name", "invalid");
	expect("client.phone", "\"12ab\"", "client.phone", "invalid");
	expect("client.phone", "42", "client.phone", "invalid");
	expect("client.email", "\"not-an-address\"", "client.email", "invalid");
	/* neither phone nor e-mail (the channel's own rule is the same field) */
	expect2("client.phone", "", "client.email", "", "client.phone", "required");
	/* an e-mail alone is enough for channel email */
	expect2("client.phone", "", "channel", "\"email\"", NULL, NULL);
}

static void test_channel(void **state)
{
	json_t *out, *list;

	(void)state;
	expect("channel", "\"fax\"", "channel", "invalid");
	expect("channel", "", "channel", "invalid");
	expect2("client.phone", "", "channel", "\"call\"", "client.phone", "required");
	expect2("client.phone", "\"017 123 4567\"", "channel", "\"sms\"", "client.phone",
		"required");
	expect2("client.email", "", "channel", "\"email\"", "client.email", "required");
	/* a landline is fine for a call, and not a mobile */
	list = check("client.phone", "\"017 123 4567\"", NULL, NULL, &out);
	assert_int_equal(json_array_size(list), 0);
	assert_true(json_is_false(json_object_get(out, "mobile")));
	json_decref(list);
	json_decref(out);
}

static void test_lang_note_consent_context(void **state)
{
	char note[520];
	json_t *out, *list;

	(void)state;
	expect("lang", "\"de\"", "lang", "invalid");
	expect("lang", "", "lang", "invalid");
	memset(note, 'x', 503);
	note[0] = '"';
	note[502] = '"';
	note[503] = 0;
	expect("note", note, "note", "too_long");
	expect("consent.given", "false", "consent.given", "required");
	expect("consent.given", "", "consent.given", "required");
	expect("consent.version", "", "consent.version", "outdated");
	/* unknown or malformed context values are dropped, not errors */
	list = check("context", "{\"need\":\"NOT A SLUG\",\"municipality\":\"12345\"}", NULL, NULL,
		     &out);
	assert_int_equal(json_array_size(list), 0);
	assert_true(json_is_null(json_object_get(out, "need")));
	assert_true(json_is_null(json_object_get(out, "municipality")));
	json_decref(list);
	json_decref(out);
}

static void test_all_errors_at_once(void **state)
{
	json_t *in = json_loads(
		       "{\"activities\":[],\"client\":{\"phone\":\"x\",\"email\":\"y\"},"
		       "\"channel\":\"fax\",\"lang\":\"de\",\"consent\":{}}",
		       0, NULL),
	       *out = json_object();
	static const char *const fields[] = { "activities",     "client.phone", "client.email",
					      "channel",        "lang",         "consent.given",
					      "consent.version" };
	struct docerr e;

	(void)state;
	docerr_init(&e);
	crdoc_send(&e, in, out, 10);
	assert_int_equal(json_array_size(e.list), sizeof(fields) / sizeof(fields[0]));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		assert_string_equal(err_str(e.list, i, "field"), fields[i]);
	docerr_release(&e);
	json_decref(in);
	json_decref(out);
}

static void test_stop_words(void **state)
{
	static const char *const yes[] = { "SEIS",      "seis",     " Seis!",    "LOPETA kiitos",
					   "peru.",     "STOPP",    "ÅTERKALLA", "återkalla",
					   "Aterkalla", "avbryt",   "STOP",      "stop please",
					   "Withdraw",  "CANCEL\n", "\"peru\"" };
	static const char *const no[] = { "",        NULL,    "kiitos seis", "seiss",
					  "stopper", "perun", "s eis",       "SEIS\xc3",
					  "ok",      "äseis", "pe ru",       "🛑 stop" };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!crdoc_stop_word(yes[i]))
			fail_msg("'%s' should be a stop word", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (crdoc_stop_word(no[i]))
			fail_msg("'%s' should not be a stop word", no[i] ? no[i] : "(null)");
}

static void test_join_names(void **state)
{
	static const char *const names[] = { "A ry", "B ry", "A ry", "C ry" };
	char *s;

	(void)state;
	s = crdoc_join_names(names, 1, "fi");
	assert_string_equal(s, "A ry");
	free(s);
	s = crdoc_join_names(names, 2, "sv");
	assert_string_equal(s, "A ry och B ry");
	free(s);
	s = crdoc_join_names(names, 4, "fi");
	assert_string_equal(s, "A ry, B ry ja C ry");
	free(s);
	s = crdoc_join_names(names, 4, "en");
	assert_string_equal(s, "A ry, B ry and C ry");
	free(s);
	s = crdoc_join_names(names, 0, "fi");
	assert_string_equal(s, "");
	free(s);
}

static void test_what_a_send_makes_of_it(void **state)
{
	json_t *a = json_loads("{\"b\":1,\"a\":[1,2],\"c\":{\"y\":1,\"x\":2}}", 0, NULL);
	json_t *b = json_loads("{\"c\":{\"x\":2,\"y\":1},\"a\":[1,2],\"b\":1}", 0, NULL);
	json_t *c = json_loads("{\"c\":{\"x\":2,\"y\":1},\"a\":[2,1],\"b\":1}", 0, NULL);
	char ha[CRDOC_HASH_HEX], hb[CRDOC_HASH_HEX], hc[CRDOC_HASH_HEX], *t;
	json_t *out, *list;

	(void)state;
	/* the body's hash: key order does not matter, anything else does */
	crdoc_body_hash(a, ha);
	crdoc_body_hash(b, hb);
	crdoc_body_hash(c, hc);
	assert_int_equal(strlen(ha), 64);
	assert_string_equal(ha, hb);
	assert_string_not_equal(ha, hc);
	json_decref(a);
	json_decref(b);
	json_decref(c);
	/* Idempotency-Key: 16..64 of [A-Za-z0-9_-] */
	assert_true(crdoc_key_ok("abcdefghijklmnop"));
	assert_true(crdoc_key_ok("cr-Run_1234567890-abcdef"));
	assert_false(crdoc_key_ok("abcdefghijklmno"));
	assert_false(crdoc_key_ok("abcdefghijklmno+"));
	assert_false(crdoc_key_ok(NULL));
	{
		char k[66];

		memset(k, 'k', 65);
		k[65] = 0;
		assert_false(crdoc_key_ok(k));
		k[64] = 0;
		assert_true(crdoc_key_ok(k));
	}
	/* the sealed data and the NGO's lines carry exactly the client's data */
	list = check("client.email", "", NULL, NULL, &out);
	assert_int_equal(json_array_size(list), 0);
	t = crdoc_client_json(out);
	assert_string_equal(t,
			    "{\"first_name\":\"Aino\",\"phone\":\"+358401234567\",\"email\":null,"
			    "\"note\":\"Soita aamulla\"}");
	free(t);
	t = crdoc_client_lines(out);
	assert_string_equal(t, "Aino\n+358401234567\nSoita aamulla");
	free(t);
	assert_false(crdoc_client_too_long(out));
	json_decref(list);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_document_is_canonical),
		cmocka_unit_test(test_activities),
		cmocka_unit_test(test_client),
		cmocka_unit_test(test_channel),
		cmocka_unit_test(test_lang_note_consent_context),
		cmocka_unit_test(test_all_errors_at_once),
		cmocka_unit_test(test_stop_words),
		cmocka_unit_test(test_join_names),
		cmocka_unit_test(test_what_a_send_makes_of_it),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
