/*
 * crsched.c - see crsched.h.  A round at clock time T runs the five stages
 * in order; each stage walks its due requests in batches of BATCH, each
 * batch one transaction whose request rows are locked (a status change
 * waits for it, or it for the status change), and does a request's stage
 * only when it manages to write the stage's event (crstore_event: once).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "crsched.h"
#include "crstore.h"
#include "log.h"
#include "messages.h"
#include "pg.h"
#include "sched.h"
#include "simclock.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define FIRST_MS 2000
#define BATCH 500 /* requests a transaction, as in batch_sql's LIMIT */

struct crsched {
	struct directory *dir;
	struct sched *sched;
};

/* What a round did, by stage. */
enum { N_REMINDER, N_MAINTAINERS, N_ADMIN, N_TOLD, N_EXPIRED, N_ERASED, N_COUNTS };
static const char *const count_names[N_COUNTS] = { "reminders",         "maintainers", "admin",
						   "professional_told", "expired",     "erased" };

/* A round's state: its clock time and what it did. */
struct round {
	struct crsched *c;
	PGconn *db;
	const struct seal_key *key; /* NULL: no data key, no e-mail stages */
	char at[32];                /* T, ISO */
	long n[N_COUNTS];
	char err[512];
};

/* Columns of the batch query. */
enum {
	C_ID,
	C_ACTIVITY,
	C_ORG,
	C_ORG_ID,
	C_ADDRESS,
	C_ORG_EMAIL,
	C_ORG_LANG,
	C_SENT,
	C_DAYS,
	C_ACCOUNT,
	C_OVERDUE,
	C_ALTERNATIVES
};

/* $1 T, $2 the last id of the previous batch; %s the stage's condition. */
static const char batch_sql[] =
	"SELECT r.id::text, a.name, o.name, o.id::text, coalesce(a.contact_request_email, ''), "
	"coalesce(o.email, ''), o.registered_lang, "
	"to_char((r.sent_at AT TIME ZONE 'Europe/Helsinki')::date, 'FMDD.FMMM.YYYY'), "
	"r.response_days::text, r.account_id::text, "
	"fi_working_days_between((r.due_1 AT TIME ZONE 'Europe/Helsinki')::date - 1, "
	"($1::timestamptz AT TIME ZONE 'Europe/Helsinki')::date)::text, "
	"'/' || coalesce('?' || nullif(concat_ws('&', "
	"CASE WHEN r.need ~ '^[a-z0-9_-]{1,80}$' THEN 'need=' || r.need END, "
	"CASE WHEN r.municipality_code ~ '^[0-9]{3}$' THEN 'municipality=' || r.municipality_code "
	"END), ''), '') "
	"FROM contact_requests r JOIN activities a ON a.id = r.activity_id "
	"JOIN organizations o ON o.id = r.organization_id "
	"WHERE r.id > $2::uuid AND %s ORDER BY r.id LIMIT 500 FOR UPDATE OF r";

/* No reaction yet: the escalation stages and the expiry. */
#define UNANSWERED "r.first_reaction_at IS NULL AND r.status IN ('sent', 'opened') "
#define NOT_DONE(kind)                                                                 \
	"AND NOT EXISTS (SELECT 1 FROM contact_request_events e WHERE e.request_id = " \
	"r.id AND e.kind = '" kind "')"

struct stage;
typedef int (*stage_fn)(struct round *rd, const struct stage *st, PGresult *b, int row);

/* One stage: which requests are due and what it does with each. */
struct stage {
	const char *kind; /* its event */
	const char *where;
	int multiple; /* index into cr.escalate, -1: none */
	bool mails;   /* needs the data key */
	stage_fn fn;
};

/* --- mail --------------------------------------------------------------------------- */

/* The vars of the NGO's messages (contact_reminder, contact_escalation and,
 * with days_overdue, contact_escalation_admin) into v. */
static void ngo_vars(struct round *rd, PGresult *b, int row, bool overdue, struct strbuf *v)
{
	const char *id = PQgetvalue(b, row, C_ID);
	char *url = crstore_inbox_url(rd->c->dir->public_url, rd->key, id);

	strbuf_adds(v, "{\"organization_name\":");
	strbuf_json_str(v, PQgetvalue(b, row, C_ORG));
	strbuf_adds(v, ",\"activity_name\":");
	strbuf_json_str(v, PQgetvalue(b, row, C_ACTIVITY));
	strbuf_adds(v, ",\"sent_date\":");
	strbuf_json_str(v, PQgetvalue(b, row, C_SENT));
	strbuf_adds(v, ",\"response_days\":");
	strbuf_json_str(v, PQgetvalue(b, row, C_DAYS));
	if (overdue) {
		strbuf_adds(v, ",\"days_overdue\":");
		strbuf_json_str(v, PQgetvalue(b, row, C_OVERDUE));
	}
	strbuf_adds(v, ",\"open_url\":");
	strbuf_json_str(v, url);
	strbuf_adds(v, "}");
	free(url);
}

