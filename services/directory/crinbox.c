/*
 * crinbox.c - see crinbox.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "authz.h"
#include "crinbox.h"
#include "crstore.h"
#include "doccall.h"
#include "log.h"
#include "mask.h"
#include "messages.h"
#include "num.h"
#include "phone.h"
#include "simclock.h"
#include "utf8.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define NOW_SIZE 40
#define REASON_MAX 500
#define OBSERVED_LAST_SQL "20" /* the answered requests the observed time is the median of */
#define OBSERVED_MIN_SQL "5"   /* ... once there are this many */
#define PER_PAGE_MAX 100
#define PER_PAGE_DEFAULT 20

static void not_found(Tarjotin__Envelope *reply)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
		       "no such record");
}

void crinbox_req_release(struct crinbox_req *r)
{
	json_decref(r->doc);
	if (r->blob) {
		sodium_memzero(r->blob, r->blob_len);
		free(r->blob);
	}
	memset(r, 0, sizeof(*r));
}

/* Loads request 'id' (a malformed id is none), locked when 'lock'.
 * Returns 1, 0 when there is none, -1 with reply filled. */
static int load(struct worker *w, const char *id, bool lock, struct crinbox_req *r,
		Tarjotin__Envelope *reply)
{
	char now[NOW_SIZE];
	const char *params[2] = { id, now };
	const char *b64;
	PGresult *res;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (!uuid_valid(id))
		return 0;
	if (lock && (rc = wdb_exists(w,
				     "SELECT 1 FROM contact_requests WHERE id = $1::uuid "
				     "FOR UPDATE",
				     id, reply)) < 1)
		return rc;
	rc = -1;
	simclock_iso(w->dir->clock, now, sizeof(now));
	res = wdb_exec(
		w,
		"SELECT (" CRINBOX_ITEM " || jsonb_build_object('history', " CRINBOX_HISTORY
		"))::text, r.organization_id, r.account_id, r.status, "
		"r.first_reaction_at IS NOT NULL, "
		"coalesce(translate(encode(r.client_enc, 'base64'), E'\\n', ''), '')" CRINBOX_FROM
		"WHERE r.id = $1::uuid",
		2, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQntuples(res) == 0 || !(r->doc = json_loads(PQgetvalue(res, 0, 0), 0, NULL))) {
		rc = PQntuples(res) == 0 ? 0 : -1;
		if (rc)
			wdb_failed(w, NULL, "contact request document", reply);
		goto out;
	}
	snprintf(r->org, sizeof(r->org), "%s", PQgetvalue(res, 0, 1));
	snprintf(r->account, sizeof(r->account), "%s", PQgetvalue(res, 0, 2));
	snprintf(r->status, sizeof(r->status), "%s", PQgetvalue(res, 0, 3));
	r->reacted = !strcmp(PQgetvalue(res, 0, 4), "t");
	b64 = PQgetvalue(res, 0, 5);
	if (*b64)
		r->blob = seal_unb64(b64, SEAL_MAX_PLAIN + SEAL_OVERHEAD, &r->blob_len);
	rc = 1;
out:
	PQclear(res);
	return rc;
}

int crinbox_begin(struct worker *w, const char *id, bool lock, struct crinbox_req *r,
		  Tarjotin__Envelope *reply)
{
	int rc;

	if (wdb_begin(w, reply))
		return -1;
	rc = load(w, id, lock, r, reply);
	if (rc == 1)
		return 0;
	if (rc == 0)
		not_found(reply);
	wdb_rollback(w);
	return -1;
}

/* The opened client data of r into a new object, or NULL (erased, or it
 * does not open: logged, no data shown). */
static json_t *open_data(struct worker *w, const char *id, const struct crinbox_req *r)
{
	const struct seal_key *key = messages_key(w->dir->messages);
	char *plain;
	json_t *data;

	if (!r->blob || !key)
		return NULL;
	plain = crstore_open(key, id, r->blob, r->blob_len);
	if (!plain) {
		log_warn("contact request data does not open", "request", id, NULL);
		return NULL;
	}
	/* Sealed by crsend as an object; jansson's getters take anything. */
	data = json_loads(plain, 0, NULL);
	seal_wipe_free(plain);
	return data;
}

/* The masked form of member 'key' of data ("sms"/"email" masking) or null. */
static json_t *hint_of(const json_t *data, const char *key, const char *channel)
{
	const char *v = json_string_value(json_object_get(data, key));
	char out[256];

	if (!v || !*v || strlen(v) + 4 > sizeof(out) ||
	    mask_recipient(channel, v, out, sizeof(out)))
		return json_null();
	return json_string(out);
}

