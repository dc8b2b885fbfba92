// units: services/directory/actdoc.c services/directory/docfields.c services/directory/doccall.c services/directory/reply.c services/directory/wdb.c
/*
 * Unit tests for services/directory/actdoc.c and docfields.c: the activity
 * document's rules without a database.  A valid document passes in its
 * canonical form, each invalid value gives its field and code, and all
 * errors come at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "actdoc.h"
#include "doccall.h"
#include "banned.h"

struct run {
	struct docerr e;
	json_t *out;
};

/* Validates the JSON text 'body' into r (release with done()). */
static void check(struct run *r, const char *body, bool create, bool published)
{
	json_error_t jerr;
	json_t *in = json_loads(body, 0, &jerr);

	if (!in)
		fail_msg("bad test body: %s: %s", body, jerr.text);
	docerr_init(&r->e);
	r->out = actdoc_validate(in, create, published, &r->e);
	json_decref(in);
}

static void done(struct run *r)
{
	json_decref(r->out);
	docerr_release(&r->e);
}

/* The code noted on 'field', or NULL. */
static const char *code_of(const struct run *r, const char *field)
{
	size_t i;
	json_t *v;

	json_array_foreach(r->e.list, i, v)
		if (!strcmp(json_string_value(json_object_get(v, "field")), field))
			return json_string_value(json_object_get(v, "code"));
	return NULL;
}

/* Asserts that 'body' gives exactly one error, 'code' on 'field'. */
static void expect_one(const char *body, const char *field, const char *code)
{
	struct run r;

	check(&r, body, false, false);
	if (json_array_size(r.e.list) != 1 || !code_of(&r, field) ||
	    strcmp(code_of(&r, field), code)) {
		char *text = json_dumps(r.e.list, JSON_COMPACT);

		fail_msg("%s: want %s %s, got %s", body, field, code, text);
	}
	done(&r);
}

/* A text of n copies of 'c' as a JSON string body member "key". */
static char *long_text(const char *key, size_t n, const char *c)
{
	size_t cl = strlen(c), len = strlen(key) + n * cl + 32;
	char *s = malloc(len), *p;

	assert_non_null(s);
	p = s + snprintf(s, len, "{\"name\":\"Ok\",\"%s\":\"", key);
	for (size_t i = 0; i < n; i++, p += cl)
		memcpy(p, c, cl);
	snprintf(p, len - (size_t)(p - s), "\"}");
	return s;
}

static const char *const full =
	"{\"name\":\"  Muistikahvila  \",\"summary\":\"Kahvia ja juttua\","
	"\"description\":\"Rivi 1\\nRivi 2\\tsarkain\",\"for_whom\":\"\",\"how_to_join\":\"Tule\","
	"\"accessibility\":\"\",\"cost\":\"Maksuton\",\"schedule\":\"ti 13-15\","
	"\"url\":\"https://example.org/kahvila\",\"needs\":[\"memory\",\"loneliness\"],"
	"\"kinds\":[\"peer-group\"],\"target_groups\":[\"older-people\"],"
	"\"area\":{\"type\":\"municipalities\",\"municipalities\":[\"749\",\"297\"]},"
	"\"languages\":[\"fi\",\"sv\"],\"takes_new\":true,\"accepts_contact_requests\":true,"
	"\"contact_request_email\":\"Info@Example.ORG\",\"response_days\":7,"
	"\"contacts\":[{\"name\":\"Maija\",\"role\":\"vetäjä\",\"phone\":\"040 123 4567\"},"
	"{\"name\":\"Pekka\",\"email\":\"pekka@example.org\"}],"
	"\"locations\":[{\"name\":\"Seurakuntatalo\",\"street_address\":\"Kirkkotie 1\","
	"\"postal_code\":\"70100\",\"municipality\":\"297\",\"accessibility\":\"Esteetön\"}],"
	"\"unknown_member\":{\"ignored\":true},\"id\":\"not-read\",\"version\":99}";

