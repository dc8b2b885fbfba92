/*
 * actdoc.c - see actdoc.h.
 */
#include <stdio.h>
#include <string.h>

#include "actdoc.h"
#include "docfields.h"
#include "banned.h"

#define ACT_NAME_MIN 2
#define ACT_NAME_MAX 200
#define TERMS_MAX 10
#define TARGET_GROUPS_MAX 6
#define MUNICIPALITIES_MAX 400
#define LANGUAGES_MAX 10
#define LOCATIONS_MAX 10

/* The texts of the document: key, most characters, multi-line. */
static const struct {
	const char *key;
	long max;
	int flags;
} texts[] = {
	{ "summary", 500, DOCF_MULTILINE },        { "description", 5000, DOCF_MULTILINE },
	{ "for_whom", 2000, DOCF_MULTILINE },      { "how_to_join", 2000, DOCF_MULTILINE },
	{ "accessibility", 2000, DOCF_MULTILINE }, { "cost", 500, DOCF_MULTILINE },
	{ "schedule", 1000, DOCF_MULTILINE },
};

/* Every writable member, in the document's order. */
static const char *const writable[] = {
	"name",
	"summary",
	"description",
	"for_whom",
	"how_to_join",
	"accessibility",
	"cost",
	"schedule",
	"url",
	"needs",
	"kinds",
	"target_groups",
	"area",
	"languages",
	"takes_new",
	"accepts_contact_requests",
	"contact_request_email",
	"response_days",
	"contacts",
	"locations",
};

static bool is_county(const char *s)
{
	return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z';
}

/* The area: null, or one of the four shapes. */
static void check_area(const json_t *body, json_t *out, struct docerr *e)
{
	json_t *area = json_object_get(body, "area"), *t, *canon;
	const char *type;

	if (!area || json_is_null(area)) {
		json_object_set_new(out, "area", json_null());
		return;
	}
	t = json_object_get(area, "type");
	if (!json_is_object(area) || (t && !json_is_string(t) && !json_is_null(t))) {
		docerr_add(e, "area.type", "invalid", "area must be an object with a type");
		return;
	}
	type = json_string_value(t);
	if (!type) {
		docerr_add(e, "area.type", "required", "area.type is required");
		return;
	}
	canon = json_pack("{s:s}", "type", type);
	if (!strcmp(type, "municipalities")) {
		if (docfields_codes(e, area, canon, "municipalities", "area.municipalities", 1,
				    MUNICIPALITIES_MAX, docfields_is_municipality, 0))
			goto bad;
	} else if (!strcmp(type, "county")) {
		json_t *c = json_object_get(area, "county");

		if (!c || json_is_null(c) || (json_is_string(c) && !*json_string_value(c))) {
			docerr_add(e, "area.county", "required", "area.county is required");
			goto bad;
		}
		if (!json_is_string(c) || !is_county(json_string_value(c))) {
			docerr_add(e, "area.county", "unknown", "unknown county");
			goto bad;
		}
		json_object_set(canon, "county", c);
	} else if (strcmp(type, "nationwide") && strcmp(type, "online")) {
		docerr_add(e, "area.type", "invalid",
			   "area.type must be municipalities, county, nationwide or online");
		goto bad;
	}
	json_object_set_new(out, "area", canon);
	return;
bad:
	json_decref(canon);
}

/* The meeting places. */
static void check_locations(const json_t *body, json_t *out, struct docerr *e)
{
	json_t *v = json_object_get(body, "locations"), *item, *list, *l, *pc, *m;
	char f[64];
	size_t i;

	if (v && !json_is_null(v) && !json_is_array(v)) {
		docerr_add(e, "locations", "invalid", "locations must be a list");
		return;
	}
	if (json_array_size(v) > LOCATIONS_MAX) {
		docerr_add(e, "locations", "too_many", "locations holds more than %d places",
			   LOCATIONS_MAX);
		return;
	}
	list = json_array();
	json_array_foreach(v, i, item) {
		snprintf(f, sizeof(f), "locations.%zu.name", i);
		if (!json_is_object(item)) {
			docerr_add(e, f, "invalid", "locations.%zu must be an object", i);
			continue;
		}
		l = json_object();
		docfields_text(e, item, l, "name", f, 1, 200, DOCF_LEN_INVALID);
		snprintf(f, sizeof(f), "locations.%zu.street_address", i);
		docfields_text(e, item, l, "street_address", f, 0, 200, DOCF_LEN_INVALID);
		snprintf(f, sizeof(f), "locations.%zu.postal_code", i);
		if (!docfields_text(e, item, l, "postal_code", f, 0, 5, DOCF_LEN_INVALID)) {
			pc = json_object_get(l, "postal_code");
			if (*json_string_value(pc) &&
			    (strlen(json_string_value(pc)) != 5 ||
			     strspn(json_string_value(pc), "0123456789") != 5))
				docerr_add(e, f, "invalid", "%s must be 5 digits", f);
		}
		snprintf(f, sizeof(f), "locations.%zu.municipality", i);
		if (!docfields_text(e, item, l, "municipality", f, 0, 3,
				    DOCF_NULLABLE | DOCF_LEN_INVALID)) {
			m = json_object_get(l, "municipality");
			if (json_is_string(m) && !docfields_is_municipality(json_string_value(m)))
				docerr_add(e, f, "invalid", "%s must be a municipality code", f);
		}
		snprintf(f, sizeof(f), "locations.%zu.accessibility", i);
		docfields_text(e, item, l, "accessibility", f, 0, 2000,
			       DOCF_MULTILINE | DOCF_LEN_INVALID);
		json_array_append_new(list, l);
	}
	json_object_set_new(out, "locations", list);
}

