/*
 * registrations.c - see registrations.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctdb.h"
#include "audit.h"
#include "doccall.h"
#include "docfields.h"
#include "logins.h"
#include "mailq.h"
#include "messages.h"
#include "regdoc.h"
#include "registrations.h"
#include "reply.h"
#include "strbuf.h"
#include "utf8.h"
#include "uuid.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

/* The duplicates of organisation 'o': the same business id, or a name
 * whose trigram similarity is at least 0.5 (the % operator lets the
 * trigram index find the candidates), most similar first, at most 5. */
#define DUPLICATES_SQL                                                                           \
	"coalesce((SELECT json_agg(json_build_object('id', d.id, 'name', d.name, 'status', "     \
	"d.status, 'business_id', d.business_id, 'reason', d.reason, 'similarity', d.sim) "      \
	"ORDER BY d.rank DESC, d.sim DESC, d.id) FROM (SELECT x.id, x.name, x.status, "          \
	"x.business_id, CASE WHEN x.business_id = o.business_id THEN 'business_id' ELSE 'name' " \
	"END AS reason, (x.business_id = o.business_id) IS TRUE AS rank, "                       \
	"round(similarity(lower(x.name), lower(o.name))::numeric, 2) AS sim "                    \
	"FROM organizations x WHERE x.id <> o.id AND (x.business_id = o.business_id OR "         \
	"(lower(x.name) % lower(o.name) AND similarity(lower(x.name), lower(o.name)) >= 0.5)) "  \
	"ORDER BY 6 DESC, 7 DESC, x.id LIMIT 5) d), '[]'::json)"

/* A registration 'o' as the admin's queue shows it. */
#define ITEM_SQL                                                                                \
	"json_build_object('id', o.id, 'name', o.name, 'frame', o.frame, 'business_id', "       \
	"o.business_id, 'seat_municipality', o.seat_municipality, 'municipalities', "           \
	"coalesce((SELECT json_agg(om.municipality_code ORDER BY om.municipality_code) "        \
	"FROM organization_municipalities om WHERE om.organization_id = o.id), '[]'::json), "   \
	"'parent', (SELECT json_build_object('id', p.id, 'name', p.name) FROM organizations p " \
	"WHERE p.id = o.parent_id), 'description', o.description, 'website', o.website, "       \
	"'contact', (SELECT json_build_object('name', c.name, 'email', c.email, 'phone', "      \
	"c.phone) FROM contacts c WHERE c.organization_id = o.id "                              \
	"ORDER BY c.position, c.created_at, c.id LIMIT 1), 'maintainers', "                     \
	"coalesce((SELECT json_agg(m.email ORDER BY m.email) FROM organization_maintainers m "  \
	"WHERE m.organization_id = o.id), '[]'::json), 'lang', o.registered_lang, "             \
	"'created_at', o.created_at, 'status', o.status, 'status_note', o.status_note, "        \
	"'decided_at', o.decided_at, 'duplicates', " DUPLICATES_SQL ")"

/* The data key mails are queued under, or NULL with reply set to
 * UNAVAILABLE. */
static const struct seal_key *mail_key(struct worker *w, Tarjotin__Envelope *reply)
{
	const struct seal_key *key = messages_key(w->dir->messages);

	if (!key)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
	return key;
}

