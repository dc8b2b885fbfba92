/*
 * editors.c - see editors.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acctdb.h"
#include "audit.h"
#include "authz.h"
#include "editors.h"
#include "email.h"
#include "idcall.h"
#include "logins.h"
#include "strbuf.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define EDITOR_JSON                                                                          \
	"json_build_object('id', a.id, 'email', a.email, 'name', a.name, 'last_signin_at', " \
	"a.last_signin_at)"

/* Opens the call and checks the organisation: the principal may act for it
 * (FORBIDDEN) and it exists (NOT_FOUND).  0, or -1 with reply filled. */
static int open_org(struct worker *w, const Tarjotin__Envelope *req, struct idcall *c,
		    Tarjotin__Envelope *reply)
{
	if (idcall_open(req, c, reply))
		return -1;
	if (!uuid_valid(c->call->id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "id",
			       "not an organisation id");
		return -1;
	}
	if (!authz_org(req->principal, c->call->id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "forbidden", NULL,
			       "not an editor of this organisation");
		return -1;
	}
	switch (wdb_exists(w, "SELECT 1 FROM organizations WHERE id = $1::uuid", c->call->id,
			   reply)) {
	case 1:
		return 0;
	case 0:
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such organisation");
		return -1;
	default:
		return -1;
	}
}

void editors_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c = { 0 };
	const char *params[1];
	PGresult *res = NULL;

	if (open_org(w, req, &c, reply))
		goto out;
	params[0] = c.call->id;
	res = wdb_exec(w,
		       "SELECT json_build_object('items', coalesce(json_agg(" EDITOR_JSON
		       " ORDER BY a.email), '[]'::json))::text FROM accounts a "
		       "JOIN account_organizations ao ON ao.account_id = a.id "
		       "WHERE ao.organization_id = $1::uuid AND a.role = 'editor'",
		       1, params, PGRES_TUPLES_OK, reply);
	if (res)
		idcall_reply(reply, PQgetvalue(res, 0, 0), NULL, 0);
out:
	PQclear(res);
	idcall_close(&c);
}

/* The audit row of an editor change: detail {"account_id"[,"created"]}. */
static int audit_row(struct worker *w, const Tarjotin__Envelope *req, const char *action,
		     const char *org, const char *account, int created, Tarjotin__Envelope *reply)
{
	struct strbuf d = STRBUF_INIT;
	char err[256];
	int rc;

	strbuf_adds(&d, "{\"account_id\":");
	strbuf_json_str(&d, account);
	if (created >= 0)
		strbuf_addf(&d, ",\"created\":%s", created ? "true" : "false");
	strbuf_adds(&d, "}");
	rc = audit_write(w->db, req->principal, action, "organization", org, d.p, err, sizeof(err));
	if (rc)
		wdb_failed(w, NULL, err, reply);
	strbuf_release(&d);
	return rc;
}

void editors_add(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c = { 0 };
	const char *email, *name, *lang, *params[2];
	char id[37], role[16], err[128];
	char *who[1] = { id };
	PGresult *res = NULL;
	int made, added;

	if (open_org(w, req, &c, reply))
		goto out;
	email = idcall_str(&c, "email");
	name = idcall_str(&c, "name");
	lang = idcall_has(&c, "lang") ? idcall_str(&c, "lang") : "fi";
	if (!email || email_valid(email, err, sizeof(err)) ||
	    strcspn(email, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != strlen(email)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "email",
			       "a lower-case e-mail address is required");
		goto out;
	}
	if (!lang || (strcmp(lang, "fi") && strcmp(lang, "sv") && strcmp(lang, "en"))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "lang",
			       "lang must be fi, sv or en");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	made = acctdb_create(w, email, name, "editor", NULL, lang, id, role, reply);
	if (made < 0)
		goto fail;
	if (made == 1 && strcmp(role, "editor")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "role_mismatch", "email",
			       "the address belongs to a %s account", role);
		goto fail;
	}
	params[0] = id;
	params[1] = c.call->id;
	res = wdb_exec(w,
		       "INSERT INTO account_organizations (account_id, organization_id) "
		       "VALUES ($1::uuid, $2::uuid) ON CONFLICT DO NOTHING",
		       2, params, PGRES_COMMAND_OK, reply);
	if (!res)
		goto fail;
	added = !strcmp(PQcmdTuples(res), "1");
	PQclear(res);
	res = NULL;
	if (logins_invite(w, email, id, lang, reply) ||
	    audit_row(w, req, "editor.add", c.call->id, id, made == 0, reply))
		goto fail;
	params[0] = id;
	res = wdb_exec(w, "SELECT " EDITOR_JSON "::text FROM accounts a WHERE a.id = $1::uuid", 1,
		       params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	/* An existing editor's sessions carry the old organisations. */
	idcall_reply(reply, PQgetvalue(res, 0, 0), who, made == 1 && added ? 1 : 0);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	idcall_close(&c);
}

void editors_remove(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct idcall c = { 0 };
	const char *params[2];
	char *who[1];
	PGresult *res = NULL;

	if (open_org(w, req, &c, reply))
		goto out;
	if (!uuid_valid(c.call->id2)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "account",
			       "not an account id");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	params[0] = c.call->id;
	params[1] = c.call->id2;
	/* Locks the organisation's editor rows, so that two editors removing
	 * each other cannot both see "one other left". */
	res = wdb_exec(w,
		       "SELECT account_id::text FROM account_organizations "
		       "WHERE organization_id = $1::uuid FOR UPDATE",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	{
		bool found = false;

		for (int i = 0; i < PQntuples(res); i++)
			found |= !strcmp(PQgetvalue(res, i, 0), c.call->id2);
		if (!found) {
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found",
				       "account", "not an editor of this organisation");
			goto fail;
		}
		if (PQntuples(res) == 1 && req->principal->role != TARJOTIN__ROLE__ROLE_ADMIN) {
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "last_editor",
				       "account", "the last editor of an organisation stays");
			goto fail;
		}
	}
	PQclear(res);
	res = wdb_exec(w,
		       "DELETE FROM account_organizations WHERE organization_id = $1::uuid "
		       "AND account_id = $2::uuid",
		       2, params, PGRES_COMMAND_OK, reply);
	if (!res || audit_row(w, req, "editor.remove", c.call->id, c.call->id2, -1, reply))
		goto fail;
	who[0] = c.call->id2;
	idcall_reply(reply, "", who, 1);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	idcall_close(&c);
}
