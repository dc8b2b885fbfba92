/*
 * docfields.c - see docfields.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docfields.h"
#include "email.h"
#include "phone.h"
#include "utf8.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

/* Room for a value quoted in a message. */
#define QUOTE_MAX 48

static const char *name_of(const char *key, const char *field)
{
	return field ? field : key;
}

/* The member 'key' of 'in', NULL when absent or null. */
static json_t *member(const json_t *in, const char *key)
{
	json_t *v = json_object_get(in, key);

	return json_is_null(v) ? NULL : v;
}

int docfields_text(struct docerr *e, const json_t *in, json_t *out, const char *key,
		   const char *field, long min, long max, int flags)
{
	const char *f = name_of(key, field), *s, *end;
	json_t *v = member(in, key);
	long n;

	if (v && !json_is_string(v)) {
		docerr_add(e, f, "invalid", "%s must be a text", f);
		return -1;
	}
	s = v ? json_string_value(v) : "";
	if (utf8_chars(s, flags & DOCF_MULTILINE) < 0) {
		docerr_add(e, f, "invalid", "%s holds invalid characters", f);
		return -1;
	}
	end = s + strlen(s);
	if (!(flags & DOCF_MULTILINE)) {
		while (*s == ' ')
			s++;
		while (end > s && end[-1] == ' ')
			end--;
	}
	if (s == end && min > 0) {
		docerr_add(e, f, "required", "%s is required", f);
		return -1;
	}
	{
		char *copy = xstrndup(s, (size_t)(end - s));

		n = utf8_chars(copy, true);
		if (n < min || n > max) {
			docerr_add(e, f,
				   (flags & DOCF_LEN_INVALID) ? "invalid" :
				   n < min                    ? "too_short" :
								"too_long",
				   "%s must be %ld..%ld characters", f, min, max);
			free(copy);
			return -1;
		}
		if (!*copy && (flags & DOCF_NULLABLE))
			json_object_set_new(out, key, json_null());
		else
			json_object_set_new(out, key, json_string(copy));
		free(copy);
	}
	return 0;
}

/* The string member 'key' of 'in' for the optional string checks: NULL
 * when absent, null or "" (*bad stays 0); NULL with *bad = 1 when it is
 * not a string. */
static const char *optional_str(const json_t *in, const char *key, int *bad)
{
	json_t *v = member(in, key);

	*bad = 0;
	if (!v)
		return NULL;
	if (!json_is_string(v)) {
		*bad = 1;
		return NULL;
	}
	return *json_string_value(v) ? json_string_value(v) : NULL;
}

int docfields_url(struct docerr *e, const json_t *in, json_t *out, const char *key,
		  const char *field)
{
	const char *f = name_of(key, field), *s, *rest;
	int bad;
	long n;

	s = optional_str(in, key, &bad);
	if (!s && !bad) {
		json_object_set_new(out, key, json_null());
		return 0;
	}
	rest = !s                         ? NULL :
	       !strncmp(s, "https://", 8) ? s + 8 :
	       !strncmp(s, "http://", 7)  ? s + 7 :
					    NULL;
	n = s ? utf8_chars(s, false) : -1;
	if (!rest || !*rest || n < 0 || n > DOCF_URL_MAX || strchr(s, ' ')) {
		docerr_add(e, f, "invalid",
			   "%s must be an http:// or https:// address of at most %d characters "
			   "without spaces",
			   f, DOCF_URL_MAX);
		return -1;
	}
	json_object_set_new(out, key, json_string(s));
	return 0;
}

int docfields_email(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, bool required)
{
	const char *f = name_of(key, field), *s;
	int bad;
	char *low;

	s = optional_str(in, key, &bad);
	if (!s && !bad) {
		if (required) {
			docerr_add(e, f, "required", "%s is required", f);
			return -1;
		}
		json_object_set_new(out, key, json_null());
		return 0;
	}
	if (!s || email_valid(s, NULL, 0)) {
		docerr_add(e, f, "invalid", "%s is not an e-mail address", f);
		return -1;
	}
	low = xstrdup(s);
	for (char *p = low; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	json_object_set_new(out, key, json_string(low));
	free(low);
	return 0;
}

/* The phone_number domain of 0002: ^\+?[0-9][0-9 ()-]{4,22}[0-9]$ */
static bool phone_pattern(const char *s)
{
	size_t n;

	if (*s == '+')
		s++;
	n = strlen(s);
	if (n < 6 || n > 24 || !isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[n - 1]))
		return false;
	return strspn(s, "0123456789 ()-") == n;
}

