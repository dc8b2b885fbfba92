/*
 * usersites.c - see usersites.h.
 *
 * The gateway checked the formats (name, county letters, domains, idp a
 * configured provider, the contact address); here what only the data
 * tells: the county exists, the site being changed exists.  The optional
 * contact_email (where a survey to the site goes) is checked again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "email.h"
#include "idcall.h"
#include "strbuf.h"
#include "usersites.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define SITE_JSON                                                                       \
	"json_build_object('id', id, 'name', name, 'county', county, 'email_domains', " \
	"to_json(email_domains), 'idp', idp, 'idp_group', idp_group, 'contact_email', " \
	"contact_email, 'created_at', created_at, 'updated_at', updated_at)"

void usersites_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c;
	PGresult *res = NULL;

	if (idcall_open(req, &c, reply))
		goto out;
	res = wdb_exec(w,
		       "SELECT json_build_object('items', coalesce(json_agg(" SITE_JSON
		       " ORDER BY name, id), '[]'::json))::text FROM user_sites",
		       0, NULL, PGRES_TUPLES_OK, reply);
	if (res)
		idcall_reply(reply, PQgetvalue(res, 0, 0), NULL, 0);
out:
	PQclear(res);
	idcall_close(&c);
}

static int bad(Tarjotin__Envelope *reply, const char *field, const char *why)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", field, "%s", why);
	return -1;
}

/* A string or null member: *out NULL for null or absent.  -1 when it is
 * something else. */
static int optional(const struct idcall *c, const char *key, const char **out,
		    Tarjotin__Envelope *reply)
{
	json_t *v = json_object_get(c->body, key);

	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v) || !*json_string_value(v))
		return bad(reply, key, "must be a non-empty string or null");
	*out = json_string_value(v);
	return 0;
}

/* The body's fields into params[0..4] and [6] (name, county, domains JSON
 * text in *domains, idp, idp_group; contact_email or NULL).  0, or -1 with
 * reply filled. */
static int fields(const struct idcall *c, const char **params, char **domains,
		  Tarjotin__Envelope *reply)
{
	json_t *d = json_object_get(c->body, "email_domains"), *v;
	char err[128];
	size_t i;

	params[0] = idcall_str(c, "name");
	params[1] = idcall_str(c, "county");
	if (!params[0] || !*params[0] || strlen(params[0]) > 800)
		return bad(reply, "name", "a name is required");
	if (!params[1] || strlen(params[1]) != 2)
		return bad(reply, "county", "county must be a county code");
	if (!json_is_array(d) || json_array_size(d) < 1 || json_array_size(d) > 20)
		return bad(reply, "email_domains", "one to 20 e-mail domains are required");
	json_array_foreach(d, i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";

		if (!*s || strlen(s) > 253 ||
		    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789.-") != strlen(s))
			return bad(reply, "email_domains", "not a lower-case domain");
	}
	if (optional(c, "idp", &params[3], reply) || optional(c, "idp_group", &params[4], reply) ||
	    optional(c, "contact_email", &params[6], reply))
		return -1;
	if (params[6] && email_valid(params[6], err, sizeof(err)))
		return bad(reply, "contact_email",
			   "contact_email must be an e-mail address or null");
	*domains = json_dumps(d, JSON_COMPACT);
	params[2] = *domains;
	return 0;
}

static int county_check(struct worker *w, const char *county, Tarjotin__Envelope *reply)
{
	switch (wdb_exists(w, "SELECT 1 FROM counties WHERE key = $1", county, reply)) {
	case 1:
		return 0;
	case 0:
		return bad(reply, "county", "no such county");
	default:
		return -1;
	}
}

void usersites_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c;
	const char *params[7] = { 0 };
	struct strbuf detail = STRBUF_INIT;
	char *domains = NULL, err[256];
	bool create;
	PGresult *res = NULL;

	if (idcall_open(req, &c, reply))
		goto out;
	create = !*c.call->id;
	if (!create && !uuid_valid(c.call->id)) {
		bad(reply, "id", "not a user site id");
		goto out;
	}
	if (fields(&c, params, &domains, reply) || wdb_begin(w, reply))
		goto out;
	if (county_check(w, params[1], reply))
		goto fail;
	params[5] = create ? NULL : c.call->id;
	res = wdb_exec(
		w,
		create ? "INSERT INTO user_sites (name, county, email_domains, idp, idp_group, "
			 "contact_email) "
			 "SELECT $1, $2, array_agg(x ORDER BY n), $4, $5, lower($7) FROM "
			 "jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS t(x, n) "
			 "WHERE $6::text IS NULL "
			 "RETURNING id::text, " SITE_JSON "::text" :
			 "UPDATE user_sites SET name = $1, county = $2, email_domains = "
			 "(SELECT array_agg(x ORDER BY n) FROM "
			 "jsonb_array_elements_text($3::jsonb) WITH ORDINALITY AS t(x, n)), "
			 "idp = $4, idp_group = $5, contact_email = lower($7) WHERE id = $6::uuid "
			 "RETURNING id::text, " SITE_JSON "::text",
		7, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such user site");
		goto fail;
	}
	strbuf_adds(&detail, "{\"name\":");
	strbuf_json_strn(&detail, params[0], 200);
	strbuf_adds(&detail, "}");
	if (audit_write(w->db, req->principal, create ? "user_site.create" : "user_site.update",
			"user_site", PQgetvalue(res, 0, 0), detail.p, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	idcall_reply(reply, PQgetvalue(res, 0, 1), NULL, 0);
	if (wdb_commit(w, reply))
		goto fail;
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	free(domains);
	strbuf_release(&detail);
	idcall_close(&c);
}
