/*
 * taxedit.c - see taxedit.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "doccall.h"
#include "history.h"
#include "reply.h"
#include "strbuf.h"
#include "taxedit.h"
#include "utf8.h"
#include "wdb.h"
#include "banned.h"

/* A term 't' as the admin API shows it; its version is updated_at in
 * epoch microseconds. */
#define TERM_JSON                                                                             \
	"json_build_object('id', t.id, 'taxonomy', t.taxonomy_id, 'parent_id', t.parent_id, " \
	"'label', json_build_object('fi', t.label_fi, 'sv', t.label_sv, 'en', t.label_en), "  \
	"'synonyms', json_build_object('fi', to_json(t.synonyms_fi), 'sv', "                  \
	"to_json(t.synonyms_sv), 'en', to_json(t.synonyms_en)), 'icd10', to_json(t.icd10), "  \
	"'position', t.position, 'active', t.active, 'version', "                             \
	"(extract(epoch FROM t.updated_at) * 1000000)::bigint, 'updated_at', t.updated_at)"
#define TERM_VERSION "(extract(epoch FROM t.updated_at) * 1000000)::bigint::text"

#define SYNONYMS_MAX 30
#define LABEL_MAX 200
#define SYNONYM_MAX 60

static const char *const langs[3] = { "fi", "sv", "en" };

/* A term's writable fields as SQL parameters (text; the arrays as JSON). */
enum {
	P_ID,
	P_TAXONOMY,
	P_PARENT,
	P_LABEL_FI,
	P_LABEL_SV,
	P_LABEL_EN,
	P_SYN_FI,
	P_SYN_SV,
	P_SYN_EN,
	P_ICD10,
	P_POSITION,
	P_ACTIVE,
	P_COUNT
};

struct term {
	const char *p[P_COUNT];
	char *json[4]; /* synonyms fi/sv/en, icd10: malloc'ed */
	char position[8];
};

static void term_release(struct term *t)
{
	for (int i = 0; i < 4; i++)
		free(t->json[i]);
}

void taxedit_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	PGresult *res = NULL;

	if (doccall_open(req, &c, reply))
		goto out;
	res = wdb_exec(w,
		       "SELECT json_build_object("
		       "'needs', coalesce(json_agg(" TERM_JSON
		       " ORDER BY t.position, t.id) "
		       "FILTER (WHERE t.taxonomy_id = 'need'), '[]'::json), "
		       "'kinds', coalesce(json_agg(" TERM_JSON
		       " ORDER BY t.position, t.id) "
		       "FILTER (WHERE t.taxonomy_id = 'kind'), '[]'::json), "
		       "'target_groups', coalesce(json_agg(" TERM_JSON
		       " ORDER BY t.position, t.id) "
		       "FILTER (WHERE t.taxonomy_id = 'target_group'), '[]'::json))::text "
		       "FROM taxonomy_terms t",
		       0, NULL, PGRES_TUPLES_OK, reply);
	if (res)
		doccall_reply(reply, PQgetvalue(res, 0, 0), 0, NULL, 0);
out:
	PQclear(res);
	doccall_close(&c);
}

static bool id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 40 || s[0] < 'a' || s[0] > 'z')
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* 'G30' or 'F00-F03' (lower bound first). */
static bool icd10_valid(const char *s)
{
	size_t n = strlen(s);
	bool cat = n >= 3 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= '0' && s[1] <= '9' &&
		   s[2] >= '0' && s[2] <= '9';

	if (n == 3)
		return cat;
	if (n != 7 || !cat || s[3] != '-' || s[4] < 'A' || s[4] > 'Z' || s[5] < '0' || s[5] > '9' ||
	    s[6] < '0' || s[6] > '9')
		return false;
	return strncmp(s, s + 4, 3) <= 0;
}

/* Checks the array at 'field' of strings by 'ok' (or 1..max characters
 * when ok is NULL), at most 'most' of them; its compact JSON into *json. */
static void check_list(struct docerr *e, const json_t *v, const char *field, size_t most, long max,
		       bool (*ok)(const char *), char **json)
{
	size_t i;
	json_t *x;

	*json = NULL;
	if (!v || json_is_null(v)) {
		*json = strdup("[]");
		return;
	}
	if (!json_is_array(v)) {
		docerr_add(e, field, "invalid", "%s must be an array", field);
		return;
	}
	if (json_array_size(v) > most) {
		docerr_add(e, field, "too_many", "%s takes at most %zu values", field, most);
		return;
	}
	json_array_foreach(v, i, x) {
		const char *s = json_string_value(x);
		long n = s ? utf8_chars(s, false) : -1;

		if (!s || (ok ? !ok(s) : n < 1 || n > max)) {
			docerr_add(e, field, "invalid", "%s: value %zu is not valid", field, i + 1);
			return;
		}
	}
	*json = json_dumps(v, JSON_COMPACT);
}

