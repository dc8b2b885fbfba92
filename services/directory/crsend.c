/*
 * crsend.c - see crsend.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "crdoc.h"
#include "crsend.h"
#include "crstore.h"
#include "doccall.h"
#include "links.h"
#include "log.h"
#include "mailq.h"
#include "mask.h"
#include "messages.h"
#include "reply.h"
#include "simclock.h"
#include "strbuf.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

#define HEX32 CRDOC_HASH_HEX

/* Columns of the activities query. */
enum { A_ID, A_NAME, A_ORG, A_ORG_NAME, A_LIVE, A_ACCEPTS, A_EMAIL, A_DAYS, A_ORG_LANG };

/* One send in the making. */
struct send {
	struct worker *w;
	const Tarjotin__Envelope *req;
	const struct seal_key *key;
	json_t *d;        /* crdoc_send's canonical document */
	PGresult *acts;   /* the activities, in the document's order */
	char at[40];      /* T, the scheduler's clock */
	char batch[37];   /* the batch's id */
	json_t *requests; /* the reply's requests */
	json_t *receipt;  /* the reply's receipt (null: none) */
	int max_days;     /* the largest promise */
};

static const char *dstr(const json_t *d, const char *key)
{
	return json_string_value(json_object_get(d, key));
}

void crsend_consent(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	PGresult *res;

	(void)req;
	res = wdb_exec(
		w,
		"SELECT json_build_object('version', v.version, 'texts', "
		"(SELECT json_object_agg(t.lang, t.body) FROM consent_texts t "
		"WHERE t.version = v.version))::text FROM (SELECT version FROM consent_texts "
		"ORDER BY valid_from DESC, version DESC LIMIT 1) v",
		0, NULL, PGRES_TUPLES_OK, reply);
	if (!res)
		return;
	if (PQntuples(res) == 1)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
	else
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "no consent text");
	PQclear(res);
}

/* The stored reply of the principal's key: 1 answered (replayed, or 409
 * for another body), 0 none, -1 with reply filled. */
static int replay(struct worker *w, const Tarjotin__Envelope *req, const char *hash,
		  Tarjotin__Envelope *reply)
{
	const char *p[3] = { req->principal->account_id, req->idempotency_key, hash };
	PGresult *res = wdb_exec(w,
				 "SELECT body_hash = decode($3, 'hex'), reply::text "
				 "FROM contact_request_batches "
				 "WHERE account_id = $1::uuid AND idempotency_key = $2",
				 3, p, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) == 1;
	if (rc && !strcmp(PQgetvalue(res, 0, 0), "t")) {
		/* the stored body with "replayed": true, which the gateway takes
		 * out into the header Idempotent-Replayed */
		json_t *o = json_loads(PQgetvalue(res, 0, 1), 0, NULL);
		char *text;

		json_object_set_new(o, "replayed", json_true());
		text = o ? json_dumps(o, JSON_COMPACT) : NULL;
		if (text)
			doccall_reply(reply, text, 0, NULL, 0);
		else
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
				       "the stored reply is not JSON");
		free(text);
		json_decref(o);
	} else if (rc)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "idempotency_key_reused",
			       "Idempotency-Key",
			       "this Idempotency-Key was used for another contact request");
	PQclear(res);
	return rc;
}

/* The database's rules: the consent's version, each activity (read into
 * s->acts), the context's codes (unknown ones dropped).  0, or -1 with
 * reply filled (a query failed). */
