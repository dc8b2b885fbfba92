/*
 * crstore.c - see crstore.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crstore.h"
#include "mailq.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

uint8_t *crstore_seal(const struct seal_key *key, const char *request_id, const char *json,
		      size_t *len)
{
	return seal_box_ad(key, json, strlen(json), request_id, len);
}

char *crstore_open(const struct seal_key *key, const char *request_id, const uint8_t *blob,
		   size_t len)
{
	return seal_open_ad(key, blob, len, request_id);
}

void crstore_phone_mac(const struct seal_key *key, const char *e164, uint8_t out[SEAL_MAC_BYTES])
{
	seal_mac(key, "phone", e164, strlen(e164), out);
}

void crstore_link_sig(const struct seal_key *key, const char *request_id,
		      char out[CRSTORE_SIG_LEN + 1])
{
	uint8_t mac[SEAL_MAC_BYTES];

	seal_mac(key, "crlink", request_id, strlen(request_id), mac);
	sodium_bin2base64(out, CRSTORE_SIG_LEN + 1, mac, 16,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

char *crstore_inbox_url(const char *public_url, const struct seal_key *key, const char *request_id)
{
	char sig[CRSTORE_SIG_LEN + 1];

	crstore_link_sig(key, request_id, sig);
	return xasprintf("%s/inbox.html#request=%s&sig=%s", public_url, request_id, sig);
}

int crstore_link_message(PGconn *db, const char *request_id, const char *job_id, const char *kind,
			 bool to_client, char *err, size_t errlen)
{
	const char *params[4] = { request_id, job_id, kind, to_client ? "t" : "f" };
	PGresult *res =
		PQexecParams(db,
			     "INSERT INTO contact_request_messages (request_id, job_id, "
			     "kind, to_client) VALUES ($1::uuid, $2::uuid, $3, $4::boolean)",
			     4, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int crstore_message(PGconn *db, const struct seal_key *key, const char *request_id,
		    const char *kind, bool to_client, const char *channel, const char *to,
		    const char *lang, const char *tmpl, const char *vars_json, bool seal_vars,
		    char *err, size_t errlen)
{
	char job[37];

	if (mailq_queue(db, key, channel, to, lang, tmpl, vars_json, seal_vars, job, err, errlen) ||
	    crstore_link_message(db, request_id, job, kind, to_client, err, errlen))
		return -1;
	return 0;
}

int crstore_event(PGconn *db, const char *request_id, const char *kind, const char *at,
		  const char *actor_role, const char *detail_json, char *err, size_t errlen)
{
	const char *params[5] = { request_id, kind, at, actor_role,
				  detail_json ? detail_json : "{}" };
	PGresult *res = PQexecParams(
		db,
		"WITH e AS (INSERT INTO contact_request_events (request_id, kind, at, actor_role, "
		"detail) VALUES ($1::uuid, $2, $3::timestamptz, $4, $5::jsonb) "
		"ON CONFLICT DO NOTHING RETURNING id) "
		"SELECT count(*), pg_notify('tarjotin_cr_events', '') IS NULL FROM e",
		5, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		rc = strcmp(PQgetvalue(res, 0, 0), "0") ? 1 : 0;
	else
		pg_error(db, res, err, errlen);
	PQclear(res);
	return rc;
}

int crstore_erase(PGconn *db, const char *request_id, const char *at, char *err, size_t errlen)
{
	const char *params[2] = { request_id, at };
	PGresult *res = PQexecParams(
		db,
		"WITH r AS (UPDATE contact_requests SET client_enc = NULL, phone_mac = NULL, "
		"erased_at = $2::timestamptz WHERE id = $1::uuid AND erased_at IS NULL RETURNING id), "
		"m AS (UPDATE notifications n SET recipient_enc = '\\x'::bytea, "
		"recipient_hint = 'erased', vars = '{}', vars_enc = NULL "
		"FROM contact_request_messages c, r WHERE c.request_id = r.id AND c.to_client "
		"AND n.job_id = c.job_id RETURNING n.job_id) "
		"SELECT (SELECT count(*) FROM r), (SELECT count(*) FROM m)",
		2, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_error(db, res, err, errlen);
		goto out;
	}
	if (!strcmp(PQgetvalue(res, 0, 0), "0")) {
		rc = 0;
		goto out;
	}
	if (crstore_event(db, request_id, "erased", at, "scheduler", NULL, err, errlen) < 0)
		goto out;
	rc = 1;
out:
	PQclear(res);
	return rc;
}
