/*
 * mailq.c - see mailq.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailq.h"
#include "mask.h"
#include "pg.h"
#include "banned.h"

int mailq_email(PGconn *db, const struct seal_key *key, const char *email, const char *lang,
		const char *tmpl, const char *vars_json, bool seal_vars, char *err, size_t errlen)
{
	uint8_t *to = NULL, *sealed = NULL;
	size_t to_len = 0, sealed_len = 0;
	char hint[300];
	PGresult *res = NULL;
	int rc = -1;

	if (strlen(email) + 4 >= sizeof(hint) ||
	    mask_recipient("email", email, hint, sizeof(hint))) {
		snprintf(err, errlen, "the address cannot be used");
		return -1;
	}
	to = seal_box(key, email, strlen(email), &to_len);
	if (seal_vars)
		sealed = seal_box(key, vars_json, strlen(vars_json), &sealed_len);
	if (!to || (seal_vars && !sealed)) {
		snprintf(err, errlen, "the message is too long to seal");
		goto out;
	}
	{
		const char *params[6] = { tmpl,
					  lang,
					  (const char *)to,
					  hint,
					  seal_vars ? "{}" : vars_json,
					  seal_vars ? (const char *)sealed : NULL };
		int lengths[6] = { 0, 0, (int)to_len, 0, 0, (int)sealed_len };
		int formats[6] = { 0, 0, 1, 0, 0, 1 };

		res = PQexecParams(
			db,
			"WITH n AS (INSERT INTO notifications (channel, template, lang, "
			"recipient_enc, recipient_hint, vars, vars_enc) "
			"VALUES ('email', $1, $2, $3, $4, $5::jsonb, $6) RETURNING job_id), "
			"o AS (INSERT INTO outbox (job_id) SELECT job_id FROM n RETURNING id) "
			"SELECT n.job_id::text, pg_notify('tarjotin_outbox', '') IS NULL FROM n, o",
			6, NULL, params, lengths, formats, 0);
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_error(db, res, err, errlen);
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	free(to);
	free(sealed);
	return rc;
}