static int check_db(struct send *s, struct docerr *e, Tarjotin__Envelope *reply)
{
	char *ids = json_dumps(json_object_get(s->d, "activities"), JSON_COMPACT);
	const char *p[3] = { ids, dstr(s->d, "need"), dstr(s->d, "municipality") };
	const char *version = dstr(s->d, "consent_version");
	PGresult *res;
	int i, rc = -1;

	res = wdb_exec(s->w,
		       "SELECT (SELECT version FROM consent_texts ORDER BY valid_from DESC, "
		       "version DESC LIMIT 1), EXISTS (SELECT 1 FROM taxonomy_terms t WHERE "
		       "t.id = $1 AND t.taxonomy_id = 'need' AND t.active), EXISTS (SELECT 1 "
		       "FROM municipalities m WHERE m.code = $2)",
		       2, p + 1, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	if (version && strcmp(version, PQgetvalue(res, 0, 0)))
		docerr_add(e, "consent.version", "outdated",
			   "the consent text changed: show the client version %s",
			   PQgetvalue(res, 0, 0));
	if (strcmp(PQgetvalue(res, 0, 1), "t"))
		json_object_set_new(s->d, "need", json_null());
	if (strcmp(PQgetvalue(res, 0, 2), "t"))
		json_object_set_new(s->d, "municipality", json_null());
	PQclear(res);
	s->acts = wdb_exec(s->w,
			   "SELECT a.id::text, a.name, o.id::text, o.name, a.status = 'published' "
			   "AND o.status = 'approved', a.accepts_contact_requests, "
			   "coalesce(a.contact_request_email::text, ''), coalesce(a.response_days, "
			   "0), o.registered_lang FROM json_array_elements_text($1::json) "
			   "WITH ORDINALITY x(id, n) LEFT JOIN activities a ON a.id = x.id::uuid "
			   "LEFT JOIN organizations o ON o.id = a.organization_id ORDER BY x.n",
			   1, p, PGRES_TUPLES_OK, reply);
	if (!s->acts)
		goto out;
	for (i = 0; i < PQntuples(s->acts); i++) {
		char field[32];

		snprintf(field, sizeof(field), "activities.%d", i);
		if (json_is_null(json_array_get(json_object_get(s->d, "activities"), (size_t)i)))
			continue; /* malformed or listed twice: noted already */
		if (PQgetisnull(s->acts, i, A_ID) || strcmp(PQgetvalue(s->acts, i, A_LIVE), "t"))
			docerr_add(e, field, "not_found", "%s is not a published activity", field);
		else if (strcmp(PQgetvalue(s->acts, i, A_ACCEPTS), "t") ||
			 !*PQgetvalue(s->acts, i, A_EMAIL))
			docerr_add(e, field, "not_accepting", "%s does not accept contact requests",
				   field);
	}
	rc = 0;
out:
	free(ids);
	return rc;
}

/* The batch row; its id into s->batch.  1 stored, 0 a concurrent send
 * with the same key won (the caller replays), -1 with reply filled. */
static int store_batch(struct send *s, const char *hash, const char *whash, const char *rchannel,
		       Tarjotin__Envelope *reply)
{
	const Tarjotin__Principal *pr = s->req->principal;
	const char *p[9] = {
		pr->account_id, pr->user_site_id,   s->req->idempotency_key,       hash, whash,
		rchannel,       dstr(s->d, "lang"), dstr(s->d, "consent_version"), s->at
	};
	PGresult *res = wdb_exec(
		s->w,
		"INSERT INTO contact_request_batches (account_id, user_site_id, idempotency_key, "
		"body_hash, withdraw_hash, receipt_channel, lang, consent_version, consent_at, "
		"sent_at, reply) VALUES ($1::uuid, $2::uuid, $3, decode($4, 'hex'), "
		"decode($5, 'hex'), $6, $7, $8, $9::timestamptz, $9::timestamptz, '{}') "
		"ON CONFLICT (account_id, idempotency_key) DO NOTHING RETURNING id::text",
		9, p, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) == 1;
	if (rc)
		snprintf(s->batch, sizeof(s->batch), "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return rc;
}

/* Links message 'job' of 'kind' to request 'rid'. */
static int link_message(struct send *s, const char *rid, const char *job, const char *kind,
			bool to_client, Tarjotin__Envelope *reply)
{
	char err[256];
	int rc = crstore_link_message(s->w->db, rid, job, kind, to_client, err, sizeof(err));

	if (rc)
		wdb_failed(s->w, NULL, err, reply);
	return rc;
}

/* Queues template 'tmpl' over 'channel' to 'to' with 'vars' (sealed with
 * 'sealed'); the job id into job (37 bytes).  0, or -1 with reply. */
static int queue(struct send *s, const char *channel, const char *to, const char *lang,
		 const char *tmpl, const json_t *vars, bool sealed, char *job,
		 Tarjotin__Envelope *reply)
{
	char err[256], *text = json_dumps(vars, JSON_COMPACT);
	int rc = mailq_queue(s->w->db, s->key, channel, to, lang, tmpl, text, sealed, job, err,
			     sizeof(err));

	if (rc)
		wdb_failed(s->w, NULL, err, reply);
	free(text);
	return rc;
}

/* The NGO's e-mail of request 'rid' to activity row i, due 'due_date'. */
static int ngo_mail(struct send *s, int i, const char *rid, const char *due_date,
		    const char *client, Tarjotin__Envelope *reply)
{
	char *url = crstore_inbox_url(s->w->dir->public_url, s->key, rid), *text, err[256];
	bool data = s->w->dir->cr.contact_in_email;
	json_t *vars;
	int rc = -1;

	vars = json_pack("{s:s, s:s, s:s, s:s, s:s}", "organization_name",
			 PQgetvalue(s->acts, i, A_ORG_NAME), "activity_name",
			 PQgetvalue(s->acts, i, A_NAME), "response_days",
			 PQgetvalue(s->acts, i, A_DAYS), "due_date", due_date, "open_url", url);
	if (data)
		json_object_set_new(vars, "client_text", json_string(client));
	text = vars ? json_dumps(vars, JSON_COMPACT) : NULL;
	if (text &&
	    !crstore_message(s->w->db, s->key, rid, "request", false, "email",
			     PQgetvalue(s->acts, i, A_EMAIL), PQgetvalue(s->acts, i, A_ORG_LANG),
			     data ? "contact_request_data" : "contact_request", text, data, err,
			     sizeof(err)))
		rc = 0;
	else
		wdb_failed(s->w, NULL, text ? err : "request vars", reply);
	if (text)
		sodium_memzero(text, strlen(text)); /* with client_text: the client's data */
	free(text);
	json_decref(vars);
	free(url);
	return rc;
}

/* A new request's id into rid (37 bytes). */
static int new_id(struct send *s, char *rid, Tarjotin__Envelope *reply)
{
	PGresult *res = wdb_exec(s->w, "SELECT gen_random_uuid()::text", 0, NULL, PGRES_TUPLES_OK,
				 reply);

	if (!res)
		return -1;
	snprintf(rid, 37, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	return 0;
}

/* The request to activity row i: its row, event, audit row and e-mail;
 * its reply item appended to s->requests.  0, or -1 with reply. */
static int store_request(struct send *s, int i, Tarjotin__Envelope *reply)
{
	const struct cr_settings *cr = &s->w->dir->cr;
	const char *phone = dstr(s->d, "phone");
	char rid[37], enc_hex[2 * (SEAL_MAX_PLAIN + SEAL_OVERHEAD) + 1], mac_hex[HEX32];
	char esc[3][12], expiry[12], err[256], detail[128];
	uint8_t mac[SEAL_MAC_BYTES], *blob = NULL;
	char *client = crdoc_client_json(s->d), *lines;
	size_t len = 0;
	PGresult *res = NULL;
	int rc = -1;

	if (!client || new_id(s, rid, reply))
		goto out;
	blob = crstore_seal(s->key, rid, client, &len);
	if (!blob) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot seal the client's data");
		goto out;
	}
	sodium_bin2hex(enc_hex, sizeof(enc_hex), blob, len);
	if (phone) {
		crstore_phone_mac(s->key, phone, mac);
		sodium_bin2hex(mac_hex, sizeof(mac_hex), mac, sizeof(mac));
	}
	for (int k = 0; k < 3; k++)
		snprintf(esc[k], sizeof(esc[k]), "%d", cr->escalate[k]);
	snprintf(expiry, sizeof(expiry), "%d", cr->expiry_days);
	{
		const char *p[22] = { rid,
				      s->batch,
				      PQgetvalue(s->acts, i, A_ID),
				      PQgetvalue(s->acts, i, A_ORG),
				      s->req->principal->account_id,
				      s->req->principal->user_site_id,
				      dstr(s->d, "channel"),
				      dstr(s->d, "lang"),
				      enc_hex,
				      phone ? mac_hex : NULL,
				      phone ? "t" : "f",
				      dstr(s->d, "email") ? "t" : "f",
				      *dstr(s->d, "note") ? "t" : "f",
				      dstr(s->d, "consent_version"),
				      s->at,
				      PQgetvalue(s->acts, i, A_DAYS),
				      dstr(s->d, "need"),
				      dstr(s->d, "municipality"),
				      esc[0],
				      esc[1],
				      esc[2],
				      expiry };

		res = wdb_exec(
			s->w,
			"WITH r AS (INSERT INTO contact_requests (id, batch_id, activity_id, "
			"organization_id, account_id, user_site_id, channel, lang, client_enc, "
			"phone_mac, has_phone, has_email, has_note, consent_version, consent_at, "
			"response_days, need, municipality_code, sent_at, due_1, due_2, due_3, "
			"expires_at, purge_at) VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, "
			"$5::uuid, $6::uuid, $7, $8, decode($9, 'hex'), decode($10, 'hex'), "
			"$11::boolean, $12::boolean, $13::boolean, $14, $15::timestamptz, "
			"$16::smallint, $17, $18, $15::timestamptz, "
			"cr_promise_end($15::timestamptz, $19::int * $16::int), "
			"cr_promise_end($15::timestamptz, $20::int * $16::int), "
			"cr_promise_end($15::timestamptz, $21::int * $16::int), "
			"$15::timestamptz + $22::int * interval '1 day', "
			"$15::timestamptz + $22::int * interval '1 day') RETURNING sent_at), "
			"d AS (SELECT fi_add_working_days((r.sent_at AT TIME ZONE "
			"'Europe/Helsinki')::date, $19::int * $16::int) AS day FROM r) "
			"SELECT d.day::text, to_char(d.day, 'FMDD.FMMM.YYYY') FROM d",
			22, p, PGRES_TUPLES_OK, reply);
	}
	if (!res)
		goto out;
	if (crstore_event(s->w->db, rid, "sent", s->at, "professional", NULL, err, sizeof(err)) < 0)
		goto failed;
	snprintf(detail, sizeof(detail), "{\"batch\":\"%s\",\"activity\":\"%s\"}", s->batch,
		 PQgetvalue(s->acts, i, A_ID));
	if (audit_write(s->w->db, s->req->principal, "contact_request.send", "contact_request", rid,
			detail, err, sizeof(err)))
		goto failed;
	lines = s->w->dir->cr.contact_in_email ? crdoc_client_lines(s->d) : NULL;
	rc = ngo_mail(s, i, rid, PQgetvalue(res, 0, 1), lines, reply);
	seal_wipe_free(lines);
	if (rc)
		goto out;
	rc = -1;
	json_array_append_new(s->requests,
			      json_pack("{s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:I, s:s}", "id",
					rid, "status", "sent", "activity", "id",
					PQgetvalue(s->acts, i, A_ID), "name",
					PQgetvalue(s->acts, i, A_NAME), "organization", "id",
					PQgetvalue(s->acts, i, A_ORG), "name",
					PQgetvalue(s->acts, i, A_ORG_NAME), "response_days",
					(json_int_t)atoi(PQgetvalue(s->acts, i, A_DAYS)), "due",
					PQgetvalue(res, 0, 0)));
	if (atoi(PQgetvalue(s->acts, i, A_DAYS)) > s->max_days)
		s->max_days = atoi(PQgetvalue(s->acts, i, A_DAYS));
	rc = 0;
	goto out;
failed:
	wdb_failed(s->w, NULL, err, reply);
out:
	PQclear(res);
	free(blob);
	seal_wipe_free(client);
	return rc;
}

/* The organisations' names joined in 'lang'. */
static char *org_names(const struct send *s, const char *lang)
{
	int n = PQntuples(s->acts);
	const char **names = xcalloc((size_t)n + 1, sizeof(*names));
	char *joined;

	for (int i = 0; i < n; i++)
		names[i] = PQgetvalue(s->acts, i, A_ORG_NAME);
	joined = crdoc_join_names(names, (size_t)n, lang);
	free(names);
	return joined;
}

/* The client's receipt over 'channel' to 'to' with the withdraw token,
 * linked to every request.  0, or -1 with reply. */
static int receipt(struct send *s, const char *channel, const char *to, const char *token,
		   Tarjotin__Envelope *reply)
{
	const char *lang = dstr(s->d, "lang"), *p[1] = { s->req->principal->user_site_id };
	char job[40], days[12], hint[300], *orgs = org_names(s, lang), *url;
	PGresult *res = wdb_exec(s->w, "SELECT name FROM user_sites WHERE id = $1::uuid", 1, p,
				 PGRES_TUPLES_OK, reply);
	json_t *vars = NULL, *x;
	size_t i;
	int rc = -1;

	url = xasprintf("%s/w#%s", s->w->dir->public_url, token);
	if (!res)
		goto out;
	snprintf(days, sizeof(days), "%d", s->max_days);
	vars = json_pack("{s:s, s:s, s:s, s:s}", "site_name",
			 PQntuples(res) ? PQgetvalue(res, 0, 0) : "", "organizations", orgs,
			 "response_days", days, "withdraw_url", url);
	if (queue(s, channel, to, lang, "contact_receipt", vars, true, job, reply))
		goto out;
	json_array_foreach(s->requests, i, x)
		if (link_message(s, dstr(x, "id"), job, "receipt", true, reply))
			goto out;
	mask_recipient(channel, to, hint, sizeof(hint));
	s->receipt = json_pack("{s:s, s:s}", "channel", channel, "to", hint);
	rc = 0;
out:
	sodium_memzero(url, strlen(url));
	free(url);
	free(orgs);
	json_decref(vars);
	PQclear(res);
	return rc;
}

/* Steps 2-4 once the document is good: the batch, the requests, the
 * receipt, the stored reply.  1 stored (reply filled), 0 a concurrent
 * send won, -1 with reply. */
static int store(struct send *s, const char *hash, Tarjotin__Envelope *reply)
{
	const char *phone = dstr(s->d, "phone"), *email = dstr(s->d, "email");
	const char *rchannel = json_is_true(json_object_get(s->d, "mobile")) ? "sms" : "email";
	const char *to = !strcmp(rchannel, "sms") ? phone : email;
	char token[LINKS_TOKEN_LEN + 1], whash[HEX32], *text = NULL;
	uint8_t hash_bin[LINKS_HASH_LEN];
	const char *p[2];
	PGresult *res;
	json_t *out;
	int rc, i;

	links_new_token(token, hash_bin);
	sodium_bin2hex(whash, sizeof(whash), hash_bin, sizeof(hash_bin));
	rc = store_batch(s, hash, to ? whash : NULL, rchannel, reply);
	if (rc <= 0)
		goto out;
	rc = -1;
	for (i = 0; i < PQntuples(s->acts); i++)
		if (store_request(s, i, reply))
			goto out;
	if (to && receipt(s, rchannel, to, token, reply))
		goto out;
	out = json_pack("{s:s, s:s, s:O, s:O}", "id", s->batch, "sent_at", s->at, "requests",
			s->requests, "receipt", s->receipt ? s->receipt : json_null());
	text = out ? json_dumps(out, JSON_COMPACT) : NULL;
	json_decref(out);
	if (!text) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot build the answer");
		goto out;
	}
	p[0] = s->batch;
	p[1] = text;
	res = wdb_exec(s->w,
		       "UPDATE contact_request_batches SET reply = $2::jsonb WHERE id = $1::uuid",
		       2, p, PGRES_COMMAND_OK, reply);
	if (!res)
		goto out;
	PQclear(res);
	doccall_reply(reply, text, 0, NULL, 0);
	rc = 1;
out:
	sodium_memzero(token, sizeof(token));
	free(text);
	return rc;
}

/* The checks before the transaction: the principal, the data key, the
 * key's form.  0, or -1 with reply filled. */
static int preconditions(struct send *s, Tarjotin__Envelope *reply)
{
	const Tarjotin__Principal *p = s->req->principal;

	if (!p || !p->user_site_id || !*p->user_site_id) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "no_user_site", NULL,
			       "a contact request is sent from a user site");
		return -1;
	}
	if (!(s->key = messages_key(s->w->dir->messages))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
		return -1;
	}
	if (!crdoc_key_ok(s->req->idempotency_key)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       "Idempotency-Key",
			       "Idempotency-Key must be 16..64 of A-Z a-z 0-9 _ -");
		return -1;
	}
	return 0;
}

