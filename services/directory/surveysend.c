/*
 * surveysend.c - see surveysend.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "docfields.h"
#include "links.h"
#include "log.h"
#include "mailq.h"
#include "messages.h"
#include "surveydb.h"
#include "surveydoc.h"
#include "surveysend.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

/* Columns of the candidates' query. */
enum { C_ID, C_NAME, C_EMAIL, C_LANG, C_MAINTAINERS };

/* $1: the recipient ids as a JSON list, or NULL for all. */
#define CHOSEN(col)                  \
	"($1::jsonb IS NULL OR " col \
	" IN (SELECT x::uuid FROM jsonb_array_elements_text($1::jsonb) x))"

static const char orgs_sql[] =
	"SELECT o.id::text, o.name, coalesce(o.email::text, ''), coalesce((SELECT a.lang FROM "
	"organization_maintainers m JOIN accounts a ON a.email = m.email AND a.disabled_at IS "
	"NULL WHERE m.organization_id = o.id ORDER BY m.email LIMIT 1), o.registered_lang), "
	"coalesce((SELECT json_agg(json_build_object('email', m.email, 'lang', a.lang) ORDER BY "
	"m.email) FROM organization_maintainers m LEFT JOIN accounts a ON a.email = m.email AND "
	"a.disabled_at IS NULL WHERE m.organization_id = o.id), '[]'::json)::text "
	"FROM organizations o WHERE o.status = 'approved' AND " CHOSEN(
		"o.id") " ORDER BY o.name, o.id";

static const char sites_sql[] =
	"SELECT s.id::text, s.name, coalesce(s.contact_email::text, ''), 'fi', '[]' "
	"FROM user_sites s WHERE " CHOSEN("s.id") " ORDER BY s.name, s.id";

/* The first of the ids $1 that is no candidate, in the order given. */
static const char orgs_unknown_sql[] =
	"SELECT x FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(x, n) "
	"WHERE NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = x::uuid AND "
	"o.status = 'approved') ORDER BY n LIMIT 1";
static const char sites_unknown_sql[] =
	"SELECT x FROM jsonb_array_elements_text($1::jsonb) WITH ORDINALITY AS t(x, n) "
	"WHERE NOT EXISTS (SELECT 1 FROM user_sites s WHERE s.id = x::uuid) ORDER BY n LIMIT 1";

struct send {
	struct worker *w;
	const struct seal_key *key;
	const char *survey; /* its id */
	json_t *title;      /* {fi, sv, en} */
	bool orgs;          /* audience organizations (else user_sites) */
	bool dry;           /* count only */
	int sent, skipped;
};

/* Notes "unknown" on recipient_ids when one of 'ids' (JSON text) is no
 * candidate.  0 (noted or not), or -1 with reply. */
static int check_ids(struct send *s, const char *ids, struct docerr *e, Tarjotin__Envelope *reply)
{
	const char *p[1] = { ids };
	PGresult *res = wdb_exec(s->w, s->orgs ? orgs_unknown_sql : sites_unknown_sql, 1, p,
				 PGRES_TUPLES_OK, reply);

	if (!res)
		return -1;
	if (PQntuples(res))
		docerr_add(e, "recipient_ids", "unknown", "%s is no %s", PQgetvalue(res, 0, 0),
			   s->orgs ? "approved organisation" : "user site");
	PQclear(res);
	return 0;
}

/* Queues the invitation with 'url' to 'email' in 'lang' for 'name'.  0,
 * or -1 with reply. */
static int invite(struct send *s, const char *email, const char *lang, const char *name,
		  const char *url, Tarjotin__Envelope *reply)
{
	const char *title = json_string_value(json_object_get(s->title, lang));
	json_t *vars = json_pack("{s:s, s:s, s:s}", "survey_url", url, "survey_title",
				 title ? title : json_string_value(json_object_get(s->title, "fi")),
				 "recipient_name", name);
	char *text = vars ? json_dumps(vars, JSON_COMPACT) : NULL, err[256];
	int rc = -1;

	if (!text)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot build the invitation");
	else if (mailq_email(s->w->db, s->key, email, lang, "survey_invitation", text, true, err,
			     sizeof(err)))
		wdb_failed(s->w, NULL, err, reply);
	else
		rc = 0;
	if (text)
		sodium_memzero(text, strlen(text));
	free(text);
	json_decref(vars);
	return rc;
}

/* The recipient of row i of 'res': its link stored, its mails queued.  0,
 * or -1 with reply. */