static void valid_document_is_canonical(void **state)
{
	struct run r;
	json_t *o;

	(void)state;
	check(&r, full, false, true);
	assert_false(docerr_any(&r.e));
	o = r.out;
	assert_string_equal(json_string_value(json_object_get(o, "name")), "Muistikahvila");
	assert_string_equal(json_string_value(json_object_get(o, "description")),
			    "Rivi 1\nRivi 2\tsarkain");
	assert_string_equal(json_string_value(json_array_get(json_object_get(o, "needs"), 0)),
			    "loneliness");
	assert_string_equal(json_string_value(json_array_get(
				    json_object_get(json_object_get(o, "area"), "municipalities"),
				    0)),
			    "297");
	assert_string_equal(json_string_value(json_object_get(o, "contact_request_email")),
			    "info@example.org");
	assert_int_equal(json_integer_value(json_object_get(o, "response_days")), 7);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(o, "contacts"), 0),
						 "email")));
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(o, "contacts"), 0), "phone")),
			    "040 123 4567");
	assert_null(json_object_get(o, "unknown_member"));
	assert_null(json_object_get(o, "id"));
	assert_null(json_object_get(o, "status")); /* a save carries none */
	done(&r);
}

static void missing_fields_take_empty_values(void **state)
{
	struct run r;

	(void)state;
	check(&r, "{\"name\":\"Ab\"}", true, false);
	assert_false(docerr_any(&r.e));
	assert_string_equal(json_string_value(json_object_get(r.out, "summary")), "");
	assert_true(json_is_null(json_object_get(r.out, "url")));
	assert_true(json_is_null(json_object_get(r.out, "area")));
	assert_int_equal(json_array_size(json_object_get(r.out, "needs")), 0);
	assert_true(json_is_false(json_object_get(r.out, "takes_new")));
	assert_true(json_is_null(json_object_get(r.out, "response_days")));
	assert_int_equal(json_array_size(json_object_get(r.out, "locations")), 0);
	assert_string_equal(json_string_value(json_object_get(r.out, "status")), "draft");
	done(&r);
}

static void name_rules(void **state)
{
	char *s;

	(void)state;
	expect_one("{}", "name", "required");
	expect_one("{\"name\":\"   \"}", "name", "required");
	expect_one("{\"name\":\"a\"}", "name", "too_short");
	expect_one("{\"name\":\"a\\nb\"}", "name", "invalid");
	expect_one("{\"name\":\"a\\u0007b\"}", "name", "invalid");
	expect_one("{\"name\":42}", "name", "invalid");
	/* 200 two-byte characters fit, 201 do not: lengths are characters. */
	s = malloc(1000);
	assert_non_null(s);
	{
		char *p = s + snprintf(s, 1000, "{\"name\":\"");
		for (int i = 0; i < 200; i++, p += 2)
			memcpy(p, "ä", 2);
		snprintf(p, 20, "\"}");
		{
			struct run r;

			check(&r, s, false, false);
			assert_false(docerr_any(&r.e));
			done(&r);
		}
		snprintf(p, 20, "ä\"}");
		expect_one(s, "name", "too_long");
	}
	free(s);
}

static void text_lengths(void **state)
{
	static const struct {
		const char *key;
		size_t max;
	} t[] = { { "summary", 500 },      { "description", 5000 },   { "for_whom", 2000 },
		  { "how_to_join", 2000 }, { "accessibility", 2000 }, { "cost", 500 },
		  { "schedule", 1000 } };
	char *s;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct run r;

		s = long_text(t[i].key, t[i].max, "é");
		check(&r, s, false, false);
		assert_false(docerr_any(&r.e));
		done(&r);
		free(s);
		s = long_text(t[i].key, t[i].max + 1, "e");
		expect_one(s, t[i].key, "too_long");
		free(s);
	}
	expect_one("{\"name\":\"Ok\",\"summary\":\"bad \\u0001\"}", "summary", "invalid");
}

