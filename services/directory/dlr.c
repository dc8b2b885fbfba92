/*
 * dlr.c - see dlr.h.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "dlr.h"
#include "log.h"
#include "notify.pb-c.h"
#include "rpc.h"
#include "utf8.h"
#include "uuid.h"
#include "wdb.h"
#include "banned.h"

static void reply_json(Tarjotin__Envelope *reply, const char *text)
{
	Tarjotin__JsonReply jr = TARJOTIN__JSON_REPLY__INIT;

	jr.json.data = (uint8_t *)text;
	jr.json.len = strlen(text);
	rpc_pack_payload(&jr.base, &reply->payload);
}

/* GatewayAPI's statuses: final ones map to ours, transient ones to NULL. */
static const char *final_status(const char *s)
{
	static const char *const failed[] = { "EXPIRED",  "DELETED", "UNDELIVERABLE",
					      "REJECTED", "SKIPPED", NULL };

	if (!strcmp(s, "DELIVERED"))
		return "delivered";
	for (int i = 0; failed[i]; i++)
		if (!strcmp(s, failed[i]))
			return "failed";
	return NULL;
}

void dlr_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__DeliveryReport *d = tarjotin__delivery_report__unpack(NULL, req->payload.len,
									req->payload.data);
	const char *status, *params[5];
	char when[32], json[160], err[300], text[260], detail[200];
	PGresult *res = NULL;

	if (!d) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, NULL,
				"malformed DeliveryReport");
		return;
	}
	status = final_status(d->status);
	if (!status) {
		/* Transient statuses say nothing we keep; a transient one after a
		 * final one must not undo it anyway. */
		reply_json(reply, "{\"updated\":0,\"ignored\":true}");
		goto out;
	}
	if (*d->userref && !uuid_valid(d->userref) && !*d->provider_id) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "userref",
				"userref is not one of our job ids");
		goto out;
	}
	if (wdb_begin(w, reply))
		goto out;
	snprintf(when, sizeof(when), "%lld", (long long)d->time);
	utf8_clip(text, sizeof(text), d->error);
	snprintf(err, sizeof(err), "%s: %s", d->status, text);
	params[0] = status;
	params[1] = uuid_valid(d->userref) ? d->userref : "";
	params[2] = d->provider_id;
	params[3] = when;
	params[4] = err;
	/* Idempotent: the provider retries, and the same report twice is a
	 * no-op.  A failure report never undoes "delivered". */
	res = wdb_exec(w,
		       "UPDATE notifications SET status = $1, updated_at = now(), "
		       "delivered_at = CASE WHEN $1 = 'delivered' THEN "
		       "coalesce(delivered_at, to_timestamp(NULLIF($4, '0')::bigint), now()) "
		       "ELSE delivered_at END, "
		       "last_error = CASE WHEN $1 = 'failed' THEN $5 ELSE last_error END, "
		       "provider_id = coalesce(provider_id, NULLIF($3, '')) "
		       "WHERE channel = 'sms' AND (job_id = NULLIF($2, '')::uuid OR "
		       "(NULLIF($3, '') IS NOT NULL AND provider_id = $3)) "
		       "AND status IN ('queued', 'sent', 'failed', 'delivered') "
		       "AND NOT (status = 'delivered' AND $1 = 'failed') RETURNING job_id",
		       5, params, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	snprintf(json, sizeof(json), "{\"updated\":%d,\"status\":\"%s\"}", PQntuples(res), status);
	snprintf(detail, sizeof(detail), "{\"status\":\"%s\",\"updated\":%d}", status,
		 PQntuples(res));
	if (audit_write(w->db, req->principal, "delivery_report", "message",
			*params[1] ? params[1] : d->provider_id, detail, err, sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	reply_json(reply, json);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("delivery report", "job_id", params[1], "provider_id", d->provider_id, "status",
		 status, NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	tarjotin__delivery_report__free_unpacked(d, NULL);
}
