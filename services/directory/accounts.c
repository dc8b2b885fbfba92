/*
 * accounts.c - see accounts.h.
 *
 * An account's invariants, kept here: a professional has a user site and
 * nobody else has one (a funder neither); only editors have organisations.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts.h"
#include "acctdb.h"
#include "audit.h"
#include "email.h"
#include "idcall.h"
#include "logins.h"
#include "strbuf.h"
#include "uuid.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

#define LIST_DEFAULT 50
#define LIST_MAX 200

static int bad(Tarjotin__Envelope *reply, const char *field, const char *why)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", field, "%s", why);
	return -1;
}

static bool role_valid(const char *r)
{
	return r && (!strcmp(r, "professional") || !strcmp(r, "editor") || !strcmp(r, "admin") ||
		     !strcmp(r, "funder"));
}

static bool lang_valid(const char *l)
{
	return l && (!strcmp(l, "fi") || !strcmp(l, "sv") || !strcmp(l, "en"));
}

void accounts_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c;
	const char *params[3];
	char limit[24];
	long n;
	PGresult *res = NULL;

	if (idcall_open(req, &c, reply))
		goto out;
	params[0] = idcall_has(&c, "role") ? idcall_str(&c, "role") : "";
	params[1] = idcall_has(&c, "q") ? idcall_str(&c, "q") : "";
	n = idcall_int(&c, "limit", LIST_DEFAULT, LIST_MAX);
	if (!params[0] || (*params[0] && !role_valid(params[0]))) {
		bad(reply, "role", "role must be professional, editor, admin or funder");
		goto out;
	}
	if (!params[1] || strlen(params[1]) > 200) {
		bad(reply, "q", "q must be a text of at most 200 characters");
		goto out;
	}
	if (n < 0) {
		bad(reply, "limit", "limit must be 1..200");
		goto out;
	}
	snprintf(limit, sizeof(limit), "%ld", n);
	params[2] = limit;
	res = wdb_exec(
		w,
		"SELECT json_build_object('items', coalesce(json_agg(" ACCTDB_JSON_SQL
		" "
		"ORDER BY a.email), '[]'::json))::text FROM (SELECT * FROM accounts a "
		"WHERE ($1 = '' OR a.role::text = $1) AND ($2 = '' OR "
		"strpos(lower(a.email), lower($2)) > 0 OR strpos(lower(a.name), lower($2)) > 0) "
		"ORDER BY a.email LIMIT $3::int) a LEFT JOIN user_sites s ON s.id = a.user_site_id",
		3, params, PGRES_TUPLES_OK, reply);
	if (res)
		idcall_reply(reply, PQgetvalue(res, 0, 0), NULL, 0);
out:
	PQclear(res);
	idcall_close(&c);
}

/* Writes the audit row and answers the account's JSON, revoking 'revoke'
 * (NULL: nobody); commits.  Errors fill reply. */
