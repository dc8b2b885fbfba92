/*
 * crevents.c - see crevents.h.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "config.h"
#include "crevents.h"
#include "log.h"
#include "pg.h"
#include "rpc.h"
#include "sig.h"
#include "stats.pb-c.h"
#include "strbuf.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

#define SNDHWM 100      /* batches queued for stats at most */
#define BATCH_SQL "200" /* CREVENTS_BATCH */

struct crevents {
	struct directory *dir;
	const char *endpoint;
	void *zctx, *push;
	atomic_bool stop;
	bool stats_down; /* the thread's: said so once per outage */
	pthread_t thread;
	int started;
};

static bool stopping(struct crevents *c)
{
	return atomic_load(&c->stop) || sig_stopping();
}

/* Sleeps up to ms, waking at once on shutdown or when 'fd' is readable. */
static void nap(struct crevents *c, int fd, int ms)
{
	struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };

	if (!stopping(c))
		poll(p, fd >= 0 ? 2 : 1, ms);
}

/* "a,b,c" as an array of its parts ({NULL} and *n 0 for ""): free the
 * array's first element (the one copy they point into), then the array. */
static char **split_terms(const char *list, size_t *n)
{
	char *copy = xstrdup(list), **v;
	size_t k = *copy ? 1 : 0;

	for (const char *p = copy; *p; p++)
		k += *p == ',';
	v = xcalloc(k + 1, sizeof(*v));
	*n = 0;
	if (!*copy) {
		free(copy);
		return v;
	}
	for (char *p = copy;;) {
		char *comma = strchr(p, ',');

		v[(*n)++] = p;
		if (!comma)
			break;
		*comma = '\0';
		p = comma + 1;
	}
	return v;
}

/* The rows of res (see push_batch) as one packed UsageBatch; free() it. */
static uint8_t *pack(struct crevents *c, const PGresult *res, size_t *len)
{
	int n = PQntuples(res);
	Tarjotin__UsageBatch batch = TARJOTIN__USAGE_BATCH__INIT;
	Tarjotin__UsageEvent *evs = xcalloc((size_t)n, sizeof(*evs));
	Tarjotin__UsageEvent **evp = xcalloc((size_t)n, sizeof(*evp));
	char ***terms = xcalloc(2 * (size_t)n + 1, sizeof(*terms));
	uint8_t *buf;

	for (int i = 0; i < n; i++) {
		tarjotin__usage_event__init(&evs[i]);
		evs[i].kind = TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST;
		evs[i].event_id = PQgetvalue(res, i, 0);
		evs[i].cr_kind = PQgetvalue(res, i, 1);
		evs[i].at_ms = strtoll(PQgetvalue(res, i, 2), NULL, 10);
		evs[i].activity_id = PQgetvalue(res, i, 3);
		evs[i].organization_id = PQgetvalue(res, i, 4);
		evs[i].user_site_id = PQgetvalue(res, i, 5);
		evs[i].days = (int32_t)strtol(PQgetvalue(res, i, 6), NULL, 10);
		evs[i].county = PQgetvalue(res, i, 7);
		terms[2 * i] = split_terms(PQgetvalue(res, i, 8), &evs[i].n_kinds);
		terms[2 * i + 1] = split_terms(PQgetvalue(res, i, 9), &evs[i].n_needs);
		evs[i].kinds = terms[2 * i];
		evs[i].needs = terms[2 * i + 1];
		evs[i].reaction_minutes = (int32_t)strtol(PQgetvalue(res, i, 10), NULL, 10);
		evs[i].route = (char *)"contact_request";
		evp[i] = &evs[i];
	}
	batch.events = evp;
	batch.n_events = (size_t)n;
	batch.source = (char *)c->dir->instance;
	*len = tarjotin__usage_batch__get_packed_size(&batch);
	buf = xmalloc(*len ? *len : 1);
	tarjotin__usage_batch__pack(&batch, buf);
	for (int i = 0; i < 2 * n; i++) {
		if (terms[i])
			free(terms[i][0]);
		free(terms[i]);
	}
	free(terms);
	free(evp);
	free(evs);
	return buf;
}