/* Runs 'sql' with n parameters for its effect; 0, or -1 (reply filled). */
static int run(struct worker *w, const char *sql, int n, const char *const *params,
	       Tarjotin__Envelope *reply)
{
	PGresult *res = wdb_exec(w, sql, n, params, PGRES_COMMAND_OK, reply);

	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* An audit row of organisation 'org' with 'detail' (a JSON object). */
static int audit_row(struct worker *w, const Tarjotin__Envelope *req, const char *action,
		     const char *org, const char *detail, Tarjotin__Envelope *reply)
{
	char err[256];

	if (audit_write(w->db, req->principal, action, "organization", org, detail, err,
			sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		return -1;
	}
	return 0;
}

/* Queues template 'tmpl' to 'email' with the vars object 'vars'. */
static int mail(struct worker *w, const struct seal_key *key, const char *email, const char *lang,
		const char *tmpl, const json_t *vars, Tarjotin__Envelope *reply)
{
	char err[256], *text = json_dumps(vars, JSON_COMPACT);
	int rc = mailq_email(w->db, key, email, lang, tmpl, text, false, err, sizeof(err));

	if (rc)
		wdb_failed(w, NULL, err, reply);
	free(text);
	return rc;
}

/* Stores the checked document 'd'; the new id into id (37 bytes). */
static int store(struct worker *w, const json_t *d, char *id, Tarjotin__Envelope *reply)
{
	const json_t *contact = json_object_get(d, "contact");
	char *munis = json_dumps(json_object_get(d, "municipalities"), JSON_COMPACT);
	char *maint = json_dumps(json_object_get(d, "maintainers"), JSON_COMPACT);
	const char *p[8];
	PGresult *res;
	int rc = -1;

	p[0] = json_string_value(json_object_get(d, "name"));
	p[1] = json_string_value(json_object_get(d, "frame"));
	p[2] = json_string_value(json_object_get(d, "parent_id"));
	p[3] = json_string_value(json_object_get(d, "business_id"));
	p[4] = json_string_value(json_object_get(d, "description"));
	p[5] = json_string_value(json_object_get(d, "website"));
	p[6] = json_string_value(json_object_get(d, "seat_municipality"));
	p[7] = json_string_value(json_object_get(d, "lang"));
	res = wdb_exec(
		w,
		"INSERT INTO organizations (name, frame, parent_id, business_id, description, "
		"website, seat_municipality, registered_lang, status, terms_version, "
		"terms_accepted_at) VALUES ($1, $2::organization_frame, $3::uuid, $4, $5, "
		"$6, $7, $8, 'pending', '" REGDOC_TERMS_VERSION "', now()) RETURNING id::text",
		8, p, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	p[0] = id;
	p[1] = munis;
	if (run(w,
		"INSERT INTO organization_municipalities (organization_id, municipality_code) "
		"SELECT $1::uuid, json_array_elements_text($2::json)",
		2, p, reply))
		goto out;
	p[1] = maint;
	if (run(w,
		"INSERT INTO organization_maintainers (organization_id, email) "
		"SELECT $1::uuid, json_array_elements_text($2::json)",
		2, p, reply))
		goto out;
	p[1] = json_string_value(json_object_get(contact, "name"));
	p[2] = json_string_value(json_object_get(contact, "email"));
	p[3] = json_string_value(json_object_get(contact, "phone"));
	if (run(w,
		"INSERT INTO contacts (organization_id, name, email, phone, position) "
		"VALUES ($1::uuid, $2, $3, $4, 0)",
		4, p, reply))
		goto out;
	rc = 0;
out:
	free(munis);
	free(maint);
	return rc;
}

void registrations_submit(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct docerr e;
	struct strbuf b = STRBUF_INIT;
	json_t *d = json_object(), *vars = NULL;
	const struct seal_key *key;
	const char *name;
	char id[37];

	docerr_init(&e);
	if (doccall_open(req, &c, reply) || !(key = mail_key(w, reply)))
		goto out;
	regdoc_registration(&e, c.body, d);
	if (wdb_begin(w, reply))
		goto out;
	if (regdoc_check_db(w, &e, d, NULL, reply))
		goto fail;
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	if (store(w, d, id, reply))
		goto fail;
	name = json_string_value(json_object_get(d, "name"));
	strbuf_adds(&b, "{\"name\":");
	strbuf_json_str(&b, name);
	strbuf_adds(&b, "}");
	vars = json_pack("{ss}", "organization_name", name);
	if (audit_row(w, req, "registration.submit", id, b.p, reply) ||
	    mail(w, key, json_string_value(json_object_get(json_object_get(d, "contact"), "email")),
		 json_string_value(json_object_get(d, "lang")), "registration_received", vars,
		 reply))
		goto fail;
	strbuf_release(&b);
	strbuf_adds(&b, "{\"id\":");
	strbuf_json_str(&b, id);
	strbuf_adds(&b, ",\"status\":\"pending\"}");
	doccall_reply(reply, b.p, 0, NULL, 0);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	json_decref(vars);
	json_decref(d);
	strbuf_release(&b);
	docerr_release(&e);
	doccall_close(&c);
}

void registrations_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const json_t *v;
	const char *status = "pending", *params[1];
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	v = json_object_get(c.body, "status");
	if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v))) {
		status = json_string_value(v);
		if (!status || (strcmp(status, "pending") && strcmp(status, "approved") &&
				strcmp(status, "rejected"))) {
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST,
				       "invalid_parameter", "status",
				       "status must be pending, approved or rejected");
			goto out;
		}
	}
	params[0] = status;
	res = wdb_exec(w,
		       "SELECT json_build_object('items', coalesce(json_agg(" ITEM_SQL
		       " ORDER BY o.created_at, o.id), '[]'::json))::text FROM (SELECT * FROM "
		       "organizations WHERE status = $1::organization_status "
		       "ORDER BY created_at, id LIMIT 200) o",
		       1, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}

