/*
 * edorgs.c - see edorgs.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actstore.h"
#include "authz.h"
#include "doccall.h"
#include "edorgs.h"
#include "history.h"
#include "simclock.h"
#include "utf8.h"
#include "wdb.h"
#include "banned.h"

#define LIST_MAX "200"
#define Q_MAX 200

/* $3 the clock's time, $4 the months: today's Finnish date and a published
 * activity's due date. */
#define TODAY "($3::timestamptz AT TIME ZONE 'Europe/Helsinki')::date"
#define IS_DUE                                                                            \
	"a.status = 'published' AND a.freshness = 'current' AND (a.assured_date IS NULL " \
	"OR (a.assured_date + make_interval(months => $4::int))::date <= " TODAY ")"

void edorgs_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	const Tarjotin__Principal *p = req->principal;
	struct doccall c = { 0 };
	char now[40], months[16], *ids = NULL;
	const char *q, *params[4];
	PGresult *res = NULL;
	json_t *arr = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	q = json_string_value(json_object_get(c.body, "q"));
	if (json_object_get(c.body, "q") && !json_is_null(json_object_get(c.body, "q")) &&
	    (!q || utf8_chars(q, false) < 0 || utf8_chars(q, false) > Q_MAX)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "invalid", "q",
			       "q must be a text of at most %d characters", Q_MAX);
		goto out;
	}
	if (q && !*q)
		q = NULL;
	if (p->role != TARJOTIN__ROLE__ROLE_ADMIN) {
		arr = json_array();
		for (size_t i = 0; i < p->n_organization_ids; i++)
			json_array_append_new(arr, json_string(p->organization_ids[i]));
		ids = json_dumps(arr, JSON_COMPACT);
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	snprintf(months, sizeof(months), "%d", actstore_months(w));
	params[0] = ids;
	params[1] = q;
	params[2] = now;
	params[3] = months;
	res = wdb_exec(
		w,
		"WITH o AS (SELECT id, name, status FROM organizations WHERE "
		"(CASE WHEN $1::jsonb IS NULL THEN status = 'approved' ELSE id::text IN "
		"(SELECT jsonb_array_elements_text($1::jsonb)) END) "
		"AND ($2::text IS NULL OR position(lower($2) IN lower(name)) > 0) "
		"ORDER BY lower(name), id LIMIT " LIST_MAX
		") "
		"SELECT json_build_object('items', coalesce(json_agg(json_build_object("
		"'id', o.id, 'name', o.name, 'status', o.status, 'activities', json_build_object("
		"'draft', s.draft, 'published', s.published, 'paused', s.paused, 'archived', "
		"s.archived), 'review', json_build_object('due', s.due, 'unverified', s.unverified, "
		"'hidden', s.hidden)) ORDER BY lower(o.name), o.id), '[]'::json))::text "
		"FROM o CROSS JOIN LATERAL (SELECT "
		"count(*) FILTER (WHERE a.status = 'draft') AS draft, "
		"count(*) FILTER (WHERE a.status = 'published') AS published, "
		"count(*) FILTER (WHERE a.status = 'paused') AS paused, "
		"count(*) FILTER (WHERE a.status = 'archived') AS archived, "
		"count(*) FILTER (WHERE " IS_DUE
		") AS due, "
		"count(*) FILTER (WHERE a.status = 'published' AND a.freshness = 'unverified') "
		"AS unverified, "
		"count(*) FILTER (WHERE a.status = 'published' AND a.freshness = 'hidden') AS hidden "
		"FROM activities a WHERE a.organization_id = o.id) AS s",
		4, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	free(ids);
	json_decref(arr);
	doccall_close(&c);
}

void edorgs_activities(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	char months[16];
	const char *params[2];
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply) ||
	    history_target_check(w, req->principal, "organization", c.call->id, NULL, reply))
		goto out;
	snprintf(months, sizeof(months), "%d", actstore_months(w));
	params[0] = c.call->id;
	params[1] = months;
	res = wdb_exec(
		w,
		"SELECT json_build_object('items', coalesce(json_agg(json_build_object("
		"'id', a.id, 'name', a.name, 'status', a.status, 'freshness', a.freshness, "
		"'assured_date', a.assured_date, 'assurer', a.assurer, 'due_date', "
		"CASE WHEN a.status = 'published' THEN (a.assured_date + "
		"make_interval(months => $2::int))::date END, 'version', a.version, "
		"'updated_at', a.updated_at) ORDER BY lower(a.name), a.id), '[]'::json))::text "
		"FROM activities a WHERE a.organization_id = $1::uuid",
		2, params, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}
