/*
 * crroute.c - see crroute.h.
 *
 * Resending (docroute.c's rule): the lists and the consent may be resent;
 * the openings (83, 85) are not, though GETs: each run writes an audit row
 * of the opening, and a resend after a slow answer would write two for one
 * look at the client's data; the send carries its
 * Idempotency-Key in the Envelope, so the directory replays a resend; the
 * status change and the withdrawal are never resent (a second run would
 * answer 409 invalid_transition or 410 link_used).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crroute.h"
#include "docparse.h"
#include "docroute.h"
#include "gateway.h"
#include "websec.h"
#include "banned.h"

#define MINE_PREFIX "/api/v1/my/contact-requests/"
#define ORG_PREFIX "/api/v1/editor/organizations/"
#define EDITOR_PREFIX "/api/v1/editor/contact-requests/"

/*
 * Adds ?page and ?per_page (when given) to q as integers.  Returns 0, or
 * the 400 queued (q is then released).
 */
static unsigned paging(struct req *r, json_t *q)
{
	static const struct {
		const char *name;
		int max;
		const char *rule;
	} args[] = { { "page", CRROUTE_PAGE_MAX, "an integer 1..100000" },
		     { "per_page", CRROUTE_PER_PAGE_MAX, "an integer 1..100" } };

	for (size_t i = 0; i < sizeof(args) / sizeof(args[0]); i++) {
		const char *v = req_arg(r, args[i].name);
		int32_t n = 0;

		if (!v || !*v)
			continue;
		if (req_parse_int(v, 1, args[i].max, &n)) {
			json_decref(q);
			return docroute_bad_param(r, args[i].name, args[i].rule);
		}
		json_object_set_new(q, args[i].name, json_integer(n));
	}
	return 0;
}

/* Forwards a read; 'resend_ok': the bridge may resend it (not an opening). */
static unsigned read_call(struct req *r, Tarjotin__MsgType type, const char *id, json_t *query,
			  bool resend_ok)
{
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .id = id,
							    .json = query,
							    .idempotent = resend_ok,
							    .ok = 200 });
}

unsigned crroute_consent(struct req *r, const char *url)
{
	(void)url;
	return read_call(r, TARJOTIN__MSG_TYPE__MSG_CR_CONSENT, NULL, NULL, true);
}

unsigned crroute_send(struct req *r, const char *url)
{
	const char *key = req_header(r, "Idempotency-Key");
	unsigned status = 0;
	json_t *body;

	(void)url;
	if (!docparse_b64url_ok(key, CRROUTE_KEY_MIN, CRROUTE_KEY_MAX))
		return docroute_bad_param(r, "Idempotency-Key",
					  "16..64 characters of [A-Za-z0-9_-], one per send");
	if (!(body = docroute_body(r, false, &status)))
		return status;
	if ((status = docroute_throttle_account(r, "crsend", CRROUTE_SEND_LIMIT))) {
		json_decref(body);
		return status;
	}
	/* The key makes a resend a replay (docs/contactrequests.md). */
	return docroute_forward(r, &(struct docroute_call){ .type = TARJOTIN__MSG_TYPE__MSG_CR_SEND,
							    .json = body,
							    .idempotent = true,
							    .ok = 201,
							    .idempotency_key = key });
}

unsigned crroute_mine(struct req *r, const char *url)
{
	json_t *q = json_object();
	unsigned status = paging(r, q);

	(void)url;
	return status ? status : read_call(r, TARJOTIN__MSG_TYPE__MSG_CR_MINE, NULL, q, true);
}

unsigned crroute_mine_get(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, MINE_PREFIX, "", id);

	return status ? status : read_call(r, TARJOTIN__MSG_TYPE__MSG_CR_MINE_GET, id, NULL, false);
}

unsigned crroute_inbox(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	const char *state = req_arg(r, "state");
	unsigned status = docroute_path_id(r, url, ORG_PREFIX, "/contact-requests", id);
	json_t *q;

	if (status)
		return status;
	if (!state || !*state)
		state = "open";
	if (strcmp(state, "open") && strcmp(state, "all"))
		return docroute_bad_param(r, "state", "open or all");
	q = json_pack("{s:s}", "state", state);
	if ((status = paging(r, q)))
		return status;
	return read_call(r, TARJOTIN__MSG_TYPE__MSG_CR_INBOX, id, q, true);
}

unsigned crroute_open(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	const char *sig = req_arg(r, "sig");
	unsigned status = docroute_path_id(r, url, EDITOR_PREFIX, "", id);
	json_t *q;

	if (status)
		return status;
	q = json_object();
	if (sig && *sig) {
		if (!docparse_b64url_ok(sig, CRROUTE_SIG_LEN, CRROUTE_SIG_LEN)) {
			json_decref(q);
			return docroute_bad_param(r, "sig", "the sig of the inbox link");
		}
		json_object_set_new(q, "sig", json_string(sig));
	}
	return read_call(r, TARJOTIN__MSG_TYPE__MSG_CR_OPEN, id, q, false);
}

unsigned crroute_status(struct req *r, const char *url)
{
	char id[UUID_STR_SIZE];
	unsigned status = docroute_path_id(r, url, EDITOR_PREFIX, "/status", id);
	json_t *body;

	if (status || !(body = docroute_body(r, false, &status)))
		return status;
	/* Never resent: a second run would answer 409 invalid_transition. */
	return docroute_forward(r,
				&(struct docroute_call){ .type = TARJOTIN__MSG_TYPE__MSG_CR_STATUS,
							 .id = id,
							 .json = body,
							 .ok = 200 });
}

/* --- the withdraw link --------------------------------------------------------- */

/* {"token"} checked and counted per client IP, then forwarded. */
static unsigned withdraw_call(struct req *r, Tarjotin__MsgType type, bool resend_ok)
{
	unsigned status = 0;
	json_t *body = docroute_body(r, false, &status);
	const char *token = json_string_value(json_object_get(body, "token"));

	if (!body)
		return status;
	if ((status = docroute_throttle(r, "withdraw", r->gw->ident.limit_ip)))
		goto refused;
	if (!websec_token_ok(token)) {
		status = req_reply_error(r, 400, "link_invalid", "token",
					 "the withdraw link is not valid; copy the whole link");
		goto refused;
	}
	return docroute_forward(r, &(struct docroute_call){ .type = type,
							    .json = body,
							    .idempotent = resend_ok,
							    .ok = 200 });
refused:
	json_decref(body);
	return status;
}

unsigned crroute_withdraw_peek(struct req *r, const char *url)
{
	(void)url;
	return withdraw_call(r, TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW_PEEK, true);
}

unsigned crroute_withdraw(struct req *r, const char *url)
{
	(void)url;
	/* Once: a resend would find the link used. */
	return withdraw_call(r, TARJOTIN__MSG_TYPE__MSG_CR_WITHDRAW, false);
}
