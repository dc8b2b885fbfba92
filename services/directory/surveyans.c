/*
 * surveyans.c - see surveyans.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "doccall.h"
#include "links.h"
#include "log.h"
#include "surveyans.h"
#include "surveydb.h"
#include "surveydoc.h"
#include "wdb.h"
#include "banned.h"

/* The call's link looked up (the survey locked FOR SHARE with 'lock') and
 * checked: not used, the survey open.  Its hash into 'hex'.  Returns the
 * row (surveydb_by_token's; PQclear it), or NULL with reply set. */
static PGresult *lookup(struct worker *w, const struct doccall *c, bool lock,
			char hex[2 * LINKS_HASH_LEN + 1], Tarjotin__Envelope *reply)
{
	const char *token = json_string_value(json_object_get(c->body, "token"));
	uint8_t hash[LINKS_HASH_LEN];
	PGresult *res;

	if (!links_token_valid(token)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "link_invalid", "token",
			       "no such survey link");
		return NULL;
	}
	links_hash(token, hash);
	sodium_bin2hex(hex, 2 * LINKS_HASH_LEN + 1, hash, sizeof(hash));
	res = surveydb_by_token(w, hex, lock, reply);
	if (!res)
		return NULL;
	if (!strcmp(PQgetvalue(res, 0, SURVEYDB_USED), "t"))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the survey was answered with this link already");
	else if (strcmp(PQgetvalue(res, 0, SURVEYDB_STATUS), "sent"))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "survey_closed", "token",
			       "the survey is closed");
	else
		return res;
	PQclear(res);
	return NULL;
}

void surveyans_peek(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	char hex[2 * LINKS_HASH_LEN + 1], *text = NULL;
	PGresult *res = NULL;
	json_t *doc = NULL, *o = NULL;

	if (doccall_open(req, &c, reply) || !wdb_conn(w, reply))
		goto out;
	res = lookup(w, &c, false, hex, reply);
	if (!res)
		goto out;
	doc = json_loads(PQgetvalue(res, 0, SURVEYDB_DOC), 0, NULL);
	o = json_pack("{s:{s:O?, s:O?, s:O?}, s:s, s:s}", "survey", "title",
		      json_object_get(doc, "title"), "intro", json_object_get(doc, "intro"),
		      "questions", json_object_get(doc, "questions"), "recipient_name",
		      PQgetvalue(res, 0, SURVEYDB_RECIPIENT), "state", "open");
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	if (!text)
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot build the answer");
	else
		doccall_reply(reply, text, 0, NULL, 0);
out:
	free(text);
	json_decref(o);
	json_decref(doc);
	PQclear(res);
	doccall_close(&c);
}

/* The answer's language: the body's "lang", else the call's.  NULL
 * (noted) when it is something else than fi, sv or en. */
static const char *answer_lang(const struct doccall *c, struct docerr *e)
{
	json_t *v = json_object_get(c->body, "lang");
	const char *s = json_string_value(v);

	if (!v || json_is_null(v))
		return c->lang;
	if (s && (!strcmp(s, "fi") || !strcmp(s, "sv") || !strcmp(s, "en")))
		return s;
	docerr_add(e, "lang", "invalid", "lang must be fi, sv or en");
	return NULL;
}

/* The answer's writes: the link used (0 rows: a parallel answer won), the
 * answers 'values' stored, the audit row.  0, or -1 with reply. */
static int store(struct worker *w, const char *hex, const char *survey, const json_t *values,
		 const char *lang, Tarjotin__Envelope *reply)
{
	struct audit_actor anonymous = { .role = "anonymous" };
	char *text = json_dumps(values, JSON_COMPACT), detail[48], err[256];
	const char *p[4] = { hex, survey, text, lang };
	PGresult *res = NULL;
	int rc = -1;

	if (!text) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "cannot store the answers");
		goto out;
	}
	res = wdb_exec(w,
		       "UPDATE survey_recipients SET answered_at = now() "
		       "WHERE token_hash = decode($1, 'hex') AND answered_at IS NULL "
		       "RETURNING survey_id",
		       1, p, PGRES_TUPLES_OK, reply);
	if (!res)
		goto out;
	if (PQntuples(res) != 1) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_GONE, "link_used", "token",
			       "the survey was answered with this link already");
		goto out;
	}
	PQclear(res);
	res = wdb_exec(
		w,
		"INSERT INTO survey_answers (survey_id, token_hash, question_id, value, lang) "
		"SELECT $2::uuid, decode($1, 'hex'), key, value, $4 "
		"FROM jsonb_each($3::jsonb)",
		4, p, PGRES_COMMAND_OK, reply);
	if (!res)
		goto out;
	snprintf(detail, sizeof(detail), "{\"answered\":%zu}", json_object_size(values));
	if (audit_write_as(w->db, &anonymous, "survey.answer", "survey", survey, detail, err,
			   sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	if (text)
		sodium_memzero(text, strlen(text));
	free(text);
	return rc;
}

void surveyans_answer(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c;
	struct docerr e;
	char hex[2 * LINKS_HASH_LEN + 1], survey[40];
	PGresult *res = NULL;
	json_t *doc = NULL, *values = json_object();
	const char *lang;

	docerr_init(&e);
	if (doccall_open(req, &c, reply) || !wdb_conn(w, reply) || wdb_begin(w, reply))
		goto out;
	res = lookup(w, &c, true, hex, reply);
	if (!res)
		goto fail;
	snprintf(survey, sizeof(survey), "%s", PQgetvalue(res, 0, SURVEYDB_ID));
	doc = json_loads(PQgetvalue(res, 0, SURVEYDB_DOC), 0, NULL);
	lang = answer_lang(&c, &e);
	surveydoc_answers(&e, json_object_get(doc, "questions"), json_object_get(c.body, "answers"),
			  values);
	if (!docerr_any(&e) && !json_object_size(values))
		docerr_add(&e, "answers", "required", "answer at least one question");
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	if (store(w, hex, survey, values, lang, reply))
		goto fail;
	doccall_reply(reply, "{\"ok\":true}", 0, NULL, 0);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("survey answered", "survey", survey, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	json_decref(values);
	json_decref(doc);
	PQclear(res);
	docerr_release(&e);
	doccall_close(&c);
}
