/*
 * survey.c - see survey.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "doccall.h"
#include "log.h"
#include "survey.h"
#include "surveydb.h"
#include "surveydoc.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

/* The response rate of n recipients of whom a answered: percent with one
 * decimal (2 of 3: 66.7), 0 without recipients. */
#define RATE(n, a) "CASE WHEN " n " = 0 THEN 0 ELSE round(100.0 * " a " / " n ", 1)::float8 END"

static const char list_sql[] =
	"SELECT json_build_object('items', coalesce(json_agg(json_build_object('id', s.id, "
	"'title', s.title, 'audience', s.audience, 'status', s.status, 'created_at', "
	"s.created_at, 'sent_at', s.sent_at, 'recipients', c.n, 'answered', c.a, "
	"'response_rate', " RATE("c.n", "c.a") ") ORDER BY s.created_at DESC, s.id), "
	"'[]'::json))::text FROM surveys s CROSS JOIN LATERAL (SELECT count(*) AS n, "
	"count(r.answered_at) AS a FROM survey_recipients r WHERE r.survey_id = s.id) c";

/* Per question: how many answered it, a scale's counts of 1..5 and mean,
 * a text's answers newest first. */
static const char results_sql[] =
	"WITH r AS (SELECT count(*) AS n, count(answered_at) AS a FROM survey_recipients "
	"WHERE survey_id = $1::uuid) "
	"SELECT json_build_object('recipients', r.n, 'answered', r.a, 'response_rate', " RATE(
		"r.n", "r.a") ", 'questions', (SELECT coalesce(json_agg(x.j ORDER BY q.position), "
			      "'[]'::json) FROM survey_questions q CROSS JOIN LATERAL (SELECT CASE "
			      "WHEN q.type = 'scale' THEN json_build_object('id', q.id, 'type', "
			      "q.type, 'n', count(*), 'counts', json_build_array("
			      "count(*) FILTER (WHERE a.value = '1'), "
			      "count(*) FILTER (WHERE a.value = '2'), "
			      "count(*) FILTER (WHERE a.value = '3'), "
			      "count(*) FILTER (WHERE a.value = '4'), "
			      "count(*) FILTER (WHERE a.value = '5')), "
			      "'mean', round(avg(CASE WHEN jsonb_typeof(a.value) = 'number' "
			      "THEN a.value::numeric END), 2)::float8) "
			      "ELSE json_build_object('id', q.id, 'type', q.type, 'n', count(*), "
			      "'answers', coalesce(json_agg(a.value ORDER BY a.answered_at DESC, "
			      "a.token_hash), '[]'::json)) END AS j FROM survey_answers a "
			      "WHERE a.survey_id = q.survey_id AND a.question_id = q.id) x "
			      "WHERE q.survey_id = $1::uuid))::text FROM r";

/* Answers INTERNAL "cannot build the answer".  Returns -1. */
static int cannot_build(Tarjotin__Envelope *reply)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
		       "cannot build the answer");
	return -1;
}

void survey_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply) || !wdb_conn(w, reply))
		goto out;
	res = wdb_exec(w, list_sql, 0, NULL, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}

/* Answers the document of survey 'id' as it is now in this transaction. */
static int answer_doc(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	PGresult *res = surveydb_load(w, id, false, reply);

	if (!res)
		return -1;
	doccall_reply(reply, PQgetvalue(res, 0, SURVEYDB_DOC), 0, NULL, 0);
	PQclear(res);
	return 0;
}

/* A draft's definition 'doc' (surveydoc's form) written: the survey row
 * made (id "": its id into 'id') or changed, its questions replaced.  0, or
 * -1 with reply. */