/*
 * Reads the body into t, noting every broken rule into e.  'creating':
 * the body names the id and the taxonomy; else 'id' and 'taxonomy' are
 * the stored term's (a different taxonomy in the body is an error).
 */
static void term_read(struct term *t, const json_t *b, const char *id, const char *taxonomy,
		      struct docerr *e)
{
	const json_t *v, *label, *syn;
	char field[32];

	if (!id) {
		v = json_object_get(b, "id");
		id = json_string_value(v);
		if (!v || json_is_null(v))
			docerr_add(e, "id", "required", "id is required");
		else if (!id || !id_valid(id))
			docerr_add(e, "id", "invalid", "id must match [a-z][a-z0-9-]{0,39}");
	}
	t->p[P_ID] = id;
	v = json_object_get(b, "taxonomy");
	if (!taxonomy) {
		taxonomy = json_string_value(v);
		if (!v || json_is_null(v))
			docerr_add(e, "taxonomy", "required", "taxonomy is required");
		else if (!taxonomy || (strcmp(taxonomy, "need") && strcmp(taxonomy, "kind") &&
				       strcmp(taxonomy, "target_group")))
			docerr_add(e, "taxonomy", "invalid",
				   "taxonomy must be need, kind or target_group");
	} else if (v && !json_is_null(v) &&
		   (!json_is_string(v) || strcmp(json_string_value(v), taxonomy))) {
		docerr_add(e, "taxonomy", "invalid", "the taxonomy of a term cannot change");
	}
	t->p[P_TAXONOMY] = taxonomy;
	v = json_object_get(b, "parent_id");
	if (v && !json_is_null(v) && !json_is_string(v))
		docerr_add(e, "parent_id", "invalid", "parent_id must be a term id or null");
	t->p[P_PARENT] = json_string_value(v);
	label = json_object_get(b, "label");
	if (label && !json_is_object(label))
		docerr_add(e, "label", "invalid", "label must be an object {fi, sv, en}");
	syn = json_object_get(b, "synonyms");
	if (syn && !json_is_null(syn) && !json_is_object(syn))
		docerr_add(e, "synonyms", "invalid", "synonyms must be an object {fi, sv, en}");
	for (int i = 0; i < 3; i++) {
		const char *s;
		long n;

		snprintf(field, sizeof(field), "label.%s", langs[i]);
		v = json_is_object(label) ? json_object_get(label, langs[i]) : NULL;
		s = json_string_value(v);
		n = s ? utf8_chars(s, false) : -1;
		if (!v || json_is_null(v) || (s && n == 0))
			docerr_add(e, field, "required", "%s is required", field);
		else if (!s || n < 0)
			docerr_add(e, field, "invalid",
				   "%s must be text without control characters", field);
		else if (n > LABEL_MAX)
			docerr_add(e, field, "too_long", "%s must be 1..%d characters", field,
				   LABEL_MAX);
		t->p[P_LABEL_FI + i] = s;
		snprintf(field, sizeof(field), "synonyms.%s", langs[i]);
		check_list(e, json_is_object(syn) ? json_object_get(syn, langs[i]) : NULL, field,
			   SYNONYMS_MAX, SYNONYM_MAX, NULL, &t->json[i]);
		t->p[P_SYN_FI + i] = t->json[i];
	}
	v = json_object_get(b, "icd10");
	check_list(e, v, "icd10", 50, 0, icd10_valid, &t->json[3]);
	if (t->json[3] && strcmp(t->json[3], "[]") && taxonomy && strcmp(taxonomy, "need"))
		docerr_add(e, "icd10", "invalid", "only needs have ICD-10 codes");
	t->p[P_ICD10] = t->json[3];
	v = json_object_get(b, "position");
	if (!v || json_is_null(v))
		snprintf(t->position, sizeof(t->position), "0");
	else if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 1000)
		snprintf(t->position, sizeof(t->position), "%d", (int)json_integer_value(v));
	else
		docerr_add(e, "position", "invalid", "position must be an integer 0..1000");
	t->p[P_POSITION] = t->position;
	v = json_object_get(b, "active");
	if (v && !json_is_null(v) && !json_is_boolean(v))
		docerr_add(e, "active", "invalid", "active must be true or false");
	t->p[P_ACTIVE] = v && json_is_false(v) ? "false" : "true";
}

