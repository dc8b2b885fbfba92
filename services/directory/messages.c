/*
 * messages.c - see messages.h.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "config.h"
#include "dlrrule.h"
#include "email.h"
#include "log.h"
#include "mailq.h"
#include "mask.h"
#include "messages.h"
#include "notify.pb-c.h"
#include "pg.h"
#include "rpc.h"
#include "seal.h"
#include "smstext.h"
#include "template.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "wdb.h"
#include "banned.h"

#define LIST_DEFAULT 50
#define LIST_MAX 200

struct messages {
	struct seal_key key;
	bool have_key;
	const char *templates_dir;
	struct dlrrule_window dlr;
};

struct messages *messages_new(void)
{
	struct messages *ms = xcalloc(1, sizeof(*ms));
	char err[256];

	ms->templates_dir = config_str("TARJOTIN_TEMPLATES_DIR", "services/notify/templates");
	dlrrule_window_init(&ms->dlr);
	if (seal_key_from_env(&ms->key, err, sizeof(err)))
		log_warn("messaging disabled", "error", err, NULL);
	else
		ms->have_key = true;
	return ms;
}

static bool messages_enabled(const struct messages *ms)
{
	return ms && ms->have_key;
}

const struct seal_key *messages_key(const struct messages *ms)
{
	return messages_enabled(ms) ? &ms->key : NULL;
}

const struct dlrrule_window *messages_dlr_window(const struct messages *ms)
{
	return &ms->dlr;
}

void messages_destroy(struct messages **msp)
{
	struct messages *ms = *msp;

	if (!ms)
		return;
	sodium_memzero(&ms->key, sizeof(ms->key));
	free(ms);
	*msp = NULL;
}

/* A usable connection, or an UNAVAILABLE reply and NULL. */
static PGconn *db_of(struct worker *w, Tarjotin__Envelope *reply)
{
	char err[256];

	if (pg_ensure(&w->db, w->dir->conninfo, err, sizeof(err))) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
				"the database is unavailable");
		return NULL;
	}
	return w->db;
}

/* Answers a failed statement: UNAVAILABLE when the connection broke or
 * the statement timed out, else INTERNAL (wdb.h: logged with the request
 * id, the server's text never answered). */
static void db_failed(struct worker *w, PGresult *res, Tarjotin__Envelope *reply)
{
	wdb_failed(w, res, "messages", reply);
}

static void reply_json_text(Tarjotin__Envelope *reply, const char *text)
{
	Tarjotin__JsonReply jr = TARJOTIN__JSON_REPLY__INIT;

	jr.json.data = (uint8_t *)text;
	jr.json.len = strlen(text);
	rpc_pack_payload(&jr.base, &reply->payload);
}

/* Runs a query whose one row, one column is a JSON document, and replies
 * with it; NOT_FOUND when there is no row or it is NULL. */
static void reply_query_json(struct worker *w, Tarjotin__Envelope *reply, const char *sql, int n,
			     const char *const *params, const char *what)
{
	PGconn *db = db_of(w, reply);
	PGresult *res;

	if (!db)
		return;
	res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		db_failed(w, res, reply);
	else if (PQntuples(res) != 1 || PQgetisnull(res, 0, 0))
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "job_id", "no such %s",
				what);
	else
		reply_json_text(reply, PQgetvalue(res, 0, 0));
	PQclear(res);
}

/* --- send ---------------------------------------------------------------- */

static int template_exists(const struct messages *ms, const char *name, const char *channel)
{
	char path[1024];
	const char *parts[2] = { !strcmp(channel, "sms") ? "sms" : "subject",
				 !strcmp(channel, "sms") ? NULL : "txt" };

	for (int i = 0; i < 2 && parts[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s.%s", ms->templates_dir, name,
			 TEMPLATE_FALLBACK_LANG, parts[i]);
		if (access(path, R_OK))
			return 0;
	}
	return 1;
}

/* Renders what notify will render, so that a message that cannot be sent
 * (a missing variable, an SMS longer than SMSTEXT_MAX_PARTS) is a 400 now
 * rather than a dead letter later.  Returns 0 or -1 with err. */
