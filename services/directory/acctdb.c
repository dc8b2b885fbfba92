/*
 * acctdb.c - see acctdb.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctdb.h"
#include "uuid.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

#define ORGS_MAX 50

char *acctdb_json(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };
	PGresult *res = wdb_exec(w,
				 "SELECT " ACCTDB_JSON_SQL
				 "::text "
				 "FROM accounts a LEFT JOIN user_sites s ON s.id = a.user_site_id "
				 "WHERE a.id = $1::uuid",
				 1, params, PGRES_TUPLES_OK, reply);
	char *json = NULL;

	if (!res)
		return NULL;
	if (PQntuples(res) == 1)
		json = xstrdup(PQgetvalue(res, 0, 0));
	else
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such account");
	PQclear(res);
	return json;
}

static int orgs_bad(Tarjotin__Envelope *reply, const char *why)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "organization_ids",
		       "%s", why);
	return -1;
}

int acctdb_orgs_check(struct worker *w, const json_t *ids, char **text, Tarjotin__Envelope *reply)
{
	const char *params[1];
	PGresult *res;
	size_t i;
	json_t *v;
	int rc = -1;

	*text = NULL;
	if (!json_is_array(ids) || json_array_size(ids) > ORGS_MAX)
		return orgs_bad(reply, "organization_ids must be an array of at most 50 ids");
	json_array_foreach(ids, i, v) {
		if (!json_is_string(v) || !uuid_valid(json_string_value(v)))
			return orgs_bad(reply, "organization_ids must hold organisation ids");
	}
	*text = json_dumps(ids, JSON_COMPACT);
	params[0] = *text;
	res = wdb_exec(
		w,
		"SELECT count(*) FILTER (WHERE o.id IS NULL) FROM "
		"(SELECT DISTINCT x::uuid AS x FROM jsonb_array_elements_text($1::jsonb) x) j "
		"LEFT JOIN organizations o ON o.id = j.x",
		1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	if (strcmp(PQgetvalue(res, 0, 0), "0"))
		orgs_bad(reply, "no such organisation");
	else
		rc = 0;
	PQclear(res);
out:
	if (rc) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

int acctdb_orgs_set(struct worker *w, const char *id, const char *ids, Tarjotin__Envelope *reply)
{
	const char *params[2] = { id, ids };
	PGresult *res = wdb_exec(
		w,
		"WITH want AS (SELECT DISTINCT x::uuid AS org FROM jsonb_array_elements_text($2::jsonb) x), "
		"d AS (DELETE FROM account_organizations WHERE account_id = $1::uuid "
		"AND organization_id NOT IN (SELECT org FROM want) RETURNING 1), "
		"i AS (INSERT INTO account_organizations (account_id, organization_id) "
		"SELECT $1::uuid, org FROM want ON CONFLICT DO NOTHING RETURNING 1) "
		"SELECT (SELECT count(*) FROM d) + (SELECT count(*) FROM i)",
		2, params, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	rc = strcmp(PQgetvalue(res, 0, 0), "0") ? 1 : 0;
	PQclear(res);
	return rc;
}

int acctdb_site_check(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	if (!id || !uuid_valid(id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid",
			       "user_site_id", "a professional needs a user site");
		return -1;
	}
	switch (wdb_exists(w, "SELECT 1 FROM user_sites WHERE id = $1::uuid", id, reply)) {
	case 1:
		return 0;
	case 0:
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid",
			       "user_site_id", "no such user site");
		return -1;
	default:
		return -1;
	}
}

int acctdb_create(struct worker *w, const char *email, const char *name, const char *role,
		  const char *site_id, const char *lang, char *id, char *role_out,
		  Tarjotin__Envelope *reply)
{
	const char *params[5] = { email, name ? name : "", role, site_id, lang ? lang : "fi" };
	PGresult *res =
		wdb_exec(w,
			 "WITH n AS (INSERT INTO accounts (email, name, role, user_site_id, "
			 "lang) VALUES ($1, $2, $3::account_role, $4::uuid, $5) "
			 "ON CONFLICT (email) DO NOTHING RETURNING id, role) "
			 "SELECT id::text, role::text, true FROM n UNION ALL "
			 "SELECT id::text, role::text, false FROM accounts WHERE email = $1 "
			 "LIMIT 1",
			 5, params, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		wdb_failed(w, NULL, "account create", reply);
		return -1;
	}
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	snprintf(role_out, 16, "%s", PQgetvalue(res, 0, 1));
	rc = strcmp(PQgetvalue(res, 0, 2), "t") ? 1 : 0;
	PQclear(res);
	return rc;
}
