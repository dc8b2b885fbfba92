/*
 * crwithdraw.c - see crwithdraw.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "crdoc.h"
#include "crstore.h"
#include "crwithdraw.h"
#include "doccall.h"
#include "links.h"
#include "log.h"
#include "mailq.h"
#include "messages.h"
#include "phone.h"
#include "reply.h"
#include "simclock.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

#define HEX32 (2 * 32 + 1)

/* Columns of the requests query. */
enum { R_ID, R_ACT, R_ACT_NAME, R_ORG, R_ORG_NAME, R_EMAIL, R_ORG_LANG, R_SENT, R_FINAL, R_LANG };

#define REQUESTS_SQL                                                                      \
	"SELECT r.id::text, a.id::text, a.name, o.id::text, o.name, "                     \
	"coalesce(a.contact_request_email::text, o.email::text, ''), o.registered_lang, " \
	"to_char((r.sent_at AT TIME ZONE 'Europe/Helsinki')::date, 'FMDD.FMMM.YYYY'), "   \
	"r.status IN ('withdrawn', 'closed', 'expired'), r.lang "                         \
	"FROM contact_requests r JOIN activities a ON a.id = r.activity_id "              \
	"JOIN organizations o ON o.id = r.organization_id "                               \
	"JOIN contact_request_batches b ON b.id = r.batch_id "

/* The requests in the order of the send (its stored reply). */
#define ORDER_SQL                                                               \
	" ORDER BY (SELECT e.n FROM jsonb_array_elements(b.reply->'requests') " \
	"WITH ORDINALITY e(x, n) WHERE e.x->>'id' = r.id::text), r.id "

/* One withdrawal: who (NULL: the link's anonymous client), how, when. */
struct withdrawal {
	struct worker *w;
	const Tarjotin__Principal *who;
	const struct seal_key *key;
	const char *via; /* "link" | "sms" */
	char at[40];
};

/* The data key, or NULL with reply set to UNAVAILABLE. */
static const struct seal_key *data_key(struct worker *w, Tarjotin__Envelope *reply)
{
	const struct seal_key *key = messages_key(w->dir->messages);

	if (!key)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
	return key;
}

/* Answers the JSON object 'o' (stolen). */
static void answer(Tarjotin__Envelope *reply, json_t *o)
{
	char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;

	if (text)
		doccall_reply(reply, text, 0, NULL, 0);
	else
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot build the answer");
	free(text);
	json_decref(o);
}

/* Runs 'sql' with n parameters for its effect; 0, or -1 (reply filled). */
static int run(struct withdrawal *x, const char *sql, int n, const char *const *p,
	       Tarjotin__Envelope *reply)
{
	PGresult *res = wdb_exec(x->w, sql, n, p, PGRES_COMMAND_OK, reply);

	PQclear(res);
	return res ? 0 : -1;
}

/* Request row i as the client's page names it. */
static json_t *item(const PGresult *rows, int i)
{
	return json_pack("{s:{s:s, s:s}, s:{s:s, s:s}}", "activity", "id",
			 PQgetvalue(rows, i, R_ACT), "name", PQgetvalue(rows, i, R_ACT_NAME),
			 "organization", "id", PQgetvalue(rows, i, R_ORG), "name",
			 PQgetvalue(rows, i, R_ORG_NAME));
}

/* Withdraws request row i: the status, the event, the NGO's e-mail, the
 * audit row, the erasure.  0, or -1 with reply. */
