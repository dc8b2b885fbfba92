/*
 * session_info.c - see session_info.h.
 */
#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "session_info.h"
#include "xalloc.h"
#include "banned.h"

Tarjotin__Role session_info_role(const char *name)
{
	if (!strcmp(name, "professional"))
		return TARJOTIN__ROLE__ROLE_PROFESSIONAL;
	if (!strcmp(name, "editor"))
		return TARJOTIN__ROLE__ROLE_EDITOR;
	if (!strcmp(name, "admin"))
		return TARJOTIN__ROLE__ROLE_ADMIN;
	if (!strcmp(name, "funder"))
		return TARJOTIN__ROLE__ROLE_FUNDER;
	return TARJOTIN__ROLE__ROLE_ANONYMOUS;
}

/* Splits the comma-separated ids in si->orgs_text into si->orgs. */
static void split_orgs(struct session_info *si)
{
	size_t n = 0;
	char *p = si->orgs_text;

	if (!*p)
		return;
	for (const char *c = p; *c; c++)
		n += *c == ',';
	si->orgs = xcalloc(n + 1, sizeof(*si->orgs));
	n = 0;
	for (;;) {
		char *comma = strchr(p, ',');

		si->orgs[n++] = p;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	si->principal.organization_ids = si->orgs;
	si->principal.n_organization_ids = n;
}

int session_info_load(PGconn *db, const char *account_id, struct session_info *si, char *err,
		      size_t errlen)
{
	const char *params[1] = { account_id };

	memset(si, 0, sizeof(*si));
	tarjotin__session_info__init(&si->info);
	tarjotin__principal__init(&si->principal);
	si->res = PQexecParams(
		db,
		"SELECT a.id::text, a.role::text, coalesce(a.user_site_id::text, ''), "
		"a.disabled_at IS NOT NULL, "
		"coalesce((SELECT string_agg(organization_id::text, ',' ORDER BY organization_id) "
		"FROM account_organizations WHERE account_id = a.id), ''), "
		"json_build_object('id', a.id, 'email', a.email, 'name', a.name, 'role', a.role, "
		"'lang', a.lang, 'user_site', CASE WHEN s.id IS NULL THEN NULL ELSE "
		"json_build_object('id', s.id, 'name', s.name) END, "
		"'organizations', coalesce((SELECT json_agg(json_build_object('id', o.id, "
		"'name', o.name) ORDER BY o.name, o.id) FROM account_organizations ao "
		"JOIN organizations o ON o.id = ao.organization_id WHERE ao.account_id = a.id), "
		"'[]'::json))::text "
		"FROM accounts a LEFT JOIN user_sites s ON s.id = a.user_site_id "
		"WHERE a.id = $1::uuid",
		1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(si->res) != PGRES_TUPLES_OK) {
		pg_error(db, si->res, err, errlen);
		return -1;
	}
	if (PQntuples(si->res) != 1)
		return 1;
	si->principal.account_id = PQgetvalue(si->res, 0, 0);
	si->principal.role = session_info_role(PQgetvalue(si->res, 0, 1));
	si->principal.user_site_id = PQgetvalue(si->res, 0, 2);
	si->disabled = !strcmp(PQgetvalue(si->res, 0, 3), "t");
	si->orgs_text = xstrdup(PQgetvalue(si->res, 0, 4));
	split_orgs(si);
	si->info.principal = &si->principal;
	si->info.account_json.data = (uint8_t *)PQgetvalue(si->res, 0, 5);
	si->info.account_json.len = (size_t)PQgetlength(si->res, 0, 5);
	return 0;
}

void session_info_release(struct session_info *si)
{
	PQclear(si->res);
	free(si->orgs);
	free(si->orgs_text);
	memset(si, 0, sizeof(*si));
}
