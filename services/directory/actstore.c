/*
 * actstore.c - see actstore.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "actstore.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

/* The review period when the settings hold none (directory.h). */
#define MONTHS_DEFAULT 6

/* The rows of one join table follow the document's list 'path': rows that
 * left it are deleted, new ones inserted, the others stay untouched (so
 * that an unchanged list changes nothing, not even updated_at). */
#define JOIN_SQL(table, column, path)                                      \
	"DELETE FROM " #table " WHERE activity_id = $1::uuid AND " #column \
	" NOT IN (SELECT jsonb_array_elements_text($2::jsonb " path "))",  \
		"INSERT INTO " #table " (activity_id, " #column            \
		") SELECT $1::uuid, v "                                    \
		"FROM jsonb_array_elements_text($2::jsonb " path ") AS v ON CONFLICT DO NOTHING"

/* The meeting places of the document, and an equal location of the
 * activity's organisation. */
#define LOC_ROWS                                                                       \
	"jsonb_to_recordset($2::jsonb -> 'locations') AS x(name text, street_address " \
	"text, postal_code text, municipality text, accessibility text)"
#define LOC_MATCH                                                                            \
	"l.organization_id = a.organization_id AND l.name = x.name AND l.street_address = "  \
	"x.street_address AND l.postal_code IS NOT DISTINCT FROM nullif(x.postal_code, '') " \
	"AND l.municipality_code IS NOT DISTINCT FROM x.municipality "                       \
	"AND l.accessibility = x.accessibility"
#define LOC_KEEP                                                                   \
	"SELECT (SELECT l.id FROM locations l WHERE " LOC_MATCH                    \
	" ORDER BY l.created_at, l.id LIMIT 1) AS id FROM activities a, " LOC_ROWS \
	" WHERE a.id = $1::uuid"

/* $1 the activity, $2 the document. */
static const char *const write_sql[] = {
	"UPDATE activities a SET name = d ->> 'name', summary = d ->> 'summary', "
	"description = d ->> 'description', for_whom = d ->> 'for_whom', "
	"how_to_join = d ->> 'how_to_join', accessibility = d ->> 'accessibility', "
	"cost = d ->> 'cost', schedule = d ->> 'schedule', url = d ->> 'url', "
	"area_type = coalesce(d -> 'area' ->> 'type', 'municipalities')::area_type, "
	"area_county = d -> 'area' ->> 'county', takes_new = (d ->> 'takes_new')::boolean, "
	"accepts_contact_requests = (d ->> 'accepts_contact_requests')::boolean, "
	"contact_request_email = d ->> 'contact_request_email', "
	"response_days = (d ->> 'response_days')::smallint "
	"FROM (SELECT $2::jsonb AS d) AS x WHERE a.id = $1::uuid",
	JOIN_SQL(activity_needs, term_id, "-> 'needs'"),
	JOIN_SQL(activity_kinds, term_id, "-> 'kinds'"),
	JOIN_SQL(activity_target_groups, term_id, "-> 'target_groups'"),
	JOIN_SQL(activity_municipalities, municipality_code, "-> 'area' -> 'municipalities'"),
	JOIN_SQL(activity_languages, language, "-> 'languages'"),
	"WITH gone AS (DELETE FROM contacts WHERE activity_id = $1::uuid) "
	"INSERT INTO contacts (activity_id, name, role, email, phone, position) "
	"SELECT $1::uuid, c ->> 'name', c ->> 'role', c ->> 'email', c ->> 'phone', n - 1 "
	"FROM jsonb_array_elements($2::jsonb -> 'contacts') WITH ORDINALITY AS x(c, n)",
	/* New places first, so that every place of the document has a row. */
	"INSERT INTO locations (organization_id, name, street_address, postal_code, "
	"municipality_code, accessibility) SELECT DISTINCT a.organization_id, x.name, "
	"x.street_address, nullif(x.postal_code, ''), x.municipality, x.accessibility "
	"FROM activities a, " LOC_ROWS
	" WHERE a.id = $1::uuid AND NOT EXISTS "
	"(SELECT 1 FROM locations l WHERE " LOC_MATCH ")",
	/* Links that left the document go, and with them the places no other
	 * activity links (this statement does not yet see its own deletes). */
	"WITH keep AS (" LOC_KEEP
	"), gone AS (DELETE FROM activity_locations al "
	"WHERE al.activity_id = $1::uuid AND al.location_id NOT IN (SELECT id FROM keep) "
	"RETURNING al.location_id) DELETE FROM locations l USING gone "
	"WHERE l.id = gone.location_id AND NOT EXISTS (SELECT 1 FROM activity_locations o "
	"WHERE o.location_id = l.id AND o.activity_id <> $1::uuid)",
	"INSERT INTO activity_locations (activity_id, location_id) SELECT DISTINCT $1::uuid, "
	"k.id FROM (" LOC_KEEP ") AS k ON CONFLICT DO NOTHING",
};

