/*
 * reports.c - see reports.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pg.h"
#include "redisx.h"
#include "reports.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define BAD_MAX "1000" /* reports kept on the set-aside stream (about) */

/* A field of a report, "" when missing. */
static const char *report_field(const redisReply *fv, const char *name)
{
	const char *v = redisx_field(fv, name);

	return v ? v : "";
}

/* What is wrong with a report before it reaches SQL, or NULL. */
static const char *report_problem(const char *const p[6])
{
	if (!uuid_valid(p[0]))
		return "malformed report: job_id is not a uuid";
	if (strcmp(p[1], "sent") && strcmp(p[1], "failed") && strcmp(p[1], "dead"))
		return "malformed report: status is not sent, failed or dead";
	if (!*p[2] || strspn(p[2], "0123456789") != strlen(p[2]) || strlen(p[2]) > 6)
		return "malformed report: attempts is not a number";
	if (strspn(p[5], "0123456789") != strlen(p[5]) || strlen(p[5]) > 15)
		return "malformed report: at_ms is not a number";
	return NULL;
}

/* True when a statement failed because of the values it was given (a data
 * exception, class 22: e.g. bytes that are no UTF-8), not the database. */
static bool data_error(PGconn *db, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return PQstatus(db) == CONNECTION_OK && state && !strncmp(state, "22", 2);
}

/* Applies one report inside the open transaction.  Returns 0 when applied,
 * 1 when the report itself is bad (its reason in 'why'; the transaction is
 * as before), -1 on a database error (with err; the caller rolls back). */