/* Queues one e-mail of request 'id' and links it (contact_request_messages
 * kind 'kind', not to the client).  An empty address is skipped. */
static int mail(struct round *rd, const char *id, const char *to, const char *lang,
		const char *tmpl, const char *kind, const char *vars, int *sent)
{
	if (!*to)
		return 0;
	if (crstore_message(rd->db, rd->key, id, kind, false, "email", to, lang, tmpl, vars, false,
			    rd->err, sizeof(rd->err)))
		return -1;
	++*sent;
	return 0;
}

/* Mails 'tmpl' to every row of 'sql' ($1: 'param'; columns email, lang). */
static int mail_accounts(struct round *rd, PGresult *b, int row, const char *sql, const char *param,
			 const char *tmpl, const char *kind, const char *vars, int *sent)
{
	const char *params[1] = { param };
	PGresult *res = PQexecParams(rd->db, sql, param ? 1 : 0, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
		PQclear(res);
		return -1;
	}
	for (int i = 0; i < PQntuples(res) && !rc; i++)
		rc = mail(rd, PQgetvalue(b, row, C_ID), PQgetvalue(res, i, 0),
			  PQgetvalue(res, i, 1), tmpl, kind, vars, sent);
	PQclear(res);
	return rc;
}

/* --- the stages ---------------------------------------------------------------------- */

/* Writes the stage's event; 1 when this call did, 0 when done before. */
static int event(struct round *rd, const struct stage *st, const char *kind, const char *id)
{
	char detail[48] = "{}";

	if (st->multiple >= 0)
		snprintf(detail, sizeof(detail), "{\"multiple\":%d}",
			 rd->c->dir->cr.escalate[st->multiple]);
	return crstore_event(rd->db, id, kind, rd->at, "scheduler", detail, rd->err,
			     sizeof(rd->err));
}

/* 1. The reminder to the request address. */
static int reminder(struct round *rd, const struct stage *st, PGresult *b, int row)
{
	struct strbuf v = STRBUF_INIT;
	int done = event(rd, st, st->kind, PQgetvalue(b, row, C_ID)), sent = 0;

	if (done <= 0)
		return done;
	ngo_vars(rd, b, row, false, &v);
	done = mail(rd, PQgetvalue(b, row, C_ID), PQgetvalue(b, row, C_ADDRESS),
		    PQgetvalue(b, row, C_ORG_LANG), "contact_reminder", "reminder", v.p, &sent);
	strbuf_release(&v);
	rd->n[N_REMINDER] += !done;
	return done;
}

/* 2. Every enabled editor of the organisation, else its own address. */
static int maintainers(struct round *rd, const struct stage *st, PGresult *b, int row)
{
	struct strbuf v = STRBUF_INIT;
	int done = event(rd, st, st->kind, PQgetvalue(b, row, C_ID)), sent = 0;

	if (done <= 0)
		return done;
	ngo_vars(rd, b, row, false, &v);
	done = mail_accounts(rd, b, row,
			     "SELECT ac.email, ac.lang FROM accounts ac "
			     "JOIN account_organizations ao ON ao.account_id = ac.id "
			     "WHERE ao.organization_id = $1::uuid AND ac.role = 'editor' "
			     "AND ac.disabled_at IS NULL ORDER BY ac.email",
			     PQgetvalue(b, row, C_ORG_ID), "contact_escalation", "escalation", v.p,
			     &sent);
	if (!done && !sent)
		done = mail(rd, PQgetvalue(b, row, C_ID), PQgetvalue(b, row, C_ORG_EMAIL),
			    PQgetvalue(b, row, C_ORG_LANG), "contact_escalation", "escalation", v.p,
			    &sent);
	strbuf_release(&v);
	rd->n[N_MAINTAINERS] += !done;
	return done;
}

/* 3. Every enabled admin, and the sending professional with the search
 * for other activities. */
