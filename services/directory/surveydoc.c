/*
 * surveydoc.c - see surveydoc.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docfields.h"
#include "surveydoc.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

/* Room for a dotted field name ("questions.9.text.fi", "answers.q10"). */
#define FIELD_MAX 64

static const char *const langs[3] = { "fi", "sv", "en" };

/* A {fi, sv, en} text object at member 'key' of 'in' (dotted name 'name')
 * into member 'key' of 'out': fi min..max characters, sv and en 0..max,
 * empty ones taking fi's.  Absent or null: every language "" (or "required"
 * on <name>.fi when min > 0). */
static void texts(struct docerr *e, const json_t *in, json_t *out, const char *key,
		  const char *name, long min, long max, int flags)
{
	json_t *v = json_object_get(in, key), *o = json_object(), *empty = NULL;
	char f[FIELD_MAX];
	const char *fi;

	if (v && !json_is_null(v) && !json_is_object(v)) {
		docerr_add(e, name, "invalid", "%s must be an object {fi, sv, en}", name);
		json_decref(o);
		return;
	}
	if (!json_is_object(v))
		v = empty = json_object();
	for (int i = 0; i < 3; i++) {
		snprintf(f, sizeof(f), "%s.%s", name, langs[i]);
		docfields_text(e, v, o, langs[i], f, i == 0 ? min : 0, max, flags);
	}
	fi = json_string_value(json_object_get(o, "fi"));
	for (int i = 1; i < 3 && fi; i++) {
		const char *s = json_string_value(json_object_get(o, langs[i]));

		if (s && !*s)
			json_object_set_new(o, langs[i], json_string(fi));
	}
	json_object_set_new(out, key, o);
	json_decref(empty);
}

/* The number n of a question id "q<n>" (1..10), or 0. */
static int question_number(const char *id)
{
	if (!id || id[0] != 'q')
		return 0;
	if (id[1] >= '1' && id[1] <= '9' && !id[2])
		return id[1] - '0';
	if (!strcmp(id + 1, "10"))
		return 10;
	return 0;
}

/* Question i of 'in' into a new object (NULL when it is no object); its
 * id's number into *num (0: none given or a bad one, noted). */
static json_t *question(struct docerr *e, const json_t *q, size_t i, bool used[11], int *num)
{
	json_t *out, *id = json_object_get(q, "id"), *t = json_object_get(q, "type");
	const char *type = json_string_value(t);
	char f[FIELD_MAX], name[FIELD_MAX];

	*num = 0;
	if (!json_is_object(q)) {
		snprintf(f, sizeof(f), "questions.%zu", i);
		docerr_add(e, f, "invalid", "%s must be an object", f);
		return NULL;
	}
	out = json_object();
	if (id && !json_is_null(id)) {
		snprintf(f, sizeof(f), "questions.%zu.id", i);
		*num = question_number(json_string_value(id));
		if (!*num)
			docerr_add(e, f, "invalid", "%s must be one of q1..q10", f);
		else if (used[*num]) {
			docerr_add(e, f, "invalid", "%s repeats q%d", f, *num);
			*num = 0;
		} else
			used[*num] = true;
	}
	snprintf(f, sizeof(f), "questions.%zu.type", i);
	if (!t || json_is_null(t))
		docerr_add(e, f, "required", "%s is required", f);
	else if (!type || (strcmp(type, "scale") && strcmp(type, "text")))
		docerr_add(e, f, "invalid", "%s must be \"scale\" or \"text\"", f);
	else
		json_object_set_new(out, "type", json_string(type));
	snprintf(name, sizeof(name), "questions.%zu.text", i);
	texts(e, q, out, "text", name, 1, SURVEYDOC_QTEXT_MAX, 0);
	snprintf(f, sizeof(f), "questions.%zu.required", i);
	docfields_bool(e, q, out, "required", f, false);
	return out;
}

/* The questions of 'in' into out's "questions", each with its id. */
static void questions(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *qs = json_object_get(in, "questions"), *list = json_array(), *q;
	bool used[SURVEYDOC_QUESTIONS_MAX + 1] = { false };
	int *nums = NULL;
	size_t i, n = json_array_size(qs);

	if (qs && !json_is_null(qs) && !json_is_array(qs)) {
		docerr_add(e, "questions", "invalid", "questions must be a list");
		goto out;
	}
	if (n == 0) {
		docerr_add(e, "questions", "required", "a survey has at least one question");
		goto out;
	}
	if (n > SURVEYDOC_QUESTIONS_MAX) {
		docerr_add(e, "questions", "too_many", "a survey has at most %d questions",
			   SURVEYDOC_QUESTIONS_MAX);
		goto out;
	}
	nums = xcalloc(n, sizeof(*nums));
	json_array_foreach(qs, i, q) {
		json_t *one = question(e, q, i, used, &nums[i]);

		json_array_append_new(list, one ? one : json_object());
	}
	/* Questions without an id take the lowest free ones, in order; ten
	 * questions at most, so one is always free. */
	for (i = 0; i < n; i++) {
		int k = nums[i];
		char id[8];

		for (int j = 1; !k && j <= SURVEYDOC_QUESTIONS_MAX; j++)
			if (!used[j]) {
				used[j] = true;
				k = j;
			}
		snprintf(id, sizeof(id), "q%d", k);
		json_object_set_new(json_array_get(list, i), "id", json_string(id));
	}
out:
	free(nums);
	json_object_set_new(out, "questions", list);
}

