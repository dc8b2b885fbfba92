// units: services/directory/surveydoc.c services/directory/docfields.c services/directory/doccall.c
// units: services/directory/reply.c services/directory/wdb.c
/*
 * Unit tests for services/directory/surveydoc.c: a follow-up survey's
 * definition, a send's recipient ids and the answers (docs/statistics.md
 * §7).  A valid survey passes in its canonical form (sv/en filled from fi,
 * ids given to questions without one); each broken rule gives its field
 * and code; answers are checked against the questions' types and
 * required flags.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "doccall.h"
#include "surveydoc.h"
#include "banned.h"

#define VALID                                                                              \
	"{\"title\":{\"fi\":\" Seurantakysely 2026 \",\"sv\":\"Uppföljning\"},"           \
	"\"intro\":{\"fi\":\"Hei!\\nKiitos.\"},\"audience\":\"organizations\","            \
	"\"questions\":[{\"type\":\"scale\",\"text\":{\"fi\":\"Hyödyllinen?\"},"          \
	"\"required\":true},{\"id\":\"q1\",\"type\":\"text\",\"text\":{\"fi\":\"Muuta?\"," \
	"\"en\":\"Else?\"}}]}"

/* The canonical questions of VALID (as the directory stores them). */
#define QUESTIONS                                                                                  \
	"[{\"id\":\"q2\",\"type\":\"scale\",\"text\":{\"fi\":\"A\",\"sv\":\"A\",\"en\":\"A\"},"    \
	"\"required\":true},{\"id\":\"q1\",\"type\":\"text\",\"text\":{\"fi\":\"B\",\"sv\":\"B\"," \
	"\"en\":\"B\"},\"required\":false}]"

/* Runs the check 'fn' over the JSON 'text' (questions: the survey's, for
 * the answers); its errors (decref) and *out (decref). */
static json_t *run(void (*fn)(struct docerr *, const json_t *, json_t *), const char *questions,
		   const char *text, json_t **out)
{
	json_t *in = json_loads(text, JSON_DECODE_ANY, NULL), *list, *qs = NULL;
	struct docerr e;

	assert_non_null(in);
	docerr_init(&e);
	*out = json_object();
	if (questions) {
		qs = json_loads(questions, 0, NULL);
		assert_non_null(qs);
		surveydoc_answers(&e, qs, in, *out);
	} else
		fn(&e, in, *out);
	list = json_incref(e.list);
	docerr_release(&e);
	json_decref(in);
	json_decref(qs);
	return list;
}

/* Checks the survey JSON 'text'. */
static json_t *survey(const char *text, json_t **out)
{
	return run(surveydoc_survey, NULL, text, out);
}

/* VALID with member 'key' := JSON 'value' ("": removed). */
static char *valid_with(const char *key, const char *value)
{
	json_t *in = json_loads(VALID, 0, NULL);
	char *text;

	if (*value)
		json_object_set_new(in, key, json_loads(value, JSON_DECODE_ANY, NULL));
	else
		json_object_del(in, key);
	text = json_dumps(in, JSON_COMPACT);
	json_decref(in);
	return text;
}

/* Asserts that 'list' holds exactly one error, 'field' with 'code'. */
static void one_error(json_t *list, const char *field, const char *code)
{
	json_t *x = json_array_get(list, 0);

	if (json_array_size(list) != 1) {
		char *s = json_dumps(list, 0);

		fail_msg("expected one error %s/%s, got %s", field, code, s);
	}
	assert_string_equal(json_string_value(json_object_get(x, "field")), field);
	assert_string_equal(json_string_value(json_object_get(x, "code")), code);
	assert_non_null(json_string_value(json_object_get(x, "message")));
}

/* VALID with key := value has exactly the one error field/code. */
static void expect(const char *key, const char *value, const char *field, const char *code)
{
	char *text = valid_with(key, value);
	json_t *out, *list = survey(text, &out);

	one_error(list, field, code);
	json_decref(list);
	json_decref(out);
	free(text);
}