static int admin(struct round *rd, const struct stage *st, PGresult *b, int row)
{
	const struct directory *dir = rd->c->dir;
	const char *id = PQgetvalue(b, row, C_ID);
	struct strbuf v = STRBUF_INIT, url = STRBUF_INIT;
	int done = event(rd, st, st->kind, id), sent = 0;

	if (done <= 0)
		return done;
	ngo_vars(rd, b, row, true, &v);
	done = mail_accounts(rd, b, row,
			     "SELECT email, lang FROM accounts WHERE role = 'admin' "
			     "AND disabled_at IS NULL ORDER BY email",
			     NULL, "contact_escalation_admin", "escalation_admin", v.p, &sent);
	rd->n[N_ADMIN] += !done;
	if (!done)
		done = event(rd, st, "professional_told", id);
	if (done > 0) {
		v.len = 0;
		strbuf_adds(&v, "{\"activity_name\":");
		strbuf_json_str(&v, PQgetvalue(b, row, C_ACTIVITY));
		strbuf_adds(&v, ",\"organization_name\":");
		strbuf_json_str(&v, PQgetvalue(b, row, C_ORG));
		strbuf_adds(&v, ",\"sent_date\":");
		strbuf_json_str(&v, PQgetvalue(b, row, C_SENT));
		strbuf_addf(&url, "%s/my-requests.html", dir->public_url);
		strbuf_adds(&v, ",\"my_url\":");
		strbuf_json_str(&v, url.p);
		url.len = 0;
		strbuf_addf(&url, "%s%s", dir->public_url, PQgetvalue(b, row, C_ALTERNATIVES));
		strbuf_adds(&v, ",\"alternatives_url\":");
		strbuf_json_str(&v, url.p);
		strbuf_adds(&v, "}");
		done = mail_accounts(rd, b, row,
				     "SELECT email, lang FROM accounts WHERE id = $1::uuid "
				     "AND disabled_at IS NULL",
				     PQgetvalue(b, row, C_ACCOUNT), "contact_overdue", "overdue",
				     v.p, &sent);
		rd->n[N_TOLD] += !done;
	}
	strbuf_release(&v);
	strbuf_release(&url);
	return done < 0 ? -1 : 0;
}

/* 4. An untouched request expires and its data goes at once. */
static int expiry(struct round *rd, const struct stage *st, PGresult *b, int row)
{
	const char *params[2] = { PQgetvalue(b, row, C_ID), rd->at };
	int done = event(rd, st, st->kind, params[0]);
	PGresult *res;

	if (done <= 0)
		return done;
	res = PQexecParams(rd->db,
			   "UPDATE contact_requests SET status = 'expired', expired_at = "
			   "$2::timestamptz, outcome_at = $2::timestamptz, version = version + 1 "
			   "WHERE id = $1::uuid",
			   2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(rd->db, res, rd->err, sizeof(rd->err));
		PQclear(res);
		return -1;
	}
	PQclear(res);
	rd->n[N_EXPIRED]++;
	done = crstore_erase(rd->db, params[0], rd->at, rd->err, sizeof(rd->err));
	if (done > 0)
		rd->n[N_ERASED]++;
	return done < 0 ? -1 : 0;
}

/* 5. The client's data goes at purge_at. */
static int erasure(struct round *rd, const struct stage *st, PGresult *b, int row)
{
	int done = crstore_erase(rd->db, PQgetvalue(b, row, C_ID), rd->at, rd->err,
				 sizeof(rd->err));

	(void)st;
	if (done > 0)
		rd->n[N_ERASED]++;
	return done < 0 ? -1 : 0;
}

static const struct stage stages[] = {
	{ "reminder", "r.due_1 <= $1::timestamptz AND " UNANSWERED NOT_DONE("reminder"), 0, true,
	  reminder },
	{ "escalated_maintainers",
	  "r.due_2 <= $1::timestamptz AND " UNANSWERED NOT_DONE("escalated_maintainers"), 1, true,
	  maintainers },
	{ "escalated_admin",
	  "r.due_3 <= $1::timestamptz AND " UNANSWERED NOT_DONE("escalated_admin"), 2, true,
	  admin },
	{ "expired", "r.expires_at <= $1::timestamptz AND " UNANSWERED NOT_DONE("expired"), -1,
	  false, expiry },
	{ "erased", "r.purge_at <= $1::timestamptz AND r.erased_at IS NULL", -1, false, erasure },
};

/* --- the round ----------------------------------------------------------------------- */

/* The counts since 'before' as a JSON object into out; false when none. */
static bool counts_json(const long *now, const long *before, struct strbuf *out)
{
	bool any = false;

	strbuf_adds(out, "{");
	for (int i = 0; i < N_COUNTS; i++) {
		strbuf_addf(out, "%s\"%s\":%ld", i ? "," : "", count_names[i],
			    now[i] - (before ? before[i] : 0));
		any = any || now[i] != (before ? before[i] : 0);
	}
	strbuf_adds(out, "}");
	return any;
}

