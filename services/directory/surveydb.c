/*
 * surveydb.c - see surveydb.h.
 */
#include <stdio.h>
#include <string.h>

#include "surveydb.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

/* The document of survey s (a row of surveys). */
#define DOC_SQL                                                                                  \
	"s.status::text, json_build_object('id', s.id, 'title', s.title, 'intro', s.intro, "     \
	"'audience', s.audience, 'status', s.status, 'created_at', s.created_at, 'updated_at', " \
	"s.updated_at, 'sent_at', s.sent_at, 'closed_at', s.closed_at, 'questions', "            \
	"(SELECT coalesce(json_agg(json_build_object('id', q.id, 'type', q.type, 'text', "       \
	"q.text, 'required', q.required) ORDER BY q.position), '[]'::json) "                     \
	"FROM survey_questions q WHERE q.survey_id = s.id))::text, s.audience::text, s.id::text"

PGresult *surveydb_load(struct worker *w, const char *id, bool lock, Tarjotin__Envelope *reply)
{
	char canon[UUID_STR_SIZE];
	const char *p[1] = { canon };
	PGresult *res;

	if (!id || !uuid_parse(id, strlen(id), canon)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such survey");
		return NULL;
	}
	res = wdb_exec(w,
		       lock ? "SELECT " DOC_SQL " FROM surveys s WHERE s.id = $1::uuid FOR UPDATE" :
			      "SELECT " DOC_SQL " FROM surveys s WHERE s.id = $1::uuid",
		       1, p, PGRES_TUPLES_OK, reply);
	if (res && PQntuples(res) != 1) {
		PQclear(res);
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such survey");
		return NULL;
	}
	return res;
}

PGresult *surveydb_by_token(struct worker *w, const char *hex, bool lock, Tarjotin__Envelope *reply)
{
	const char *p[1] = { hex };
	PGresult *res;

	res = wdb_exec(w,
		       lock ? "SELECT " DOC_SQL
			      ", r.name, r.answered_at IS NOT NULL "
			      "FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id "
			      "WHERE r.token_hash = decode($1, 'hex') FOR SHARE OF s" :
			      "SELECT " DOC_SQL
			      ", r.name, r.answered_at IS NOT NULL "
			      "FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id "
			      "WHERE r.token_hash = decode($1, 'hex')",
		       1, p, PGRES_TUPLES_OK, reply);
	if (res && PQntuples(res) != 1) {
		PQclear(res);
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "link_invalid", "token",
			       "no such survey link");
		return NULL;
	}
	return res;
}
