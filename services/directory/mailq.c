/*
 * mailq.c - see mailq.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "mailq.h"
#include "mask.h"
#include "pg.h"
#include "banned.h"

void mailq_job_id(char out[UUID_STR_SIZE])
{
	uint8_t b[16];
	char hex[33];

	randombytes_buf(b, sizeof(b));
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	sodium_bin2hex(hex, sizeof(hex), b, sizeof(b));
	snprintf(out, UUID_STR_SIZE, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16,
		 hex + 20);
}

int mailq_email(PGconn *db, const struct seal_key *key, const char *email, const char *lang,
		const char *tmpl, const char *vars_json, bool seal_vars, char *err, size_t errlen)
{
	return mailq_queue(db, key, "email", email, lang, tmpl, vars_json, seal_vars, NULL, err,
			   errlen);
}

int mailq_queue(PGconn *db, const struct seal_key *key, const char *channel, const char *to_text,
		const char *lang, const char *tmpl, const char *vars_json, bool seal_vars,
		char *job_out, char *err, size_t errlen)
{
	uint8_t *to = NULL, *sealed = NULL;
	size_t to_len = 0, sealed_len = 0;
	char hint[300], job[UUID_STR_SIZE];
	PGresult *res = NULL;
	int rc = -1;

	if (strcmp(channel, "email") && strcmp(channel, "sms")) {
		snprintf(err, errlen, "unknown channel");
		return -1;
	}
	if (strlen(to_text) + 4 >= sizeof(hint) ||
	    mask_recipient(channel, to_text, hint, sizeof(hint))) {
		snprintf(err, errlen, "the address cannot be used");
		return -1;
	}
	mailq_job_id(job);
	to = seal_job_box(key, "recipient", job, channel, tmpl, to_text, strlen(to_text), &to_len);
	if (seal_vars)
		sealed = seal_job_box(key, "vars", job, channel, tmpl, vars_json, strlen(vars_json),
				      &sealed_len);
	if (!to || (seal_vars && !sealed)) {
		snprintf(err, errlen, "the message is too long to seal or its template is unknown");
		goto out;
	}
	{
		const char *params[8] = { tmpl,
					  lang,
					  (const char *)to,
					  hint,
					  seal_vars ? "{}" : vars_json,
					  seal_vars ? (const char *)sealed : NULL,
					  channel,
					  job };
		int lengths[8] = { 0, 0, (int)to_len, 0, 0, (int)sealed_len, 0, 0 };
		int formats[8] = { 0, 0, 1, 0, 0, 1, 0, 0 };

		res = PQexecParams(
			db,
			"WITH n AS (INSERT INTO notifications (job_id, channel, template, lang, "
			"recipient_enc, recipient_hint, vars, vars_enc) "
			"VALUES ($8::uuid, $7, $1, $2, $3, $4, $5::jsonb, $6) RETURNING job_id), "
			"o AS (INSERT INTO outbox (job_id) SELECT job_id FROM n RETURNING id) "
			"SELECT n.job_id::text, pg_notify('tarjotin_outbox', '') IS NULL FROM n, o",
			8, NULL, params, lengths, formats, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_error(db, res, err, errlen);
		goto out;
	}
	if (job_out)
		snprintf(job_out, 37, "%s", PQgetvalue(res, 0, 0));
	rc = 0;
out:
	PQclear(res);
	free(to);
	free(sealed);
	return rc;
}