static void finish(struct worker *w, const Tarjotin__Envelope *req, const char *id,
		   const char *action, const char *detail, bool revoke, Tarjotin__Envelope *reply)
{
	char err[256], *json;
	char *who[1] = { (char *)id };

	if (audit_write(w->db, req->principal, action, "account", id, detail, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		return;
	}
	json = acctdb_json(w, id, reply);
	if (!json)
		return;
	idcall_reply(reply, json, who, revoke ? 1 : 0);
	free(json);
	wdb_commit(w, reply);
}

void accounts_invite(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c;
	const char *email, *name, *role, *site, *lang;
	json_t *orgs;
	char *orgs_text = NULL, id[37], old_role[16], err[128];
	struct strbuf detail = STRBUF_INIT;
	int made;

	if (idcall_open(req, &c, reply))
		goto out;
	email = idcall_str(&c, "email");
	name = idcall_str(&c, "name");
	role = idcall_str(&c, "role");
	site = idcall_str(&c, "user_site_id");
	lang = idcall_has(&c, "lang") ? idcall_str(&c, "lang") : "fi";
	orgs = json_object_get(c.body, "organization_ids");
	if (!email || email_valid(email, err, sizeof(err)) ||
	    strcspn(email, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(email)) {
		bad(reply, "email", "an e-mail address is required");
		goto out;
	}
	if (!role_valid(role)) {
		bad(reply, "role", "role must be professional, editor, admin or funder");
		goto out;
	}
	if (!lang_valid(lang)) {
		bad(reply, "lang", "lang must be fi, sv or en");
		goto out;
	}
	if (strcmp(role, "professional") && site) {
		bad(reply, "user_site_id", "only professionals belong to a user site");
		goto out;
	}
	if (strcmp(role, "editor") && orgs && json_array_size(orgs)) {
		bad(reply, "organization_ids", "only editors have organisations");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	if (!strcmp(role, "professional") && acctdb_site_check(w, site, reply))
		goto fail;
	if (orgs && !json_is_null(orgs) && acctdb_orgs_check(w, orgs, &orgs_text, reply))
		goto fail;
	made = acctdb_create(w, email, name, role, site, lang, id, old_role, reply);
	if (made < 0)
		goto fail;
	if (made == 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "account_exists", "email",
			       "an account with this address exists");
		goto fail;
	}
	if ((orgs_text && acctdb_orgs_set(w, id, orgs_text, reply) < 0) ||
	    logins_invite(w, email, id, lang, reply))
		goto fail;
	strbuf_adds(&detail, "{\"role\":");
	strbuf_json_str(&detail, role);
	strbuf_adds(&detail, "}");
	finish(w, req, id, "account.invite", detail.p, false, reply);
	if (reply->status == TARJOTIN__STATUS__STATUS_OK)
		goto out;
fail:
	wdb_rollback(w);
out:
	free(orgs_text);
	strbuf_release(&detail);
	idcall_close(&c);
}

/* The account as it is now (locked): role, site, disabled. */
struct current {
	char role[16], site[37];
	bool disabled;
};

static int current_of(struct worker *w, const char *id, struct current *cur,
		      Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };
	PGresult *res =
		wdb_exec(w,
			 "SELECT role::text, coalesce(user_site_id::text, ''), "
			 "disabled_at IS NOT NULL FROM accounts WHERE id = $1::uuid FOR UPDATE",
			 1, params, PGRES_TUPLES_OK, reply);
	int rc = -1;

	if (!res)
		return -1;
	if (PQntuples(res) == 1) {
		snprintf(cur->role, sizeof(cur->role), "%s", PQgetvalue(res, 0, 0));
		snprintf(cur->site, sizeof(cur->site), "%s", PQgetvalue(res, 0, 1));
		cur->disabled = !strcmp(PQgetvalue(res, 0, 2), "t");
		rc = 0;
	} else {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such account");
	}
	PQclear(res);
	return rc;
}

/* What an update asks for, checked against the account's invariants. */
struct change {
	const char *name, *role, *site; /* site NULL: none */
	char *orgs;                     /* JSON array text, or NULL: unchanged */
	int disabled;                   /* -1 unchanged, 0, 1 */
};

static int change_of(struct worker *w, const struct idcall *c, const struct current *cur,
		     struct change *ch, Tarjotin__Envelope *reply)
{
	json_t *d = json_object_get(c->body, "disabled");
	json_t *o = json_object_get(c->body, "organization_ids");

	ch->name = idcall_has(c, "name") ? idcall_str(c, "name") : NULL;
	if (idcall_has(c, "name") && !ch->name)
		return bad(reply, "name", "name must be a string");
	ch->role = idcall_has(c, "role") ? idcall_str(c, "role") : cur->role;
	if (!role_valid(ch->role))
		return bad(reply, "role", "role must be professional, editor, admin or funder");
	ch->disabled = !d || json_is_null(d) ? -1 : json_is_boolean(d) ? json_is_true(d) : -2;
	if (ch->disabled == -2)
		return bad(reply, "disabled", "disabled must be true or false");
	ch->site = idcall_has(c, "user_site_id") ? idcall_str(c, "user_site_id") :
		   *cur->site                    ? cur->site :
						   NULL;
	if (!strcmp(ch->role, "professional")) {
		if (acctdb_site_check(w, ch->site, reply))
			return -1;
	} else if (idcall_has(c, "user_site_id") && ch->site) {
		return bad(reply, "user_site_id", "only professionals belong to a user site");
	} else {
		ch->site = NULL;
	}
	if (o && !json_is_null(o)) {
		if (strcmp(ch->role, "editor") && json_array_size(o))
			return bad(reply, "organization_ids", "only editors have organisations");
		if (acctdb_orgs_check(w, o, &ch->orgs, reply))
			return -1;
	} else if (strcmp(ch->role, "editor")) {
		ch->orgs = xstrdup("[]");
	}
	return 0;
}

void accounts_update(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c;
	struct current cur;
	struct change ch = { 0 };
	struct strbuf detail = STRBUF_INIT;
	const char *params[5];
	bool role_changed, site_changed, disabled_changed, self;
	int orgs_changed = 0;
	PGresult *res = NULL;

	if (idcall_open(req, &c, reply))
		goto out;
	if (!uuid_valid(c.call->id)) {
		bad(reply, "id", "not an account id");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	if (current_of(w, c.call->id, &cur, reply) || change_of(w, &c, &cur, &ch, reply))
		goto fail;
	self = req->principal && !strcmp(req->principal->account_id, c.call->id);
	if (self && (ch.disabled == 1 || strcmp(ch.role, "admin"))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "self", "id",
			       "an admin cannot disable or demote themself");
		goto fail;
	}
	role_changed = strcmp(ch.role, cur.role) != 0;
	site_changed = strcmp(ch.site ? ch.site : "", cur.site) != 0;
	disabled_changed = ch.disabled >= 0 && (ch.disabled == 1) != cur.disabled;
	params[0] = c.call->id;
	params[1] = ch.name;
	params[2] = ch.role;
	params[3] = ch.site;
	params[4] = ch.disabled < 0 ? "" : ch.disabled ? "t" : "f";
	res = wdb_exec(w,
		       "UPDATE accounts SET name = coalesce(left($2, 200), name), "
		       "role = $3::account_role, user_site_id = $4::uuid, "
		       "disabled_at = CASE WHEN $5 = 't' THEN coalesce(disabled_at, now()) "
		       "WHEN $5 = 'f' THEN NULL ELSE disabled_at END WHERE id = $1::uuid",
		       5, params, PGRES_COMMAND_OK, reply);
	if (!res)
		goto fail;
	if (ch.orgs && (orgs_changed = acctdb_orgs_set(w, c.call->id, ch.orgs, reply)) < 0)
		goto fail;
	strbuf_adds(&detail, "{\"changed\":[");
	strbuf_adds(&detail, ch.name ? "\"name\"," : "");
	strbuf_adds(&detail, role_changed ? "\"role\"," : "");
	strbuf_adds(&detail, site_changed ? "\"user_site_id\"," : "");
	strbuf_adds(&detail, orgs_changed ? "\"organization_ids\"," : "");
	strbuf_adds(&detail, disabled_changed ? "\"disabled\"," : "");
	if (detail.p[detail.len - 1] == ',')
		detail.p[--detail.len] = '\0';
	strbuf_addf(&detail, "],\"old_role\":\"%s\",\"new_role\":\"%s\"}", cur.role, ch.role);
	finish(w, req, c.call->id, "account.update", detail.p,
	       role_changed || site_changed || orgs_changed || disabled_changed, reply);
	if (reply->status == TARJOTIN__STATUS__STATUS_OK)
		goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	free(ch.orgs);
	strbuf_release(&detail);
	idcall_close(&c);
}