static void url_rules(void **state)
{
	struct run r;
	char *s;

	(void)state;
	expect_one("{\"name\":\"Ok\",\"url\":\"ftp://example.org\"}", "url", "invalid");
	expect_one("{\"name\":\"Ok\",\"url\":\"http://a b\"}", "url", "invalid");
	expect_one("{\"name\":\"Ok\",\"url\":\"https://\"}", "url", "invalid");
	expect_one("{\"name\":\"Ok\",\"url\":7}", "url", "invalid");
	s = long_text("url", 500, "a");
	memcpy(strstr(s, "\"url\":\"") + 7, "http://", 7); /* 500 characters in all */
	check(&r, s, false, false);
	assert_false(docerr_any(&r.e));
	done(&r);
	free(s);
	s = long_text("url", 501, "a");
	memcpy(strstr(s, "\"url\":\"") + 7, "http://", 7);
	expect_one(s, "url", "invalid");
	free(s);
	check(&r, "{\"name\":\"Ok\",\"url\":\"\"}", false, false);
	assert_true(json_is_null(json_object_get(r.out, "url")));
	done(&r);
}

static void code_lists(void **state)
{
	(void)state;
	expect_one("{\"name\":\"Ok\",\"needs\":\"memory\"}", "needs", "invalid");
	expect_one("{\"name\":\"Ok\",\"needs\":[\"Memory\"]}", "needs", "invalid");
	expect_one("{\"name\":\"Ok\",\"needs\":[\"memory\",\"memory\"]}", "needs", "invalid");
	expect_one("{\"name\":\"Ok\",\"kinds\":[1]}", "kinds", "invalid");
	expect_one(
		"{\"name\":\"Ok\",\"kinds\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\","
		"\"i\",\"j\",\"k\"]}",
		"kinds", "too_many");
	expect_one(
		"{\"name\":\"Ok\",\"target_groups\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\","
		"\"g\"]}",
		"target_groups", "too_many");
	expect_one("{\"name\":\"Ok\",\"languages\":[\"FI\"]}", "languages", "invalid");
	expect_one("{\"name\":\"Ok\",\"languages\":[\"suomi\"]}", "languages", "invalid");
	expect_one(
		"{\"name\":\"Ok\",\"languages\":[\"a1\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\","
		"\"h\",\"i\",\"j\",\"k\"]}",
		"languages", "too_many");
}

static void area_rules(void **state)
{
	struct run r;

	(void)state;
	expect_one("{\"name\":\"Ok\",\"area\":\"online\"}", "area.type", "invalid");
	expect_one("{\"name\":\"Ok\",\"area\":{}}", "area.type", "required");
	expect_one("{\"name\":\"Ok\",\"area\":{\"type\":\"planet\"}}", "area.type", "invalid");
	expect_one("{\"name\":\"Ok\",\"area\":{\"type\":\"municipalities\"}}",
		   "area.municipalities", "required");
	expect_one(
		"{\"name\":\"Ok\",\"area\":{\"type\":\"municipalities\",\"municipalities\":"
		"[\"74\"]}}",
		"area.municipalities", "invalid");
	expect_one("{\"name\":\"Ok\",\"area\":{\"type\":\"county\"}}", "area.county", "required");
	expect_one("{\"name\":\"Ok\",\"area\":{\"type\":\"county\",\"county\":\"ps\"}}",
		   "area.county", "unknown");
	{
		/* 401 municipalities are too many. */
		char *s = malloc(8000), *p;

		assert_non_null(s);
		p = s + snprintf(s, 8000,
				 "{\"name\":\"Ok\",\"area\":{\"type\":\"municipalities\","
				 "\"municipalities\":[");
		for (int i = 0; i < 401; i++)
			p += snprintf(p, 16, "%s\"%03d\"", i ? "," : "", i);
		snprintf(p, 8, "]}}");
		expect_one(s, "area.municipalities", "too_many");
		free(s);
	}
	check(&r, "{\"name\":\"Ok\",\"area\":{\"type\":\"county\",\"county\":\"PS\",\"x\":1}}",
	      false, false);
	assert_false(docerr_any(&r.e));
	{
		char *a = json_dumps(json_object_get(r.out, "area"), JSON_SORT_KEYS | JSON_COMPACT);

		assert_string_equal(a, "{\"county\":\"PS\",\"type\":\"county\"}");
		free(a);
	}
	done(&r);
}

