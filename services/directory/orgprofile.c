/*
 * orgprofile.c - see orgprofile.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "doccall.h"
#include "docfields.h"
#include "history.h"
#include "orgprofile.h"
#include "regdoc.h"
#include "reply.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

/* The organisation document of 'o'.  An imported organisation has no
 * municipalities of its own yet: its seat stands in, so that saving the
 * document as read passes the rule "1..400 municipalities". */
#define ORG_JSON                                                                                 \
	"json_build_object('id', o.id, 'name', o.name, 'frame', o.frame, 'parent_id', "          \
	"o.parent_id, 'business_id', o.business_id, 'description', o.description, 'website', "   \
	"o.website, 'email', o.email, 'phone', o.phone, 'seat_municipality', "                   \
	"o.seat_municipality, 'municipalities', coalesce((SELECT json_agg(om.municipality_code " \
	"ORDER BY om.municipality_code) FROM organization_municipalities om "                    \
	"WHERE om.organization_id = o.id), CASE WHEN o.seat_municipality IS NULL THEN "          \
	"'[]'::json ELSE json_build_array(o.seat_municipality) END), 'contacts', "               \
	"coalesce((SELECT json_agg(json_build_object('name', c.name, 'role', c.role, 'email', "  \
	"c.email, 'phone', c.phone) ORDER BY c.position, c.created_at, c.id) FROM contacts c "   \
	"WHERE c.organization_id = o.id), '[]'::json), 'status', o.status, 'version', "          \
	"o.version, 'created_at', o.created_at, 'updated_at', o.updated_at)::text, o.version"

/* The writable members of the document. */
static const char *const writable[] = { "name",           "frame",       "parent_id",
					"business_id",    "description", "website",
					"email",          "phone",       "seat_municipality",
					"municipalities", "contacts" };

/* The document of 'id' (locked with FOR UPDATE when 'lock'): text and
 * version in columns 0 and 1; NULL with reply filled. */
static PGresult *doc_read(struct worker *w, const char *id, bool lock, Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };
	PGresult *res = wdb_exec(w,
				 lock ? "SELECT " ORG_JSON
					" FROM organizations o "
					"WHERE o.id = $1::uuid FOR UPDATE" :
					"SELECT " ORG_JSON
					" FROM organizations o "
					"WHERE o.id = $1::uuid",
				 1, params, PGRES_TUPLES_OK, reply);

	if (res && PQntuples(res) != 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such organisation");
		PQclear(res);
		res = NULL;
	}
	return res;
}

void orgprofile_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply) ||
	    history_target_check(w, req->principal, "organization", c.call->id, NULL, reply))
		goto out;
	res = doc_read(w, c.call->id, false, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0),
			      strtoll(PQgetvalue(res, 0, 1), NULL, 10), NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}

/* The checked writable members of the body into a new object; errors
 * noted into e.  NULL only with reply filled (a database error). */
