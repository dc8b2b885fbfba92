/*
 * actedit.c - see actedit.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actdoc.h"
#include "actedit.h"
#include "actstore.h"
#include "audit.h"
#include "doccall.h"
#include "history.h"
#include "simclock.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

/* Room for simclock_iso's text. */
#define NOW_SIZE 40

static const char *doc_str(const json_t *doc, const char *key)
{
	const char *s = json_string_value(json_object_get(doc, key));

	return s ? s : "";
}

static json_int_t doc_version(const json_t *doc)
{
	return json_integer_value(json_object_get(doc, "version"));
}

/* Answers the document with its version. */
static void answer(Tarjotin__Envelope *reply, const json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);

	doccall_reply(reply, text, doc_version(doc), NULL, 0);
	free(text);
}

/* The account of the call's principal for assurer and audit (NULL: none). */
static const char *account_of(const Tarjotin__Principal *p)
{
	return p && uuid_valid(p->account_id) ? p->account_id : NULL;
}

/*
 * Opens the call on an activity: the principal may act for its
 * organisation, a transaction is begun, the row is locked and its document
 * read into *doc, and the version is the one of If-Match (required when
 * 'need_match').  Returns 0 with the transaction open, or -1 with reply
 * filled and none open.
 */
static int open_locked(struct worker *w, const Tarjotin__Envelope *req, struct doccall *c,
		       bool need_match, json_t **doc, Tarjotin__Envelope *reply)
{
	char *text;

	*doc = NULL;
	if (doccall_open(req, c, reply))
		return -1;
	if (need_match && c->call->if_match <= 0) {
		/* The gateway answers 428 itself: this is a caller's bug. */
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "precondition_required",
			       "If-Match", "the call needs the version it edits (If-Match)");
		return -1;
	}
	if (history_target_check(w, req->principal, "activity", c->call->id, NULL, reply) ||
	    wdb_begin(w, reply))
		return -1;
	switch (actstore_load(w, c->call->id, true, doc, reply)) {
	case 1:
		break;
	case 0:
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such activity");
		/* fall through */
	default:
		wdb_rollback(w);
		return -1;
	}
	if (c->call->if_match != 0 && c->call->if_match != doc_version(*doc)) {
		text = json_dumps(*doc, JSON_COMPACT);
		doccall_conflict(reply, text, doc_version(*doc));
		free(text);
		wdb_rollback(w);
		return -1;
	}
	return 0;
}

/* The audit row of a change of activity 'id' with 'detail' (an object,
 * consumed).  0, or -1 with reply filled. */
static int audit_row(struct worker *w, const Tarjotin__Envelope *req, const char *action,
		     const char *id, json_t *detail, Tarjotin__Envelope *reply)
{
	char *text = json_dumps(detail, JSON_COMPACT), err[256];
	int rc = audit_write(w->db, req->principal, action, "activity", id, text, err, sizeof(err));

	if (rc)
		wdb_failed(w, NULL, err, reply);
	free(text);
	json_decref(detail);
	return rc;
}

/* Rolls a failed change back; a failure that left no answer is INTERNAL. */
static void abandon(struct worker *w, const char *what, Tarjotin__Envelope *reply)
{
	if (reply->status == TARJOTIN__STATUS__STATUS_OK)
		wdb_failed(w, NULL, what, reply);
	wdb_rollback(w);
}

/* Reads the saved document of 'id', answers it and commits.  0, or -1
 * with reply filled (the caller rolls back). */
static int finish(struct worker *w, const char *id, Tarjotin__Envelope *reply)
{
	json_t *doc = NULL;
	int rc = -1;

	switch (actstore_load(w, id, false, &doc, reply)) {
	case 1:
		answer(reply, doc);
		rc = wdb_commit(w, reply);
		break;
	case 0:
		wdb_failed(w, NULL, "activity vanished during its save", reply);
		break;
	default:
		break;
	}
	json_decref(doc);
	return rc;
}

void actedit_create(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct docerr e;
	char id[UUID_STR_SIZE], now[NOW_SIZE];
	json_t *canon = NULL, *doc = NULL, *fields = NULL;

	docerr_init(&e);
	if (doccall_open(req, &c, reply) ||
	    history_target_check(w, req->principal, "organization", c.call->id, NULL, reply))
		goto out;
	canon = actdoc_validate(c.body, true, false, &e);
	if (actdoc_check_db(w, canon, &e, reply))
		goto out;
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto out;
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	if (wdb_begin(w, reply))
		goto out;
	if (actstore_create(w, c.call->id, canon, id, reply) ||
	    actstore_stamp(w, id, 0, NULL, now, account_of(req->principal), reply) ||
	    actstore_load(w, id, false, &doc, reply) != 1)
		goto fail;
	/* The status is no field of the history until it changes. */
	fields = actdoc_writable(doc, false);
	if (history_write(w, req->principal, "activity", id, 1, NULL, fields, NULL, reply) < 0 ||
	    audit_row(w, req, "activity.create", id,
		      json_pack("{s:s, s:s}", "organization_id", c.call->id, "status",
				doc_str(doc, "status")),
		      reply))
		goto fail;
	answer(reply, doc);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	abandon(w, "activity create", reply);
out:
	json_decref(fields);
	json_decref(doc);
	json_decref(canon);
	docerr_release(&e);
	doccall_close(&c);
}

