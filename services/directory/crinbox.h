/*
 * crinbox.h - the NGO's inbox of contact requests (docs/contactrequests.md
 * "A request as the lists and pages show it", "Status"): the list of an
 * organisation's requests, opening one (the client's data only for its
 * editors, audited), and the editor's status changes with the first
 * reaction's observed response time.  Also the request document and the
 * opening of its client data that the professional's own pages (crmine.c)
 * show the same way.
 */
#ifndef TJ_CRINBOX_H
#define TJ_CRINBOX_H

#include <stdbool.h>

#include <jansson.h>

#include "directory.h"

/*
 * A request as every page shows it, for the row alias r joined as
 * CRINBOX_FROM, at the clock's time $2 (timestamptz text): a jsonb object
 * without "client", "client_hint" null.
 * CRINBOX_HISTORY is its history (a jsonb array, oldest first).
 */
#define CRINBOX_FROM                                                          \
	" FROM contact_requests r JOIN activities a ON a.id = r.activity_id " \
	"JOIN organizations o ON o.id = r.organization_id "                   \
	"JOIN user_sites s ON s.id = r.user_site_id "
#define CRINBOX_OVERDUE                                                        \
	"(r.first_reaction_at IS NULL AND r.status IN ('sent', 'opened') AND " \
	"r.due_1 <= $2::timestamptz)"
#define CRINBOX_ITEM                                                                              \
	"jsonb_build_object('id', r.id, 'batch_id', r.batch_id, 'status', r.status, "             \
	"'activity', jsonb_build_object('id', a.id, 'name', a.name), "                            \
	"'organization', jsonb_build_object('id', o.id, 'name', o.name), "                        \
	"'channel', r.channel, 'lang', r.lang, 'sent_at', r.sent_at, "                            \
	"'due', (r.due_1 AT TIME ZONE 'Europe/Helsinki')::date - 1, "                             \
	"'overdue', " CRINBOX_OVERDUE                                                             \
	", 'response_days', r.response_days, "                                                    \
	"'opened_at', r.opened_at, 'first_reaction_at', r.first_reaction_at, "                    \
	"'closed_at', r.closed_at, 'erased', r.erased_at IS NOT NULL, "                           \
	"'decline_reason', r.decline_reason, 'sender', jsonb_build_object('user_site', s.name), " \
	"'client_hint', NULL, 'has_phone', r.has_phone, 'has_email', r.has_email, "               \
	"'has_note', r.has_note, 'alternatives', CASE WHEN " CRINBOX_OVERDUE                      \
	" THEN '/' || coalesce('?' || nullif(concat_ws('&', 'need=' || r.need, "                  \
	"'municipality=' || r.municipality_code), ''), '') END)"
#define CRINBOX_HISTORY                                                                        \
	"(SELECT coalesce(jsonb_agg(jsonb_build_object('kind', e.kind, 'at', e.at, "           \
	"'actor_role', e.actor_role, 'detail', e.detail) ORDER BY e.at, e.created_at, e.id), " \
	"'[]'::jsonb) FROM contact_request_events e WHERE e.request_id = r.id)"

/* One request as loaded by crinbox_load. */
struct crinbox_req {
	json_t *doc;         /* the document with "history" (crinbox_req_release frees) */
	char org[40];        /* its organisation */
	char account[40];    /* the sending professional */
	char status[16];     /* its status */
	bool reacted;        /* first_reaction_at is set */
	unsigned char *blob; /* client_enc (malloc'ed), NULL when erased */
	size_t blob_len;
};

void crinbox_req_release(struct crinbox_req *r);

/*
 * Begins a transaction and loads request 'id' (any text: a malformed one
 * is not found) at the clock's time, locked (FOR UPDATE) when 'lock'.
 * Returns 0 with the transaction open, or -1 with reply filled (NOT_FOUND
 * when there is none) and none open.  The caller checks that the
 * principal may see it (NOT_FOUND otherwise).
 */
int crinbox_begin(struct worker *w, const char *id, bool lock, struct crinbox_req *r,
		  Tarjotin__Envelope *reply);

/*
 * Opens the loaded request's client data into r->doc ("client" and the
 * masked "client_hint"; both null when erased) and writes the audit row
 * contact_request.open by the call's principal, in the caller's open
 * transaction.  Returns 0, or -1 with reply filled (the caller rolls back).
 */
int crinbox_client(struct worker *w, const Tarjotin__Envelope *req, const char *id,
		   struct crinbox_req *r, Tarjotin__Envelope *reply);

/*
 * Answers a paged list: runs 'sql' with $1 'key', $2 the clock's time, $3
 * the limit (per_page), $4 the offset, $5 the page, and $6 'extra' when
 * it is not NULL; 'sql' returns one row and column, the answer's JSON.  The page
 * comes from the query's "page" (1..100000, 1) and "per_page" (1..100,
 * 20), integers or strings of digits; BAD_REQUEST "invalid_parameter"
 * otherwise.
 */
void crinbox_paged(struct worker *w, const json_t *query, const char *key, const char *extra,
		   const char *sql, Tarjotin__Envelope *reply);

/* MSG_CR_INBOX (84): DocCall id the organisation, json {"state":"open"|
 * "all","page","per_page"}: {"items","total","page","per_page","open"}
 * newest first, no client data opened.  Not the caller's: NOT_FOUND. */
void crinbox_list(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_CR_OPEN (85): DocCall id the request, json {"sig"?}: the request
 * with its history, and "client" for an editor of its organisation (the
 * opening audited; the first makes it "opened").  A wrong sig: BAD_REQUEST
 * field "sig"; another organisation's request: NOT_FOUND. */
void crinbox_open(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

/* MSG_CR_STATUS (86): DocCall id the request, json {"status","reason",
 * "notify_client","phone"}: the transition (CONFLICT "invalid_transition"
 * otherwise), answered as crinbox_open answers. */
void crinbox_status(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
