/*
 * auditlog.c - see auditlog.h.
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "auditlog.h"
#include "idcall.h"
#include "identity.pb-c.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define LIST_DEFAULT 50
#define LIST_MAX 200
#define DETAIL_MAX 4096

/* The only actions the gateway may write itself: the rest are written by
 * the directory next to the change they record. */
static const char *const gateway_actions[] = { "signout", "signout_everywhere", NULL };

void auditlog_write(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__AuditEvent *m = tarjotin__audit_event__unpack(NULL, req->payload.len,
								req->payload.data);
	json_t *detail = NULL;
	json_error_t jerr;
	char err[256], *text = NULL;
	bool known = false;

	if (!m) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "bad_request", NULL,
			       "malformed AuditEvent");
		return;
	}
	for (int i = 0; gateway_actions[i]; i++)
		known |= !strcmp(m->action, gateway_actions[i]);
	if (!known) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "action",
			       "not an action the gateway records");
		goto out;
	}
	if (strlen(m->target_type) > 64 || strlen(m->target_id) > 128) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "target_id",
			       "the target is too long");
		goto out;
	}
	detail = m->detail_json.len ?
			 json_loadb((const char *)m->detail_json.data, m->detail_json.len,
				    JSON_REJECT_DUPLICATES, &jerr) :
			 json_object();
	if (!json_is_object(detail) || m->detail_json.len > DETAIL_MAX) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "detail",
			       "the detail must be a JSON object of at most %d bytes", DETAIL_MAX);
		goto out;
	}
	text = json_dumps(detail, JSON_COMPACT);
	if (!wdb_conn(w, reply))
		goto out;
	if (audit_write(w->db, req->principal, m->action, m->target_type, m->target_id, text, err,
			sizeof(err)))
		wdb_failed(w, NULL, err, reply);
out:
	free(text);
	json_decref(detail);
	tarjotin__audit_event__free_unpacked(m, NULL);
}

/* A filter value: "" when absent; NULL (reply filled) when not a string. */
static const char *filter(const struct idcall *c, const char *key, size_t max,
			  Tarjotin__Envelope *reply)
{
	const char *v = idcall_has(c, key) ? idcall_str(c, key) : "";

	if (!v || strlen(v) > max) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", key,
			       "%s must be a string of at most %zu characters", key, max);
		return NULL;
	}
	return v;
}

void auditlog_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	static const char *const keys[] = { "actor", "action", "target", "from", "to", "before" };
	struct idcall c;
	const char *params[7];
	char limit[24];
	long n;
	PGresult *res = NULL;

	if (idcall_open(req, &c, reply))
		goto out;
	for (int i = 0; i < 6; i++)
		if (!(params[i] = filter(&c, keys[i], 128, reply)))
			goto out;
	if (*params[0] && !uuid_valid(params[0])) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "actor",
			       "actor must be an account id");
		goto out;
	}
	if (*params[5] && strspn(params[5], "0123456789") != strlen(params[5])) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "before",
			       "before must be an entry id");
		goto out;
	}
	n = idcall_int(&c, "limit", LIST_DEFAULT, LIST_MAX);
	if (n < 0) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "limit",
			       "limit must be 1..%d", LIST_MAX);
		goto out;
	}
	snprintf(limit, sizeof(limit), "%ld", n);
	params[6] = limit;
	if (!wdb_conn(w, reply))
		goto out;
	res = PQexecParams(
		w->db,
		"SELECT json_build_object('items', coalesce(json_agg(json_build_object("
		"'id', id, 'at', at, 'actor', json_build_object('id', actor_account, "
		"'role', actor_role, 'hint', actor_hint), 'session', session, 'action', action, "
		"'target_type', target_type, 'target_id', target_id, 'detail', detail) "
		"ORDER BY id DESC), '[]'::json), "
		"'next_before', CASE WHEN count(*) = $7::int THEN min(id) END)::text "
		"FROM (SELECT * FROM audit_log WHERE "
		"($1 = '' OR actor_account = NULLIF($1, '')::uuid) AND "
		"($2 = '' OR action = $2) AND "
		"($3 = '' OR target_id = $3 OR target_type = $3) AND "
		"($4 = '' OR at >= NULLIF($4, '')::timestamptz) AND "
		"($5 = '' OR at < NULLIF($5, '')::timestamptz) AND "
		"($6 = '' OR id < NULLIF($6, '')::bigint) "
		"ORDER BY id DESC LIMIT $7::int) x",
		7, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		idcall_reply(reply, PQgetvalue(res, 0, 0), NULL, 0);
	} else {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		/* Class 22: a from or to that is not a time. */
		if (state && !strncmp(state, "22", 2))
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid",
				       "from", "from and to must be ISO 8601 times");
		else
			wdb_failed(w, res, "audit list", reply);
	}
out:
	PQclear(res);
	idcall_close(&c);
}