static int check_render(const struct messages *ms, const Tarjotin__MessageSendRequest *m,
			json_t *vars, char *err, size_t errlen)
{
	struct template_var *tv = xcalloc(json_object_size(vars) + 1, sizeof(*tv));
	static const enum template_part email_parts[] = { TEMPLATE_SUBJECT, TEMPLATE_TEXT };
	const char *k;
	json_t *v;
	size_t n = 0;
	char *out = NULL;
	int rc = -1;

	json_object_foreach(vars, k, v) {
		if (!json_is_string(v)) {
			snprintf(err, errlen, "vars.%s must be a string", k);
			goto out;
		}
		tv[n].key = k;
		tv[n++].value = json_string_value(v);
	}
	if (!strcmp(m->channel, "sms")) {
		out = template_render(ms->templates_dir, m->template_, m->lang, TEMPLATE_SMS, tv, n,
				      err, errlen);
		if (!out)
			goto out;
		if (smstext_check(out, err, errlen))
			goto out;
	} else {
		for (size_t i = 0; i < 2; i++) {
			free(out);
			out = template_render(ms->templates_dir, m->template_, m->lang,
					      email_parts[i], tv, n, err, errlen);
			if (!out)
				goto out;
		}
	}
	rc = 0;
out:
	free(out);
	free(tv);
	return rc;
}

/* The reply for an idempotency key seen before; 1 when there was one. */
static int replay(PGconn *db, const char *ikey, Tarjotin__Envelope *reply, int *failed)
{
	const char *params[1] = { ikey };
	Tarjotin__MessageSendReply r = TARJOTIN__MESSAGE_SEND_REPLY__INIT;
	PGresult *res = PQexecParams(db,
				     "SELECT job_id::text, status FROM notifications "
				     "WHERE idempotency_key = $1",
				     1, NULL, params, NULL, NULL, 0);
	int found = 0;

	*failed = PQresultStatus(res) != PGRES_TUPLES_OK;
	if (!*failed && PQntuples(res) == 1) {
		r.job_id = PQgetvalue(res, 0, 0);
		r.status = PQgetvalue(res, 0, 1);
		r.replayed = 1;
		rpc_pack_payload(&r.base, &reply->payload);
		found = 1;
	}
	PQclear(res);
	return found;
}