/* The maintainers of 'org' become its editors (approve): new accounts in
 * 'lang', a sign-in link each; the existing editors who gained it into
 * *revoke (n of them; free each and the array).  Returns the number of
 * editors, or -1 with reply filled (CONFLICT role_mismatch). */
static int make_editors(struct worker *w, const char *org, const char *lang, char ***revoke,
			size_t *n, Tarjotin__Envelope *reply)
{
	const char *params[2] = { org, NULL };
	PGresult *res, *r = NULL;
	int count = -1;

	res = wdb_exec(
		w,
		"SELECT email FROM organization_maintainers WHERE organization_id = $1::uuid "
		"ORDER BY email",
		1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	*revoke = xcalloc((size_t)PQntuples(res) + 1, sizeof(char *));
	for (int i = 0; i < PQntuples(res); i++) {
		const char *email = PQgetvalue(res, i, 0);
		char id[37], role[16], hint[300];
		int made = acctdb_create(w, email, NULL, "editor", NULL, lang, id, role, reply);

		if (made < 0)
			goto out;
		if (made == 1 && strcmp(role, "editor")) {
			audit_hint(email, hint, sizeof(hint));
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "role_mismatch",
				       "maintainers",
				       "the address %s belongs to an account with role %s", hint,
				       role);
			goto out;
		}
		params[0] = id;
		params[1] = org;
		r = wdb_exec(w,
			     "WITH g AS (INSERT INTO account_organizations (account_id, "
			     "organization_id) VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING "
			     "RETURNING 1) SELECT (SELECT count(*) FROM g), a.lang FROM accounts a "
			     "WHERE a.id = $1::uuid",
			     2, params, PGRES_TUPLES_OK, reply);
		if (!r || PQntuples(r) != 1)
			goto out;
		if (made == 1 && !strcmp(PQgetvalue(r, 0, 0), "1"))
			(*revoke)[(*n)++] = xstrdup(id);
		if (logins_invite(w, email, id, made == 0 ? lang : PQgetvalue(r, 0, 1), reply))
			goto out;
		PQclear(r);
		r = NULL;
	}
	count = PQntuples(res);
out:
	PQclear(r);
	PQclear(res);
	return count;
}

/* The rejection's e-mails: the contact person and every maintainer, once
 * per address. */