int crinbox_client(struct worker *w, const Tarjotin__Envelope *req, const char *id,
		   struct crinbox_req *r, Tarjotin__Envelope *reply)
{
	const struct seal_key *key = messages_key(w->dir->messages);
	json_t *data, *client;
	char err[256], detail[96];
	int rc;

	if (r->blob && !key) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "the data key is not configured (TARJOTIN_DATA_KEY)");
		return -1;
	}
	data = open_data(w, id, r);
	if (!data) {
		json_object_set_new(r->doc, "client", json_null());
		return 0;
	}
	client = json_pack("{s:O?, s:O?, s:O?, s:O?}", "first_name",
			   json_object_get(data, "first_name"), "phone",
			   json_object_get(data, "phone"), "email", json_object_get(data, "email"),
			   "note", json_object_get(data, "note"));
	json_object_set_new(r->doc, "client_hint",
			    json_pack("{s:o, s:o}", "phone", hint_of(data, "phone", "sms"), "email",
				      hint_of(data, "email", "email")));
	json_object_set_new(r->doc, "client", client ? client : json_null());
	json_decref(data);
	snprintf(detail, sizeof(detail), "{\"organization_id\":\"%s\"}", r->org);
	rc = audit_write(w->db, req->principal, "contact_request.open", "contact_request", id,
			 detail, err, sizeof(err));
	if (rc)
		wdb_failed(w, NULL, err, reply);
	return rc;
}

/* Member 'key' of q as a number min..max into *out (def when absent). */
static int query_long(const json_t *q, const char *key, long min, long max, long def, long *out)
{
	const json_t *v = json_object_get(q, key);

	*out = def;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return 0;
	if (json_is_integer(v))
		*out = (long)json_integer_value(v);
	return json_is_integer(v) ? (*out < min || *out > max ? -1 : 0) :
	       json_is_string(v)  ? num_parse_long(json_string_value(v), min, max, out) :
				    -1;
}

void crinbox_paged(struct worker *w, const json_t *query, const char *key, const char *extra,
		   const char *sql, Tarjotin__Envelope *reply)
{
	char now[NOW_SIZE], limit[16], offset[24], pg[16];
	const char *params[6] = { key, now, limit, offset, pg, extra };
	long page, per_page;
	bool bad_page = query_long(query, "page", 1, 100000, 1, &page) != 0;
	PGresult *res;

	if (bad_page ||
	    query_long(query, "per_page", 1, PER_PAGE_MAX, PER_PAGE_DEFAULT, &per_page)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       bad_page ? "page" : "per_page", "%s",
			       bad_page ? "page must be 1..100000" : "per_page must be 1..100");
		return;
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	snprintf(limit, sizeof(limit), "%ld", per_page);
	snprintf(offset, sizeof(offset), "%ld", (page - 1) * per_page);
	snprintf(pg, sizeof(pg), "%ld", page);
	res = wdb_exec(w, sql, extra ? 6 : 5, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
	PQclear(res);
}

/* The open requests: waiting for the NGO's reaction or its next try. */
#define IS_OPEN "r.status IN ('sent', 'opened', 'unreachable')"

void crinbox_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const json_t *v;
	const char *state;
	int found;

	if (doccall_open(req, &c, reply))
		goto out;
	if (!uuid_valid(c.call->id) || !authz_org(req->principal, c.call->id)) {
		not_found(reply);
		goto out;
	}
	v = json_object_get(c.body, "state");
	state = v && !json_is_null(v) ? json_string_value(v) : "open";
	if (state && !*state)
		state = "open";
	if (!state || (strcmp(state, "open") && strcmp(state, "all"))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       "state", "state must be open or all");
		goto out;
	}
	found = wdb_exists(w, "SELECT 1 FROM organizations WHERE id = $1::uuid", c.call->id, reply);
	if (found == 0)
		not_found(reply);
	if (found > 0)
		crinbox_paged(
			w, c.body, c.call->id, state,
			"WITH l AS (SELECT " CRINBOX_ITEM " AS doc, r.sent_at, r.id" CRINBOX_FROM
			"WHERE r.organization_id = $1::uuid AND ($6 = 'all' OR " IS_OPEN
			") ORDER BY r.sent_at DESC, r.id LIMIT $3::int OFFSET $4::int) "
			"SELECT jsonb_build_object('items', coalesce((SELECT jsonb_agg(doc ORDER BY "
			"sent_at DESC, id) FROM l), '[]'::jsonb), 'total', (SELECT count(*) FROM "
			"contact_requests r WHERE r.organization_id = $1::uuid AND ($6 = 'all' OR " IS_OPEN
			")), 'open', (SELECT count(*) FROM contact_requests r WHERE "
			"r.organization_id = $1::uuid AND " IS_OPEN
			"), 'page', $5::int, "
			"'per_page', $3::int)::text",
			reply);
