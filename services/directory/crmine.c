/*
 * crmine.c - see crmine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crinbox.h"
#include "crmine.h"
#include "doccall.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

#define NOW_SIZE 40

static void not_found(Tarjotin__Envelope *reply)
{
	reply_set_code(reply, TARJOTIN__STATUS__STATUS_NOT_FOUND, "not_found", "id",
		       "no such contact request");
}

/* The principal's account, or NULL (then nothing is theirs). */
static const char *account_of(const Tarjotin__Principal *p)
{
	return p && uuid_valid(p->account_id) ? p->account_id : NULL;
}

void crmine_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };

	if (doccall_open(req, &c, reply) == 0)
		crinbox_paged(
			w, c.body, account_of(req->principal), NULL,
			"WITH l AS (SELECT " CRINBOX_ITEM
			" || "
			"jsonb_build_object('history', " CRINBOX_HISTORY
			") AS doc, r.sent_at, r.id" CRINBOX_FROM
			"WHERE r.account_id = $1::uuid "
			"ORDER BY r.sent_at DESC, r.id LIMIT $3::int OFFSET $4::int) "
			"SELECT jsonb_build_object('items', coalesce((SELECT jsonb_agg(doc ORDER BY "
			"sent_at DESC, id) FROM l), '[]'::jsonb), 'total', (SELECT count(*) FROM "
			"contact_requests r WHERE r.account_id = $1::uuid), 'page', $5::int, "
			"'per_page', $3::int)::text",
			reply);
	doccall_close(&c);
}

void crmine_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	struct doccall c = { 0 };
	struct crinbox_req r = { 0 };
	const char *me = account_of(req->principal);
	char *text;

	if (doccall_open(req, &c, reply) || crinbox_begin(w, c.call->id, false, &r, reply))
		goto out;
	if (!me || strcmp(r.account, me)) {
		not_found(reply);
		goto fail;
	}
	if (crinbox_client(w, req, c.call->id, &r, reply))
		goto fail;
	text = json_dumps(r.doc, JSON_COMPACT);
	doccall_reply(reply, text, 0, NULL, 0);
	free(text);
	if (wdb_commit(w, reply) == 0)
		goto out;
fail:
	if (reply->status == TARJOTIN__STATUS__STATUS_OK)
		wdb_failed(w, NULL, "contact request get", reply);
	wdb_rollback(w);
out:
	crinbox_req_release(&r);
	doccall_close(&c);
}