void messages_send(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageSendRequest *m = NULL;
	Tarjotin__MessageSendReply r = TARJOTIN__MESSAGE_SEND_REPLY__INIT;
	json_t *vars = NULL;
	json_error_t jerr;
	PGconn *db;
	PGresult *res = NULL;
	uint8_t *sealed = NULL;
	size_t sealed_len = 0;
	char err[256], hint[300], detail[160], job[UUID_STR_SIZE], *vars_text = NULL;
	int failed = 0;

	const struct messages *ms = w->dir->messages;

	if (!messages_enabled(ms)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, NULL,
				"messaging is not configured (TARJOTIN_DATA_KEY)");
		return;
	}
	m = tarjotin__message_send_request__unpack(NULL, req->payload.len, req->payload.data);
	if (!m) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed MessageSendRequest");
		return;
	}
	/* The gateway validated all of this; a second look costs nothing. */
	if (strcmp(m->channel, "email") && strcmp(m->channel, "sms")) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "channel",
				"channel must be email or sms");
		goto out;
	}
	if (strcmp(m->lang, "fi") && strcmp(m->lang, "sv") && strcmp(m->lang, "en")) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "lang",
				"lang must be fi, sv or en");
		goto out;
	}
	if (!*m->idempotency_key || strlen(m->idempotency_key) > 200) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "idempotency_key",
				"an idempotency key of 1..200 characters is required");
		goto out;
	}
	if (!strcmp(m->channel, "email") ?
		    email_valid(m->recipient, err, sizeof(err)) != 0 :
		    (m->recipient[0] != '+' ||
		     strspn(m->recipient + 1, "0123456789") != strlen(m->recipient) - 1 ||
		     strlen(m->recipient) < 8 || strlen(m->recipient) > 16)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "to",
				"the recipient is not a valid %s",
				!strcmp(m->channel, "email") ? "e-mail address" : "E.164 number");
		goto out;
	}
	db = db_of(w, reply);
	if (!db)
		goto out;
	if (replay(db, m->idempotency_key, reply, &failed))
		goto out;
	if (failed) {
		db_failed(w, NULL, reply);
		goto out;
	}
	if (!template_name_valid(m->template_) || !template_exists(ms, m->template_, m->channel)) {
		char name[72];

		utf8_clip(name, sizeof(name), m->template_);
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "template",
				"there is no %s template '%s'", m->channel, name);
		goto out;
	}
	vars = m->vars_json.len ? json_loadb((const char *)m->vars_json.data, m->vars_json.len,
					     JSON_REJECT_DUPLICATES, &jerr) :
				  json_object();
	if (!json_is_object(vars)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "vars",
				"vars must be a JSON object");
		goto out;
	}
	if (check_render(ms, m, vars, err, sizeof(err))) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "vars",
				"the message cannot be built: %s", err);
		goto out;
	}
	if (mask_recipient(m->channel, m->recipient, hint, sizeof(hint))) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "to",
				"the recipient cannot be used");
		goto out;
	}
	mailq_job_id(job);
	sealed = seal_job_box(&ms->key, "recipient", job, m->channel, m->template_, m->recipient,
			      strlen(m->recipient), &sealed_len);
	if (!sealed) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "to",
				"the recipient cannot be sealed");
		goto out;
	}
	vars_text = json_dumps(vars, JSON_COMPACT);
	{
		const char *params[8] = { m->channel,           m->template_, m->lang,
					  (const char *)sealed, hint,         vars_text,
					  m->idempotency_key,   job };
		int lengths[8] = { 0, 0, 0, (int)sealed_len, 0, 0, 0, 0 };
		int formats[8] = { 0, 0, 0, 1, 0, 0, 0, 0 };

		/* One transaction: the notification, its outbox row, the relay's
		 * wake-up and the audit row commit together or not at all. */
		if (pg_exec(db, "BEGIN", err, sizeof(err))) {
			db_failed(w, NULL, reply);
			goto out;
		}
		res = PQexecParams(
			db,
			"WITH n AS (INSERT INTO notifications (job_id, channel, template, lang, "
			"recipient_enc, recipient_hint, vars, idempotency_key) "
			"VALUES ($8::uuid, $1, $2, $3, $4, $5, $6::jsonb, $7) "
			"ON CONFLICT (idempotency_key) DO NOTHING RETURNING job_id), "
			"o AS (INSERT INTO outbox (job_id) SELECT job_id FROM n RETURNING id) "
			"SELECT n.job_id::text, pg_notify('tarjotin_outbox', '') IS NULL "
			"FROM n, o",
			8, NULL, params, lengths, formats, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_failed(w, res, reply);
		goto out;
	}
	if (PQntuples(res) == 0) {
		/* The same key won a race a moment ago: replay its reply. */
		pg_exec(db, "ROLLBACK", err, sizeof(err));
		if (!replay(db, m->idempotency_key, reply, &failed))
			db_failed(w, NULL, reply);
		goto out;
	}
	r.job_id = PQgetvalue(res, 0, 0);
	r.status = (char *)"queued";
	snprintf(detail, sizeof(detail), "{\"channel\":\"%s\",\"template\":\"%s\"}", m->channel,
		 m->template_);
	if (audit_write(db, req->principal, "message.send", "message", r.job_id, detail, err,
			sizeof(err)) ||
	    pg_exec(db, "COMMIT", err, sizeof(err))) {
		log_error("message not queued", "error", err, NULL);
		db_failed(w, NULL, reply);
		goto out;
	}
	rpc_pack_payload(&r.base, &reply->payload);
	log_info("message queued", "job_id", r.job_id, "channel", m->channel, "template",
		 m->template_, "to", hint, NULL);
out:
	if (w->db && PQtransactionStatus(w->db) != PQTRANS_IDLE)
		pg_exec(w->db, "ROLLBACK", err, sizeof(err));
	PQclear(res);
	free(sealed);
	free(vars_text);
	json_decref(vars);
	tarjotin__message_send_request__free_unpacked(m, NULL);
}

/* --- admin listings ------------------------------------------------------ */

#define MESSAGE_COLUMNS                                                                    \
	"job_id, channel, template, lang, recipient_hint AS recipient, status, attempts, " \
	"last_error, provider_id, created_at, updated_at, sent_at, delivered_at"

static Tarjotin__MessageQuery *query_of(const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageQuery *q = tarjotin__message_query__unpack(NULL, req->payload.len,
								    req->payload.data);

	if (!q)
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed MessageQuery");
	return q;
}

