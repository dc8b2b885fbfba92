/*
 * logins.c - see logins.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "email.h"
#include "identity.pb-c.h"
#include "links.h"
#include "log.h"
#include "logins.h"
#include "messages.h"
#include "rpc.h"
#include "session_info.h"
#include "signin.h"
#include "strbuf.h"
#include "wdb.h"
#include "banned.h"

static bool lang_valid(const char *lang)
{
	return !strcmp(lang, "fi") || !strcmp(lang, "sv") || !strcmp(lang, "en");
}

/* A local path: one leading '/', no '//' or '\', no control bytes. */
static bool return_valid(const char *p)
{
	if (!*p)
		return true;
	if (p[0] != '/' || p[1] == '/' || strlen(p) > 500 || strstr(p, "//") || strchr(p, '\\'))
		return false;
	for (const unsigned char *c = (const unsigned char *)p; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

static bool lower_email(const char *e)
{
	char err[128];

	if (email_valid(e, err, sizeof(err)))
		return false;
	for (const char *c = e; *c; c++)
		if (*c >= 'A' && *c <= 'Z')
			return false;
	return true;
}

/* Issues and mails a link; 0 or -1 with reply filled. */
static int send_link(struct worker *w, const char *email, const char *account_id,
		     const char *site_id, const char *lang, const char *return_path,
		     Tarjotin__Envelope *reply)
{
	const struct seal_key *key = messages_key(w->dir->messages);
	char err[256];
	char *url;
	int rc;

	if (!key) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
		return -1;
	}
	url = links_issue(w->db, w->dir->public_url, email, account_id, site_id, return_path, err,
			  sizeof(err));
	rc = url ? links_mail(w->db, key, email, lang, url, err, sizeof(err)) : -1;
	if (url) {
		sodium_memzero(url, strlen(url));
		free(url);
	}
	if (rc)
		wdb_failed(w, NULL, err, reply);
	return rc;
}

int logins_invite(struct worker *w, const char *email, const char *account_id, const char *lang,
		  Tarjotin__Envelope *reply)
{
	return send_link(w, email, account_id, NULL, lang, "/", reply);
}

/* Where a link for 'email' would go: an enabled account (*account_id, its
 * language into lang) or a user site without an IdP whose domains hold the
 * address's (*site_id).  Returns 1 when eligible, 0 when not, -1 on error
 * (reply filled).  The result is freed with PQclear(*res). */
static int eligible(struct worker *w, const char *email, PGresult **res, const char **account_id,
		    const char **site_id, const char **lang, Tarjotin__Envelope *reply)
{
	const char *params[1] = { email };

	*res = wdb_exec(w,
			"SELECT id::text, lang, disabled_at IS NOT NULL FROM accounts "
			"WHERE email = $1",
			1, params, PGRES_TUPLES_OK, reply);
	if (!*res)
		return -1;
	if (PQntuples(*res) == 1) {
		if (!strcmp(PQgetvalue(*res, 0, 2), "t"))
			return 0;
		*account_id = PQgetvalue(*res, 0, 0);
		*lang = PQgetvalue(*res, 0, 1);
		return 1;
	}
	PQclear(*res);
	params[0] = strrchr(email, '@') + 1;
	*res = wdb_exec(w,
			"SELECT id::text FROM user_sites WHERE $1 = ANY (email_domains) "
			"AND idp IS NULL ORDER BY name, id LIMIT 1",
			1, params, PGRES_TUPLES_OK, reply);
	if (!*res)
		return -1;
	if (PQntuples(*res) != 1)
		return 0;
	*site_id = PQgetvalue(*res, 0, 0);
	return 1;
}

void logins_request(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__LoginLinkRequest *m = tarjotin__login_link_request__unpack(NULL, req->payload.len,
									     req->payload.data);
	const char *account_id = NULL, *site_id = NULL, *lang = NULL;
	struct audit_actor actor = { .role = "anonymous" };
	struct strbuf detail = STRBUF_INIT;
	PGresult *res = NULL;
	char hint[300], err[256];
	int ok;

	if (!m) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed LoginLinkRequest");
		return;
	}
	if (!lower_email(m->email) || strlen(m->email) + 4 >= sizeof(hint)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "email",
			       "not a lower-case e-mail address");
		goto out;
	}
	if (*m->lang && !lang_valid(m->lang)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "lang",
			       "lang must be fi, sv or en");
		goto out;
	}
	if (!return_valid(m->return_path)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "return",
			       "return must be a local path");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	ok = eligible(w, m->email, &res, &account_id, &site_id, &lang, reply);
	if (ok <= 0) {
		/* Unknown: nothing written, and the same answer as for a known one. */
		wdb_rollback(w);
		goto out;
	}
	if (!account_id || !*lang)
		lang = *m->lang ? m->lang : "fi";
	if (send_link(w, m->email, account_id, site_id, lang, m->return_path, reply))
		goto fail;
	audit_hint(m->email, hint, sizeof(hint));
	actor.account_id = account_id;
	actor.hint = hint;
	strbuf_adds(&detail, "{\"hint\":");
	strbuf_json_str(&detail, hint);
	if (site_id) {
		strbuf_adds(&detail, ",\"user_site_id\":");
		strbuf_json_str(&detail, site_id);
	}
	strbuf_adds(&detail, "}");
	if (audit_write_as(w->db, &actor, "login_link.requested",
			   account_id ? "account" : "user_site", account_id ? account_id : site_id,
			   detail.p, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	if (wdb_commit(w, reply))
		goto fail;
	log_info("sign-in link sent", "to", hint, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	strbuf_release(&detail);
	tarjotin__login_link_request__free_unpacked(m, NULL);
}

/* --- consume -------------------------------------------------------------- */

/* The account a domain link signs in: the one with the address (made in
 * the meantime), or a new professional of the link's site.  The id is
 * copied into id (37 bytes).  0, or -1 with reply filled. */
static int link_account(struct worker *w, const char *email, const char *site_id, char *id,
			Tarjotin__Envelope *reply)
{
	const char *params[2] = { email, site_id };
	PGresult *res = wdb_exec(w,
				 "WITH n AS (INSERT INTO accounts (email, role, user_site_id) "
				 "VALUES ($1, 'professional', $2::uuid) "
				 "ON CONFLICT (email) DO NOTHING RETURNING id) "
				 "SELECT id::text FROM n UNION ALL "
				 "SELECT id::text FROM accounts WHERE email = $1 LIMIT 1",
				 2, params, PGRES_TUPLES_OK, reply);

	if (!res)
		return -1;
	if (PQntuples(res) != 1) {
		PQclear(res);
		wdb_failed(w, NULL, "link account", reply);
		return -1;
	}
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* Who a link was for, kept for the audit row of a refused use. */
struct link_owner {
	char account_id[37]; /* "" for a domain link not used yet */
	char email[321];
};

/* Marks the link used (only one use can win) and finds its account.
 * 0 with id filled, or -1 with reply filled; *who is filled once the link
 * is found, also when its use is refused. */
static int use_link(struct worker *w, const uint8_t *hash, char *id, struct link_owner *who,
		    Tarjotin__Envelope *reply)
{
	const char *params[1] = { (const char *)hash };
	int lengths[1] = { LINKS_HASH_LEN }, formats[1] = { 1 };
	PGresult *res = NULL;
	int rc = -1;

	if (!wdb_conn(w, reply))
		return -1;
	res = PQexecParams(w->db,
			   "SELECT email, coalesce(account_id::text, ''), "
			   "coalesce(user_site_id::text, ''), used_at IS NOT NULL, "
			   "expires_at < now(), return_path FROM login_links "
			   "WHERE token_hash = $1 FOR UPDATE",
			   1, NULL, params, lengths, formats, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		wdb_failed(w, res, "login link", reply);
		goto out;
	}
	if (PQntuples(res) != 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "link_invalid", "token",
			       "this is not a sign-in link");
		goto out;
	}
	snprintf(who->account_id, sizeof(who->account_id), "%s", PQgetvalue(res, 0, 1));
	snprintf(who->email, sizeof(who->email), "%s", PQgetvalue(res, 0, 0));
	if (!strcmp(PQgetvalue(res, 0, 3), "t")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the link has been used already");
		goto out;
	}
	if (!strcmp(PQgetvalue(res, 0, 4), "t")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_expired", "token",
			       "the link has expired");
		goto out;
	}
	{
		PGresult *u = PQexecParams(w->db,
					   "UPDATE login_links SET used_at = now() "
					   "WHERE token_hash = $1 AND used_at IS NULL",
					   1, NULL, params, lengths, formats, 0);
		bool won = PQresultStatus(u) == PGRES_COMMAND_OK && !strcmp(PQcmdTuples(u), "1");

		if (PQresultStatus(u) != PGRES_COMMAND_OK)
			wdb_failed(w, u, "login link use", reply);
		else if (!won)
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
				       "the link has been used already");
		PQclear(u);
		if (!won)
			goto out;
	}
	if (*PQgetvalue(res, 0, 1))
		snprintf(id, 37, "%s", PQgetvalue(res, 0, 1));
	else if (link_account(w, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 2), id, reply))
		goto out;
	snprintf(id + 37, 501, "%s", PQgetvalue(res, 0, 5));
	rc = 0;