/* Checks the parent: a term of the same taxonomy whose ancestors do not
 * include the term itself.  0 (noted into e when wrong), -1 on a database
 * error (reply filled). */
static int parent_check(struct worker *w, const struct term *t, struct docerr *e,
			Tarjotin__Envelope *reply)
{
	const char *params[3] = { t->p[P_PARENT], t->p[P_TAXONOMY], t->p[P_ID] };
	PGresult *res;
	int rc = 0;

	if (!t->p[P_PARENT] || !t->p[P_TAXONOMY] || !t->p[P_ID])
		return 0;
	res = wdb_exec(w,
		       "WITH RECURSIVE up(id, parent_id, depth) AS ("
		       "SELECT id, parent_id, 0 FROM taxonomy_terms WHERE id = $1 "
		       "UNION ALL SELECT t.id, t.parent_id, up.depth + 1 FROM taxonomy_terms t "
		       "JOIN up ON t.id = up.parent_id WHERE up.depth < 100) "
		       "SELECT (SELECT taxonomy_id FROM taxonomy_terms WHERE id = $1) = $2, "
		       "EXISTS (SELECT 1 FROM up WHERE id = $3)",
		       3, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	if (PQgetisnull(res, 0, 0))
		docerr_add(e, "parent_id", "unknown", "unknown term '%s'", t->p[P_PARENT]);
	else if (strcmp(PQgetvalue(res, 0, 0), "t"))
		docerr_add(e, "parent_id", "invalid",
			   "the parent must be a term of the same taxonomy");
	else if (!strcmp(PQgetvalue(res, 0, 1), "t"))
		docerr_add(e, "parent_id", "invalid", "a term cannot be its own ancestor");
	PQclear(res);
	return rc;
}

/* The term 'id' (locked): its JSON, version and taxonomy (PQclear it);
 * NULL when there is none (*found 0) or on an error (*found -1, reply
 * filled). */
static PGresult *term_lock(struct worker *w, const char *id, int *found, Tarjotin__Envelope *reply)
{
	const char *params[1] = { id };
	PGresult *res = wdb_exec(w,
				 "SELECT " TERM_JSON "::text, " TERM_VERSION
				 ", t.taxonomy_id "
				 "FROM taxonomy_terms t WHERE t.id = $1 FOR UPDATE",
				 1, params, PGRES_TUPLES_OK, reply);

	*found = !res ? -1 : PQntuples(res) == 1;
	if (res && !*found) {
		PQclear(res);
		res = NULL;
	}
	return res;
}

#define TERM_SET                                                                                \
	"parent_id = $3, label_fi = $4, label_sv = $5, label_en = $6, "                         \
	"synonyms_fi = ARRAY(SELECT json_array_elements_text($7::json)), "                      \
	"synonyms_sv = ARRAY(SELECT json_array_elements_text($8::json)), "                      \
	"synonyms_en = ARRAY(SELECT json_array_elements_text($9::json)), "                      \
	"icd10 = ARRAY(SELECT json_array_elements_text($10::json)), position = $11::smallint, " \
	"active = $12::boolean"

/* Writes the term (INSERT when creating); 0, 1 when a new id exists
 * already, -1 with reply filled. */
static int term_write(struct worker *w, const struct term *t, bool creating,
		      Tarjotin__Envelope *reply)
{
	PGresult *res;
	int rc;

	if (creating)
		res = wdb_exec(w,
			       "INSERT INTO taxonomy_terms (id, taxonomy_id, parent_id, label_fi, "
			       "label_sv, label_en, synonyms_fi, synonyms_sv, synonyms_en, icd10, "
			       "position, active) VALUES ($1, $2, $3, $4, $5, $6, "
			       "ARRAY(SELECT json_array_elements_text($7::json)), "
			       "ARRAY(SELECT json_array_elements_text($8::json)), "
			       "ARRAY(SELECT json_array_elements_text($9::json)), "
			       "ARRAY(SELECT json_array_elements_text($10::json)), $11::smallint, "
			       "$12::boolean) ON CONFLICT (id) DO NOTHING",
			       P_COUNT, t->p, PGRES_COMMAND_OK, reply);
	else
		res = wdb_exec(w,
			       "UPDATE taxonomy_terms SET parent_id = $3, label_fi = $4, "
			       "label_sv = $5, label_en = $6, "
			       "synonyms_fi = ARRAY(SELECT json_array_elements_text($7::json)), "
			       "synonyms_sv = ARRAY(SELECT json_array_elements_text($8::json)), "
			       "synonyms_en = ARRAY(SELECT json_array_elements_text($9::json)), "
			       "icd10 = ARRAY(SELECT json_array_elements_text($10::json)), "
			       "position = $11::smallint, active = $12::boolean "
			       "WHERE id = $1 AND taxonomy_id = $2",
			       P_COUNT, t->p, PGRES_COMMAND_OK, reply);
	if (!res)
		return -1;
	rc = strcmp(PQcmdTuples(res), "1") ? 1 : 0;
	PQclear(res);
	return rc;
}

/* A term's JSON text as history_write compares it: without version and
 * updated_at, which every save moves.  New reference, or NULL. */
static json_t *term_doc(const char *text)
{
	json_t *d;

	if (!text)
		return NULL;
	d = json_loads(text, 0, NULL);
	json_object_del(d, "version");
	json_object_del(d, "updated_at");
	return d;
}

/* The history and audit rows of a save from 'before' (NULL: created) to
 * 'after'.  A term's history counts its saves (its ETag is a time, not a
 * revision).  0, or -1 with reply filled. */
static int term_record(struct worker *w, const Tarjotin__Envelope *req, const char *id,
		       const char *before, const char *after, Tarjotin__Envelope *reply)
{
	struct strbuf d = STRBUF_INIT;
	json_t *fields = NULL, *old = term_doc(before), *new = term_doc(after);
	const char *params[1] = { id };
	PGresult *res;
	char err[256], *f;
	int rc = -1;

	res = wdb_exec(w,
		       "SELECT coalesce(max(version), 0) + 1 FROM change_history "
		       "WHERE target_type = 'taxonomy_term' AND target_id = $1",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res || !new)
		goto out;
	if (history_write(w, req->principal, "taxonomy_term", id, atoi(PQgetvalue(res, 0, 0)), old,
			  new, &fields, reply) < 0)
		goto out;
	f = json_dumps(fields, JSON_COMPACT);
	strbuf_adds(&d, "{\"fields\":");
	strbuf_adds(&d, f ? f : "[]");
	strbuf_adds(&d, "}");
	free(f);
	if (audit_write(w->db, req->principal, before ? "taxonomy.update" : "taxonomy.create",
			"taxonomy_term", id, d.p, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	json_decref(fields);
	json_decref(old);
	json_decref(new);
	strbuf_release(&d);
	return rc;
}

void taxedit_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct term t = { 0 };
	struct docerr e;
	PGresult *old = NULL, *res = NULL;
	const char *params[1];
	bool creating;
	int found;

	docerr_init(&e);
	if (doccall_open(req, &c, reply))
		goto out;
	creating = !*c.call->id;
	if (!creating && !id_valid(c.call->id)) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such term");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	if (!creating) {
		old = term_lock(w, c.call->id, &found, reply);
		if (!old && found == 0)
			reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
				       "no such term");
		if (!old)
			goto fail;
		if (c.call->if_match &&
		    c.call->if_match != strtoll(PQgetvalue(old, 0, 1), NULL, 10)) {
			doccall_conflict(reply, PQgetvalue(old, 0, 0),
					 strtoll(PQgetvalue(old, 0, 1), NULL, 10));
			goto fail;
		}
	}
	term_read(&t, c.body, creating ? NULL : c.call->id, creating ? NULL : PQgetvalue(old, 0, 2),
		  &e);
	if (parent_check(w, &t, &e, reply))
		goto fail;
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	switch (term_write(w, &t, creating, reply)) {
	case 0:
		break;
	case 1:
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "exists", "id",
			       "a term '%s' exists already", t.p[P_ID]);
		goto fail;
	default:
		goto fail;
	}
	params[0] = t.p[P_ID];
	res = wdb_exec(w,
		       "SELECT " TERM_JSON "::text, " TERM_VERSION
		       " FROM taxonomy_terms t "
		       "WHERE t.id = $1",
		       1, params, PGRES_TUPLES_OK, reply);
	if (!res || PQntuples(res) != 1 ||
	    term_record(w, req, t.p[P_ID], old ? PQgetvalue(old, 0, 0) : NULL,
			PQgetvalue(res, 0, 0), reply))
		goto fail;
	doccall_reply(reply, PQgetvalue(res, 0, 0), strtoll(PQgetvalue(res, 0, 1), NULL, 10), NULL,
		      0);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(old);
	PQclear(res);
	term_release(&t);
	docerr_release(&e);
	doccall_close(&c);
}