static const char *str(const json_t *o, const char *path1, const char *path2)
{
	return json_string_value(json_object_get(json_object_get(o, path1), path2));
}

static void test_valid_survey_is_canonical(void **state)
{
	json_t *out, *list = survey(VALID, &out), *q0, *q1;

	(void)state;
	assert_int_equal(json_array_size(list), 0);
	/* single-line texts trimmed; sv/en default to fi; intro keeps its line */
	assert_string_equal(str(out, "title", "fi"), "Seurantakysely 2026");
	assert_string_equal(str(out, "title", "sv"), "Uppföljning");
	assert_string_equal(str(out, "title", "en"), "Seurantakysely 2026");
	assert_string_equal(str(out, "intro", "sv"), "Hei!\nKiitos.");
	assert_string_equal(json_string_value(json_object_get(out, "audience")), "organizations");
	assert_int_equal(json_array_size(json_object_get(out, "questions")), 2);
	q0 = json_array_get(json_object_get(out, "questions"), 0);
	q1 = json_array_get(json_object_get(out, "questions"), 1);
	/* q1 is taken by the second question, so the first gets q2 */
	assert_string_equal(json_string_value(json_object_get(q0, "id")), "q2");
	assert_string_equal(json_string_value(json_object_get(q1, "id")), "q1");
	assert_true(json_is_true(json_object_get(q0, "required")));
	assert_true(json_is_false(json_object_get(q1, "required")));
	assert_string_equal(str(q1, "text", "sv"), "Muuta?");
	assert_string_equal(str(q1, "text", "en"), "Else?");
	json_decref(list);
	json_decref(out);
}

static void test_intro_may_be_absent(void **state)
{
	char *text = valid_with("intro", "");
	json_t *out, *list = survey(text, &out);

	(void)state;
	assert_int_equal(json_array_size(list), 0);
	assert_string_equal(str(out, "intro", "fi"), "");
	assert_string_equal(str(out, "intro", "en"), "");
	json_decref(list);
	json_decref(out);
	free(text);
}

static void test_each_rule_names_its_field(void **state)
{
	char long_title[260], json[300];

	(void)state;
	memset(long_title, 'a', 201);
	long_title[201] = '\0';
	snprintf(json, sizeof(json), "{\"fi\":\"%s\"}", long_title);
	expect("title", "", "title.fi", "required");
	expect("title", "{\"fi\":\"  \"}", "title.fi", "required");
	expect("title", json, "title.fi", "too_long");
	expect("title", "\"Kysely\"", "title", "invalid");
	expect("title", "{\"fi\":\"a\\u0001b\"}", "title.fi", "invalid");
	expect("intro", "{\"fi\":\"x\",\"en\":7}", "intro.en", "invalid");
	expect("audience", "", "audience", "required");
	expect("audience", "\"everyone\"", "audience", "invalid");
	expect("questions", "", "questions", "required");
	expect("questions", "[]", "questions", "required");
	expect("questions", "{}", "questions", "invalid");
	expect("questions", "[7]", "questions.0", "invalid");
	expect("questions", "[{\"text\":{\"fi\":\"A\"}}]", "questions.0.type", "required");
	expect("questions", "[{\"type\":\"yesno\",\"text\":{\"fi\":\"A\"}}]", "questions.0.type",
	       "invalid");
	expect("questions", "[{\"type\":\"text\"}]", "questions.0.text.fi", "required");
	expect("questions", "[{\"type\":\"text\",\"text\":{\"fi\":\"A\"},\"required\":\"yes\"}]",
	       "questions.0.required", "invalid");
	expect("questions", "[{\"id\":\"q11\",\"type\":\"text\",\"text\":{\"fi\":\"A\"}}]",
	       "questions.0.id", "invalid");
	expect("questions",
	       "[{\"id\":\"q3\",\"type\":\"text\",\"text\":{\"fi\":\"A\"}},"
	       "{\"id\":\"q3\",\"type\":\"text\",\"text\":{\"fi\":\"B\"}}]",
	       "questions.1.id", "invalid");
}