json_t *actdoc_validate(const json_t *body, bool create, bool published, struct docerr *e)
{
	json_t *out = json_object(), *st;
	bool accepts;

	docfields_text(e, body, out, "name", NULL, ACT_NAME_MIN, ACT_NAME_MAX, 0);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		docfields_text(e, body, out, texts[i].key, NULL, 0, texts[i].max, texts[i].flags);
	docfields_url(e, body, out, "url", NULL);
	docfields_codes(e, body, out, "needs", NULL, 0, TERMS_MAX, docfields_is_term_id, 0);
	docfields_codes(e, body, out, "kinds", NULL, 0, TERMS_MAX, docfields_is_term_id, 0);
	docfields_codes(e, body, out, "target_groups", NULL, 0, TARGET_GROUPS_MAX,
			docfields_is_term_id, 0);
	check_area(body, out, e);
	docfields_codes(e, body, out, "languages", NULL, 0, LANGUAGES_MAX, docfields_is_language,
			0);
	docfields_bool(e, body, out, "takes_new", NULL, false);
	docfields_bool(e, body, out, "accepts_contact_requests", NULL, false);
	accepts = json_is_true(json_object_get(out, "accepts_contact_requests"));
	docfields_email(e, body, out, "contact_request_email", NULL, accepts);
	docfields_int(e, body, out, "response_days", NULL, 1, 30, accepts);
	docfields_contacts(e, body, out, "contacts");
	check_locations(body, out, e);
	if (create) {
		st = json_object_get(body, "status");
		if (!st || json_is_null(st)) {
			json_object_set_new(out, "status", json_string("draft"));
		} else if (json_is_string(st) && (!strcmp(json_string_value(st), "draft") ||
						  !strcmp(json_string_value(st), "published"))) {
			json_object_set(out, "status", st);
			published |= !strcmp(json_string_value(st), "published");
		} else {
			docerr_add(e, "status", "invalid", "status must be draft or published");
		}
	}
	if (published)
		actdoc_publishable(out, e);
	return out;
}

/* Whether member 'key' of doc is an empty text or list (or missing). */
static bool blank(const json_t *doc, const char *key)
{
	json_t *v = json_object_get(doc, key);

	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0);
}

void actdoc_publishable(const json_t *doc, struct docerr *e)
{
	static const char *const needed[] = { "summary", "how_to_join", "needs",
					      "kinds",   "area",        "languages" };

	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		if (blank(doc, needed[i]))
			docerr_add(e, needed[i], "required_to_publish",
				   "%s is required to publish the activity", needed[i]);
}

int actdoc_check_db(struct worker *w, const json_t *doc, struct docerr *e,
		    Tarjotin__Envelope *reply)
{
	json_t *area = json_object_get(doc, "area"), *l;
	char f[64];
	size_t i;

	if (docfields_check_terms(w, e, json_object_get(doc, "needs"), "need", "needs", reply) ||
	    docfields_check_terms(w, e, json_object_get(doc, "kinds"), "kind", "kinds", reply) ||
	    docfields_check_terms(w, e, json_object_get(doc, "target_groups"), "target_group",
				  "target_groups", reply) ||
	    docfields_check_municipalities(w, e, json_object_get(area, "municipalities"),
					   "area.municipalities", reply) ||
	    docfields_check_county(w, e, json_object_get(area, "county"), "area.county", reply))
		return -1;
	json_array_foreach(json_object_get(doc, "locations"), i, l) {
		snprintf(f, sizeof(f), "locations.%zu.municipality", i);
		if (docfields_check_municipalities(w, e, json_object_get(l, "municipality"), f,
						   reply))
			return -1;
	}
	return 0;
}

json_t *actdoc_writable(const json_t *doc, bool with_status)
{
	json_t *out = json_object(), *v;

	for (size_t i = 0; i < sizeof(writable) / sizeof(writable[0]); i++) {
		v = json_object_get(doc, writable[i]);
		json_object_set(out, writable[i], v ? v : json_null());
	}
	if (with_status && (v = json_object_get(doc, "status")))
		json_object_set(out, "status", v);
	return out;
}