static int withdraw_one(struct withdrawal *x, const PGresult *rows, int i,
			Tarjotin__Envelope *reply)
{
	const char *rid = PQgetvalue(rows, i, R_ID), *p[2] = { rid, x->at };
	char err[256], detail[40], *vars = NULL;
	json_t *v;
	int rc = -1;

	if (run(x,
		"UPDATE contact_requests SET status = 'withdrawn', withdrawn_at = $2::timestamptz, "
		"version = version + 1 WHERE id = $1::uuid",
		2, p, reply))
		return -1;
	snprintf(detail, sizeof(detail), "{\"via\":\"%s\"}", x->via);
	if (crstore_event(x->w->db, rid, "withdrawn", x->at, "client", NULL, err, sizeof(err)) <
		    0 ||
	    audit_write(x->w->db, x->who, "contact_request.withdraw", "contact_request", rid,
			detail, err, sizeof(err)))
		goto failed;
	if (*PQgetvalue(rows, i, R_EMAIL)) {
		v = json_pack("{s:s, s:s, s:s}", "organization_name",
			      PQgetvalue(rows, i, R_ORG_NAME), "activity_name",
			      PQgetvalue(rows, i, R_ACT_NAME), "sent_date",
			      PQgetvalue(rows, i, R_SENT));
		vars = v ? json_dumps(v, JSON_COMPACT) : NULL;
		json_decref(v);
		if (!vars ||
		    crstore_message(x->w->db, x->key, rid, "withdrawn", false, "email",
				    PQgetvalue(rows, i, R_EMAIL), PQgetvalue(rows, i, R_ORG_LANG),
				    "contact_withdrawn", vars, false, err, sizeof(err)))
			goto failed;
	}
	if (crstore_erase(x->w->db, rid, x->at, err, sizeof(err)) < 0)
		goto failed;
	rc = 0;
	goto out;
failed:
	wdb_failed(x->w, NULL, err, reply);
out:
	free(vars);
	return rc;
}

/* --- the link -------------------------------------------------------------- */

/* The link's batch (locked with 'lock'): its id into batch (37 bytes).
 * 0, or -1 with reply set (400 link_invalid, 404, 410 link_used). */
static int find_batch(struct worker *w, const struct doccall *c, bool lock, char *batch,
		      Tarjotin__Envelope *reply)
{
	const char *token = json_string_value(json_object_get(c->body, "token"));
	uint8_t hash[LINKS_HASH_LEN];
	char hex[HEX32];
	const char *p[1] = { hex };
	PGresult *res;
	int rc = -1;

	if (!links_token_valid(token)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "link_invalid", "token",
			       "the token must be 43 base64url characters");
		return -1;
	}
	links_hash(token, hash);
	sodium_bin2hex(hex, sizeof(hex), hash, sizeof(hash));
	res = wdb_exec(
		w,
		lock ? "SELECT id::text, withdrawn_at IS NOT NULL FROM contact_request_batches "
		       "WHERE withdraw_hash = decode($1, 'hex') FOR UPDATE" :
		       "SELECT id::text, withdrawn_at IS NOT NULL FROM contact_request_batches "
		       "WHERE withdraw_hash = decode($1, 'hex')",
		1, p, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQntuples(res) != 1)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "token",
			       "no such link");
	else if (!strcmp(PQgetvalue(res, 0, 1), "t"))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the contact request was already withdrawn");
	else {
		snprintf(batch, 37, "%s", PQgetvalue(res, 0, 0));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* The batch's requests (locked with 'lock'), or NULL with reply. */
static PGresult *batch_requests(struct worker *w, const char *batch, bool lock,
				Tarjotin__Envelope *reply)
{
	const char *p[1] = { batch };

	return wdb_exec(w,
			lock ? REQUESTS_SQL "WHERE r.batch_id = $1::uuid" ORDER_SQL
					    "FOR UPDATE OF r" :
			       REQUESTS_SQL "WHERE r.batch_id = $1::uuid" ORDER_SQL,
			1, p, PGRES_TUPLES_OK, reply);
}

void crwithdraw_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	char batch[37];
	PGresult *rows = NULL;
	json_t *list;
	bool active = false;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!wdb_conn(w, reply) || find_batch(w, &c, false, batch, reply))
		goto out;
	rows = batch_requests(w, batch, false, reply);
	if (!rows)
		goto out;
	list = json_array();
	for (int i = 0; i < PQntuples(rows); i++) {
		active = active || strcmp(PQgetvalue(rows, i, R_FINAL), "t");
		json_array_append_new(list, item(rows, i));
	}
	answer(reply,
	       json_pack("{s:s, s:o}", "state", active ? "active" : "closed", "requests", list));
out:
	PQclear(rows);
	doccall_close(&c);
}