out:
	doccall_close(&c);
}

/* Whether the principal is an editor of 'org' (the one who sees data). */
static bool editor_of(const Tarjotin__Principal *p, const char *org)
{
	return p && p->role == TARJOTIN__ROLE__ROLE_EDITOR && authz_org(p, org);
}

/* Answers r's document and commits.  0, or -1 with reply filled. */
static int answer(struct worker *w, const struct crinbox_req *r, Tarjotin__Envelope *reply)
{
	char *text = json_dumps(r->doc, JSON_COMPACT);

	doccall_reply(reply, text, 0, NULL, 0);
	free(text);
	return wdb_commit(w, reply);
}

/* Runs 'sql' for its effect; 0, or -1 with reply filled. */
static int run(struct worker *w, const char *sql, int n, const char *const *params,
	       Tarjotin__Envelope *reply)
{
	PGresult *res = wdb_exec(w, sql, n, params, PGRES_COMMAND_OK, reply);

	PQclear(res);
	return res ? 0 : -1;
}

/* Rolls back; a failure that left no answer is INTERNAL. */
static void abandon(struct worker *w, const char *what, Tarjotin__Envelope *reply)
{
	if (reply->status == TARJOTIN__STATUS__STATUS_OK)
		wdb_failed(w, NULL, what, reply);
	wdb_rollback(w);
}

/* Whether 'sig' (NULL or "": none) is request id's link signature. */
static bool sig_ok(struct worker *w, const char *id, const char *sig)
{
	const struct seal_key *key = messages_key(w->dir->messages);
	char want[CRSTORE_SIG_LEN + 1];

	if (!sig || !*sig)
		return true;
	if (!key || strlen(sig) != CRSTORE_SIG_LEN)
		return false;
	crstore_link_sig(key, id, want);
	return sodium_memcmp(want, sig, CRSTORE_SIG_LEN) == 0;
}

void crinbox_open(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	const Tarjotin__Principal *p = req->principal;
	struct doccall c = { 0 };
	struct crinbox_req r = { 0 };
	const json_t *sig;
	char now[NOW_SIZE], err[256];
	const char *id, *params[2];

	if (doccall_open(req, &c, reply))
		goto out;
	id = c.call->id;
	sig = json_object_get(c.body, "sig");
	if (sig && !json_is_null(sig) &&
	    (!json_is_string(sig) || !sig_ok(w, id, json_string_value(sig)))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid_parameter",
			       "sig", "the link's signature does not match");
		goto out;
	}
	if (crinbox_begin(w, id, true, &r, reply))
		goto out;
	if (!authz_org(p, r.org)) {
		not_found(reply);
		goto fail;
	}
	if (editor_of(p, r.org) && !strcmp(r.status, "sent")) {
		simclock_iso(w->dir->clock, now, sizeof(now));
		params[0] = id;
		params[1] = now;
		if (run(w,
			"UPDATE contact_requests SET status = 'opened', opened_at = $2::timestamptz, "
			"version = version + 1 WHERE id = $1::uuid",
			2, params, reply))
			goto fail;
		if (crstore_event(w->db, id, "opened", now, "editor", NULL, err, sizeof(err)) < 0) {
			wdb_failed(w, NULL, err, reply);
			goto fail;
		}
		crinbox_req_release(&r);
		if (load(w, id, false, &r, reply) != 1)
			goto fail;
	}
	if (editor_of(p, r.org) && crinbox_client(w, req, id, &r, reply))
		goto fail;
	if (answer(w, &r, reply) == 0)
		goto out;
fail:
	abandon(w, "contact request open", reply);
out:
	crinbox_req_release(&r);
	doccall_close(&c);
}

/* --- status ---------------------------------------------------------------- */

/* Whether status 'from' may become 'to' (docs/contactrequests.md "Status"). */
static bool transition_ok(const char *from, const char *to)
{
	if (!strcmp(from, "sent") || !strcmp(from, "opened"))
		return !strcmp(to, "contacted") || !strcmp(to, "unreachable") ||
		       !strcmp(to, "declined");
	if (!strcmp(from, "unreachable"))
		return !strcmp(to, "contacted") || !strcmp(to, "declined") || !strcmp(to, "closed");
	if (!strcmp(from, "contacted") || !strcmp(from, "declined"))
		return !strcmp(to, "closed");
	return false;
}