void crsend_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct send s = { .w = w, .req = req, .d = json_object(), .requests = json_array() };
	struct doccall c = { 0 };
	struct docerr e;
	char hash[HEX32];
	int rc;

	docerr_init(&e);
	if (preconditions(&s, reply) || doccall_open(req, &c, reply))
		goto out;
	crdoc_body_hash(c.body, hash);
	if (wdb_begin(w, reply))
		goto out;
	if ((rc = replay(w, req, hash, reply)))
		goto done;
	crdoc_send(&e, c.body, s.d, (size_t)w->dir->cr.max_activities);
	if (check_db(&s, &e, reply))
		goto fail;
	if (!docerr_any(&e) && crdoc_client_too_long(s.d))
		docerr_add(&e, "note", "too_long", "the client's data is too long with this note");
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	simclock_iso(w->dir->clock, s.at, sizeof(s.at));
	rc = store(&s, hash, reply);
	if (rc < 0)
		goto fail;
	if (rc == 0) { /* a concurrent send with this key committed first */
		wdb_rollback(w);
		if (wdb_begin(w, reply) || (rc = replay(w, req, hash, reply)) < 0)
			goto fail;
		if (rc == 0) {
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
				       "the concurrent send is gone");
			goto fail;
		}
	}
done:
	if (rc < 0 || wdb_commit(w, reply))
		goto fail;
	if (rc > 0 && s.batch[0])
		log_info("contact requests sent", "batch", s.batch, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(s.acts);
	json_decref(s.requests);
	json_decref(s.receipt);
	json_decref(s.d);
	docerr_release(&e);
	doccall_close(&c);
}
