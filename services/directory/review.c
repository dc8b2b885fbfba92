/*
 * review.c - see review.h.  A round at clock time T walks the due published
 * activities in batches, each batch one transaction whose rows are locked
 * (a confirmation waits for it, or it for the confirmation), and does each
 * stage whose review_events row it manages to insert.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "links.h"
#include "log.h"
#include "mailq.h"
#include "messages.h"
#include "pg.h"
#include "review.h"
#include "sched.h"
#include "simclock.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* Any constant will do, as long as every instance uses the same one (and
 * it differs from the migrations', the outbox's and the housekeeping's). */
#define REVIEW_LOCK "7305192047110013"
#define FIRST_MS 2000
/* The second round a minute after the first: data loaded after the
 * directory started (make run's demo) is looked at then, not an hour later. */
#define SETTLE_MS 60000
#define BATCH 500           /* activities a transaction, as in batch_sql's LIMIT */
#define HIDDEN_LIST_MAX 100 /* activities named in one review_hidden e-mail */

/* --- one round ------------------------------------------------------------------- */

struct review {
	struct directory *dir;
	struct sched *sched;
};

/* A round's state: its clock time and what it did. */
struct round {
	struct review *r;
	PGconn *db;
	const struct seal_key *key; /* NULL: no data key, no e-mail stages */
	char at[32];                /* T, ISO */
	long requests, reminders, unverified, hidden;
	struct strbuf hidden_list; /* "name — organisation" lines */
	char err[512];
};

/* Columns of the batch query. */
enum {
	C_ID,
	C_NAME,
	C_VERSION,
	C_ORG_ID,
	C_ORG_NAME,
	C_ORG_EMAIL,
	C_ORG_LANG,
	C_DUE,
	C_OVER,
	C_ASSURED_FI,
	C_DUE_FI,
	C_STAGES,
	C_SINCE
};

static const char batch_sql[] =
	"WITH t AS (SELECT ($1::timestamptz AT TIME ZONE 'Europe/Helsinki')::date AS today) "
	"SELECT a.id::text, a.name, a.version, o.id::text, o.name, coalesce(o.email, ''), "
	"o.registered_lang, d.due::text, t.today - d.due, "
	"coalesce(to_char(a.assured_date, 'FMDD.FMMM.YYYY'), ''), "
	"to_char(d.due, 'FMDD.FMMM.YYYY'), "
	"coalesce((SELECT string_agg(e.stage, ',') FROM review_events e "
	"WHERE e.activity_id = a.id AND e.due = d.due), ''), "
	"coalesce(t.today - (SELECT max((e.sim_at AT TIME ZONE 'Europe/Helsinki')::date) "
	"FROM review_events e WHERE e.activity_id = a.id AND e.due = d.due "
	"AND e.stage ~ '^(request|reminder_)'), 100000) "
	"FROM activities a JOIN organizations o ON o.id = a.organization_id CROSS JOIN t "
	"CROSS JOIN LATERAL (SELECT coalesce((a.assured_date + make_interval(months => "
	"$2::int))::date, (SELECT min(e.due) FROM review_events e WHERE e.activity_id = a.id), "
	"t.today) AS due) d "
	"WHERE a.status = 'published' AND o.status = 'approved' AND a.id > $3::uuid "
	"AND d.due <= t.today ORDER BY a.id LIMIT 500 FOR UPDATE OF a";

/* Whether 'stage' is in the comma-separated list (of at most 7 stages). */
static bool has_stage(const char *list, const char *stage)
{
	char l[192], st[32];

	snprintf(l, sizeof(l), ",%s,", list);
	snprintf(st, sizeof(st), ",%s,", stage);
	return strstr(l, st) != NULL;
}

/* Records 'stage' for the activity's cycle; 1 when this call did, 0 when
 * it was done before, -1 on error. */