void surveydoc_survey(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *aud = json_object_get(in, "audience");
	const char *a = json_string_value(aud);

	texts(e, in, out, "title", "title", 1, SURVEYDOC_TITLE_MAX, 0);
	texts(e, in, out, "intro", "intro", 0, SURVEYDOC_INTRO_MAX, DOCF_MULTILINE);
	if (!aud || json_is_null(aud))
		docerr_add(e, "audience", "required", "audience is required");
	else if (!a || (strcmp(a, "organizations") && strcmp(a, "user_sites")))
		docerr_add(e, "audience", "invalid",
			   "audience must be \"organizations\" or \"user_sites\"");
	else
		json_object_set_new(out, "audience", json_string(a));
	questions(e, in, out);
}

void surveydoc_recipients(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *ids = json_object_get(in, "recipient_ids"), *v, *list;
	size_t i, j;

	if (!ids || json_is_null(ids)) {
		json_object_set_new(out, "recipient_ids", json_null());
		return;
	}
	if (!json_is_array(ids)) {
		docerr_add(e, "recipient_ids", "invalid", "recipient_ids must be a list of ids");
		return;
	}
	if (json_array_size(ids) > SURVEYDOC_RECIPIENTS_MAX) {
		docerr_add(e, "recipient_ids", "too_many", "at most %d recipient_ids",
			   SURVEYDOC_RECIPIENTS_MAX);
		return;
	}
	list = json_array();
	json_array_foreach(ids, i, v) {
		const char *s = json_string_value(v);
		char id[UUID_STR_SIZE];
		bool seen = false;
		json_t *w;

		if (!s || strlen(s) != UUID_STR_LEN || !uuid_parse(s, strlen(s), id)) {
			docerr_add(e, "recipient_ids", "invalid", "recipient_ids.%zu is not an id",
				   i);
			break;
		}
		json_array_foreach(list, j, w)
			if (!strcmp(json_string_value(w), id))
				seen = true;
		if (!seen)
			json_array_append_new(list, json_string(id));
	}
	json_object_set_new(out, "recipient_ids", list);
}

/* Whether s is only white space. */
static bool blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* One answer 'v' (not NULL or null) to question 'q' into out[id]. */
static void answer(struct docerr *e, const json_t *q, const char *id, json_t *v, json_t *out,
		   const char *f)
{
	const char *type = json_string_value(json_object_get(q, "type"));
	bool required = json_is_true(json_object_get(q, "required"));

	if (type && !strcmp(type, "scale")) {
		json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;

		if (json_is_integer(v) && n >= 1 && n <= 5)
			json_object_set_new(out, id, json_integer(n));
		else if (json_is_number(v))
			docerr_add(e, f, "range", "%s must be a whole number 1..5", f);
		else
			docerr_add(e, f, "invalid", "%s must be a number 1..5", f);
		return;
	}
	if (!json_is_string(v)) {
		docerr_add(e, f, "invalid", "%s must be a text", f);
		return;
	}
	{
		const char *s = json_string_value(v);
		long n = utf8_chars(s, true);

		if (n < 0)
			docerr_add(e, f, "invalid", "%s holds invalid characters", f);
		else if (n > SURVEYDOC_ANSWER_MAX)
			docerr_add(e, f, "too_long", "%s must be at most %d characters", f,
				   SURVEYDOC_ANSWER_MAX);
		else if (blank(s)) {
			if (required)
				docerr_add(e, f, "required", "%s is required", f);
		} else
			json_object_set_new(out, id, json_string(s));
	}
}

void surveydoc_answers(struct docerr *e, const json_t *questions, const json_t *answers,
		       json_t *out)
{
	json_t *q, *v;
	const char *key;
	char f[FIELD_MAX];
	size_t i;

	if (answers && !json_is_null(answers) && !json_is_object(answers)) {
		docerr_add(e, "answers", "invalid",
			   "answers must be an object {question id: value}");
		return;
	}
	json_object_foreach((json_t *)answers, key, v) {
		bool known = false;

		json_array_foreach(questions, i, q)
			if (!strcmp(json_string_value(json_object_get(q, "id")), key))
				known = true;
		if (known)
			continue;
		if (question_number(key)) {
			snprintf(f, sizeof(f), "answers.%s", key);
			docerr_add(e, f, "unknown", "the survey has no question %s", key);
		} else
			docerr_add(e, "answers", "unknown", "the survey has no such question");
	}
	json_array_foreach(questions, i, q) {
		const char *id = json_string_value(json_object_get(q, "id"));

		if (!id)
			continue;
		snprintf(f, sizeof(f), "answers.%s", id);
		v = json_is_object(answers) ? json_object_get(answers, id) : NULL;
		if (!v || json_is_null(v)) {
			if (json_is_true(json_object_get(q, "required")))
				docerr_add(e, f, "required", "%s is required", f);
			continue;
		}
		answer(e, q, id, v, out, f);
	}
}