int actstore_months(const struct worker *w)
{
	return w->dir->review.months > 0 ? w->dir->review.months : MONTHS_DEFAULT;
}

int actstore_load(struct worker *w, const char *id, bool lock, json_t **doc,
		  Tarjotin__Envelope *reply)
{
	char months[16];
	const char *params[2] = { id, months };
	PGresult *res = NULL;
	json_error_t jerr;
	int rc = -1;

	*doc = NULL;
	snprintf(months, sizeof(months), "%d", actstore_months(w));
	if (lock) {
		res = wdb_exec(w, "SELECT 1 FROM activities WHERE id = $1::uuid FOR UPDATE", 1,
			       params, PGRES_TUPLES_OK, reply);
		if (!res)
			goto out;
		PQclear(res);
	}
	res = wdb_exec(w, "SELECT activity_edit_doc($1::uuid, $2::int)::text", 2, params,
		       PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	if (PQgetisnull(res, 0, 0)) {
		rc = 0;
		goto out;
	}
	*doc = json_loads(PQgetvalue(res, 0, 0), 0, &jerr);
	if (!*doc) {
		wdb_failed(w, NULL, "activity document", reply);
		goto out;
	}
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int actstore_create(struct worker *w, const char *org, const json_t *doc, char *id,
		    Tarjotin__Envelope *reply)
{
	const char *params[3];
	PGresult *res;

	params[0] = org;
	params[1] = json_string_value(json_object_get(doc, "name"));
	params[2] = json_string_value(json_object_get(doc, "status"));
	res = wdb_exec(w,
		       "INSERT INTO activities (organization_id, name, status) "
		       "VALUES ($1::uuid, $2, coalesce($3, 'draft')::activity_status) "
		       "RETURNING id::text",
		       3, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	snprintf(id, UUID_STR_SIZE, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return actstore_write(w, id, doc, reply);
}

int actstore_write(struct worker *w, const char *id, const json_t *doc, Tarjotin__Envelope *reply)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	const char *params[2] = { id, text };
	PGresult *res;
	int rc = 0;

	for (size_t i = 0; i < sizeof(write_sql) / sizeof(write_sql[0]) && rc == 0; i++) {
		res = wdb_exec(w, write_sql[i], 2, params, PGRES_COMMAND_OK, reply);
		rc = res ? 0 : -1;
		PQclear(res);
	}
	free(text);
	return rc;
}

int actstore_stamp(struct worker *w, const char *id, int bump, const char *status,
		   const char *now_iso, const char *account, Tarjotin__Envelope *reply)
{
	char b[4];
	const char *params[5] = { id, b, status, now_iso, account };
	PGresult *res;
	int rc;

	snprintf(b, sizeof(b), "%d", bump ? 1 : 0);
	params[4] = uuid_valid(account) ? account : NULL;
	res = wdb_exec(
		w,
		"UPDATE activities SET version = version + $2::int, "
		"status = coalesce($3::activity_status, status), "
		"published_at = CASE WHEN coalesce($3::activity_status, status) = 'published' "
		"THEN coalesce(published_at, now()) ELSE published_at END, "
		"assured_date = CASE WHEN coalesce($3::activity_status, status) = 'published' "
		"THEN ($4::timestamptz AT TIME ZONE 'Europe/Helsinki')::date ELSE assured_date END, "
		"assurer = CASE WHEN coalesce($3::activity_status, status) = 'published' "
		"THEN (SELECT email FROM accounts WHERE id = $5::uuid) ELSE assurer END, "
		"freshness = CASE WHEN coalesce($3::activity_status, status) = 'published' "
		"THEN 'current'::activity_freshness ELSE freshness END WHERE id = $1::uuid",
		5, params, PGRES_COMMAND_OK, reply);
	rc = res ? 0 : -1;
	PQclear(res);
	return rc;
}