static void contact_request_rules(void **state)
{
	struct run r;

	(void)state;
	expect_one("{\"name\":\"Ok\",\"takes_new\":\"yes\"}", "takes_new", "invalid");
	expect_one("{\"name\":\"Ok\",\"takes_new\":null}", "takes_new", "invalid");
	expect_one("{\"name\":\"Ok\",\"accepts_contact_requests\":1}", "accepts_contact_requests",
		   "invalid");
	check(&r, "{\"name\":\"Ok\",\"accepts_contact_requests\":true}", false, false);
	assert_int_equal(json_array_size(r.e.list), 2);
	assert_string_equal(code_of(&r, "contact_request_email"), "required");
	assert_string_equal(code_of(&r, "response_days"), "required");
	done(&r);
	expect_one(
		"{\"name\":\"Ok\",\"accepts_contact_requests\":true,\"response_days\":3,"
		"\"contact_request_email\":\"not an address\"}",
		"contact_request_email", "invalid");
	expect_one(
		"{\"name\":\"Ok\",\"accepts_contact_requests\":true,\"response_days\":31,"
		"\"contact_request_email\":\"a@example.org\"}",
		"response_days", "invalid");
	expect_one("{\"name\":\"Ok\",\"response_days\":1.5}", "response_days", "invalid");
}

static void contact_rules(void **state)
{
	char s[2000], *p;

	(void)state;
	expect_one("{\"name\":\"Ok\",\"contacts\":{}}", "contacts", "invalid");
	expect_one("{\"name\":\"Ok\",\"contacts\":[{\"email\":\"a@example.org\"}]}",
		   "contacts.0.name", "required");
	expect_one(
		"{\"name\":\"Ok\",\"contacts\":[{\"name\":\"A\",\"email\":\"a@example.org\"},"
		"{\"name\":\"B\"}]}",
		"contacts.1.email", "required");
	expect_one("{\"name\":\"Ok\",\"contacts\":[{\"name\":\"A\",\"email\":\"a@@example\"}]}",
		   "contacts.0.email", "invalid");
	expect_one("{\"name\":\"Ok\",\"contacts\":[{\"name\":\"A\",\"phone\":\"call me\"}]}",
		   "contacts.0.phone", "invalid");
	expect_one("{\"name\":\"Ok\",\"contacts\":[{\"name\":\"A\",\"phone\":\"12\"}]}",
		   "contacts.0.phone", "invalid");
	/* Nested texts of a wrong length are "invalid" (the contract's codes). */
	p = s + snprintf(s, sizeof(s),
			 "{\"name\":\"Ok\",\"contacts\":[{\"phone\":\"040 1234567\",\"name\":\"");
	for (int i = 0; i < 201; i++)
		*p++ = 'x';
	snprintf(p, 8, "\"}]}");
	expect_one(s, "contacts.0.name", "invalid");
	p = s + snprintf(s, sizeof(s), "{\"name\":\"Ok\",\"contacts\":[");
	for (int i = 0; i < 11; i++)
		p += snprintf(p, 80, "%s{\"name\":\"N\",\"phone\":\"040 123 456%d\"}", i ? "," : "",
			      i % 10);
	snprintf(p, 8, "]}");
	expect_one(s, "contacts", "too_many");
}

static void location_rules(void **state)
{
	char s[3000], *p;

	(void)state;
	expect_one("{\"name\":\"Ok\",\"locations\":[{\"street_address\":\"x\"}]}",
		   "locations.0.name", "required");
	expect_one("{\"name\":\"Ok\",\"locations\":[{\"name\":\"T\",\"postal_code\":\"1234\"}]}",
		   "locations.0.postal_code", "invalid");
	expect_one("{\"name\":\"Ok\",\"locations\":[{\"name\":\"T\",\"postal_code\":\"1234a\"}]}",
		   "locations.0.postal_code", "invalid");
	expect_one("{\"name\":\"Ok\",\"locations\":[{\"name\":\"T\",\"postal_code\":\"123456\"}]}",
		   "locations.0.postal_code", "invalid");
	expect_one("{\"name\":\"Ok\",\"locations\":[{\"name\":\"T\",\"municipality\":\"ab\"}]}",
		   "locations.0.municipality", "invalid");
	p = s + snprintf(s, sizeof(s), "{\"name\":\"Ok\",\"locations\":[");
	for (int i = 0; i < 11; i++)
		p += snprintf(p, 40, "%s{\"name\":\"P%d\"}", i ? "," : "", i);
	snprintf(p, 8, "]}");
	expect_one(s, "locations", "too_many");
}