void actedit_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	json_t *doc = NULL;

	if (doccall_open(req, &c, reply) ||
	    history_target_check(w, req->principal, "activity", c.call->id, NULL, reply))
		goto out;
	switch (actstore_load(w, c.call->id, false, &doc, reply)) {
	case 1:
		answer(reply, doc);
		break;
	case 0:
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
			       "no such activity");
		break;
	default:
		break;
	}
out:
	json_decref(doc);
	doccall_close(&c);
}

void actedit_save(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct docerr e;
	char now[NOW_SIZE];
	json_t *old = NULL, *canon = NULL, *saved = NULL, *ow = NULL, *nw = NULL, *changed = NULL;
	const char *id;

	docerr_init(&e);
	if (open_locked(w, req, &c, true, &old, reply))
		goto out;
	id = c.call->id;
	canon = actdoc_validate(c.body, false, !strcmp(doc_str(old, "status"), "published"), &e);
	if (actdoc_check_db(w, canon, &e, reply))
		goto fail;
	if (docerr_any(&e)) {
		docerr_reply(&e, reply);
		goto fail;
	}
	if (actstore_write(w, id, canon, reply) || actstore_load(w, id, false, &saved, reply) != 1)
		goto fail;
	ow = actdoc_writable(old, false);
	nw = actdoc_writable(saved, false);
	if (json_equal(ow, nw)) {
		/* Nothing changed: nothing is stored, the version stays. */
		wdb_rollback(w);
		answer(reply, old);
		goto out;
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	if (actstore_stamp(w, id, 1, NULL, now, account_of(req->principal), reply) ||
	    history_write(w, req->principal, "activity", id, (int)doc_version(old) + 1, ow, nw,
			  &changed, reply) < 0 ||
	    audit_row(w, req, "activity.update", id, json_pack("{s:O}", "fields", changed),
		      reply) ||
	    finish(w, id, reply))
		goto fail;
	goto out;
fail:
	abandon(w, "activity save", reply);
out:
	json_decref(changed);
	json_decref(ow);
	json_decref(nw);
	json_decref(saved);
	json_decref(canon);
	json_decref(old);
	docerr_release(&e);
	doccall_close(&c);
}

static bool valid_status(const char *s)
{
	return s && (!strcmp(s, "draft") || !strcmp(s, "published") || !strcmp(s, "paused") ||
		     !strcmp(s, "archived"));
}

void actedit_status(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct docerr e;
	char now[NOW_SIZE];
	json_t *old = NULL, *from = NULL, *to = NULL;
	const char *status, *id;

	docerr_init(&e);
	if (open_locked(w, req, &c, true, &old, reply))
		goto out;
	id = c.call->id;
	status = json_string_value(json_object_get(c.body, "status"));
	if (!valid_status(status)) {
		docerr_add(&e, "status", status ? "invalid" : "required",
			   "status must be draft, published, paused or archived");
		docerr_reply(&e, reply);
		goto fail;
	}
	if (!strcmp(status, doc_str(old, "status"))) {
		wdb_rollback(w);
		answer(reply, old);
		goto out;
	}
	if (!strcmp(status, "published")) {
		actdoc_publishable(old, &e);
		if (docerr_any(&e)) {
			docerr_reply(&e, reply);
			goto fail;
		}
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	from = json_pack("{s:s}", "status", doc_str(old, "status"));
	to = json_pack("{s:s}", "status", status);
	if (actstore_stamp(w, id, 1, status, now, account_of(req->principal), reply) ||
	    history_write(w, req->principal, "activity", id, (int)doc_version(old) + 1, from, to,
			  NULL, reply) < 0 ||
	    audit_row(w, req, "activity.status", id,
		      json_pack("{s:s, s:s}", "from", doc_str(old, "status"), "to", status),
		      reply) ||
	    finish(w, id, reply))
		goto fail;
	goto out;
fail:
	abandon(w, "activity status", reply);
out:
	json_decref(from);
	json_decref(to);
	json_decref(old);
	docerr_release(&e);
	doccall_close(&c);
}

void actedit_confirm(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	char now[NOW_SIZE];
	json_t *old = NULL;
	const char *id;

	if (open_locked(w, req, &c, false, &old, reply))
		goto out;
	id = c.call->id;
	if (strcmp(doc_str(old, "status"), "published")) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_CONFLICT, "not_published", "status",
			       "only a published activity can be confirmed");
		goto fail;
	}
	simclock_iso(w->dir->clock, now, sizeof(now));
	if (actstore_stamp(w, id, 0, NULL, now, account_of(req->principal), reply) ||
	    audit_row(w, req, "activity.confirm", id, json_pack("{s:s}", "via", "editor"), reply) ||
	    finish(w, id, reply))
		goto fail;
	goto out;
fail:
	abandon(w, "activity confirm", reply);
out:
	json_decref(old);
	doccall_close(&c);
}