void crwithdraw_withdraw(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct withdrawal x = { .w = w, .via = "link" };
	struct doccall c;
	char batch[37], err[256], count[16];
	const char *p[2] = { batch, x.at };
	PGresult *rows = NULL, *res;
	json_t *list = NULL;
	int n = 0;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!(x.key = data_key(w, reply)) || wdb_begin(w, reply))
		goto out;
	if (find_batch(w, &c, true, batch, reply) ||
	    !(rows = batch_requests(w, batch, true, reply)))
		goto fail;
	simclock_iso(w->dir->clock, x.at, sizeof(x.at));
	res = wdb_exec(w,
		       "UPDATE contact_request_batches SET withdrawn_at = $2::timestamptz "
		       "WHERE id = $1::uuid",
		       2, p, PGRES_COMMAND_OK, reply);
	if (!res)
		goto fail;
	PQclear(res);
	list = json_array();
	for (int i = 0; i < PQntuples(rows); i++) {
		json_array_append_new(list, item(rows, i));
		if (!strcmp(PQgetvalue(rows, i, R_FINAL), "t")) {
			/* closed or expired: left as it is, but erased too */
			if (crstore_erase(w->db, PQgetvalue(rows, i, R_ID), x.at, err,
					  sizeof(err)) < 0) {
				wdb_failed(w, NULL, err, reply);
				goto fail;
			}
		} else if (withdraw_one(&x, rows, i, reply))
			goto fail;
		else
			n++;
	}
	answer(reply, json_pack("{s:i, s:O}", "withdrawn", n, "requests", list));
	if (wdb_commit(w, reply))
		goto fail;
	snprintf(count, sizeof(count), "%d", n);
	log_info("contact requests withdrawn", "via", "link", "batch", batch, "count", count, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	json_decref(list);
	PQclear(rows);
	doccall_close(&c);
}

/* --- the stop word --------------------------------------------------------- */

/* A JSON integer or string as text into out; 0, or -1 when neither. */
static int id_text(const json_t *v, char *out, size_t len)
{
	if (json_is_integer(v))
		snprintf(out, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < len)
		snprintf(out, len, "%s", json_string_value(v));
	else
		return -1;
	return 0;
}

/* Records provider id 'id': 1 new, 0 seen before (its outcome answered),
 * -1 with reply. */
static int first_time(struct worker *w, const char *id, bool stop, Tarjotin__Envelope *reply)
{
	const char *p[2] = { id, stop ? "t" : "f" };
	PGresult *res = wdb_exec(w,
				 "INSERT INTO sms_incoming (provider_id, stop_word) VALUES ($1, "
				 "$2::boolean) ON CONFLICT DO NOTHING RETURNING 1",
				 2, p, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) == 1;
	PQclear(res);
	if (rc)
		return 1;
	res = wdb_exec(w, "SELECT stop_word, withdrawn FROM sms_incoming WHERE provider_id = $1", 1,
		       p, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQntuples(res) == 1 && !strcmp(PQgetvalue(res, 0, 0), "t"))
		answer(reply, json_pack("{s:i}", "withdrawn", atoi(PQgetvalue(res, 0, 1))));
	else
		answer(reply, json_pack("{s:b}", "ignored", 1));
	PQclear(res);
	return 0;
}