void messages_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageQuery *q = query_of(req, reply);
	char limit[16];
	const char *params[3];

	if (!q)
		return;
	snprintf(limit, sizeof(limit), "%d",
		 q->limit > 0 && q->limit <= LIST_MAX ? q->limit : LIST_DEFAULT);
	params[0] = limit;
	params[1] = q->status;
	params[2] = q->channel;
	reply_query_json(w, reply,
			 "SELECT json_build_object('messages', coalesce(json_agg(x), '[]'::json))"
			 "::text FROM (SELECT " MESSAGE_COLUMNS
			 " FROM notifications "
			 "WHERE ($2 = '' OR status = $2) AND ($3 = '' OR channel = $3) "
			 "ORDER BY created_at DESC, job_id LIMIT $1::int) x",
			 3, params, "message");
	tarjotin__message_query__free_unpacked(q, NULL);
}

void messages_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageQuery *q = query_of(req, reply);
	const char *params[1];

	if (!q)
		return;
	if (!uuid_valid(q->job_id)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "job_id",
				"job_id must be a uuid");
	} else {
		params[0] = q->job_id;
		reply_query_json(w, reply,
				 "SELECT row_to_json(x)::text FROM (SELECT " MESSAGE_COLUMNS
				 " FROM notifications WHERE job_id = $1::uuid) x",
				 1, params, "message");
	}
	tarjotin__message_query__free_unpacked(q, NULL);
}

void messages_dead_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageQuery *q = query_of(req, reply);
	char limit[16];
	const char *params[1];

	if (!q)
		return;
	snprintf(limit, sizeof(limit), "%d",
		 q->limit > 0 && q->limit <= LIST_MAX ? q->limit : LIST_DEFAULT);
	params[0] = limit;
	reply_query_json(w, reply,
			 "SELECT json_build_object('dead_letters', coalesce(json_agg(x), "
			 "'[]'::json))::text FROM (SELECT " MESSAGE_COLUMNS
			 " FROM notifications "
			 "WHERE status = 'dead' ORDER BY updated_at DESC, job_id LIMIT $1::int) x",
			 1, params, "message");
	tarjotin__message_query__free_unpacked(q, NULL);
}

void messages_requeue(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__MessageQuery *q = query_of(req, reply);
	const char *params[1];
	char err[256];
	PGconn *db;
	PGresult *res = NULL;

	if (!q)
		return;
	if (!uuid_valid(q->job_id)) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "job_id",
				"job_id must be a uuid");
		goto out;
	}
	db = db_of(w, reply);
	if (!db)
		goto out;
	params[0] = q->job_id;
	if (pg_exec(db, "BEGIN", err, sizeof(err))) {
		db_failed(w, NULL, reply);
		goto out;
	}
	/* A new outbox row for the same job: the relay gives it a new stream
	 * entry, and notify sends it (a dead job has no "sent" record). */
	res = PQexecParams(
		db,
		"WITH n AS (UPDATE notifications SET status = 'queued', updated_at = now() "
		"WHERE job_id = $1::uuid AND status = 'dead' RETURNING job_id), "
		"o AS (INSERT INTO outbox (job_id) SELECT job_id FROM n RETURNING id) "
		"SELECT json_build_object('job_id', n.job_id, 'status', 'queued')::text, "
		"pg_notify('tarjotin_outbox', '') IS NULL FROM n, o",
		1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_failed(w, res, reply);
		goto out;
	}
	if (PQntuples(res) == 1) {
		if (audit_write(db, req->principal, "dead_letter.requeue", "message", q->job_id,
				NULL, err, sizeof(err)) ||
		    pg_exec(db, "COMMIT", err, sizeof(err))) {
			log_error("dead letter not requeued", "error", err, NULL);
			db_failed(w, NULL, reply);
			goto out;
		}
		reply_json_text(reply, PQgetvalue(res, 0, 0));
		log_info("dead letter requeued", "job_id", q->job_id, NULL);
		goto out;
	}
	pg_exec(db, "ROLLBACK", err, sizeof(err));
	PQclear(res);
	res = PQexecParams(db, "SELECT status FROM notifications WHERE job_id = $1::uuid", 1, NULL,
			   params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		db_failed(w, res, reply);
	else if (PQntuples(res) == 0)
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "job_id",
				"no such message");
	else
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "job_id",
				"the message is not a dead letter (status %s)",
				PQgetvalue(res, 0, 0));
out:
	if (w->db && PQtransactionStatus(w->db) != PQTRANS_IDLE)
		pg_exec(w->db, "ROLLBACK", err, sizeof(err));
	PQclear(res);
	tarjotin__message_query__free_unpacked(q, NULL);
}