/* The checked body of a status change. */
struct change {
	const char *status;
	const char *reason; /* declined only */
	bool notify;        /* unreachable only: SMS the client */
	char phone[PHONE_E164_MAX + 1];
};

static int read_change(const json_t *body, struct change *ch, Tarjotin__Envelope *reply)
{
	struct docerr e;
	const json_t *notify = json_object_get(body, "notify_client");
	const char *phone = json_string_value(json_object_get(body, "phone"));
	char why[128];
	long n;

	docerr_init(&e);
	memset(ch, 0, sizeof(*ch));
	ch->status = json_string_value(json_object_get(body, "status"));
	if (!ch->status)
		docerr_add(&e, "status", "required", "status is required");
	else if (strcmp(ch->status, "contacted") && strcmp(ch->status, "unreachable") &&
		 strcmp(ch->status, "declined") && strcmp(ch->status, "closed"))
		docerr_add(&e, "status", "invalid",
			   "status must be contacted, unreachable, declined or closed");
	if (ch->status && !strcmp(ch->status, "declined")) {
		ch->reason = json_string_value(json_object_get(body, "reason"));
		n = ch->reason ? utf8_chars(ch->reason, true) : 0;
		if (!ch->reason || n == 0)
			docerr_add(&e, "reason", "required", "a decline needs a reason");
		else if (n < 0)
			docerr_add(&e, "reason", "invalid", "reason is not valid text");
		else if (n > REASON_MAX)
			docerr_add(&e, "reason", "too_long", "reason is at most %d characters",
				   REASON_MAX);
	}
	if (notify && !json_is_null(notify) && !json_is_boolean(notify))
		docerr_add(&e, "notify_client", "invalid", "notify_client must be true or false");
	ch->notify = ch->status && !strcmp(ch->status, "unreachable") && json_is_true(notify);
	if (ch->notify) {
		if (!phone || !*phone)
			docerr_add(&e, "phone", "required",
				   "the number the client can call back is required");
		else if (strlen(phone) > PHONE_INPUT_MAX ||
			 phone_normalize_fi(phone, ch->phone, sizeof(ch->phone), why, sizeof(why)))
			docerr_add(&e, "phone", "invalid", "phone: %s",
				   strlen(phone) > PHONE_INPUT_MAX ? "too long" : why);
	}
	n = docerr_any(&e) ? docerr_reply(&e, reply) : 0;
	docerr_release(&e);
	return (int)n;
}

/* The SMS contact_unreachable to the client's Finnish mobile, linked to
 * the request.  0, or -1 with reply filled (BAD_REQUEST field
 * notify_client "no_mobile" when the client has none). */
static int notify_client(struct worker *w, const char *id, const struct crinbox_req *r,
			 const struct change *ch, Tarjotin__Envelope *reply)
{
	const struct seal_key *key = messages_key(w->dir->messages);
	json_t *data = key ? open_data(w, id, r) : NULL, *vars;
	const char *phone = json_string_value(json_object_get(data, "phone"));
	const char *lang = json_string_value(json_object_get(r->doc, "lang"));
	char err[256], *text;
	int rc = -1;

	if (!key) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "messaging is not configured (TARJOTIN_DATA_KEY)");
		goto out;
	}
	if (!phone || !phone_is_mobile_fi(phone)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "no_mobile",
			       "notify_client", "the client has no Finnish mobile number");
		goto out;
	}
	vars = json_pack("{s:O, s:O, s:s}", "organization_name",
			 json_object_get(json_object_get(r->doc, "organization"), "name"),
			 "activity_name",
			 json_object_get(json_object_get(r->doc, "activity"), "name"), "phone",
			 ch->phone);
	text = vars ? json_dumps(vars, JSON_COMPACT) : NULL;
	json_decref(vars);
	if (!text ||
	    crstore_message(w->db, key, id, "unreachable", true, "sms", phone, lang ? lang : "fi",
			    "contact_unreachable", text, false, err, sizeof(err)))
		wdb_failed(w, NULL, text ? err : "unreachable vars", reply);
	else
		rc = 0;
	free(text);
out:
	json_decref(data);
	return rc;
}

/* The activity's observed response time recomputed after a first
 * reaction, its row locked first so that concurrent reactions each see the
 * others'.  0, or -1 with reply filled. */