/* The client's SMS after a stop word: the organisations of rows. */
static int tell_client(struct withdrawal *x, const PGresult *rows, const char *e164,
		       Tarjotin__Envelope *reply)
{
	int n = PQntuples(rows);
	const char **names = xcalloc((size_t)n + 1, sizeof(*names));
	char err[256], job[40], *orgs, *vars = NULL;
	json_t *v;
	int rc = -1;

	for (int i = 0; i < n; i++)
		names[i] = PQgetvalue(rows, i, R_ORG_NAME);
	orgs = crdoc_join_names(names, (size_t)n, PQgetvalue(rows, 0, R_LANG));
	v = json_pack("{s:s}", "organizations", orgs);
	vars = v ? json_dumps(v, JSON_COMPACT) : NULL;
	json_decref(v);
	if (!vars || mailq_queue(x->w->db, x->key, "sms", e164, PQgetvalue(rows, 0, R_LANG),
				 "contact_withdrawn_client", vars, false, job, err, sizeof(err))) {
		wdb_failed(x->w, NULL, vars ? err : "cannot build the vars", reply);
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (crstore_link_message(x->w->db, PQgetvalue(rows, i, R_ID), job,
					 "withdrawn_client", true, err, sizeof(err))) {
			wdb_failed(x->w, NULL, err, reply);
			goto out;
		}
	rc = 0;
out:
	free(vars);
	free(orgs);
	free(names);
	return rc;
}

/* Withdraws every open request of number 'e164'; the count into *n. */
static int withdraw_number(struct withdrawal *x, const char *e164, int *n,
			   Tarjotin__Envelope *reply)
{
	uint8_t mac[SEAL_MAC_BYTES];
	char hex[HEX32];
	const char *p[2] = { hex, x->at };
	PGresult *rows;
	int rc = -1;

	crstore_phone_mac(x->key, e164, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	rows = wdb_exec(x->w,
			REQUESTS_SQL
			"WHERE r.phone_mac = decode($1, 'hex') AND r.status NOT IN "
			"('withdrawn', 'closed', 'expired')" ORDER_SQL "FOR UPDATE OF r",
			1, p, PGRES_TUPLES_OK, reply);
	if (!rows)
		return -1;
	*n = PQntuples(rows);
	for (int i = 0; i < *n; i++)
		if (withdraw_one(x, rows, i, reply))
			goto out;
	if (*n) {
		if (run(x,
			"UPDATE contact_request_batches b SET withdrawn_at = $1::timestamptz "
			"WHERE b.withdrawn_at IS NULL AND b.id IN (SELECT r.batch_id FROM "
			"contact_requests r WHERE r.status = 'withdrawn' AND r.withdrawn_at = "
			"$1::timestamptz AND r.erased_at = $1::timestamptz)",
			1, p + 1, reply) ||
		    tell_client(x, rows, e164, reply))
			goto out;
	}
	rc = 0;
out:
	PQclear(rows);
	return rc;
}

void crwithdraw_sms(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct withdrawal x = { .w = w, .who = req->principal, .via = "sms" };
	struct doccall c;
	char id[80], msisdn[32], e164[PHONE_E164_MAX + 1], count[16];
	const char *message;
	bool stop;
	int n = 0, rc;

	if (doccall_open(req, &c, reply))
		goto out;
	message = json_string_value(json_object_get(c.body, "message"));
	if (id_text(json_object_get(c.body, "id"), id, 65)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       "id", "id must be the provider's message id");
		goto out;
	}
	msisdn[0] = '+';
	if (id_text(json_object_get(c.body, "msisdn"), msisdn + 1, sizeof(msisdn) - 1)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       "msisdn", "msisdn must be the sender's number");
		goto out;
	}
	stop = crdoc_stop_word(message);
	if (!(x.key = data_key(w, reply)) || wdb_begin(w, reply))
		goto out;
	if ((rc = first_time(w, id, stop, reply)) <= 0)
		goto done;
	simclock_iso(w->dir->clock, x.at, sizeof(x.at));
	if (stop &&
	    !phone_normalize_fi(msisdn[1] == '+' ? msisdn + 1 : msisdn, e164, sizeof(e164), NULL,
				0) &&
	    withdraw_number(&x, e164, &n, reply))
		goto fail;
	if (n) {
		const char *p[2] = { id, count };
		PGresult *res;

		snprintf(count, sizeof(count), "%d", n);
		res = wdb_exec(w,
			       "UPDATE sms_incoming SET withdrawn = $2::int WHERE provider_id = $1",
			       2, p, PGRES_COMMAND_OK, reply);
		if (!res)
			goto fail;
		PQclear(res);
	}
	if (stop)
		answer(reply, json_pack("{s:i}", "withdrawn", n));
	else
		answer(reply, json_pack("{s:b}", "ignored", 1));
	rc = 0;
done:
	if (rc < 0 || wdb_commit(w, reply))
		goto fail;
	if (stop && n) {
		snprintf(count, sizeof(count), "%d", n);
		log_info("contact requests withdrawn", "via", "sms", "count", count, NULL);
	}
	goto out;
fail:
	wdb_rollback(w);
out:
	doccall_close(&c);
}