static void status_and_publication(void **state)
{
	struct run r;
	static const char *const needed[] = { "summary", "how_to_join", "needs",
					      "kinds",   "area",        "languages" };

	(void)state;
	check(&r, "{\"name\":\"Ok\",\"status\":\"paused\"}", true, false);
	assert_string_equal(code_of(&r, "status"), "invalid");
	done(&r);
	/* A save ignores status. */
	check(&r, "{\"name\":\"Ok\",\"status\":\"paused\"}", false, false);
	assert_false(docerr_any(&r.e));
	done(&r);
	check(&r, "{\"name\":\"Ok\",\"status\":\"published\"}", true, false);
	assert_int_equal(json_array_size(r.e.list), 6);
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(code_of(&r, needed[i]), "required_to_publish");
	done(&r);
	/* A published activity's save checks the rules too; the full one passes. */
	check(&r, "{\"name\":\"Ok\"}", false, true);
	assert_int_equal(json_array_size(r.e.list), 6);
	done(&r);
	check(&r, full, true, false);
	assert_false(docerr_any(&r.e));
	done(&r);
}

static void all_errors_at_once(void **state)
{
	struct run r;
	Tarjotin__Envelope reply = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__DocReply *dr;

	(void)state;
	check(&r,
	      "{\"name\":\"a\",\"url\":\"x\",\"needs\":[\"X\"],\"area\":{\"type\":\"county\"},"
	      "\"takes_new\":null,\"contacts\":[{\"name\":\"\"}],\"languages\":[\"fi\",\"fi\"],"
	      "\"locations\":[{\"name\":\"P\",\"postal_code\":\"1\"}]}",
	      false, false);
	assert_int_equal(json_array_size(r.e.list), 8);
	assert_string_equal(code_of(&r, "takes_new"), "invalid");
	assert_string_equal(code_of(&r, "name"), "too_short");
	assert_string_equal(code_of(&r, "url"), "invalid");
	assert_string_equal(code_of(&r, "needs"), "invalid");
	assert_string_equal(code_of(&r, "area.county"), "required");
	assert_string_equal(code_of(&r, "contacts.0.name"), "required");
	assert_string_equal(code_of(&r, "languages"), "invalid");
	assert_string_equal(code_of(&r, "locations.0.postal_code"), "invalid");
	assert_int_equal(docerr_reply(&r.e, &reply), -1);
	assert_int_equal(reply.status, TARJOTIN__STATUS__STATUS_BAD_REQUEST);
	assert_string_equal(reply.error_code, "invalid_fields");
	assert_string_equal(reply.error_field, "name");
	dr = tarjotin__doc_reply__unpack(NULL, reply.payload.len, reply.payload.data);
	assert_non_null(dr);
	assert_non_null(strstr((const char *)dr->json.data, "\"locations.0.postal_code\""));
	tarjotin__doc_reply__free_unpacked(dr, NULL);
	reply_release(&reply);
	done(&r);
}

static void writable_members(void **state)
{
	struct run r;
	json_t *wr;

	(void)state;
	check(&r, full, true, false);
	json_object_set_new(r.out, "version", json_integer(3));
	wr = actdoc_writable(r.out, false);
	assert_null(json_object_get(wr, "version"));
	assert_null(json_object_get(wr, "status"));
	assert_int_equal(json_object_size(wr), 20);
	json_decref(wr);
	wr = actdoc_writable(r.out, true);
	assert_string_equal(json_string_value(json_object_get(wr, "status")), "draft");
	json_decref(wr);
	done(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_document_is_canonical),
		cmocka_unit_test(missing_fields_take_empty_values),
		cmocka_unit_test(name_rules),
		cmocka_unit_test(text_lengths),
		cmocka_unit_test(url_rules),
		cmocka_unit_test(code_lists),
		cmocka_unit_test(area_rules),
		cmocka_unit_test(contact_request_rules),
		cmocka_unit_test(contact_rules),
		cmocka_unit_test(location_rules),
		cmocka_unit_test(status_and_publication),
		cmocka_unit_test(all_errors_at_once),
		cmocka_unit_test(writable_members),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