static json_t *doc_check(struct worker *w, const char *id, const json_t *body, struct docerr *e,
			 Tarjotin__Envelope *reply)
{
	json_t *out = json_object();

	regdoc_org(e, body, out);
	docfields_email(e, body, out, "email", NULL, false);
	docfields_phone(e, body, out, "phone", NULL, false);
	docfields_contacts(e, body, out, "contacts");
	if (regdoc_check_db(w, e, out, id, reply)) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* The writable members of the stored document 'text'; new reference. */
static json_t *doc_writable(const char *text)
{
	json_t *all = json_loads(text, 0, NULL), *w = json_object();

	for (size_t i = 0; i < sizeof(writable) / sizeof(writable[0]); i++) {
		json_t *v = json_object_get(all, writable[i]);

		json_object_set(w, writable[i], v ? v : json_null());
	}
	json_decref(all);
	return w;
}

/* Writes the checked document 'd' of 'id' and moves its version on: the
 * row, then its municipalities and contact people replaced. */
static int doc_write(struct worker *w, const char *id, const json_t *d, Tarjotin__Envelope *reply)
{
	char *munis = json_dumps(json_object_get(d, "municipalities"), JSON_COMPACT);
	char *contacts = json_dumps(json_object_get(d, "contacts"), JSON_COMPACT);
	const char *row[10], *m[2] = { id, munis }, *c[2] = { id, contacts };
	const struct {
		const char *sql;
		int n;
		const char *const *p;
	} steps[] = {
		{ "UPDATE organizations SET name = $2, frame = $3::organization_frame, "
		  "parent_id = $4::uuid, business_id = $5, description = $6, website = $7, "
		  "email = $8, phone = $9, seat_municipality = $10, version = version + 1 "
		  "WHERE id = $1::uuid",
		  10, row },
		{ "DELETE FROM organization_municipalities WHERE organization_id = $1::uuid", 1,
		  m },
		{ "INSERT INTO organization_municipalities (organization_id, municipality_code) "
		  "SELECT $1::uuid, json_array_elements_text($2::json)",
		  2, m },
		{ "DELETE FROM contacts WHERE organization_id = $1::uuid", 1, c },
		{ "INSERT INTO contacts (organization_id, name, role, email, phone, position) "
		  "SELECT $1::uuid, x.c->>'name', coalesce(x.c->>'role', ''), x.c->>'email', "
		  "x.c->>'phone', x.n - 1 FROM json_array_elements($2::json) WITH ORDINALITY "
		  "AS x(c, n)",
		  2, c },
	};
	int rc = 0;

	row[0] = id;
	for (int i = 0; i < 9; i++)
		row[i + 1] = json_string_value(json_object_get(d, writable[i]));
	for (size_t i = 0; rc == 0 && i < sizeof(steps) / sizeof(steps[0]); i++) {
		PGresult *res = wdb_exec(w, steps[i].sql, steps[i].n, steps[i].p, PGRES_COMMAND_OK,
					 reply);

		rc = res ? 0 : -1;
		PQclear(res);
	}
	free(munis);
	free(contacts);
	return rc;
}

/* The history rows (version 'version') and the audit row (detail
 * {"fields":[the changed members]}) of a save from 'old' to 'new'. */
static int record(struct worker *w, const Tarjotin__Envelope *req, const char *id, int version,
		  json_t *old, json_t *new, Tarjotin__Envelope *reply)
{
	json_t *fields = NULL, *detail = NULL;
	char err[256], *text = NULL;
	int rc = -1;

	if (history_write(w, req->principal, "organization", id, version, old, new, &fields,
			  reply) < 0)
		goto out;
	detail = json_pack("{sO}", "fields", fields);
	text = json_dumps(detail, JSON_COMPACT);
	rc = audit_write(w->db, req->principal, "organization.update", "organization", id, text,
			 err, sizeof(err));
	if (rc)
		wdb_failed(w, NULL, err, reply);
out:
	free(text);
	json_decref(detail);
	json_decref(fields);
	return rc;
}

void orgprofile_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct docerr e;
	json_t *old = NULL, *new = NULL;
	PGresult *res = NULL;
	long long version;

	docerr_init(&e);
	if (doccall_open(req, &c, reply) ||
	    history_target_check(w, req->principal, "organization", c.call->id, NULL, reply))
		goto out;
	if (c.call->if_match == 0) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "precondition_required",
			       "If-Match", "a save needs If-Match with the document's version");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	res = doc_read(w, c.call->id, true, reply);
	if (!res)
		goto fail;
	version = strtoll(PQgetvalue(res, 0, 1), NULL, 10);
	if (c.call->if_match != version) {
		doccall_conflict(reply, PQgetvalue(res, 0, 0), version);
		goto fail;
	}
	new = doc_check(w, c.call->id, c.body, &e, reply);
	if (!new)
		goto fail;
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	old = doc_writable(PQgetvalue(res, 0, 0));
	if (!json_equal(old, new)) {
		PQclear(res);
		res = NULL;
		if (doc_write(w, c.call->id, new, reply) ||
		    record(w, req, c.call->id, (int)version + 1, old, new, reply))
			goto fail;
		res = doc_read(w, c.call->id, false, reply);
		if (!res)
			goto fail;
	}
	doccall_reply(reply, PQgetvalue(res, 0, 0), strtoll(PQgetvalue(res, 0, 1), NULL, 10), NULL,
		      0);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	json_decref(old);
	json_decref(new);
	PQclear(res);
	docerr_release(&e);
	doccall_close(&c);
}
