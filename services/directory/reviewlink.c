/*
 * reviewlink.c - see reviewlink.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "doccall.h"
#include "links.h"
#include "log.h"
#include "reply.h"
#include "reviewlink.h"
#include "simclock.h"
#include "wdb.h"
#include "banned.h"

/* Columns of the link query. */
enum {
	C_ACTIVITY,
	C_ACCOUNT,
	C_EMAIL,
	C_USED,
	C_EXPIRED,
	C_PUBLISHED,
	C_SAME,
	C_NAME,
	C_ORG_ID,
	C_ORG_NAME,
	C_ASSURED,
	C_DUE
};

static const char link_sql[] =
	"SELECT a.id::text, l.account_id::text, l.email, l.used_at IS NOT NULL, "
	"l.expires_at <= $2::timestamptz, a.status = 'published' AND o.status = 'approved', "
	"a.version = l.version, a.name, o.id::text, o.name, "
	"coalesce(a.assured_date::text, ''), l.due::text "
	"FROM review_links l JOIN activities a ON a.id = l.activity_id "
	"JOIN organizations o ON o.id = a.organization_id "
	"WHERE l.token_hash = decode($1, 'hex')";

static bool yes(const PGresult *res, int col)
{
	return !strcmp(PQgetvalue(res, 0, col), "t");
}

/* Looks the call's link up (locked with 'lock') on the clock's time 'at'
 * and checks it.  Returns the row (PQclear it), or NULL with reply set. */
static PGresult *lookup(struct worker *w, const struct doccall *c, const char *at, bool lock,
			Tarjotin__Envelope *reply)
{
	const char *token = json_string_value(json_object_get(c->body, "token"));
	uint8_t hash[LINKS_HASH_LEN];
	char hex[2 * LINKS_HASH_LEN + 1], sql[sizeof(link_sql) + 32];
	const char *params[2] = { hex, at };
	PGresult *res;

	if (!links_token_valid(token)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "link_invalid", "token",
			       "the token must be 43 base64url characters");
		return NULL;
	}
	links_hash(token, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	snprintf(sql, sizeof(sql), "%s%s", link_sql, lock ? " FOR UPDATE OF l, a" : "");
	res = wdb_exec(w, sql, 2, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return NULL;
	if (PQntuples(res) != 1)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "link_invalid", "token",
			       "no such link");
	else if (yes(res, C_USED))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the link was used already");
	else if (yes(res, C_EXPIRED))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_expired", "token",
			       "the link has expired");
	else if (!yes(res, C_PUBLISHED))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "not_published", "token",
			       "the activity is not published");
	else if (!yes(res, C_SAME))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "version_changed", "token",
			       "the activity was edited after the link was made");
	else
		return res;
	PQclear(res);
	return NULL;
}

/* Answers {"state", "activity", "organization", "assured_date"[, "due_date"]}. */
static void answer(Tarjotin__Envelope *reply, const PGresult *res, const char *state,
		   const char *assured, bool due)
{
	json_t *o = json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s?}", "state", state, "activity",
			      "id", PQgetvalue(res, 0, C_ACTIVITY), "name",
			      PQgetvalue(res, 0, C_NAME), "organization", "id",
			      PQgetvalue(res, 0, C_ORG_ID), "name", PQgetvalue(res, 0, C_ORG_NAME),
			      "assured_date", *assured ? assured : NULL);
	char *json;

	if (o && !*assured)
		json_object_set_new(o, "assured_date", json_null());
	if (o && due)
		json_object_set_new(o, "due_date", json_string(PQgetvalue(res, 0, C_DUE)));
	json = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!json)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot build the answer");
	else
		doccall_reply(reply, json, 0, NULL, 0);
	free(json);
	json_decref(o);
}

void reviewlink_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	char at[32];
	PGresult *res;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!wdb_conn(w, reply))
		goto out;
	simclock_iso(w->dir->clock, at, sizeof(at));
	res = lookup(w, &c, at, false, reply);
	if (res)
		answer(reply, res, "ready", PQgetvalue(res, 0, C_ASSURED), true);
	PQclear(res);
out:
	doccall_close(&c);
}

/* The confirmation's writes, in the caller's transaction: the link used,
 * the activity assured, the audit row.  The new assured_date into
 * 'assured' (11 bytes).  0, or -1 with reply set. */
static int confirm(struct worker *w, const PGresult *link, const char *hex, const char *at,
		   char *assured, size_t len, Tarjotin__Envelope *reply)
{
	const char *account = PQgetisnull(link, 0, C_ACCOUNT) ? NULL :
								PQgetvalue(link, 0, C_ACCOUNT);
	const char *email = PQgetvalue(link, 0, C_EMAIL);
	const char *p[3] = { hex, at, NULL };
	struct audit_actor actor = { .account_id = account,
				     .role = account ? "editor" : "anonymous" };
	char hint[300], err[256];
	PGresult *res;
	bool won;

	res = wdb_exec(w,
		       "UPDATE review_links SET used_at = $2::timestamptz "
		       "WHERE token_hash = decode($1, 'hex') AND used_at IS NULL",
		       2, p, PGRES_COMMAND_OK, reply);
	if (!res)
		return -1;
	won = !strcmp(PQcmdTuples(res), "1");
	PQclear(res);
	if (!won) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the link was used already");
		return -1;
	}
	p[0] = PQgetvalue(link, 0, C_ACTIVITY);
	p[2] = email;
	res = wdb_exec(w,
		       "UPDATE activities SET assured_date = ($2::timestamptz AT TIME ZONE "
		       "'Europe/Helsinki')::date, assurer = $3, freshness = 'current' "
		       "WHERE id = $1::uuid RETURNING assured_date::text",
		       3, p, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	snprintf(assured, len, "%s", PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "");
	PQclear(res);
	audit_hint(email, hint, sizeof(hint));
	actor.hint = hint;
	if (audit_write_as(w->db, &actor, "activity.confirm", "activity", p[0],
			   "{\"via\":\"link\"}", err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		return -1;
	}
	return 0;
}

void reviewlink_confirm(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	uint8_t hash[LINKS_HASH_LEN];
	char at[32], hex[2 * LINKS_HASH_LEN + 1], assured[16];
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!wdb_conn(w, reply) || wdb_begin(w, reply))
		goto out;
	simclock_iso(w->dir->clock, at, sizeof(at));
	res = lookup(w, &c, at, true, reply);
	if (!res)
		goto fail;
	links_hash(json_string_value(json_object_get(c.body, "token")), hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	if (confirm(w, res, hex, at, assured, sizeof(assured), reply))
		goto fail;
	answer(reply, res, "confirmed", assured, false);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("activity confirmed by link", "activity", PQgetvalue(res, 0, C_ACTIVITY), NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	doccall_close(&c);
}