/* Marks the ids of res pushed.  0, or -1 with err. */
static int mark(PGconn *db, const PGresult *res, char *err, size_t errlen)
{
	struct strbuf ids = STRBUF_INIT;
	const char *params[1];
	PGresult *r;
	int rc;

	for (int i = 0; i < PQntuples(res); i++)
		strbuf_addf(&ids, "%c%s", i ? ',' : '{', PQgetvalue(res, i, 0));
	strbuf_adds(&ids, "}");
	params[0] = ids.p;
	r = PQexecParams(db,
			 "UPDATE contact_request_events SET pushed_at = now() "
			 "WHERE id = ANY($1::uuid[])",
			 1, NULL, params, NULL, NULL, 0);
	rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
	if (rc)
		pg_error(db, r, err, errlen);
	PQclear(r);
	strbuf_release(&ids);
	return rc;
}

/*
 * One batch in one transaction.  Returns the rows pushed, -1 after a
 * PostgreSQL error (the caller drops the connection) or -2 when stats
 * did not take it (rows wait).
 */
static int push_batch(struct crevents *c, PGconn *db)
{
	PGresult *res = NULL;
	uint8_t *buf;
	size_t len;
	char err[256];
	int n, sent;

	if (pg_exec(db, "BEGIN", err, sizeof(err)))
		goto pgfail;
	res = PQexec(db,
		     "SELECT e.id, e.kind, (extract(epoch FROM e.created_at) * 1000)::bigint, "
		     "r.activity_id, r.organization_id, r.user_site_id, CASE WHEN "
		     "jsonb_typeof(e.detail -> 'days') = 'number' THEN (e.detail ->> "
		     "'days')::numeric::int ELSE -1 END, "
		     /* 7: the sending user site's county; 8, 9: the activity's
		      * kinds and needs (comma-separated term ids) */
		     "coalesce(us.county, ''), "
		     "(SELECT coalesce(string_agg(k.term_id, ',' ORDER BY k.term_id), '') "
		     " FROM activity_kinds k WHERE k.activity_id = r.activity_id), "
		     "(SELECT coalesce(string_agg(k.term_id, ',' ORDER BY k.term_id), '') "
		     " FROM activity_needs k WHERE k.activity_id = r.activity_id), "
		     /* 10: minutes from the sent event to the request's first
		      * reaction, on the scheduler's clock; -1 for any other event */
		     "CASE WHEN e.kind IN ('contacted', 'unreachable', 'declined', 'closed') "
		     " AND NOT EXISTS (SELECT 1 FROM contact_request_events p "
		     "  WHERE p.request_id = e.request_id "
		     "  AND p.kind IN ('contacted', 'unreachable', 'declined', 'closed') "
		     "  AND (p.at, p.created_at) < (e.at, e.created_at)) "
		     "THEN coalesce((SELECT floor(extract(epoch FROM e.at - min(s.at)) / 60)::int "
		     "  FROM contact_request_events s WHERE s.request_id = e.request_id "
		     "  AND s.kind = 'sent'), -1) ELSE -1 END "
		     "FROM contact_request_events e JOIN contact_requests r ON r.id = e.request_id "
		     "LEFT JOIN user_sites us ON us.id = r.user_site_id "
		     "WHERE e.pushed_at IS NULL ORDER BY e.created_at LIMIT " BATCH_SQL
		     " "
		     "FOR UPDATE OF e SKIP LOCKED");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, sizeof(err));
		goto pgfail;
	}
	n = PQntuples(res);
	if (n == 0) {
		PQclear(res);
		return pg_exec(db, "COMMIT", err, sizeof(err)) ? -1 : 0;
	}
	buf = pack(c, res, &len);
	sent = zmq_send(c->push, buf, len, ZMQ_DONTWAIT) >= 0;
	free(buf);
	if (!sent) {
		if (!c->stats_down)
			log_warn("stats relay: stats does not take events; they wait", "error",
				 zmq_strerror(errno), NULL);
		c->stats_down = true;
		PQclear(res);
		return pg_exec(db, "ROLLBACK", err, sizeof(err)) ? -1 : -2;
	}
	if (c->stats_down)
		log_info("stats relay: stats takes events again", NULL);
	c->stats_down = false;
	if (mark(db, res, err, sizeof(err)) || pg_exec(db, "COMMIT", err, sizeof(err)))
		goto pgfail;
	PQclear(res);
	return n;