/* One batch of stage 'st' after request id 'last' (updated); 1 when there
 * may be more, 0 at the end, -1 on error (rolled back). */
static int batch(struct round *rd, const struct stage *st, char *last, size_t lastlen)
{
	const struct audit_actor actor = { .role = "service", .hint = "contact_requests" };
	const char *params[2] = { rd->at, last };
	struct strbuf sql = STRBUF_INIT, detail = STRBUF_INIT;
	long before[N_COUNTS];
	PGresult *b = NULL;
	int n = 0, rc = -1;

	memcpy(before, rd->n, sizeof(before));
	strbuf_addf(&sql, batch_sql, st->where);
	if (pg_exec(rd->db, "BEGIN", rd->err, sizeof(rd->err)))
		goto out;
	b = PQexecParams(rd->db, sql.p, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(b) != PGRES_TUPLES_OK) {
		pg_error(rd->db, b, rd->err, sizeof(rd->err));
		goto out;
	}
	n = PQntuples(b);
	for (int i = 0; i < n; i++)
		if (st->fn(rd, st, b, i) < 0)
			goto out;
	if (counts_json(rd->n, before, &detail) &&
	    audit_write_as(rd->db, &actor, "contact_request.round", "scheduler", "contact_requests",
			   detail.p, rd->err, sizeof(rd->err)))
		goto out;
	if (pg_exec(rd->db, "COMMIT", rd->err, sizeof(rd->err)))
		goto out;
	if (n > 0)
		snprintf(last, lastlen, "%s", PQgetvalue(b, n - 1, C_ID));
	rc = n == BATCH;
out:
	PQclear(b);
	strbuf_release(&sql);
	strbuf_release(&detail);
	if (rc < 0) {
		char e[128];

		memcpy(rd->n, before, sizeof(before)); /* rolled back */
		pg_exec(rd->db, "ROLLBACK", e, sizeof(e));
	}
	return rc;
}

/* One round on 'db', which holds the lock (sched.h). */
static void cr_round(struct sched *s, PGconn *db, void *arg)
{
	struct crsched *c = arg;
	struct round rd = { .c = c, .db = db };
	struct strbuf detail = STRBUF_INIT;
	char counts[N_COUNTS][24];
	int more = 0;

	rd.key = messages_key(c->dir->messages);
	simclock_iso(c->dir->clock, rd.at, sizeof(rd.at));
	for (size_t i = 0; i < sizeof(stages) / sizeof(stages[0]) && more == 0; i++) {
		char last[40] = "00000000-0000-0000-0000-000000000000";

		if (stages[i].mails && !rd.key)
			continue; /* no data key: no e-mail stages (and no requests either) */
		do
			more = batch(&rd, &stages[i], last, sizeof(last));
		while (more > 0 && !sched_stopping(s));
	}
	if (more > 0)
		return; /* stopped: no scheduler_runs row for half a round */
	counts_json(rd.n, NULL, &detail);
	if (more == 0)
		more = sched_record(db, "contact_requests", rd.at, c->dir->instance, detail.p,
				    rd.err, sizeof(rd.err));
	strbuf_release(&detail);
	if (more < 0) {
		log_warn("contact requests: round failed", "error", rd.err, NULL);
		return;
	}
	for (int i = 0; i < N_COUNTS; i++)
		snprintf(counts[i], sizeof(counts[i]), "%ld", rd.n[i]);
	log_info("contact requests: round done", "as_of", rd.at, count_names[0], counts[0],
		 count_names[1], counts[1], count_names[2], counts[2], count_names[3], counts[3],
		 count_names[4], counts[4], count_names[5], counts[5], NULL);
}

struct crsched *crsched_start(struct directory *dir)
{
	struct crsched *c = xcalloc(1, sizeof(*c));
	const struct sched_job job = { .name = "contact_requests",
				       .lock = CRSCHED_LOCK,
				       .conninfo = dir->conninfo,
				       .clock = dir->clock,
				       .first_ms = FIRST_MS,
				       .every_s = dir->cr.every_s,
				       .round = cr_round,
				       .arg = c };

	c->dir = dir;
	c->sched = sched_start(&job);
	if (!c->sched) {
		free(c);
		return NULL;
	}
	return c;
}

void crsched_stop(struct crsched **cp)
{
	struct crsched *c = *cp;

	if (!c)
		return;
	sched_stop(&c->sched);
	free(c);
	*cp = NULL;
}
