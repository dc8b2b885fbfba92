// units: services/directory/regdoc.c services/directory/docfields.c services/directory/doccall.c
// units: services/directory/reply.c services/directory/wdb.c
/*
 * Unit tests for services/directory/regdoc.c: the registration document's
 * form rules (docs/selfservice.md "Registration and approval").  A valid
 * document passes with its canonical form; each rule, broken by one
 * member, gives its field and code; several broken members give all their
 * errors at once; the Y-tunnus check digit matches 0002's
 * business_id_valid.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "doccall.h"
#include "regdoc.h"
#include "banned.h"

#define VALID                                                                                      \
	"{\"name\":\"Muistiyhdistys ry\",\"frame\":\"association\",\"business_id\":\"0112038-9\"," \
	"\"seat_municipality\":\"749\",\"municipalities\":[\"749\",\"091\"],"                      \
	"\"description\":\"Vertaistukea\\nja retkiä\",\"website\":\"https://muisti.example\","    \
	"\"contact\":{\"name\":\"Maija Meikäläinen\",\"email\":\"Maija@Muisti.example\","        \
	"\"phone\":\"040 123 4567\"},\"maintainers\":[\"b@muisti.example\",\"A@muisti.example\"]," \
	"\"terms_accepted\":true,\"lang\":\"sv\"}"

/* Checks VALID with member 'key' set to the JSON 'value' ("" removes it;
 * 'sub' names a member of contact instead).  The errors' list (decref). */
static json_t *check(const char *key, const char *sub, const char *value, json_t **out)
{
	json_t *in = json_loads(VALID, 0, NULL), *target = in, *list;
	struct docerr e;

	assert_non_null(in);
	if (sub)
		target = json_object_get(in, sub);
	if (key) {
		if (*value)
			json_object_set_new(target, key, json_loads(value, JSON_DECODE_ANY, NULL));
		else
			json_object_del(target, key);
	}
	docerr_init(&e);
	*out = json_object();
	regdoc_registration(&e, in, *out);
	list = json_incref(e.list);
	docerr_release(&e);
	json_decref(in);
	return list;
}

/* Asserts that the document with key := value has exactly one error,
 * 'field' with 'code'. */
static void expect(const char *key, const char *sub, const char *value, const char *field,
		   const char *code)
{
	json_t *out, *list = check(key, sub, value, &out);

	if (json_array_size(list) != 1)
		print_error("%s=%s: %zu errors\n", key, value, json_array_size(list));
	assert_int_equal(json_array_size(list), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "field")),
			    field);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "code")),
			    code);
	json_decref(list);
	json_decref(out);
}

static void test_valid_document_is_canonical(void **state)
{
	json_t *out, *list = check(NULL, NULL, NULL, &out);
	json_t *m = json_object_get(out, "maintainers");

	(void)state;
	assert_int_equal(json_array_size(list), 0);
	assert_string_equal(json_string_value(json_object_get(out, "name")), "Muistiyhdistys ry");
	assert_string_equal(json_string_value(json_array_get(m, 0)), "a@muisti.example");
	assert_string_equal(json_string_value(json_array_get(m, 1)), "b@muisti.example");
	assert_string_equal(json_string_value(json_object_get(json_object_get(out, "contact"),
							      "email")),
			    "maija@muisti.example");
	assert_string_equal(json_string_value(json_object_get(out, "lang")), "sv");
	assert_true(json_is_null(json_object_get(out, "parent_id")));
	json_decref(list);
	json_decref(out);
}

static void test_optional_members_may_be_left_out(void **state)
{
	static const char *const optional[] = { "business_id", "description", "website",
						"parent_id", "lang" };
	json_t *out, *list;

	(void)state;
	for (size_t i = 0; i < sizeof(optional) / sizeof(optional[0]); i++) {
		list = check(optional[i], NULL, "", &out);
		assert_int_equal(json_array_size(list), 0);
		json_decref(list);
		json_decref(out);
	}
	list = check("lang", NULL, "", &out);
	assert_string_equal(json_string_value(json_object_get(out, "lang")), "fi");
	json_decref(list);
	json_decref(out);
	list = check("phone", "contact", "", &out);
	assert_int_equal(json_array_size(list), 0);
	json_decref(list);
	json_decref(out);
}

static void test_name(void **state)
{
	char long_name[260];

	(void)state;
	expect("name", NULL, "", "name", "required");
	expect("name", NULL, "\"A\"", "name", "too_short");
	memset(long_name, 'a', sizeof(long_name));
	long_name[0] = '"';
	long_name[202] = '"';
	long_name[203] = '\0';
	expect("name", NULL, long_name, "name", "too_long");
	expect("name", NULL, "\"Nimi\\u0007ry\"", "name", "invalid");
	expect("name", NULL, "\"Kaksi\\nriviä\"", "name", "invalid");
	expect("name", NULL, "42", "name", "invalid");
}

static void test_frame(void **state)
{
	(void)state;
	expect("frame", NULL, "", "frame", "required");
	expect("frame", NULL, "\"company\"", "frame", "invalid");
	expect("frame", NULL, "1", "frame", "invalid");
}

static void test_parent_id(void **state)
{
	(void)state;
	expect("parent_id", NULL, "\"not-a-uuid\"", "parent_id", "invalid");
	expect("parent_id", NULL, "7", "parent_id", "invalid");
}