pgfail:
	/* A batch sent but not marked is sent again: stats counts an id once. */
	log_warn("stats relay: database error", "error", err, NULL);
	PQclear(res);
	return -1;
}

static void *relay_main(void *arg)
{
	struct crevents *c = arg;
	PGconn *db = NULL;
	PGnotify *note;
	char err[256];
	int n;

	while (!stopping(c)) {
		if (db && PQstatus(db) != CONNECTION_OK) {
			PQfinish(db);
			db = NULL;
		}
		if (!db) {
			db = pg_connect(c->dir->conninfo, err, sizeof(err));
			if (!db || pg_exec(db, "LISTEN tarjotin_cr_events", err, sizeof(err))) {
				PQfinish(db);
				db = NULL;
				nap(c, -1, 1000);
				continue;
			}
		}
		n = push_batch(c, db);
		if (n == CREVENTS_BATCH)
			continue;
		if (n == -1) {
			PQfinish(db);
			db = NULL;
		}
		nap(c, n < 0 ? -1 : PQsocket(db), 1000); /* stats down: retry each second */
		if (db && PQconsumeInput(db))
			while ((note = PQnotifies(db)))
				PQfreemem(note);
	}
	PQfinish(db);
	return NULL;
}

struct crevents *crevents_start(struct directory *dir)
{
	struct crevents *c = xcalloc(1, sizeof(*c));
	int hwm = SNDHWM;
	char err[256];

	c->dir = dir;
	c->endpoint = config_str("TARJOTIN_STATS_ENDPOINT", "tcp://127.0.0.1:5701");
	atomic_store(&c->stop, false);
	c->zctx = zmq_ctx_new();
	c->push = c->zctx ? zmq_socket(c->zctx, ZMQ_PUSH) : NULL;
	if (!c->push || rpc_socket_defaults(c->push) ||
	    zmq_setsockopt(c->push, ZMQ_SNDHWM, &hwm, sizeof(hwm))) {
		log_fatal("stats relay: cannot make its socket", "error", zmq_strerror(errno),
			  NULL);
		goto fail;
	}
	if (zcurve_client(c->push, dir->curve, "TARJOTIN_STATS_PUBLIC_KEY", err, sizeof(err))) {
		log_fatal("stats relay: bad CURVE configuration", "error", err, NULL);
		goto fail;
	}
	if (rpc_attach(c->push, c->endpoint, false, err, sizeof(err))) {
		log_fatal("stats relay: bad TARJOTIN_STATS_ENDPOINT", "error", err, NULL);
		goto fail;
	}
	if (pthread_create(&c->thread, NULL, relay_main, c)) {
		log_fatal("stats relay: cannot start its thread", NULL);
		goto fail;
	}
	c->started = 1;
	return c;
fail:
	crevents_stop(&c);
	return NULL;
}

void crevents_stop(struct crevents **cp)
{
	struct crevents *c = *cp;

	if (!c)
		return;
	atomic_store(&c->stop, true);
	if (c->started)
		pthread_join(c->thread, NULL);
	if (c->push)
		zmq_close(c->push);
	if (c->zctx)
		zmq_ctx_term(c->zctx);
	free(c);
	*cp = NULL;
}