int docfields_phone(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, bool required)
{
	const char *f = name_of(key, field), *s;
	char e164[PHONE_E164_MAX + 1], *copy = NULL;
	int bad, rc = -1;
	size_t n;

	s = optional_str(in, key, &bad);
	if (s) {
		while (*s == ' ')
			s++;
		copy = xstrdup(s);
		n = strlen(copy);
		while (n > 0 && copy[n - 1] == ' ')
			copy[--n] = '\0';
	}
	if (!copy && !bad) {
		if (required) {
			docerr_add(e, f, "required", "%s is required", f);
			goto out;
		}
		json_object_set_new(out, key, json_null());
		rc = 0;
		goto out;
	}
	if (!copy || strlen(copy) > PHONE_INPUT_MAX || !phone_pattern(copy) ||
	    phone_normalize_fi(copy, e164, sizeof(e164), NULL, 0)) {
		docerr_add(e, f, "invalid", "%s is not a phone number", f);
		goto out;
	}
	json_object_set_new(out, key, json_string(copy));
	rc = 0;
out:
	free(copy);
	return rc;
}

int docfields_bool(struct docerr *e, const json_t *in, json_t *out, const char *key,
		   const char *field, bool def)
{
	const char *f = name_of(key, field);
	json_t *v = json_object_get(in, key);

	if (v && !json_is_boolean(v)) {
		docerr_add(e, f, "invalid", "%s must be true or false", f);
		return -1;
	}
	json_object_set_new(out, key, json_boolean(v ? json_is_true(v) : def));
	return 0;
}

int docfields_int(struct docerr *e, const json_t *in, json_t *out, const char *key,
		  const char *field, long min, long max, bool required)
{
	const char *f = name_of(key, field);
	json_t *v = member(in, key);

	if (!v) {
		if (required) {
			docerr_add(e, f, "required", "%s is required", f);
			return -1;
		}
		json_object_set_new(out, key, json_null());
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		docerr_add(e, f, "invalid", "%s must be a whole number %ld..%ld", f, min, max);
		return -1;
	}
	json_object_set_new(out, key, json_integer(json_integer_value(v)));
	return 0;
}

bool docfields_is_municipality(const char *s)
{
	return strlen(s) == 3 && strspn(s, "0123456789") == 3;
}

