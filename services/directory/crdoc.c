/*
 * crdoc.c - see crdoc.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crdoc.h"
#include "docfields.h"
#include "email.h"
#include "phone.h"
#include "seal.h"
#include "strbuf.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

/* The member 'key' of 'in', NULL when absent or null. */
static json_t *member(const json_t *in, const char *key)
{
	json_t *v = json_object_get(in, key);

	return json_is_null(v) ? NULL : v;
}

/* "activities": 1..max distinct uuids; each activities.N well-formed. */
static void activities(struct docerr *e, const json_t *in, json_t *out, size_t max)
{
	json_t *v = member(in, "activities"), *list = json_array(), *x;
	size_t i, j;

	json_object_set_new(out, "activities", list);
	if (!json_is_array(v) || !json_array_size(v)) {
		docerr_add(e, "activities", "required", "activities must list 1..%zu activities",
			   max);
		return;
	}
	if (json_array_size(v) > max) {
		docerr_add(e, "activities", "too_many", "at most %zu activities in one send", max);
		return;
	}
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		char id[37], field[32];

		snprintf(field, sizeof(field), "activities.%zu", i);
		if (!s || !uuid_parse(s, strlen(s), id)) {
			docerr_add(e, field, "not_found", "%s is not an activity's id", field);
			json_array_append_new(list, json_null());
			continue;
		}
		for (j = 0; j < json_array_size(list); j++) {
			const char *seen = json_string_value(json_array_get(list, j));

			if (seen && !strcmp(seen, id))
				break;
		}
		if (j < json_array_size(list)) {
			docerr_add(e, "activities", "duplicate", "activity %s is listed twice", id);
			json_array_append_new(list, json_null());
			continue;
		}
		json_array_append_new(list, json_string(id));
	}
}

/* "client": first_name, phone (to E.164), email; one of phone and e-mail. */
static void client(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *c = member(in, "client"), *v;
	char e164[PHONE_E164_MAX + 1], why[128];
	bool has_phone = false, has_email = false;

	json_object_set_new(out, "first_name", json_null());
	json_object_set_new(out, "phone", json_null());
	json_object_set_new(out, "mobile", json_false());
	json_object_set_new(out, "email", json_null());
	if (!json_is_object(c)) {
		docerr_add(e, "client", "required", "client must be an object");
		return;
	}
	docfields_text(e, c, out, "first_name", "client.first_name", 0, CRDOC_FIRST_NAME_MAX,
		       DOCF_NULLABLE);
	v = member(c, "phone");
	if (v && (!json_is_string(v) || *json_string_value(v))) {
		has_phone = true;
		if (!json_is_string(v) || strlen(json_string_value(v)) > PHONE_INPUT_MAX)
			docerr_add(e, "client.phone", "invalid", "client.phone must be a number");
		else if (phone_normalize_fi(json_string_value(v), e164, sizeof(e164), why,
					    sizeof(why)))
			docerr_add(e, "client.phone", "invalid", "client.phone: %s", why);
		else {
			json_object_set_new(out, "phone", json_string(e164));
			json_object_set_new(out, "mobile", json_boolean(phone_is_mobile_fi(e164)));
		}
	}
	v = member(c, "email");
	if (v && (!json_is_string(v) || *json_string_value(v))) {
		has_email = true;
		docfields_email(e, c, out, "email", "client.email", false);
	}
	if (!has_phone && !has_email)
		docerr_add(e, "client.phone", "required",
			   "a phone number or an e-mail is required");
}

/* 'v' is a string among the NULL-terminated 'allowed'. */
static const char *one_of(const json_t *v, const char *const *allowed)
{
	const char *s = json_string_value(v);

	for (; s && *allowed; allowed++)
		if (!strcmp(s, *allowed))
			return *allowed;
	return NULL;
}

/* "channel" and what it needs of the client's data. */
static void channel(struct docerr *e, const json_t *in, json_t *out)
{
	static const char *const channels[] = { "call", "sms", "email", NULL };
	const char *ch = one_of(member(in, "channel"), channels);
	bool phone = !json_is_null(json_object_get(out, "phone"));

	if (!ch) {
		docerr_add(e, "channel", "invalid", "channel must be call, sms or email");
		return;
	}
	json_object_set_new(out, "channel", json_string(ch));
	if (!json_is_object(member(in, "client")))
		return; /* "client" is wrong already */
	if (!strcmp(ch, "call") && !phone)
		docerr_add(e, "client.phone", "required", "a call needs the client's phone number");
	else if (!strcmp(ch, "sms") && !json_is_true(json_object_get(out, "mobile")))
		docerr_add(e, "client.phone", "required", "an SMS needs a Finnish mobile number");
	else if (!strcmp(ch, "email") && json_is_null(json_object_get(out, "email")))
		docerr_add(e, "client.email", "required", "an e-mail needs the client's address");
}

/* "consent": given true, a version (compared with the current one by the
 * caller); "context": codes kept when well-formed. */