static void test_question_count_and_text_limits(void **state)
{
	json_t *qs = json_array(), *in;
	char text[1100], *doc;

	(void)state;
	for (int i = 0; i < 11; i++)
		json_array_append_new(qs, json_pack("{s:s, s:{s:s}}", "type", "scale", "text", "fi",
						    "Q"));
	in = json_loads(VALID, 0, NULL);
	json_object_set(in, "questions", qs);
	doc = json_dumps(in, JSON_COMPACT);
	{
		json_t *out, *list = survey(doc, &out);

		one_error(list, "questions", "too_many");
		json_decref(list);
		json_decref(out);
	}
	free(doc);
	/* ten are fine, numbered q1..q10 */
	json_array_remove(qs, 10);
	json_object_set(in, "questions", qs);
	doc = json_dumps(in, JSON_COMPACT);
	{
		json_t *out, *list = survey(doc, &out);

		assert_int_equal(json_array_size(list), 0);
		assert_string_equal(json_string_value(json_object_get(
					    json_array_get(json_object_get(out, "questions"), 9),
					    "id")),
				    "q10");
		json_decref(list);
		json_decref(out);
	}
	free(doc);
	/* a question's text: 500 characters of ä are fine, 501 are not */
	for (int i = 0; i < 2; i++) {
		json_t *q = json_array_get(qs, 0), *out, *list;
		size_t n = 500 + (size_t)i, k;

		for (k = 0; k < n; k++)
			memcpy(text + 2 * k, "\xc3\xa4", 2);
		text[2 * n] = '\0';
		json_object_set_new(q, "text", json_pack("{s:s}", "fi", text));
		json_object_set(in, "questions", qs);
		doc = json_dumps(in, JSON_COMPACT);
		list = survey(doc, &out);
		if (i == 0)
			assert_int_equal(json_array_size(list), 0);
		else
			one_error(list, "questions.0.text.fi", "too_long");
		json_decref(list);
		json_decref(out);
		free(doc);
	}
	json_decref(qs);
	json_decref(in);
}

static void test_several_errors_at_once(void **state)
{
	json_t *out,
		*list = survey("{\"audience\":\"x\",\"questions\":[{\"type\":\"scale\"}]}", &out);

	(void)state;
	assert_int_equal(json_array_size(list), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "field")),
			    "title.fi");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "field")),
			    "audience");
	assert_string_equal(json_string_value(json_object_get(json_array_get(list, 2), "field")),
			    "questions.0.text.fi");
	json_decref(list);
	json_decref(out);
}

/* Checks 'body' as a send body. */
static json_t *recipients(const char *body, json_t **out)
{
	return run(surveydoc_recipients, NULL, body, out);
}

static void test_recipient_ids(void **state)
{
	json_t *out, *list, *ids;

	(void)state;
	list = recipients("{}", &out);
	assert_int_equal(json_array_size(list), 0);
	assert_true(json_is_null(json_object_get(out, "recipient_ids")));
	json_decref(list);
	json_decref(out);

	list = recipients(
		"{\"recipient_ids\":[\"6F1C0D2E-0000-4000-8000-000000000001\","
		"\"6f1c0d2e-0000-4000-8000-000000000001\","
		"\"6f1c0d2e-0000-4000-8000-000000000002\"]}",
		&out);
	assert_int_equal(json_array_size(list), 0);
	ids = json_object_get(out, "recipient_ids");
	assert_int_equal(json_array_size(ids), 2);
	assert_string_equal(json_string_value(json_array_get(ids, 0)),
			    "6f1c0d2e-0000-4000-8000-000000000001");
	json_decref(list);
	json_decref(out);

	list = recipients("{\"recipient_ids\":[\"6f1c0d2e\"]}", &out);
	one_error(list, "recipient_ids", "invalid");
	json_decref(list);
	json_decref(out);
	list = recipients("{\"recipient_ids\":\"6f1c0d2e-0000-4000-8000-000000000001\"}", &out);
	one_error(list, "recipient_ids", "invalid");
	json_decref(list);
	json_decref(out);
}