out:
	PQclear(res);
	return rc;
}

/* Records the sign-in of si's account: last_signin_at and the audit row.
 * 0, or -1 with reply filled. */
static int signed_in(struct worker *w, const struct session_info *si, Tarjotin__Envelope *reply)
{
	const char *params[1] = { si->principal.account_id };
	struct audit_actor actor = { .account_id = si->principal.account_id,
				     .role = PQgetvalue(si->res, 0, 1) };
	PGresult *res = wdb_exec(w,
				 "UPDATE accounts SET last_signin_at = now() WHERE id = $1::uuid "
				 "RETURNING email",
				 1, params, PGRES_TUPLES_OK, reply);
	char hint[300] = "", err[256];
	int rc;

	if (!res)
		return -1;
	if (PQntuples(res) == 1 && strlen(PQgetvalue(res, 0, 0)) + 4 < sizeof(hint))
		audit_hint(PQgetvalue(res, 0, 0), hint, sizeof(hint));
	PQclear(res);
	actor.hint = hint;
	rc = audit_write_as(w->db, &actor, "signin", "account", si->principal.account_id,
			    "{\"method\":\"email_link\"}", err, sizeof(err));
	if (rc)
		wdb_failed(w, NULL, err, reply);
	return rc;
}

/*
 * Records a refused use of a found link (used, expired, the account
 * disabled) as signin_failed, in a transaction of its own: the refused
 * one was rolled back.  A failure here is only logged; the caller's
 * answer stays the refusal.
 */
