/*
 * history.c - see history.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "doccall.h"
#include "history.h"
#include "num.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define HISTORY_LIMIT_DEFAULT 50
#define HISTORY_LIMIT_MAX 200

/* Whether a member's value is empty: null, "", [], {} or false. */
static bool empty_value(const json_t *v)
{
	return !v || json_is_null(v) || json_is_false(v) ||
	       (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && json_array_size(v) == 0) ||
	       (json_is_object(v) && json_object_size(v) == 0);
}

int history_write(struct worker *w, const Tarjotin__Principal *p, const char *type, const char *id,
		  int version, json_t *old_doc, json_t *new_doc, json_t **changed,
		  Tarjotin__Envelope *reply)
{
	json_t *fields = json_array(), *v, *old;
	char *old_text = NULL, *new_text = NULL, *fields_text = NULL, ver[16];
	const char *key, *params[8];
	PGresult *res = NULL;
	int rc = -1;

	json_object_foreach(new_doc, key, v) {
		if (old_doc) {
			old = json_object_get(old_doc, key);
			if (json_equal(old ? old : json_null(), v))
				continue;
		} else if (empty_value(v)) {
			continue;
		}
		json_array_append_new(fields, json_string(key));
	}
	if (json_array_size(fields) > 0) {
		old_text = old_doc ? json_dumps(old_doc, JSON_COMPACT) : NULL;
		new_text = json_dumps(new_doc, JSON_COMPACT);
		fields_text = json_dumps(fields, JSON_COMPACT);
		snprintf(ver, sizeof(ver), "%d", version);
		params[0] = type;
		params[1] = id;
		params[2] = ver;
		params[3] = p && uuid_valid(p->account_id) &&
					    p->role != TARJOTIN__ROLE__ROLE_SERVICE ?
				    p->account_id :
				    NULL;
		params[4] = authz_role_name(p);
		params[5] = old_text;
		params[6] = new_text;
		params[7] = fields_text;
		res = wdb_exec(
			w,
			"INSERT INTO change_history (target_type, target_id, version, "
			"actor_account, actor_role, field, old_value, new_value) "
			"SELECT $1, $2, $3::int, $4::uuid, $5, f, $6::jsonb -> f, $7::jsonb -> f "
			"FROM jsonb_array_elements_text($8::jsonb) AS f",
			8, params, PGRES_COMMAND_OK, reply);
		if (!res)
			goto out;
	}
	rc = (int)json_array_size(fields);
	if (changed) {
		*changed = fields;
		fields = NULL;
	}
out:
	PQclear(res);
	free(old_text);
	free(new_text);
	free(fields_text);
	json_decref(fields);
	return rc;
}

int history_target_check(struct worker *w, const Tarjotin__Principal *p, const char *type,
			 const char *id, char *org, Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };
	bool activity = !strcmp(type, "activity");
	PGresult *res;
	int rc = -1;

	if (!uuid_valid(id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such %s", activity ? "activity" : "organisation");
		return -1;
	}
	res = wdb_exec(w,
		       activity ?
			       "SELECT organization_id::text FROM activities WHERE id = $1::uuid" :
			       "SELECT id::text FROM organizations WHERE id = $1::uuid",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such %s", activity ? "activity" : "organisation");
	} else if (!authz_org(p, PQgetvalue(res, 0, 0))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_FORBIDDEN, "forbidden", NULL,
			       "not an editor of this organisation");
	} else {
		if (org)
			snprintf(org, UUID_STR_SIZE, "%s", PQgetvalue(res, 0, 0));
		rc = 0;
	}
	PQclear(res);
	return rc;
}

/* The number member 'key' of the body (a JSON integer or a string of
 * digits) within min..max into *out; 'def' when absent or null.  0 or -1. */
static int body_long(json_t *body, const char *key, long min, long max, long def, long *out)
{
	json_t *v = json_object_get(body, key);

	*out = def;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v) && json_integer_value(v) >= min && json_integer_value(v) <= max) {
		*out = (long)json_integer_value(v);
		return 0;
	}
	return json_is_string(v) ? num_parse_long(json_string_value(v), min, max, out) : -1;
}

void history_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	const char *type, *params[4];
	char before[24], limit[16];
	long b, l;
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	type = json_string_value(json_object_get(c.body, "type"));
	if (!type)
		type = "activity";
	if (strcmp(type, "activity") && strcmp(type, "organization")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "type",
			       "type must be activity or organization");
		goto out;
	}
	if (body_long(c.body, "before", 1, 9000000000000000000L, 0, &b)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "before",
			       "before must be a history id");
		goto out;
	}
	if (body_long(c.body, "limit", 1, HISTORY_LIMIT_MAX, HISTORY_LIMIT_DEFAULT, &l)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "limit",
			       "limit must be 1..%d", HISTORY_LIMIT_MAX);
		goto out;
	}
	if (history_target_check(w, req->principal, type, c.call->id, NULL, reply))
		goto out;
	snprintf(before, sizeof(before), "%ld", b);
	snprintf(limit, sizeof(limit), "%ld", l);
	params[0] = type;
	params[1] = c.call->id;
	params[2] = b ? before : NULL;
	params[3] = limit;
	res = wdb_exec(
		w,
		"WITH h AS (SELECT ch.*, a.name AS a_name, a.email AS a_email FROM change_history ch "
		"LEFT JOIN accounts a ON a.id = ch.actor_account "
		"WHERE ((ch.target_type = $1 AND ch.target_id = $2) OR ($1 = 'organization' AND "
		"ch.target_type = 'activity' AND ch.target_id IN (SELECT a.id::text FROM activities a "
		"WHERE a.organization_id = $2::uuid))) "
		"AND ($3::bigint IS NULL OR ch.id < $3::bigint) "
		"ORDER BY ch.id DESC LIMIT $4::int) "
		"SELECT json_build_object('items', coalesce(json_agg(json_build_object("
		"'id', h.id, 'at', h.at, 'target_type', h.target_type, 'target_id', h.target_id, "
		"'version', h.version, 'actor', CASE WHEN "
		"h.actor_account IS NULL THEN NULL ELSE json_build_object('id', h.actor_account, "
		"'name', h.a_name, 'email', h.a_email, 'role', h.actor_role) END, "
		"'field', h.field, 'old', h.old_value, 'new', h.new_value) ORDER BY h.id DESC), "
		"'[]'::json), 'next_before', CASE WHEN count(*) = $4::int THEN min(h.id) END)::text "
		"FROM h",
		4, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}