static int store(struct worker *w, const Tarjotin__Envelope *req, const json_t *doc, char *id,
		 Tarjotin__Envelope *reply)
{
	char *title = json_dumps(json_object_get(doc, "title"), JSON_COMPACT);
	char *intro = json_dumps(json_object_get(doc, "intro"), JSON_COMPACT);
	char *qs = json_dumps(json_object_get(doc, "questions"), JSON_COMPACT);
	const char *account = req->principal && uuid_valid(req->principal->account_id) ?
				      req->principal->account_id :
				      NULL;
	const char *p[4] = { title, intro, json_string_value(json_object_get(doc, "audience")),
			     *id ? id : account };
	PGresult *res = NULL;
	int rc = -1;

	if (!title || !intro || !qs) {
		cannot_build(reply);
		goto out;
	}
	res = wdb_exec(
		w,
		*id ? "UPDATE surveys SET title = $1::jsonb, intro = $2::jsonb, audience = "
		      "$3::survey_audience, updated_at = now() WHERE id = $4::uuid "
		      "RETURNING id::text" :
		      "INSERT INTO surveys (title, intro, audience, created_by) VALUES "
		      "($1::jsonb, $2::jsonb, $3::survey_audience, $4::uuid) RETURNING id::text",
		4, p, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	snprintf(id, UUID_STR_SIZE, "%s", PQgetvalue(res, 0, 0));
	PQclear(res);
	p[0] = id;
	p[1] = qs;
	res = wdb_exec(w, "DELETE FROM survey_questions WHERE survey_id = $1::uuid", 1, p,
		       PGRES_COMMAND_OK, reply);
	if (!res)
		goto out;
	PQclear(res);
	res = wdb_exec(w,
		       "INSERT INTO survey_questions (survey_id, id, position, type, text, "
		       "required) SELECT $1::uuid, q->>'id', n, q->>'type', q->'text', "
		       "(q->>'required')::boolean FROM jsonb_array_elements($2::jsonb) "
		       "WITH ORDINALITY AS t(q, n)",
		       2, p, PGRES_COMMAND_OK, reply);
	if (res)
		rc = 0;
out:
	PQclear(res);
	free(title);
	free(intro);
	free(qs);
	return rc;
}

/* An existing survey 'id' may be edited: it is a draft (locked).  0, or -1
 * with reply (404, 409 survey_sent). */
static int editable(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	PGresult *res = surveydb_load(w, id, true, reply);
	bool draft;

	if (!res)
		return -1;
	draft = !strcmp(PQgetvalue(res, 0, SURVEYDB_STATUS), "draft");
	PQclear(res);
	if (draft)
		return 0;
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "survey_sent", NULL,
		       "the survey was sent; its definition cannot change");
	return -1;
}

void survey_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	struct docerr e;
	json_t *doc = json_object();
	char id[UUID_STR_SIZE] = "", detail[64], err[256];
	bool create;

	docerr_init(&e);
	if (doccall_open(req, &c, reply))
		goto out;
	create = !*c.call->id;
	if (!create && !uuid_parse(c.call->id, strlen(c.call->id), id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such survey");
		goto out;
	}
	surveydoc_survey(&e, c.body, doc);
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto out;
	}
	if (!wdb_conn(w, reply) || wdb_begin(w, reply))
		goto out;
	if ((!create && editable(w, id, reply)) || store(w, req, doc, id, reply))
		goto fail;
	snprintf(detail, sizeof(detail), "{\"questions\":%zu}",
		 json_array_size(json_object_get(doc, "questions")));
	if (audit_write(w->db, req->principal, create ? "survey.create" : "survey.update", "survey",
			id, detail, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	if (answer_doc(w, id, reply) || wdb_commit(w, reply))
		goto fail;
	log_info(create ? "survey created" : "survey updated", "survey", id, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	json_decref(doc);
	docerr_release(&e);
	doccall_close(&c);
}

void survey_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	PGresult *doc = NULL, *res = NULL;
	json_t *o = NULL, *results;
	const char *p[1];
	char *text = NULL;

	if (doccall_open(req, &c, reply) || !wdb_conn(w, reply))
		goto out;
	doc = surveydb_load(w, c.call->id, false, reply);
	if (!doc)
		goto out;
	p[0] = PQgetvalue(doc, 0, SURVEYDB_ID);
	res = wdb_exec(w, results_sql, 1, p, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	o = json_loads(PQgetvalue(doc, 0, SURVEYDB_DOC), 0, NULL);
	results = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	/* json_object_set_new fails (freeing results) on a NULL o or results */
	if (json_object_set_new(o, "results", results) || !(text = json_dumps(o, JSON_COMPACT))) {
		cannot_build(reply);
		goto out;
	}
	doccall_reply(reply, text, 0, NULL, 0);
out:
	free(text);
	json_decref(o);
	PQclear(res);
	PQclear(doc);
	doccall_close(&c);
}

void survey_close(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	PGresult *res = NULL;
	const char *p[1];
	char id[UUID_STR_SIZE], err[256];
	const char *status;

	if (doccall_open(req, &c, reply) || !wdb_conn(w, reply) || wdb_begin(w, reply))
		goto out;
	res = surveydb_load(w, c.call->id, true, reply);
	if (!res)
		goto fail;
	status = PQgetvalue(res, 0, SURVEYDB_STATUS);
	snprintf(id, sizeof(id), "%s", PQgetvalue(res, 0, SURVEYDB_ID));
	if (!strcmp(status, "draft")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "survey_draft", NULL,
			       "the survey has not been sent");
		goto fail;
	}
	if (!strcmp(status, "sent")) {
		PQclear(res);
		p[0] = id;
		res = wdb_exec(
			w,
			"UPDATE surveys SET status = 'closed', closed_at = now(), updated_at = "
			"now() WHERE id = $1::uuid",
			1, p, PGRES_COMMAND_OK, reply);
		if (!res)
			goto fail;
		if (audit_write(w->db, req->principal, "survey.close", "survey", id, NULL, err,
				sizeof(err))) {
			wdb_failed(w, NULL, err, reply);
			goto fail;
		}
		log_info("survey closed", "survey", id, NULL);
	}
	if (answer_doc(w, id, reply) || wdb_commit(w, reply))
		goto fail;
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	doccall_close(&c);
}