static void refused_row(struct worker *w, const struct link_owner *who, const char *code)
{
	Tarjotin__Envelope scratch = TARJOTIN__ENVELOPE__INIT;

	if (wdb_begin(w, &scratch) ||
	    signin_record_failure(w, *who->account_id ? who->account_id : NULL, who->email,
				  "email_link", "", code, &scratch) ||
	    wdb_commit(w, &scratch)) {
		log_warn("cannot record a refused sign-in", "error", scratch.error, NULL);
		wdb_rollback(w);
	}
	reply_release(&scratch);
}

void logins_consume(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__LoginLinkConsume *m = tarjotin__login_link_consume__unpack(NULL, req->payload.len,
									     req->payload.data);
	Tarjotin__LoginLinkConsumed out = TARJOTIN__LOGIN_LINK_CONSUMED__INIT;
	struct session_info si = { 0 };
	struct link_owner who = { "", "" };
	uint8_t hash[LINKS_HASH_LEN];
	char ids[37 + 501], err[256];
	int found;

	if (!m) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed LoginLinkConsume");
		return;
	}
	if (!links_token_valid(m->token)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "link_invalid", "token",
			       "this is not a sign-in link");
		goto out;
	}
	links_hash(m->token, hash);
	if (wdb_begin(w, reply))
		goto out;
	if (use_link(w, hash, ids, &who, reply))
		goto fail;
	found = session_info_load(w->db, ids, &si, err, sizeof(err));
	if (found) {
		wdb_failed(w, NULL, found < 0 ? err : "the link's account is gone", reply);
		goto fail;
	}
	if (si.disabled) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "account_disabled", NULL,
			       "the account is disabled");
		goto fail;
	}
	if (signed_in(w, &si, reply))
		goto fail;
	out.session = &si.info;
	out.return_path = ids + 37;
	rpc_pack_payload(&out.base, &reply->payload);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("signed in", "method", "email_link", "account", si.principal.account_id, NULL);
	goto out;
fail:
	wdb_rollback(w);
	if (*who.email && reply->error_code &&
	    (!strcmp(reply->error_code, "link_used") ||
	     !strcmp(reply->error_code, "link_expired") ||
	     !strcmp(reply->error_code, "account_disabled")))
		refused_row(w, &who, reply->error_code);
out:
	session_info_release(&si);
	tarjotin__login_link_consume__free_unpacked(m, NULL);
}