bool docfields_is_term_id(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 40 && *s >= 'a' && *s <= 'z' &&
	       strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

bool docfields_is_language(const char *s)
{
	size_t n = strlen(s);

	return (n == 2 || n == 3) && strspn(s, "abcdefghijklmnopqrstuvwxyz") == n;
}

bool docfields_is_email(const char *s)
{
	return email_valid(s, NULL, 0) == 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int docfields_codes(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, size_t min, size_t max, bool (*ok)(const char *), int flags)
{
	const char *f = name_of(key, field);
	json_t *v = member(in, key), *item, *list;
	char **codes = NULL, quoted[QUOTE_MAX];
	size_t n = 0, i;
	int rc = -1;

	if (v && !json_is_array(v)) {
		docerr_add(e, f, "invalid", "%s must be a list", f);
		return -1;
	}
	if (json_array_size(v) > max) {
		docerr_add(e, f, "too_many", "%s holds more than %zu items", f, max);
		return -1;
	}
	if (json_array_size(v) < min) {
		docerr_add(e, f, "required", "%s needs at least %zu item%s", f, min,
			   min == 1 ? "" : "s");
		return -1;
	}
	codes = xcalloc(json_array_size(v) + 1, sizeof(*codes));
	json_array_foreach(v, i, item) {
		if (!json_is_string(item)) {
			docerr_add(e, f, "invalid", "%s: item %zu is not a text", f, i + 1);
			goto out;
		}
		codes[n] = xstrdup(json_string_value(item));
		if (flags & DOCF_LOWER)
			for (char *p = codes[n]; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		n++;
		if (!ok(codes[n - 1])) {
			utf8_clip(quoted, sizeof(quoted), codes[n - 1]);
			docerr_add(e, f, "invalid", "%s: item %zu ('%s') is not valid", f, i + 1,
				   quoted);
			goto out;
		}
	}
	qsort(codes, n, sizeof(*codes), cmp_str);
	list = json_array();
	for (i = 0; i < n; i++) {
		if (i > 0 && !strcmp(codes[i], codes[i - 1])) {
			utf8_clip(quoted, sizeof(quoted), codes[i]);
			docerr_add(e, f, "invalid", "%s: '%s' is listed twice", f, quoted);
			json_decref(list);
			goto out;
		}
		json_array_append_new(list, json_string(codes[i]));
	}
	json_object_set_new(out, key, list);
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(codes[i]);
	free(codes);
	return rc;
}

int docfields_contacts(struct docerr *e, const json_t *in, json_t *out, const char *key)
{
	json_t *v = member(in, key), *item, *list, *c;
	char f[64];
	size_t i;
	int rc = 0;

	if (v && !json_is_array(v)) {
		docerr_add(e, key, "invalid", "%s must be a list", key);
		return -1;
	}
	if (json_array_size(v) > DOCF_CONTACTS_MAX) {
		docerr_add(e, key, "too_many", "%s holds more than %d people", key,
			   DOCF_CONTACTS_MAX);
		return -1;
	}
	list = json_array();
	json_array_foreach(v, i, item) {
		int bad = 0;

		if (!json_is_object(item)) {
			snprintf(f, sizeof(f), "%s.%zu.name", key, i);
			docerr_add(e, f, "invalid", "%s.%zu must be an object", key, i);
			rc = -1;
			continue;
		}
		c = json_object();
		snprintf(f, sizeof(f), "%s.%zu.name", key, i);
		bad |= docfields_text(e, item, c, "name", f, 1, 200, DOCF_LEN_INVALID);
		snprintf(f, sizeof(f), "%s.%zu.role", key, i);
		bad |= docfields_text(e, item, c, "role", f, 0, 200, DOCF_LEN_INVALID);
		snprintf(f, sizeof(f), "%s.%zu.email", key, i);
		bad |= docfields_email(e, item, c, "email", f, false);
		snprintf(f, sizeof(f), "%s.%zu.phone", key, i);
		bad |= docfields_phone(e, item, c, "phone", f, false);
		if (!bad && json_is_null(json_object_get(c, "email")) &&
		    json_is_null(json_object_get(c, "phone"))) {
			snprintf(f, sizeof(f), "%s.%zu.email", key, i);
			docerr_add(e, f, "required", "%s: a contact needs an e-mail or a phone", f);
			bad = -1;
		}
		if (bad)
			rc = -1;
		json_array_append_new(list, c);
	}
	json_object_set_new(out, key, list);
	return rc;
}

/* Runs 'sql' with the JSON text of 'values' as $1 (and 'arg' as $2); a
 * row names the first unknown value, noted on 'field' as "unknown
 * <what> '<value>'".  0, or -1 with reply filled. */
static int check_unknown(struct worker *w, struct docerr *e, const json_t *values, const char *sql,
			 const char *arg, const char *what, const char *field,
			 Tarjotin__Envelope *reply)
{
	json_t *arr = json_is_array(values) ? json_incref((json_t *)values) : json_array();
	char *text = NULL, quoted[QUOTE_MAX];
	const char *params[2];
	PGresult *res;

	if (json_is_string(values))
		json_array_append(arr, (json_t *)values);
	if (json_array_size(arr) == 0) {
		json_decref(arr);
		return 0;
	}
	text = json_dumps(arr, JSON_COMPACT);
	json_decref(arr);
	params[0] = text;
	params[1] = arg;
	res = wdb_exec(w, sql, arg ? 2 : 1, params, PGRES_TUPLES_OK, reply);
	free(text);
	if (!res)
		return -1;
	if (PQntuples(res) > 0) {
		utf8_clip(quoted, sizeof(quoted), PQgetvalue(res, 0, 0));
		docerr_add(e, field, "unknown", "unknown %s '%s'", what, quoted);
	}
	PQclear(res);
	return 0;
}

int docfields_check_municipalities(struct worker *w, struct docerr *e, const json_t *codes,
				   const char *field, Tarjotin__Envelope *reply)
{
	return check_unknown(w, e, codes,
			     "SELECT c FROM jsonb_array_elements_text($1::jsonb) "
			     "WITH ORDINALITY AS x(c, n) WHERE NOT EXISTS "
			     "(SELECT 1 FROM municipalities m WHERE m.code = c) ORDER BY n LIMIT 1",
			     NULL, "municipality", field, reply);
}

int docfields_check_terms(struct worker *w, struct docerr *e, const json_t *ids,
			  const char *taxonomy, const char *field, Tarjotin__Envelope *reply)
{
	return check_unknown(w, e, ids,
			     "SELECT c FROM jsonb_array_elements_text($1::jsonb) "
			     "WITH ORDINALITY AS x(c, n) WHERE NOT EXISTS "
			     "(SELECT 1 FROM taxonomy_terms t WHERE t.id = c "
			     "AND t.taxonomy_id = $2 AND t.active) ORDER BY n LIMIT 1",
			     taxonomy, "term", field, reply);
}

int docfields_check_county(struct worker *w, struct docerr *e, const json_t *key, const char *field,
			   Tarjotin__Envelope *reply)
{
	if (!json_is_string(key))
		return 0;
	return check_unknown(w, e, key,
			     "SELECT c FROM jsonb_array_elements_text($1::jsonb) AS x(c) "
			     "WHERE NOT EXISTS (SELECT 1 FROM counties k WHERE k.key = c) LIMIT 1",
			     NULL, "county", field, reply);
}