static int record(struct round *rd, const char *id, const char *due, const char *stage)
{
	const char *params[4] = { id, due, stage, rd->at };
	PGresult *res = PQexecParams(rd->db,
				     "INSERT INTO review_events (activity_id, due, stage, sim_at) "
				     "VALUES ($1::uuid, $2::date, $3, $4::timestamptz) "
				     "ON CONFLICT DO NOTHING",
				     4, NULL, params, NULL, NULL, 0);
	int rc = -1;

	if (PQresultStatus(res) == PGRES_COMMAND_OK)
		rc = strcmp(PQcmdTuples(res), "1") ? 0 : 1;
	else
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
	PQclear(res);
	return rc;
}

static int exec_params(struct round *rd, const char *sql, int n, const char *const *params)
{
	PGresult *res = PQexecParams(rd->db, sql, n, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* The audit row of one of the round's transactions that changed something
 * (actor: the service "review"; detail: what it did since 'before'). */
static int audit_round(struct round *rd, const long before[4], long admins)
{
	const struct audit_actor actor = { .role = "service", .hint = "review" };
	char detail[160];

	if (rd->requests == before[0] && rd->reminders == before[1] &&
	    rd->unverified == before[2] && rd->hidden == before[3] && !admins)
		return 0;
	snprintf(detail, sizeof(detail),
		 "{\"requests\":%ld,\"reminders\":%ld,\"unverified\":%ld,\"hidden\":%ld,"
		 "\"hidden_report\":%ld}",
		 admins ? 0 : rd->requests - before[0], admins ? 0 : rd->reminders - before[1],
		 admins ? 0 : rd->unverified - before[2],
		 admins ? rd->hidden : rd->hidden - before[3], admins);
	return audit_write_as(rd->db, &actor, "review.round", "scheduler", "review", detail,
			      rd->err, sizeof(rd->err));
}

/* Makes a one-click link for one recipient and queues its e-mail. */
static int mail_one(struct round *rd, PGresult *b, int row, const char *tmpl, const char *account,
		    const char *email, const char *lang)
{
	const struct directory *dir = rd->r->dir;
	uint8_t hash[LINKS_HASH_LEN];
	char token[LINKS_TOKEN_LEN + 1], days[8];
	struct strbuf vars = STRBUF_INIT, url = STRBUF_INIT;
	const char *params[8];
	int lengths[8] = { LINKS_HASH_LEN, 0, 0, 0, 0, 0, 0, 0 };
	int formats[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	PGresult *res;
	int rc = -1;

	links_new_token(token, hash);
	snprintf(days, sizeof(days), "%d", dir->review.link_days);
	params[0] = (const char *)hash;
	params[1] = PQgetvalue(b, row, C_ID);
	params[2] = PQgetvalue(b, row, C_VERSION);
	params[3] = PQgetvalue(b, row, C_DUE);
	params[4] = account;
	params[5] = email;
	params[6] = rd->at;
	params[7] = days;
	res = PQexecParams(rd->db,
			   "INSERT INTO review_links (token_hash, activity_id, version, due, "
			   "account_id, email, created_at, expires_at) VALUES ($1, $2::uuid, "
			   "$3::int, $4::date, $5::uuid, lower($6), $7::timestamptz, "
			   "$7::timestamptz + make_interval(days => $8::int))",
			   8, NULL, params, lengths, formats, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
		PQclear(res);
		goto out;
	}
	PQclear(res);
	strbuf_adds(&vars, "{\"organization_name\":");
	strbuf_json_str(&vars, PQgetvalue(b, row, C_ORG_NAME));
	strbuf_adds(&vars, ",\"activity_name\":");
	strbuf_json_str(&vars, PQgetvalue(b, row, C_NAME));
	strbuf_adds(&vars, ",\"assured_date\":");
	strbuf_json_str(&vars, PQgetvalue(b, row, C_ASSURED_FI));
	strbuf_adds(&vars, ",\"due_date\":");
	strbuf_json_str(&vars, PQgetvalue(b, row, C_DUE_FI));
	strbuf_addf(&url, "%s/confirm.html#%s", dir->public_url, token);
	strbuf_adds(&vars, ",\"confirm_url\":");
	strbuf_json_str(&vars, url.p);
	url.len = 0;
	strbuf_addf(&url, "%s/activity-edit.html?id=%s", dir->public_url, PQgetvalue(b, row, C_ID));
	strbuf_adds(&vars, ",\"edit_url\":");
	strbuf_json_str(&vars, url.p);
	strbuf_addf(&vars, ",\"valid_days\":\"%d\"}", dir->review.link_days);
	rc = mailq_email(rd->db, rd->key, email, lang, tmpl, vars.p, true, rd->err,
			 sizeof(rd->err));
out:
	sodium_memzero(token, sizeof(token));
	if (url.p)
		sodium_memzero(url.p, url.len);
	if (vars.p)
		sodium_memzero(vars.p, vars.len);
	strbuf_release(&url);
	strbuf_release(&vars);
	return rc;
}

/* Sends stage 'stage' (template 'tmpl') of row 'row' to its recipients:
 * the organisation's enabled editors, else its own address. */
static int mail_stage(struct round *rd, PGresult *b, int row, const char *stage, const char *tmpl)
{
	const char *params[4] = { PQgetvalue(b, row, C_ORG_ID) };
	PGresult *res;
	char n[16];
	int count = 0, rc = 0;

	res = PQexecParams(rd->db,
			   "SELECT ac.id::text, ac.email, ac.lang FROM accounts ac "
			   "JOIN account_organizations ao ON ao.account_id = ac.id "
			   "WHERE ao.organization_id = $1::uuid AND ac.role = 'editor' "
			   "AND ac.disabled_at IS NULL ORDER BY ac.email",
			   1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < PQntuples(res) && !rc; i++, count++)
		rc = mail_one(rd, b, row, tmpl, PQgetvalue(res, i, 0), PQgetvalue(res, i, 1),
			      PQgetvalue(res, i, 2));
	if (!rc && PQntuples(res) == 0 && *PQgetvalue(b, row, C_ORG_EMAIL)) {
		rc = mail_one(rd, b, row, tmpl, NULL, PQgetvalue(b, row, C_ORG_EMAIL),
			      PQgetvalue(b, row, C_ORG_LANG));
		count = 1;
	}
	PQclear(res);
	if (rc)
		return -1;
	snprintf(n, sizeof(n), "%d", count);
	params[0] = PQgetvalue(b, row, C_ID);
	params[1] = PQgetvalue(b, row, C_DUE);
	params[2] = stage;
	params[3] = n;
	return exec_params(rd,
			   "UPDATE review_events SET recipients = $4::int WHERE activity_id = "
			   "$1::uuid AND due = $2::date AND stage = $3",
			   4, params);
}

/* The next e-mail stage of row 'row', when it is due: at most one a round,
 * and a reminder only as many days after the e-mail before it as the
 * configured days lie apart ('since': days since that e-mail), so that an
 * activity first asked late is not sent its reminders in the next rounds. */
static int email_stage(struct round *rd, PGresult *b, int row, int over, const char *stages)
{
	const struct review_settings *s = &rd->r->dir->review;
	int offset = 0, prev = 0, done, since = atoi(PQgetvalue(b, row, C_SINCE));
	char stage[24];

	snprintf(stage, sizeof(stage), "request");
	for (int i = 0; has_stage(stages, stage); i++) {
		if (i == s->n_reminders)
			return 0; /* every e-mail of this cycle went */
		prev = offset;
		offset = s->reminder_days[i];
		snprintf(stage, sizeof(stage), "reminder_%d", offset);
	}
	if (over < offset || (offset > 0 && since < offset - prev) || !rd->key)
		return 0;
	done = record(rd, PQgetvalue(b, row, C_ID), PQgetvalue(b, row, C_DUE), stage);
	if (done <= 0)
		return done;
	if (offset == 0)
		rd->requests++;
	else
		rd->reminders++;
	return mail_stage(rd, b, row, stage, offset == 0 ? "review_request" : "review_reminder");
}

/* Stage 'stage' moving the row's freshness to 'to' when over >= days. */
static int freshness_stage(struct round *rd, PGresult *b, int row, int over, const char *stages,
			   const char *stage, int days, const char *to)
{
	const char *params[2] = { PQgetvalue(b, row, C_ID), to };
	int done;

	if (over < days || has_stage(stages, stage))
		return 0;
	done = record(rd, params[0], PQgetvalue(b, row, C_DUE), stage);
	if (done <= 0)
		return done;
	if (exec_params(rd,
			"UPDATE activities SET freshness = $2::activity_freshness "
			"WHERE id = $1::uuid AND freshness < $2::activity_freshness",
			2, params))
		return -1;
	if (!strcmp(to, "hidden")) {
		rd->hidden++;
		if (rd->hidden <= HIDDEN_LIST_MAX)
			strbuf_addf(&rd->hidden_list, "%s — %s\n", PQgetvalue(b, row, C_NAME),
				    PQgetvalue(b, row, C_ORG_NAME));
	} else {
		rd->unverified++;
	}
	return 0;
}

/* One batch after activity id 'last' (updated); 1 when there may be
 * more, 0 at the end, -1 on error (rolled back). */
static int batch(struct round *rd, char *last, size_t lastlen)
{
	const struct review_settings *s = &rd->r->dir->review;
	char months[8];
	const char *params[3] = { rd->at, months, last };
	PGresult *b;
	long before[4];
	int n, rc = -1;

	snprintf(months, sizeof(months), "%d", s->months);
	if (pg_exec(rd->db, "BEGIN", rd->err, sizeof(rd->err)))
		return -1;
	b = PQexecParams(rd->db, batch_sql, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(b) != PGRES_TUPLES_OK) {
		pg_error(rd->db, b, rd->err, sizeof(rd->err));
		goto out;
	}
	n = PQntuples(b);
	before[0] = rd->requests, before[1] = rd->reminders;
	before[2] = rd->unverified, before[3] = rd->hidden;
	for (int i = 0; i < n; i++) {
		const char *stages = PQgetvalue(b, i, C_STAGES);
		int over = atoi(PQgetvalue(b, i, C_OVER));

		if (email_stage(rd, b, i, over, stages) ||
		    freshness_stage(rd, b, i, over, stages, "unverified", s->unverified_days,
				    "unverified") ||
		    freshness_stage(rd, b, i, over, stages, "hidden", s->hidden_days, "hidden"))
			goto out;
	}
	if (audit_round(rd, before, 0) || pg_exec(rd->db, "COMMIT", rd->err, sizeof(rd->err)))
		goto out;
	if (n > 0)
		snprintf(last, lastlen, "%s", PQgetvalue(b, n - 1, C_ID));
	rc = n == BATCH;
out:
	PQclear(b);
	if (rc < 0) {
		char e[128];

		pg_exec(rd->db, "ROLLBACK", e, sizeof(e));
	}
	return rc;
}

/* The admins' review_hidden e-mail and the round's scheduler_runs row. */
static int finish(struct round *rd)
{
	const struct directory *dir = rd->r->dir;
	struct strbuf vars = STRBUF_INIT, detail = STRBUF_INIT;
	PGresult *res = NULL;
	int rc = -1;

	if (pg_exec(rd->db, "BEGIN", rd->err, sizeof(rd->err)))
		return -1;
	if (rd->hidden > 0 && rd->key) {
		res = PQexec(rd->db,
			     "SELECT email, lang FROM accounts WHERE role = 'admin' "
			     "AND disabled_at IS NULL ORDER BY email");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			pg_error(rd->db, res, rd->err, sizeof(rd->err));
			goto out;
		}
		if (rd->hidden > HIDDEN_LIST_MAX)
			strbuf_addf(&rd->hidden_list, "… (+%ld)\n", rd->hidden - HIDDEN_LIST_MAX);
		strbuf_addf(&vars, "{\"count\":\"%ld\",\"activities\":", rd->hidden);
		strbuf_json_str(&vars, rd->hidden_list.p);
		strbuf_adds(&vars, ",\"report_url\":");
		strbuf_addf(&detail, "%s/admin-reviews.html", dir->public_url);
		strbuf_json_str(&vars, detail.p);
		strbuf_adds(&vars, "}");
		for (int i = 0; i < PQntuples(res); i++)
			if (mailq_email(rd->db, rd->key, PQgetvalue(res, i, 0),
					PQgetvalue(res, i, 1), "review_hidden", vars.p, false,
					rd->err, sizeof(rd->err)))
				goto out;
		if (PQntuples(res) > 0 && audit_round(rd, (long[4]){ 0 }, PQntuples(res)))
			goto out;
	}
	detail.len = 0;
	strbuf_addf(&detail,
		    "{\"requests\":%ld,\"reminders\":%ld,\"unverified\":%ld,\"hidden\":%ld}",
		    rd->requests, rd->reminders, rd->unverified, rd->hidden);
	if (sched_record(rd->db, "review", rd->at, dir->instance, detail.p, rd->err,
			 sizeof(rd->err)) ||
	    pg_exec(rd->db, "COMMIT", rd->err, sizeof(rd->err)))
		goto out;
	rc = 0;
out:
	PQclear(res);
	strbuf_release(&vars);
	strbuf_release(&detail);
	if (rc) {
		char e[128];

		pg_exec(rd->db, "ROLLBACK", e, sizeof(e));
	}
	return rc;
}

/* One round on 'db', which holds the lock (sched.h). */
static void review_round(struct sched *s, PGconn *db, void *arg)
{
	struct review *r = arg;
	struct round rd = { .r = r, .db = db, .hidden_list = STRBUF_INIT };
	char last[40] = "00000000-0000-0000-0000-000000000000";
	char counts[4][24];
	int more = 1;

	rd.key = messages_key(r->dir->messages);
	simclock_iso(r->dir->clock, rd.at, sizeof(rd.at));
	strbuf_adds(&rd.hidden_list, "");
	while (more > 0 && !sched_stopping(s))
		more = batch(&rd, last, sizeof(last));
	if (more < 0 || (more == 0 && finish(&rd))) {
		log_warn("review: round failed", "error", rd.err, NULL);
	} else if (more == 0) {
		snprintf(counts[0], sizeof(counts[0]), "%ld", rd.requests);
		snprintf(counts[1], sizeof(counts[1]), "%ld", rd.reminders);
		snprintf(counts[2], sizeof(counts[2]), "%ld", rd.unverified);
		snprintf(counts[3], sizeof(counts[3]), "%ld", rd.hidden);
		log_info("review: round done", "as_of", rd.at, "requests", counts[0], "reminders",
			 counts[1], "unverified", counts[2], "hidden", counts[3], NULL);
		if (!rd.key)
			log_warn("review: no data key, so no review e-mails", NULL);
	}
	strbuf_release(&rd.hidden_list);
}

struct review *review_start(struct directory *dir)
{
	struct review *r = xcalloc(1, sizeof(*r));
	const struct sched_job job = { .name = "review",
				       .lock = REVIEW_LOCK,
				       .conninfo = dir->conninfo,
				       .clock = dir->clock,
				       .first_ms = FIRST_MS,
				       .settle_ms = SETTLE_MS,
				       .every_s = dir->review.every_s,
				       .round = review_round,
				       .arg = r };

	r->dir = dir;
	r->sched = sched_start(&job);
	if (!r->sched) {
		free(r);
		return NULL;
	}
	return r;
}

void review_stop(struct review **rp)
{
	struct review *r = *rp;

	if (!r)
		return;
	sched_stop(&r->sched);
	free(r);
	*rp = NULL;
}
