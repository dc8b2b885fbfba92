/*
 * regdoc.c - see regdoc.h.
 */
#include <string.h>

#include "docfields.h"
#include "regdoc.h"
#include "utf8.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

static const char *const frames[] = { "federation", "district", "association", "branch",
				      "club",       "group",    "other" };

bool regdoc_business_id_form(const char *s)
{
	if (strlen(s) != 9 || s[7] != '-')
		return false;
	for (int i = 0; i < 9; i++)
		if (i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

bool regdoc_business_id_check(const char *s)
{
	static const int weight[7] = { 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0, r, c;

	if (!regdoc_business_id_form(s))
		return false;
	for (int i = 0; i < 7; i++)
		sum += (s[i] - '0') * weight[i];
	r = sum % 11;
	c = s[8] - '0';
	if (r == 1)
		return false;
	return r == 0 ? c == 0 : c == 11 - r;
}

/* A member that counts as not given: absent, null or "". */
static bool absent(const json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && json_string_length(v) == 0);
}

static void frame_check(struct docerr *e, const json_t *in, json_t *out)
{
	const json_t *v = json_object_get(in, "frame");
	const char *s = json_string_value(v);

	if (absent(v)) {
		docerr_add(e, "frame", "required", "frame is required");
		return;
	}
	for (size_t i = 0; s && i < sizeof(frames) / sizeof(frames[0]); i++)
		if (!strcmp(s, frames[i])) {
			json_object_set_new(out, "frame", json_string(s));
			return;
		}
	docerr_add(e, "frame", "invalid",
		   "frame must be federation, district, association, branch, club, group or other");
}

static void parent_check(struct docerr *e, const json_t *in, json_t *out)
{
	const json_t *v = json_object_get(in, "parent_id");

	if (absent(v)) {
		json_object_set_new(out, "parent_id", json_null());
		return;
	}
	if (!json_is_string(v) || !uuid_valid(json_string_value(v))) {
		docerr_add(e, "parent_id", "invalid", "parent_id must be an organisation id");
		return;
	}
	json_object_set_new(out, "parent_id", json_string(json_string_value(v)));
}

static void business_id_check(struct docerr *e, const json_t *in, json_t *out)
{
	const json_t *v = json_object_get(in, "business_id");
	const char *s = json_string_value(v);

	if (absent(v)) {
		json_object_set_new(out, "business_id", json_null());
		return;
	}
	if (!s || !regdoc_business_id_form(s))
		docerr_add(e, "business_id", "invalid", "business_id must be a Y-tunnus NNNNNNN-C");
	else if (!regdoc_business_id_check(s))
		docerr_add(e, "business_id", "checksum", "the check digit of '%s' is wrong", s);
	else
		json_object_set_new(out, "business_id", json_string(s));
}

static void seat_check(struct docerr *e, const json_t *in, json_t *out)
{
	const json_t *v = json_object_get(in, "seat_municipality");
	const char *s = json_string_value(v);

	if (absent(v))
		docerr_add(e, "seat_municipality", "required", "seat_municipality is required");
	else if (!s || !docfields_is_municipality(s))
		docerr_add(e, "seat_municipality", "unknown",
			   "seat_municipality must be a "
			   "municipality code");
	else
		json_object_set_new(out, "seat_municipality", json_string(s));
}

void regdoc_org(struct docerr *e, const json_t *in, json_t *out)
{
	docfields_text(e, in, out, "name", NULL, 2, 200, 0);
	frame_check(e, in, out);
	parent_check(e, in, out);
	business_id_check(e, in, out);
	seat_check(e, in, out);
	docfields_codes(e, in, out, "municipalities", NULL, 1, 400, docfields_is_municipality, 0);
	docfields_text(e, in, out, "description", NULL, 0, 5000, DOCF_MULTILINE);
	docfields_url(e, in, out, "website", NULL);
}

static void contact_check(struct docerr *e, const json_t *in, json_t *out)
{
	json_t *empty = json_object(), *c = json_object();
	const json_t *v = json_object_get(in, "contact");

	const char *name;

	if (!json_is_object(v))
		v = empty;
	/* The contract gives contact.name the codes required and invalid
	 * only: a name too long is invalid (noted first, it wins). */
	name = json_string_value(json_object_get(v, "name"));
	if (name && utf8_chars(name, false) > 200)
		docerr_add(e, "contact.name", "invalid", "contact.name must be 1..200 characters");
	docfields_text(e, v, c, "name", "contact.name", 1, 200, 0);
	docfields_email(e, v, c, "email", "contact.email", true);
	docfields_phone(e, v, c, "phone", "contact.phone", false);
	json_object_set_new(out, "contact", c);
	json_decref(empty);
}

void regdoc_registration(struct docerr *e, const json_t *in, json_t *out)
{
	const json_t *v;

	regdoc_org(e, in, out);
	contact_check(e, in, out);
	docfields_codes(e, in, out, "maintainers", NULL, 1, 10, docfields_is_email, DOCF_LOWER);
	if (!json_is_true(json_object_get(in, "terms_accepted")))
		docerr_add(e, "terms_accepted", "required", "the terms of use must be accepted");
	v = json_object_get(in, "lang");
	if (absent(v))
		json_object_set_new(out, "lang", json_string("fi"));
	else if (json_is_string(v) &&
		 (!strcmp(json_string_value(v), "fi") || !strcmp(json_string_value(v), "sv") ||
		  !strcmp(json_string_value(v), "en")))
		json_object_set_new(out, "lang", json_string(json_string_value(v)));
	else
		docerr_add(e, "lang", "invalid", "lang must be fi, sv or en");
}

int regdoc_check_db(struct worker *w, struct docerr *e, const json_t *out, const char *self,
		    Tarjotin__Envelope *reply)
{
	const char *parent = json_string_value(json_object_get(out, "parent_id"));
	const char *params[2] = { parent, self };
	PGresult *res;

	if (docfields_check_municipalities(w, e, json_object_get(out, "seat_municipality"),
					   "seat_municipality", reply) ||
	    docfields_check_municipalities(w, e, json_object_get(out, "municipalities"),
					   "municipalities", reply))
		return -1;
	if (!parent)
		return 0;
	/* Is the parent approved, and is 'self' neither it nor one of its
	 * ancestors (a cycle)? */
	res = wdb_exec(
		w,
		"WITH RECURSIVE up(id, parent_id, depth) AS ("
		"SELECT id, parent_id, 0 FROM organizations WHERE id = $1::uuid "
		"UNION ALL SELECT o.id, o.parent_id, up.depth + 1 FROM organizations o "
		"JOIN up ON o.id = up.parent_id WHERE up.depth < 100) "
		"SELECT (SELECT status = 'approved' FROM organizations WHERE id = $1::uuid), "
		"$2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM up WHERE id = $2::uuid)",
		2, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQgetisnull(res, 0, 0) || strcmp(PQgetvalue(res, 0, 0), "t"))
		docerr_add(e, "parent_id", "unknown", "no approved organisation '%s'", parent);
	else if (!strcmp(PQgetvalue(res, 0, 1), "t"))
		docerr_add(e, "parent_id", "invalid", "an organisation cannot be below itself");
	PQclear(res);
	return 0;
}
