/*
 * dlr.c - see dlr.h.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "dlr.h"
#include "dlrrule.h"
#include "log.h"
#include "messages.h"
#include "notify.pb-c.h"
#include "num.h"
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

/* Answers 200 with {"updated":0,"ignored":true,"reason":...}: a report that
 * can never be applied is acknowledged so that the provider stops retrying
 * it (it retries anything but 2xx for about 15 hours). */
static void ignore(Tarjotin__Envelope *reply, const Tarjotin__DeliveryReport *d, const char *job,
		   const char *reason)
{
	char json[120];

	snprintf(json, sizeof(json), "{\"updated\":0,\"ignored\":true,\"reason\":\"%s\"}", reason);
	reply_json(reply, json);
	log_warn("delivery report ignored", "job_id", job, "provider_id", d->provider_id, "reason",
		 reason, NULL);
}

void dlr_handle(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply)
{
	Tarjotin__DeliveryReport *d = tarjotin__delivery_report__unpack(NULL, req->payload.len,
									req->payload.data);
	const struct dlrrule_window *win = messages_dlr_window(w->dir->messages);
	const char *status, *why, *params[5];
	char when[32], json[160], err[300], text[260], detail[200], job[UUID_STR_SIZE] = "";
	PGresult *res = NULL, *upd = NULL;
	long age = 0;

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
	/* The signed time bounds a replay: an old report, however well signed,
	 * is not applied. */
	why = dlrrule_time_refusal(win, clock_wall_ms() / 1000, d->time);
	if (why && !strcmp(why, "no_time")) {
		reply_set_error(reply, TARJOTIN__STATUS__STATUS_BAD_REQUEST, "time",
				"a delivery report needs its time (Unix seconds)");
		goto out;
	}
	if (why) {
		ignore(reply, d, uuid_valid(d->userref) ? d->userref : "", why);
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
	/* The notification, locked: two copies of one report arriving at once
	 * are decided one after the other, so the second sees the first's
	 * status and changes nothing. */
	res = wdb_exec(
		w,
		"SELECT job_id::text, status, "
		"floor(extract(epoch FROM now() - coalesce(sent_at, created_at)))::bigint "
		"FROM notifications WHERE channel = 'sms' AND "
		"(job_id = NULLIF($1, '')::uuid OR "
		"(NULLIF($2, '') IS NOT NULL AND provider_id = $2)) "
		"ORDER BY (job_id = NULLIF($1, '')::uuid) DESC NULLS LAST LIMIT 1 FOR UPDATE",
		2, params + 1, PGRES_TUPLES_OK, reply);
	if (!res)
		goto fail;
	if (PQntuples(res) == 0) {
		wdb_rollback(w);
		ignore(reply, d, params[1], "unknown_message");
		goto out;
	}
	snprintf(job, sizeof(job), "%s", PQgetvalue(res, 0, 0));
	if (num_parse_long(PQgetvalue(res, 0, 2), -86400L * 36500, 86400L * 36500, &age) ||
	    !dlrrule_message_in_window(win, age)) {
		wdb_rollback(w);
		ignore(reply, d, job, "message_outside_window");
		goto out;
	}
	if (!dlrrule_changes(PQgetvalue(res, 0, 1), status)) {
		/* The same report again (the provider retries, or a replay), or one
		 * that would undo "delivered": nothing changes, nothing is audited,
		 * and 200 tells the provider it was received. */
		wdb_rollback(w);
		snprintf(json, sizeof(json), "{\"updated\":0,\"status\":\"%s\",\"replayed\":true}",
			 status);
		reply_json(reply, json);
		log_info("delivery report changes nothing", "job_id", job, "provider_id",
			 d->provider_id, "status", status, NULL);
		goto out;
	}
	params[1] = job;
	upd = wdb_exec(w,
		       "UPDATE notifications SET status = $1, updated_at = now(), "
		       "delivered_at = CASE WHEN $1 = 'delivered' THEN "
		       "coalesce(delivered_at, to_timestamp(NULLIF($4, '0')::bigint), now()) "
		       "ELSE delivered_at END, "
		       "last_error = CASE WHEN $1 = 'failed' THEN $5 ELSE last_error END, "
		       "provider_id = coalesce(provider_id, NULLIF($3, '')) "
		       "WHERE job_id = $2::uuid RETURNING job_id",
		       5, params, PGRES_TUPLES_OK, reply);
	if (!upd)
		goto fail;
	snprintf(json, sizeof(json), "{\"updated\":%d,\"status\":\"%s\"}", PQntuples(upd), status);
	snprintf(detail, sizeof(detail), "{\"status\":\"%s\",\"updated\":%d}", status,
		 PQntuples(upd));
	if (audit_write(w->db, req->principal, "delivery_report", "message", job, detail, err,
			sizeof(err))) {
		wdb_failed(w, NULL, err, reply);
		goto fail;
	}
	reply_json(reply, json);
	if (wdb_commit(w, reply))
		goto fail;
	log_info("delivery report", "job_id", job, "provider_id", d->provider_id, "status", status,
		 NULL);
	goto out;
fail:
	wdb_rollback(w);
out:
	PQclear(res);
	PQclear(upd);
	tarjotin__delivery_report__free_unpacked(d, NULL);
}