static void consent_context(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *c = member(in, "consent"), *x = member(in, "context");
	const char *version = json_string_value(member(c, "version"));
	const char *need = json_string_value(member(x, "need"));
	const char *muni = json_string_value(member(x, "municipality"));

	if (!json_is_true(json_object_get(c, "given")))
		docerr_add(e, "consent.given", "required", "the client's consent is required");
	if (!version || !*version || strlen(version) > 20)
		docerr_add(e, "consent.version", "outdated",
			   "the consent text's version is missing");
	else
		json_object_set_new(out, "consent_version", json_string(version));
	json_object_set_new(out, "need",
			    need && docfields_is_term_id(need) ? json_string(need) : json_null());
	json_object_set_new(out, "municipality",
			    muni && docfields_is_municipality(muni) ? json_string(muni) :
								      json_null());
}

void crdoc_send(struct docerr *e, const json_t *in, json_t *out, size_t max_activities)
{
	static const char *const langs[] = { "fi", "sv", "en", NULL };
	const char *lang = one_of(member(in, "lang"), langs);

	activities(e, in, out, max_activities);
	client(e, in, out);
	channel(e, in, out);
	if (!lang)
		docerr_add(e, "lang", "invalid", "lang must be fi, sv or en");
	else
		json_object_set_new(out, "lang", json_string(lang));
	docfields_text(e, in, out, "note", NULL, 0, CRDOC_NOTE_MAX, DOCF_MULTILINE);
	consent_context(e, in, out);
}

/* --- stop words ------------------------------------------------------------ */

/* The base letter of the two-byte UTF-8 letter 0xC3 'b' (Latin-1's
 * accented letters), or 0. */
static char unaccent(unsigned char b)
{
	static const char map[65] =
		"aaaaaaaceeeeiiii"
		"dnooooo_ouuuuyts"
		"aaaaaaaceeeeiiii"
		"dnooooo_ouuuuyty";

	return b >= 0x80 && b <= 0xBF ? map[b - 0x80] : 0;
}

bool crdoc_stop_word(const char *message)
{
	static const char *const words[] = { "seis",   "lopeta", "peru",     "stopp", "aterkalla",
					     "avbryt", "stop",   "withdraw", "cancel" };
	const unsigned char *s = (const unsigned char *)(message ? message : "");
	char word[24];
	size_t n = 0, i;

	while (*s && (isspace(*s) || ispunct(*s)))
		s++;
	for (; *s && !isspace(*s); s++) {
		char c;

		if (*s < 0x80)
			c = (char)tolower(*s);
		else if (*s == 0xC3 && (c = unaccent(s[1])))
			s++;
		else
			return false;
		if (n + 1 >= sizeof(word))
			return false;
		word[n++] = c;
	}
	while (n && ispunct((unsigned char)word[n - 1]))
		n--;
	word[n] = 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcmp(word, words[i]))
			return true;
	return false;
}

char *crdoc_join_names(const char *const *names, size_t n, const char *lang)
{
	const char *and = lang && !strcmp(lang, "sv") ? " och " :
			  lang && !strcmp(lang, "en") ? " and " :
							" ja ";
	struct strbuf b = STRBUF_INIT;
	const char **uniq = xcalloc(n + 1, sizeof(*uniq));
	size_t i, j, k = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < k && strcmp(uniq[j], names[i]); j++)
			;
		if (j == k)
			uniq[k++] = names[i];
	}
	for (i = 0; i < k; i++) {
		if (i)
			strbuf_adds(&b, i + 1 == k ? and : ", ");
		strbuf_adds(&b, uniq[i]);
	}
	free(uniq);
	return strbuf_detach(&b);
}

/* --- what the send makes of the document ----------------------------------- */

bool crdoc_key_ok(const char *k)
{
	size_t n = k ? strlen(k) : 0;

	return n >= 16 && n <= 64 &&
	       strspn(k, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

void crdoc_body_hash(const json_t *body, char out[CRDOC_HASH_HEX])
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	uint8_t h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)(text ? text : ""), text ? strlen(text) : 0);
	sodium_bin2hex(out, CRDOC_HASH_HEX, h, sizeof(h));
	if (text)
		sodium_memzero(text, strlen(text));
	free(text);
}

char *crdoc_client_json(const json_t *d)
{
	json_t *o = json_pack("{s:O, s:O, s:O, s:O}", "first_name",
			      json_object_get(d, "first_name"), "phone",
			      json_object_get(d, "phone"), "email", json_object_get(d, "email"),
			      "note", json_object_get(d, "note"));
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return text;
}

bool crdoc_client_too_long(const json_t *d)
{
	char *text = crdoc_client_json(d);
	bool over = !text || strlen(text) > SEAL_MAX_PLAIN;

	seal_wipe_free(text);
	return over;
}

char *crdoc_client_lines(const json_t *d)
{
	static const char *const keys[] = { "first_name", "phone", "email", "note" };
	struct strbuf b = STRBUF_INIT;

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		const char *v = json_string_value(json_object_get(d, keys[k]));

		if (v && *v)
			strbuf_addf(&b, "%s%s", b.len ? "\n" : "", v);
	}
	return strbuf_detach(&b);
}
