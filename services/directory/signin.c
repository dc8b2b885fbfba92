/*
 * signin.c - see signin.h.
 *
 * The account of an OpenID Connect sign-in: the one with the same (issuer,
 * subject), else the one with the same e-mail, else a new professional of
 * the user site whose idp is the provider and whose idp_group is in the
 * groups claim (or, without idp_group, whose domains hold the address's).
 * Editors sign in by link only; disabled accounts not at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "email.h"
#include "identity.pb-c.h"
#include "log.h"
#include "rpc.h"
#include "session_info.h"
#include "signin.h"
#include "strbuf.h"
#include "utf8.h"
#include "wdb.h"
#include "banned.h"

#define REASON_MAX 64

/* {"method":..,"provider":..[,"reason":..]} */
static char *detail_of(const char *method, const char *provider, const char *reason)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_adds(&b, "{\"method\":");
	strbuf_json_strn(&b, method, 32);
	strbuf_adds(&b, ",\"provider\":");
	strbuf_json_strn(&b, provider, 32);
	if (reason) {
		strbuf_adds(&b, ",\"reason\":");
		strbuf_json_strn(&b, reason, REASON_MAX);
	}
	strbuf_adds(&b, "}");
	return strbuf_detach(&b);
}

int signin_record_failure(struct worker *w, const char *account_id, const char *email,
			  const char *method, const char *provider, const char *reason,
			  Tarjotin__Envelope *reply)
{
	struct audit_actor a = { .account_id = account_id, .role = "anonymous" };
	char hint[300] = "", err[256];
	char *detail = detail_of(method, provider, reason);
	int rc;

	if (strlen(email) + 4 < sizeof(hint) && email_valid(email, err, sizeof(err)) == 0)
		audit_hint(email, hint, sizeof(hint));
	a.hint = hint;
	rc = audit_write_as(w->db, &a, "signin_failed", account_id ? "account" : "", account_id,
			    detail, err, sizeof(err));
	if (rc)
		wdb_failed(w, NULL, err, reply);
	free(detail);
	return rc;
}

/* Refuses the sign-in with 'code', recording it; the transaction open
 * around it is committed (the audit row stays). */
static void refuse(struct worker *w, const Tarjotin__SignInRequest *m, const char *account_id,
		   const char *code, Tarjotin__Envelope *reply)
{
	if (signin_record_failure(w, account_id, m->email, m->method, m->provider, code, reply) ==
		    0 &&
	    wdb_commit(w, reply) == 0)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, code, NULL,
			       "sign-in refused: %s", code);
}

/* The groups claim as a JSON array (for "$n::jsonb ? idp_group"). */
static char *groups_json(const Tarjotin__SignInRequest *m)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_adds(&b, "[");
	for (size_t i = 0; i < m->n_groups && i < 64; i++) {
		if (i)
			strbuf_adds(&b, ",");
		strbuf_json_strn(&b, m->groups[i], 200);
	}
	strbuf_adds(&b, "]");
	return strbuf_detach(&b);
}

/* Finds or makes the account; its id into id (37 bytes), or a refusal
 * code in *code.  0, or -1 with reply filled. */