static int first_reaction(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };

	if (wdb_exists(w,
		       "SELECT 1 FROM activities WHERE id = (SELECT activity_id FROM "
		       "contact_requests WHERE id = $1::uuid) FOR UPDATE",
		       id, reply) < 0)
		return -1;
	return run(w,
		   "WITH act AS (SELECT activity_id FROM contact_requests WHERE id = $1::uuid), "
		   "d AS (SELECT fi_working_days_between((r.sent_at AT TIME ZONE "
		   "'Europe/Helsinki')::date, (r.first_reaction_at AT TIME ZONE "
		   "'Europe/Helsinki')::date) AS days FROM contact_requests r, act "
		   "WHERE r.activity_id = act.activity_id AND r.first_reaction_at IS NOT NULL "
		   "ORDER BY r.first_reaction_at DESC, r.id LIMIT " OBSERVED_LAST_SQL
		   "), "
		   "s AS (SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY days) "
		   "AS m FROM d) "
		   "INSERT INTO activity_response_times (activity_id, n, days) "
		   "SELECT act.activity_id, s.n, CASE WHEN s.n >= " OBSERVED_MIN_SQL
		   " THEN greatest(1, ceil(s.m))::smallint END FROM s, act "
		   "ON CONFLICT (activity_id) DO UPDATE SET n = EXCLUDED.n, days = EXCLUDED.days, "
		   "updated_at = now()",
		   1, params, reply);
}

void crinbox_status(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	const Tarjotin__Principal *p = req->principal;
	struct doccall c = { 0 };
	struct crinbox_req r = { 0 };
	struct change ch;
	char now[NOW_SIZE], days[16], err[256], detail[48], audit[192];
	const char *id, *params[5];
	bool first;
	PGresult *res;
	int rc;

	if (doccall_open(req, &c, reply) || read_change(c.body, &ch, reply))
		goto out;
	id = c.call->id;
	if (crinbox_begin(w, id, true, &r, reply))
		goto out;
	if (!editor_of(p, r.org)) {
		not_found(reply);
		goto fail;
	}
	if (!transition_ok(r.status, ch.status)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "invalid_transition",
			       "status", "a %s request cannot become %s", r.status, ch.status);
		goto fail;
	}
	if (ch.notify && notify_client(w, id, &r, &ch, reply))
		goto fail;
	first = !r.reacted;
	simclock_iso(w->dir->clock, now, sizeof(now));
	snprintf(days, sizeof(days), "%d", w->dir->cr.retention_days);
	params[0] = id;
	params[1] = now;
	params[2] = ch.status;
	params[3] = ch.reason;
	params[4] = days;
	res = wdb_exec(
		w,
		"UPDATE contact_requests SET status = $3::contact_request_status, "
		"decline_reason = CASE WHEN $3 = 'declined' THEN $4 ELSE decline_reason END, "
		"first_reaction_at = coalesce(first_reaction_at, $2::timestamptz), "
		"outcome_at = $2::timestamptz, closed_at = CASE WHEN $3 = 'closed' THEN "
		"$2::timestamptz ELSE closed_at END, purge_at = $2::timestamptz + "
		"make_interval(days => $5::int), version = version + 1 "
		"WHERE id = $1::uuid RETURNING fi_working_days_between((sent_at AT TIME ZONE "
		"'Europe/Helsinki')::date, ($2::timestamptz AT TIME ZONE "
		"'Europe/Helsinki')::date)",
		5, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	snprintf(detail, sizeof(detail), "{\"days\": %s}",
		 PQntuples(res) == 1 ? PQgetvalue(res, 0, 0) : "0");
	PQclear(res);
	if (crstore_event(w->db, id, ch.status, now, "editor", first ? detail : NULL, err,
			  sizeof(err)) < 0) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	if (first && first_reaction(w, id, reply))
		goto fail;
	/* All known words and a uuid: no escaping needed, no reason text. */
	snprintf(audit, sizeof(audit),
		 "{\"organization_id\":\"%s\",\"from\":\"%s\",\"status\":\"%s\","
		 "\"notify_client\":%s}",
		 r.org, r.status, ch.status, ch.notify ? "true" : "false");
	rc = audit_write(w->db, p, "contact_request.status", "contact_request", id, audit, err,
			 sizeof(err));
	if (rc) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	crinbox_req_release(&r);
	if (load(w, id, false, &r, reply) != 1 || crinbox_client(w, req, id, &r, reply))
		goto fail;
	if (answer(w, &r, reply) == 0)
		goto out;
fail:
	abandon(w, "contact request status", reply);
out:
	crinbox_req_release(&r);
	doccall_close(&c);
}