static int recipient(struct send *s, const PGresult *res, int i, const char *email,
		     json_t *maintainers, Tarjotin__Envelope *reply)
{
	const char *name = PQgetvalue(res, i, C_NAME), *lang = PQgetvalue(res, i, C_LANG);
	char token[LINKS_TOKEN_LEN + 1], hex[2 * LINKS_HASH_LEN + 1], *url;
	uint8_t hash[LINKS_HASH_LEN];
	const char *p[6] = { hex,
			     s->survey,
			     s->orgs ? PQgetvalue(res, i, C_ID) : NULL,
			     s->orgs ? NULL : PQgetvalue(res, i, C_ID),
			     name,
			     lang };
	PGresult *ins;
	json_t *m;
	size_t k;
	int rc = -1;

	links_new_token(token, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	url = xasprintf("%s/survey.html#t=%s", s->w->dir->public_url, token);
	sodium_memzero(token, sizeof(token));
	ins = wdb_exec(s->w,
		       "INSERT INTO survey_recipients (token_hash, survey_id, organization_id, "
		       "user_site_id, name, lang) VALUES (decode($1, 'hex'), $2::uuid, $3::uuid, "
		       "$4::uuid, $5, $6)",
		       6, p, PGRES_COMMAND_OK, reply);
	if (!ins)
		goto out;
	PQclear(ins);
	if (*email) {
		rc = invite(s, email, lang, name, url, reply);
		goto out;
	}
	json_array_foreach(maintainers, k, m) {
		const char *ml = json_string_value(json_object_get(m, "lang"));

		if (invite(s, json_string_value(json_object_get(m, "email")), ml ? ml : lang, name,
			   url, reply))
			goto out;
	}
	rc = 0;
out:
	sodium_memzero(url, strlen(url));
	free(url);
	return rc;
}

/* Every candidate of 'res' sent to or skipped.  0, or -1 with reply. */
static int recipients(struct send *s, const PGresult *res, Tarjotin__Envelope *reply)
{
	for (int i = 0; i < PQntuples(res); i++) {
		const char *email = PQgetvalue(res, i, C_EMAIL);
		json_t *maintainers = json_loads(PQgetvalue(res, i, C_MAINTAINERS), 0, NULL);
		int rc = 0;

		if (!*email && !json_array_size(maintainers))
			s->skipped++;
		else {
			s->sent++;
			if (!s->dry)
				rc = recipient(s, res, i, email, maintainers, reply);
		}
		json_decref(maintainers);
		if (rc)
			return -1;
	}
	return 0;
}

/* The survey sent: its status, the audit row, the answer.  0, or -1 with
 * reply. */
static int finish(struct send *s, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	const char *p[1] = { s->survey };
	char detail[64], err[256];
	PGresult *res;

	snprintf(detail, sizeof(detail), "{\"sent\":%d,\"skipped\":%d}", s->sent, s->skipped);
	if (s->dry) {
		snprintf(detail, sizeof(detail), "{\"sent\":%d,\"skipped\":%d,\"dry_run\":true}",
			 s->sent, s->skipped);
		doccall_reply(reply, detail, 0, NULL, 0);
		return 0;
	}
	if (!s->sent) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "no_recipients",
			       "recipient_ids",
			       "none of the recipients has an address (%d skipped)", s->skipped);
		return -1;
	}
	res = wdb_exec(s->w,
		       "UPDATE surveys SET status = 'sent', sent_at = now(), updated_at = now() "
		       "WHERE id = $1::uuid",
		       1, p, PGRES_COMMAND_OK, reply);
	if (!res)
		return -1;
	PQclear(res);
	if (audit_write(s->w->db, req->principal, "survey.send", "survey", s->survey, detail, err,
			sizeof(err))) {
		wdb_failed(s->w, NULL, err, reply);
		return -1;
	}
	doccall_reply(reply, detail, 0, NULL, 0);
	return 0;
}

/* The survey locked and checked (a draft), its title and audience into
 * s; the row into *doc (PQclear it).  0, or -1 with reply. */
static int load(struct send *s, const char *id, PGresult **doc, Tarjotin__Envelope *reply)
{
	json_t *o;

	*doc = surveydb_load(s->w, id, true, reply);
	if (!*doc)
		return -1;
	if (strcmp(PQgetvalue(*doc, 0, SURVEYDB_STATUS), "draft")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "survey_sent", NULL,
			       "the survey was sent already");
		return -1;
	}
	s->survey = PQgetvalue(*doc, 0, SURVEYDB_ID);
	s->orgs = !strcmp(PQgetvalue(*doc, 0, SURVEYDB_AUDIENCE), "organizations");
	o = json_loads(PQgetvalue(*doc, 0, SURVEYDB_DOC), 0, NULL);
	s->title = json_incref(json_object_get(o, "title"));
	json_decref(o);
	if (!json_is_object(s->title)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "the survey cannot be read");
		return -1;
	}
	return 0;
}

void surveysend_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct send s = { .w = w };
	struct doccall c;
	struct docerr e;
	json_t *d = json_object();
	PGresult *doc = NULL, *res = NULL;
	char *ids = NULL, sent[16], skipped[16];
	const char *p[1];

	docerr_init(&e);
	if (doccall_open(req, &c, reply))
		goto out;
	surveydoc_recipients(&e, c.body, d);
	docfields_bool(&e, c.body, d, "dry_run", NULL, false);
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto out;
	}
	s.dry = json_is_true(json_object_get(d, "dry_run"));
	s.key = messages_key(w->dir->messages);
	if (!s.key && !s.dry) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
		goto out;
	}
	if (!wdb_conn(w, reply) || wdb_begin(w, reply))
		goto out;
	if (load(&s, c.call->id, &doc, reply))
		goto fail;
	if (json_is_array(json_object_get(d, "recipient_ids"))) {
		ids = json_dumps(json_object_get(d, "recipient_ids"), JSON_COMPACT);
		if (check_ids(&s, ids, &e, reply))
			goto fail;
		if (docerr_any(&e)) {
			docerr_reply(&e, reply);
			goto fail;
		}
	}
	p[0] = ids;
	res = wdb_exec(w, s.orgs ? orgs_sql : sites_sql, 1, p, PGRES_TUPLES_OK, reply);
	if (!res || recipients(&s, res, reply) || finish(&s, req, reply))
		goto fail;
	if (s.dry)
		goto fail; /* nothing was written; the answer stands */
	if (wdb_commit(w, reply))
		goto fail;
	snprintf(sent, sizeof(sent), "%d", s.sent);
	snprintf(skipped, sizeof(skipped), "%d", s.skipped);
	log_info("survey sent", "survey", s.survey, "sent", sent, "skipped", skipped, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	PQclear(doc);
	free(ids);
	json_decref(s.title);
	json_decref(d);
	docerr_release(&e);
	doccall_close(&c);
}