static int find_account(struct worker *w, const Tarjotin__SignInRequest *m, char *id,
			const char **code, Tarjotin__Envelope *reply)
{
	const char *params[6] = { m->issuer, m->subject, m->email };
	PGresult *res;
	char *groups = NULL;
	int rc = -1;

	*code = NULL;
	res = wdb_exec(w,
		       "SELECT id::text, role::text, disabled_at IS NOT NULL, oidc_issuer IS NULL "
		       "FROM accounts WHERE (oidc_issuer = $1 AND oidc_subject = $2) "
		       "OR email = $3 ORDER BY oidc_issuer = $1 AND oidc_subject = $2 DESC "
		       "LIMIT 1 FOR UPDATE",
		       3, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQntuples(res) == 1) {
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
		if (!strcmp(PQgetvalue(res, 0, 2), "t"))
			*code = "account_disabled";
		else if (!strcmp(PQgetvalue(res, 0, 1), "editor"))
			*code = "role_mismatch";
		PQclear(res);
		if (*code)
			return 0;
		/* The first OpenID sign-in of an account made by invitation binds
		 * it to this subject; a bound one keeps its binding. */
		params[0] = id;
		params[1] = m->issuer;
		params[2] = m->subject;
		params[3] = m->name;
		res = wdb_exec(w,
			       "UPDATE accounts SET "
			       "oidc_issuer = coalesce(oidc_issuer, $2), "
			       "oidc_subject = CASE WHEN oidc_issuer IS NULL THEN $3 "
			       "ELSE oidc_subject END, "
			       "name = CASE WHEN name = '' THEN left($4, 200) ELSE name END "
			       "WHERE id = $1::uuid",
			       4, params, PGRES_COMMAND_OK, reply);
		rc = res ? 0 : -1;
		PQclear(res);
		return rc;
	}
	PQclear(res);
	groups = groups_json(m);
	params[0] = m->provider;
	params[1] = groups;
	params[2] = strrchr(m->email, '@') + 1;
	res = wdb_exec(w,
		       "SELECT id::text FROM user_sites WHERE idp = $1 AND "
		       "((idp_group IS NOT NULL AND $2::jsonb ? idp_group) OR "
		       "(idp_group IS NULL AND $3 = ANY (email_domains))) "
		       "ORDER BY idp_group IS NULL, name, id LIMIT 1",
		       3, params, PGRES_TUPLES_OK, reply);
	free(groups);
	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		*code = "no_user_site";
		return 0;
	}
	params[0] = m->email;
	params[1] = m->name;
	params[2] = PQgetvalue(res, 0, 0);
	params[3] = m->issuer;
	params[4] = m->subject;
	{
		PGresult *ins = wdb_exec(w,
					 "INSERT INTO accounts (email, name, role, user_site_id, "
					 "oidc_issuer, oidc_subject) VALUES ($1, left($2, 200), "
					 "'professional', $3::uuid, $4, $5) RETURNING id::text",
					 5, params, PGRES_TUPLES_OK, reply);

		if (ins && PQntuples(ins) == 1) {
			snprintf(id, 37, "%s", PQgetvalue(ins, 0, 0));
			rc = 0;
		} else if (ins) {
			wdb_failed(w, NULL, "account insert", reply);
		}
		PQclear(ins);
	}
	PQclear(res);
	return rc;
}

void signin_oidc(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__SignInRequest *m = tarjotin__sign_in_request__unpack(NULL, req->payload.len,
								       req->payload.data);
	struct session_info si = { 0 };
	struct audit_actor actor = { 0 };
	const char *code = NULL;
	char id[37], hint[300] = "", err[256];
	char *detail = NULL;
	int found;

	if (!m) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed SignInRequest");
		return;
	}
	if (email_valid(m->email, err, sizeof(err)) || !*m->issuer || !*m->subject ||
	    strlen(m->issuer) > 500 || strlen(m->subject) > 255 ||
	    strlen(m->email) + 4 >= sizeof(hint)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "email",
			       "the sign-in lacks a valid issuer, subject or e-mail");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	if (find_account(w, m, id, &code, reply))
		goto fail;
	if (code) {
		refuse(w, m, strcmp(code, "no_user_site") ? id : NULL, code, reply);
		goto fail;
	}
	found = session_info_load(w->db, id, &si, err, sizeof(err));
	if (found) {
		wdb_failed(w, NULL, found < 0 ? err : "the account is gone", reply);
		goto fail;
	}
	{
		const char *params[1] = { id };
		PGresult *res =
			wdb_exec(w,
				 "UPDATE accounts SET last_signin_at = now() WHERE id = $1::uuid",
				 1, params, PGRES_COMMAND_OK, reply);

		if (!res)
			goto fail;
		PQclear(res);
	}
	audit_hint(m->email, hint, sizeof(hint));
	actor.account_id = id;
	actor.role = PQgetvalue(si.res, 0, 1);
	actor.hint = hint;
	detail = detail_of(m->method, m->provider, NULL);
	if (audit_write_as(w->db, &actor, "signin", "account", id, detail, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	rpc_pack_payload(&si.info.base, &reply->payload);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("signed in", "method", "oidc", "provider", m->provider, "account", id, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	free(detail);
	session_info_release(&si);
	tarjotin__sign_in_request__free_unpacked(m, NULL);
}

void signin_failed(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__SignInFailure *m = tarjotin__sign_in_failure__unpack(NULL, req->payload.len,
								       req->payload.data);
	char reason[REASON_MAX + 8];

	if (!m) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed SignInFailure");
		return;
	}
	/* Lower-case words only: never token material in the log. */
	utf8_clip(reason, sizeof(reason), m->reason);
	for (char *c = reason; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || *c == '_' || *c == ' ' || *c == '-'))
			*c = '_';
	if (!wdb_conn(w, reply))
		goto out;
	signin_record_failure(w, NULL, m->email, m->method, m->provider, reason, reply);
out:
	tarjotin__sign_in_failure__free_unpacked(m, NULL);
}