static int apply_status(PGconn *db, const redisReply *fv, char *why, size_t whylen, char *err,
			size_t errlen)
{
	const char *params[6] = { report_field(fv, "job_id"),      report_field(fv, "status"),
				  report_field(fv, "attempts"),    report_field(fv, "error"),
				  report_field(fv, "provider_id"), report_field(fv, "at_ms") };
	const char *problem = report_problem(params);
	PGresult *res;
	int rc = 0;

	if (problem) {
		snprintf(why, whylen, "%s", problem);
		return 1;
	}
	/* Its own savepoint: a report PostgreSQL refuses undoes only itself. */
	if (pg_exec(db, "SAVEPOINT report", err, errlen))
		return -1;
	/* Reports of one job arrive in order; a delivery report (through the
	 * gateway) may overtake "sent", and then "sent" only fills in sent_at.
	 * A failed row with a provider id failed by such a report; one failed
	 * by notify has none.  A sent job's sealed variables (a sign-in link)
	 * are erased: nothing will render them again. */
	res = PQexecParams(
		db,
		"UPDATE notifications SET "
		"status = CASE WHEN status = 'delivered' OR (status = 'failed' AND $2 = 'sent' "
		"AND provider_id IS NOT NULL) THEN status ELSE $2 END, "
		"attempts = $3::int, "
		"last_error = CASE WHEN $2 = 'sent' THEN last_error ELSE NULLIF($4, '') END, "
		"provider_id = coalesce(NULLIF($5, ''), provider_id), "
		"sent_at = CASE WHEN $2 = 'sent' THEN "
		"to_timestamp(coalesce(NULLIF($6, '')::bigint, 0) / 1000.0) ELSE sent_at END, "
		"vars_enc = CASE WHEN $2 = 'sent' THEN NULL ELSE vars_enc END, "
		"updated_at = now() "
		"WHERE job_id = $1::uuid AND (status IN ('queued', 'failed') OR "
		"($2 = 'sent' AND status = 'delivered' AND sent_at IS NULL))",
		6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		rc = pg_exec(db, "RELEASE SAVEPOINT report", err, errlen) ? -1 : 0;
	} else if (data_error(db, res)) {
		pg_error(db, res, why, whylen);
		rc = pg_exec(db, "ROLLBACK TO SAVEPOINT report", err, errlen) ? -1 : 1;
	} else {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Queues (pipelined) the copy of a bad report on the set-aside stream, with
 * its entry id and the reason, trimmed to about BAD_MAX entries. */
static void append_set_aside(const struct reports_target *t, redisContext *rc, const redisReply *e,
			     const char *why)
{
	const redisReply *fv = e->element[1];
	size_t nfv = fv->type == REDIS_REPLY_ARRAY ? fv->elements : 0, argc = 0;
	const char **argv = xcalloc(nfv + 10, sizeof(*argv));
	size_t *lens = xcalloc(nfv + 10, sizeof(*lens));

	argv[argc++] = "XADD";
	argv[argc++] = t->bad_stream;
	argv[argc++] = "MAXLEN";
	argv[argc++] = "~";
	argv[argc++] = BAD_MAX;
	argv[argc++] = "*";
	argv[argc++] = "entry_id";
	argv[argc++] = e->element[0]->str;
	argv[argc++] = "reason";
	argv[argc++] = why;
	for (size_t i = 0; i < argc; i++)
		lens[i] = strlen(argv[i]);
	for (size_t i = 0; i + 1 < nfv; i += 2) {
		if (fv->element[i]->type != REDIS_REPLY_STRING ||
		    fv->element[i + 1]->type != REDIS_REPLY_STRING)
			continue;
		lens[argc] = fv->element[i]->len;
		argv[argc++] = fv->element[i]->str;
		lens[argc] = fv->element[i + 1]->len;
		argv[argc++] = fv->element[i + 1]->str;
	}
	redisAppendCommandArgv(rc, (int)argc, argv, lens);
	free(argv);
	free(lens);
}

int reports_apply(const struct reports_target *t, PGconn *db, redisContext *rc,
		  const redisReply *ents)
{
	char err[256];
	char(*why)[256] = NULL; /* per entry: why it was set aside, "" if not */
	const char **argv = NULL;
	size_t argc = 0, nbad = 0;
	redisReply *ack;
	int result = 0;

	if (!ents || ents->type != REDIS_REPLY_ARRAY || ents->elements == 0)
		return 0;
	why = xcalloc(ents->elements, sizeof(*why));
	if (pg_exec(db, "BEGIN", err, sizeof(err)))
		goto pg_failed;
	for (size_t i = 0; i < ents->elements; i++) {
		const redisReply *e = ents->element[i];
		int applied;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		applied = apply_status(db, e->element[1], why[i], sizeof(why[i]), err, sizeof(err));
		if (applied < 0) {
			PQclear(PQexec(db, "ROLLBACK"));
			goto pg_failed;
		}
		if (applied == 0)
			why[i][0] = '\0';
	}
	if (pg_exec(db, "COMMIT", err, sizeof(err)))
		goto pg_failed;
	for (size_t i = 0; i < ents->elements; i++) {
		const redisReply *e = ents->element[i];
		char job[80];

		if (!why[i][0])
			continue;
		utf8_clip(job, sizeof(job), report_field(e->element[1], "job_id"));
		log_warn("status: bad report set aside", "entry", e->element[0]->str, "job_id", job,
			 "reason", why[i], "set_aside_on", t->bad_stream, NULL);
		append_set_aside(t, rc, e, why[i]);
		nbad++;
	}
	argv = xcalloc(ents->elements + 3, sizeof(*argv));
	argv[argc++] = "XACK";
	argv[argc++] = t->status_stream;
	argv[argc++] = t->group;
	for (size_t i = 0; i < ents->elements; i++) {
		const redisReply *e = ents->element[i];

		if (e->type == REDIS_REPLY_ARRAY && e->elements >= 1 &&
		    e->element[0]->type == REDIS_REPLY_STRING)
			argv[argc++] = e->element[0]->str;
	}
	/* Acknowledged reports are deleted too, so the stream stays small; the
	 * same ids follow "XDEL <stream>". */
	redisAppendCommandArgv(rc, (int)argc, argv, NULL);
	argv[1] = "XDEL";
	argv[2] = t->status_stream;
	redisAppendCommandArgv(rc, (int)argc - 1, argv + 1, NULL);
	for (size_t i = 0; i < nbad + 2 && !result; i++) {
		ack = NULL;
		if (redisGetReply(rc, (void **)&ack) != REDIS_OK || !ack)
			result = -2; /* applied, not acknowledged: applying again is harmless */
		if (ack)
			freeReplyObject(ack);
	}
	free(argv);
	free(why);
	return result;
pg_failed:
	log_warn("status: cannot apply reports; they stay pending", "error", err, NULL);
	free(why);
	return -1;
}