static int mail_rejection(struct worker *w, const char *org, const char *name, const char *reason,
			  const char *lang, Tarjotin__Envelope *reply)
{
	const struct seal_key *key = mail_key(w, reply);
	const char *params[1] = { org };
	json_t *vars = json_pack("{ssss}", "organization_name", name, "reason", reason);
	PGresult *res = NULL;
	int rc = -1;

	if (!key)
		goto out;
	res = wdb_exec(w,
		       "SELECT lower(email) FROM contacts WHERE organization_id = $1::uuid "
		       "AND email IS NOT NULL UNION SELECT email FROM organization_maintainers "
		       "WHERE organization_id = $1::uuid ORDER BY 1",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	for (int i = 0; i < PQntuples(res); i++)
		if (mail(w, key, PQgetvalue(res, i, 0), lang, "registration_rejected", vars, reply))
			goto out;
	rc = 0;
out:
	PQclear(res);
	json_decref(vars);
	return rc;
}

/* Approves or rejects the locked pending organisation 'org'; the audit
 * row too.  0, or -1 with reply filled. */
static int decide(struct worker *w, const Tarjotin__Envelope *req, const struct doccall *c,
		  const char *org, const char *name, const char *lang, char ***revoke, size_t *n,
		  Tarjotin__Envelope *reply)
{
	const char *decision = json_string_value(json_object_get(c->body, "decision"));
	const char *by = uuid_valid(req->principal->account_id) ? req->principal->account_id : NULL;
	const char *params[3] = { org, by, NULL };
	char detail[64];
	PGresult *res;
	int editors, rc;

	if (!strcmp(decision, "approve")) {
		if (run(w,
			"UPDATE organizations SET status = 'approved', approved_at = now(), "
			"decided_at = now(), decided_by = $2::uuid WHERE id = $1::uuid",
			2, params, reply))
			return -1;
		editors = make_editors(w, org, lang, revoke, n, reply);
		if (editors < 0)
			return -1;
		/* The detail names the editors' accounts, so that each account the
		 * approval made is in the audit log. */
		snprintf(detail, sizeof(detail), "%d", editors);
		params[1] = detail;
		res = wdb_exec(w,
			       "SELECT json_build_object('editors', $2::int, 'account_ids', "
			       "coalesce(json_agg(account_id ORDER BY account_id), '[]'))::text "
			       "FROM account_organizations WHERE organization_id = $1::uuid",
			       2, params, PGRES_TUPLES_OK, reply);
		if (!res)
			return -1;
		rc = audit_row(w, req, "registration.approve", org, PQgetvalue(res, 0, 0), reply);
		PQclear(res);
		return rc;
	}
	params[2] = json_string_value(json_object_get(c->body, "reason"));
	if (run(w,
		"UPDATE organizations SET status = 'rejected', status_note = $3, "
		"decided_at = now(), decided_by = $2::uuid WHERE id = $1::uuid",
		3, params, reply) ||
	    mail_rejection(w, org, name, params[2], lang, reply))
		return -1;
	snprintf(detail, sizeof(detail), "{\"reason_length\":%ld}", utf8_chars(params[2], true));
	return audit_row(w, req, "registration.reject", org, detail, reply);
}

/* The decision's body: {"decision":"approve"} or {"decision":"reject",
 * "reason": 1..1000 characters}.  0, or -1 with reply filled. */
static int decision_check(const struct doccall *c, Tarjotin__Envelope *reply)
{
	const char *d = json_string_value(json_object_get(c->body, "decision"));
	struct docerr e;
	json_t *out;
	int rc = 0;

	if (!d || (strcmp(d, "approve") && strcmp(d, "reject"))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "decision",
			       "decision must be approve or reject");
		return -1;
	}
	if (strcmp(d, "reject"))
		return 0;
	docerr_init(&e);
	out = json_object();
	if (docfields_text(&e, c->body, out, "reason", NULL, 1, 1000, DOCF_MULTILINE))
		rc = docerr_reply(&e, reply);
	json_decref(out);
	docerr_release(&e);
	return rc;
}

void registrations_decide(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const char *params[1];
	char **revoke = NULL;
	size_t n = 0;
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!uuid_valid(c.call->id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such registration");
		goto out;
	}
	if (decision_check(&c, reply) || wdb_begin(w, reply))
		goto out;
	params[0] = c.call->id;
	res = wdb_exec(w,
		       "SELECT status::text, name, registered_lang FROM organizations "
		       "WHERE id = $1::uuid FOR UPDATE",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	if (PQntuples(res) != 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such registration");
		goto fail;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "pending")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "not_pending", "id",
			       "the registration was %s already", PQgetvalue(res, 0, 0));
		goto fail;
	}
	if (decide(w, req, &c, c.call->id, PQgetvalue(res, 0, 1), PQgetvalue(res, 0, 2), &revoke,
		   &n, reply))
		goto fail;
	PQclear(res);
	res = wdb_exec(w, "SELECT " ITEM_SQL "::text FROM organizations o WHERE o.id = $1::uuid", 1,
		       params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	doccall_reply(reply, PQgetvalue(res, 0, 0), 0, revoke, n);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	for (size_t i = 0; i < n; i++)
		free(revoke[i]);
	free(revoke);
	PQclear(res);
	doccall_close(&c);
}