static void test_business_id(void **state)
{
	(void)state;
	expect("business_id", NULL, "\"0112038\"", "business_id", "invalid");
	expect("business_id", NULL, "\"0112038/9\"", "business_id", "invalid");
	expect("business_id", NULL, "\"0112038-8\"", "business_id", "checksum");
	/* remainder 1: never issued, whatever the check digit */
	expect("business_id", NULL, "\"0000006-0\"", "business_id", "checksum");
	assert_true(regdoc_business_id_check("1572860-0")); /* remainder 0 */
	assert_true(regdoc_business_id_check("2617416-4"));
	assert_false(regdoc_business_id_check("1234567-2"));
	assert_true(regdoc_business_id_check("1234567-1"));
}

static void test_municipalities(void **state)
{
	char many[401 * 6 + 4];
	size_t n = 0;

	(void)state;
	expect("seat_municipality", NULL, "", "seat_municipality", "required");
	expect("seat_municipality", NULL, "\"Kuopio\"", "seat_municipality", "unknown");
	expect("municipalities", NULL, "", "municipalities", "required");
	expect("municipalities", NULL, "[]", "municipalities", "required");
	expect("municipalities", NULL, "[\"749\",\"749\"]", "municipalities", "invalid");
	expect("municipalities", NULL, "[\"74\"]", "municipalities", "invalid");
	expect("municipalities", NULL, "\"749\"", "municipalities", "invalid");
	many[n++] = '[';
	for (int i = 0; i < 401; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"%03d\"", i ? "," : "",
				      i % 1000);
	many[n++] = ']';
	many[n] = '\0';
	expect("municipalities", NULL, many, "municipalities", "too_many");
}

static void test_description_and_website(void **state)
{
	char *big = test_malloc(5010);

	(void)state;
	big[0] = '"';
	memset(big + 1, 'x', 5001);
	big[5002] = '"';
	big[5003] = '\0';
	expect("description", NULL, big, "description", "too_long");
	test_free(big);
	expect("website", NULL, "\"ftp://muisti.example\"", "website", "invalid");
	expect("website", NULL, "\"https://muisti example\"", "website", "invalid");
	expect("website", NULL, "\"muisti.example\"", "website", "invalid");
}

static void test_contact(void **state)
{
	json_t *out, *list;
	char long_name[210];

	(void)state;
	memset(long_name, 'n', sizeof(long_name));
	long_name[0] = '"';
	long_name[202] = '"';
	long_name[203] = '\0';
	expect("name", "contact", "", "contact.name", "required");
	expect("name", "contact", long_name, "contact.name", "invalid");
	expect("email", "contact", "", "contact.email", "required");
	expect("email", "contact", "\"maija(at)muisti\"", "contact.email", "invalid");
	expect("phone", "contact", "\"soita minulle\"", "contact.phone", "invalid");
	/* no contact at all: its name and its address are missing */
	list = check("contact", NULL, "", &out);
	assert_int_equal(json_array_size(list), 2);
	json_decref(list);
	json_decref(out);
}

static void test_maintainers(void **state)
{
	(void)state;
	expect("maintainers", NULL, "", "maintainers", "required");
	expect("maintainers", NULL, "[]", "maintainers", "required");
	expect("maintainers", NULL, "[\"a@x.example\",\"not an address\"]", "maintainers",
	       "invalid");
	expect("maintainers", NULL, "[\"a@x.example\",\"A@x.example\"]", "maintainers", "invalid");
	expect("maintainers", NULL,
	       "[\"a@x.fi\",\"b@x.fi\",\"c@x.fi\",\"d@x.fi\",\"e@x.fi\",\"f@x.fi\",\"g@x.fi\","
	       "\"h@x.fi\",\"i@x.fi\",\"j@x.fi\",\"k@x.fi\"]",
	       "maintainers", "too_many");
}

static void test_terms_and_lang(void **state)
{
	(void)state;
	expect("terms_accepted", NULL, "", "terms_accepted", "required");
	expect("terms_accepted", NULL, "false", "terms_accepted", "required");
	expect("terms_accepted", NULL, "\"yes\"", "terms_accepted", "required");
	expect("lang", NULL, "\"de\"", "lang", "invalid");
	expect("lang", NULL, "1", "lang", "invalid");
}

static void test_all_errors_at_once(void **state)
{
	json_t *in = json_loads("{\"name\":\"x\",\"business_id\":\"1\",\"lang\":\"de\"}", 0, NULL);
	json_t *out = json_object();
	struct docerr e;

	(void)state;
	docerr_init(&e);
	regdoc_registration(&e, in, out);
	/* name, frame, business_id, seat_municipality, municipalities,
	 * contact.name, contact.email, maintainers, terms_accepted, lang */
	assert_int_equal(json_array_size(e.list), 10);
	docerr_release(&e);
	json_decref(in);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_document_is_canonical),
		cmocka_unit_test(test_optional_members_may_be_left_out),
		cmocka_unit_test(test_name),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_parent_id),
		cmocka_unit_test(test_business_id),
		cmocka_unit_test(test_municipalities),
		cmocka_unit_test(test_description_and_website),
		cmocka_unit_test(test_contact),
		cmocka_unit_test(test_maintainers),
		cmocka_unit_test(test_terms_and_lang),
		cmocka_unit_test(test_all_errors_at_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