/* Checks the answers JSON 'text' against QUESTIONS. */
static json_t *answers(const char *text, json_t **out)
{
	return run(NULL, QUESTIONS, text, out);
}

/* The answers 'text' have exactly the one error field/code. */
static void expect_answer(const char *text, const char *field, const char *code)
{
	json_t *out, *list = answers(text, &out);

	one_error(list, field, code);
	json_decref(list);
	json_decref(out);
}

static void test_good_answers_are_kept(void **state)
{
	json_t *out, *list = answers("{\"q2\":4,\"q1\":\"  Kiitos!\\nHyvä.\"}", &out);

	(void)state;
	assert_int_equal(json_array_size(list), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "q2")), 4);
	assert_string_equal(json_string_value(json_object_get(out, "q1")), "  Kiitos!\nHyvä.");
	json_decref(list);
	json_decref(out);
	/* an optional question may be left out, or blank: then it is no answer */
	list = answers("{\"q2\":1,\"q1\":\" \\n \"}", &out);
	assert_int_equal(json_array_size(list), 0);
	assert_int_equal(json_object_size(out), 1);
	json_decref(list);
	json_decref(out);
	list = answers("{\"q2\":5,\"q1\":null}", &out);
	assert_int_equal(json_array_size(list), 0);
	assert_int_equal(json_object_size(out), 1);
	json_decref(list);
	json_decref(out);
}

static void test_bad_answers(void **state)
{
	char big[2100 * 2 + 64];
	size_t k;

	(void)state;
	expect_answer("{}", "answers.q2", "required");
	expect_answer("{\"q2\":null}", "answers.q2", "required");
	expect_answer("null", "answers.q2", "required");
	expect_answer("[1]", "answers", "invalid");
	expect_answer("{\"q2\":0}", "answers.q2", "range");
	expect_answer("{\"q2\":6}", "answers.q2", "range");
	expect_answer("{\"q2\":3.5}", "answers.q2", "range");
	expect_answer("{\"q2\":\"4\"}", "answers.q2", "invalid");
	expect_answer("{\"q2\":3,\"q1\":5}", "answers.q1", "invalid");
	expect_answer("{\"q2\":3,\"q1\":\"a\\u0007b\"}", "answers.q1", "invalid");
	expect_answer("{\"q2\":3,\"q3\":\"x\"}", "answers.q3", "unknown");
	expect_answer("{\"q2\":3,\"something\":\"x\"}", "answers", "unknown");
	/* 2000 characters (two bytes each) are fine, 2001 too long */
	for (int i = 0; i < 2; i++) {
		size_t n = 2000 + (size_t)i, at;
		json_t *out, *list;

		at = (size_t)snprintf(big, sizeof(big), "{\"q2\":3,\"q1\":\"");
		for (k = 0; k < n; k++, at += 2)
			memcpy(big + at, "\xc3\xb6", 2);
		snprintf(big + at, sizeof(big) - at, "\"}");
		list = answers(big, &out);
		if (i == 0) {
			assert_int_equal(json_array_size(list), 0);
			assert_int_equal(strlen(json_string_value(json_object_get(out, "q1"))),
					 4000);
		} else
			one_error(list, "answers.q1", "too_long");
		json_decref(list);
		json_decref(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_survey_is_canonical),
		cmocka_unit_test(test_intro_may_be_absent),
		cmocka_unit_test(test_each_rule_names_its_field),
		cmocka_unit_test(test_question_count_and_text_limits),
		cmocka_unit_test(test_several_errors_at_once),
		cmocka_unit_test(test_recipient_ids),
		cmocka_unit_test(test_good_answers_are_kept),
		cmocka_unit_test(test_bad_answers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
