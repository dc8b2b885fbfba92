/*
 * coverage.c - see coverage.h.  The pull is Lazy Pirate (zguide chapter 4):
 * a bounded wait for the reply, then the socket is closed and made again
 * and the call sent once more; a call only reads, so resending is safe.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zmq.h>

#include "clock.h"
#include "config.h"
#include "coverage.h"
#include "log.h"
#include "pg.h"
#include "rpc.h"
#include "selfservice.pb-c.h"
#include "xalloc.h"
#include "zcurve.h"
#include "banned.h"

#define COVERAGE_ATTEMPTS 2
#define COVERAGE_ATTEMPT_MS 500

struct coverage {
	void *zctx;
	void *sock; /* NULL until the first pull and after a silent one */
	const struct zcurve *curve;
	const char *endpoints;
	long max_age_s;
	uint64_t next_id;
	int64_t next_tick_ms; /* 0: at the first tick */
};

struct coverage *coverage_new(void *zctx, const struct zcurve *curve, char *err, size_t errlen)
{
	struct coverage *c;
	const char *age = config_str("TARJOTIN_STATS_COVERAGE_MAX_AGE_S", NULL);
	char *end = NULL;
	long max_age = 900;

	if (age) {
		errno = 0;
		max_age = strtol(age, &end, 10);
		if (errno || !*age || *end || max_age < 0 || max_age > 86400) {
			snprintf(err, errlen,
				 "TARJOTIN_STATS_COVERAGE_MAX_AGE_S \"%.32s\" is not 0..86400",
				 age);
			return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->zctx = zctx;
	c->curve = curve;
	c->endpoints = config_str("TARJOTIN_DIRECTORY_ENDPOINTS", "tcp://127.0.0.1:5601");
	c->max_age_s = max_age;
	return c;
}

static void close_sock(struct coverage *c)
{
	if (c->sock)
		zmq_close(c->sock);
	c->sock = NULL;
}

void coverage_destroy(struct coverage **cp)
{
	if (!*cp)
		return;
	close_sock(*cp);
	free(*cp);
	*cp = NULL;
}

void coverage_docs_release(struct coverage_docs *d)
{
	json_decref(d->latest);
	json_decref(d->snapshot);
	memset(d, 0, sizeof(*d));
}

static int open_sock(struct coverage *c, char *err, size_t errlen)
{
	int ms = COVERAGE_ATTEMPT_MS;

	if (c->sock)
		return 0;
	if (!(c->sock = zmq_socket(c->zctx, ZMQ_DEALER))) {
		snprintf(err, errlen, "cannot make a DEALER: %s", zmq_strerror(errno));
		return -1;
	}
	if (rpc_socket_defaults(c->sock) ||
	    zmq_setsockopt(c->sock, ZMQ_SNDTIMEO, &ms, sizeof(ms)) ||
	    zcurve_client(c->sock, c->curve, "TARJOTIN_DIRECTORY_PUBLIC_KEY", err, errlen) ||
	    rpc_attach(c->sock, c->endpoints, false, err, errlen)) {
		if (!*err)
			snprintf(err, errlen, "cannot set up the DEALER");
		close_sock(c);
		return -1;
	}
	return 0;
}

/* The coverage document of a reply envelope (one of a batch too) answering
 * id: a new reference, or NULL when env is none (*done says it answered). */
static json_t *doc_of(const Tarjotin__Envelope *env, uint64_t id, bool *done)
{
	Tarjotin__DocReply *dr;
	json_t *doc = NULL;

	if (env->type == TARJOTIN__MSG_TYPE__MSG_BATCH) {
		for (size_t i = 0; !*done && i < env->n_batch; i++) {
			Tarjotin__Envelope *e = rpc_unpack_envelope(env->batch[i].data,
								    env->batch[i].len);

			if (e) {
				if (e->type != TARJOTIN__MSG_TYPE__MSG_BATCH)
					doc = doc_of(e, id, done);
				tarjotin__envelope__free_unpacked(e, NULL);
			}
		}
		return doc;
	}
	if (env->request_id != id)
		return NULL;
	*done = true;
	if (env->status != TARJOTIN__STATUS__STATUS_OK) {
		log_warn("the directory refused the coverage call", "error", env->error, "code",
			 env->error_code, NULL);
		return NULL;
	}
	dr = tarjotin__doc_reply__unpack(NULL, env->payload.len, env->payload.data);
	if (dr) {
		doc = json_loadb((const char *)dr->json.data, dr->json.len, 0, NULL);
		tarjotin__doc_reply__free_unpacked(dr, NULL);
	}
	if (!json_is_object(doc)) {
		log_warn("the directory's coverage document is no JSON object", NULL);
		json_decref(doc);
		doc = NULL;
	}
	return doc;
}

/* One call and its wait; NULL on silence (*silent) or a refusal. */
static json_t *attempt(struct coverage *c, bool *silent)
{
	Tarjotin__Envelope env = TARJOTIN__ENVELOPE__INIT;
	Tarjotin__Principal who = TARJOTIN__PRINCIPAL__INIT;
	Tarjotin__DocCall call = TARJOTIN__DOC_CALL__INIT;
	int64_t deadline = clock_wall_ms() + COVERAGE_ATTEMPT_MS;
	char err[256] = "";
	json_t *doc = NULL;
	bool done = false;
	uint8_t *wire;
	size_t len;
	int sent;

	*silent = true;
	if (open_sock(c, err, sizeof(err))) {
		log_warn("cannot ask the directory for coverage", "error", err, NULL);
		return NULL;
	}
	who.account_id = (char *)"stats";
	who.role = TARJOTIN__ROLE__ROLE_SERVICE;
	call.json.data = (uint8_t *)"{}";
	call.json.len = 2;
	env.request_id = ++c->next_id;
	env.deadline_ms = deadline;
	env.type = TARJOTIN__MSG_TYPE__MSG_STATS_COVERAGE;
	env.principal = &who;
	rpc_pack_payload(&call.base, &env.payload);
	wire = rpc_pack_envelope(&env, &len);
	sent = zmq_send(c->sock, wire, len, 0);
	free(wire);
	free(env.payload.data);
	while (sent >= 0 && !done) {
		zmq_pollitem_t item = { .socket = c->sock, .events = ZMQ_POLLIN };
		int64_t left = deadline - clock_wall_ms();
		zmq_msg_t msg;

		if (left <= 0 || zmq_poll(&item, 1, (long)left) <= 0)
			break;
		zmq_msg_init(&msg);
		if (zmq_msg_recv(&msg, c->sock, ZMQ_DONTWAIT) >= 0) {
			Tarjotin__Envelope *e = rpc_unpack_envelope(zmq_msg_data(&msg),
								    zmq_msg_size(&msg));

			if (e) {
				doc = doc_of(e, env.request_id, &done);
				tarjotin__envelope__free_unpacked(e, NULL);
			}
		}
		zmq_msg_close(&msg);
	}
	*silent = !done;
	return doc;
}

/* A fresh document from the directory (a new reference), or NULL. */
static json_t *pull(struct coverage *c)
{
	for (int i = 0; i < COVERAGE_ATTEMPTS; i++) {
		bool silent;
		json_t *doc = attempt(c, &silent);

		if (doc || !silent)
			return doc;
		close_sock(c); /* Lazy Pirate: a new socket for the next try */
	}
	log_warn("the directory did not answer the coverage call", "endpoints", c->endpoints, NULL);
	return NULL;
}

static int store(PGconn *db, const json_t *doc, char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO stats.coverage (day, taken_at, doc)"
		" VALUES ((now() AT TIME ZONE 'Europe/Helsinki')::date, now(), $1::jsonb)"
		" ON CONFLICT (day) DO UPDATE SET taken_at = EXCLUDED.taken_at, doc = EXCLUDED.doc";
	char *text = json_dumps(doc, JSON_COMPACT);
	const char *params[] = { text };
	PGresult *res = PQexecParams(db, sql, 1, NULL, params, NULL, NULL, 0);
	int ret = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		ret = -1;
	}
	PQclear(res);
	free(text);
	return ret;
}

/*
 * One stored row (NULL 'to': the latest; else the last day <= to, else the
 * oldest) into *doc (a new reference; NULL when none), its taken_at into
 * taken (size 40) and whether it is older than max_age_s into *old.
 */
static int load(const struct coverage *c, PGconn *db, const char *to, json_t **doc, char *taken,
		bool *old, char *err, size_t errlen)
{
	static const char latest[] =
		"SELECT to_char(taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" now() - taken_at > make_interval(secs => $1::int), doc::text"
		" FROM stats.coverage ORDER BY taken_at DESC LIMIT 1";
	static const char at[] =
		"SELECT to_char(taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
		" now() - taken_at > make_interval(secs => $1::int), doc::text"
		" FROM stats.coverage ORDER BY day <= $2::date DESC,"
		" CASE WHEN day <= $2::date THEN DATE '9999-12-31' - day"
		" ELSE day - DATE '1970-01-01' END LIMIT 1";
	char age[24];
	const char *params[] = { age, to };
	PGresult *res;

	*doc = NULL;
	taken[0] = '\0';
	*old = true;
	snprintf(age, sizeof(age), "%ld", c->max_age_s);
	res = PQexecParams(db, to ? at : latest, to ? 2 : 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, errlen);
		PQclear(res);
		return -1;
	}
	if (PQntuples(res) == 1) {
		snprintf(taken, 40, "%s", PQgetvalue(res, 0, 0));
		*old = !strcmp(PQgetvalue(res, 0, 1), "t");
		*doc = json_loads(PQgetvalue(res, 0, 2), 0, NULL);
	}
	PQclear(res);
	return 0;
}

int coverage_get(struct coverage *c, PGconn *db, const char *to, struct coverage_docs *out,
		 char *err, size_t errlen)
{
	char taken[40];
	bool old;

	memset(out, 0, sizeof(*out));
	if (load(c, db, NULL, &out->latest, taken, &old, err, errlen))
		return -1;
	if (!out->latest || old) {
		json_t *fresh = pull(c);

		if (fresh) {
			int bad = store(db, fresh, err, errlen);

			json_decref(fresh);
			if (bad)
				return -1;
			json_decref(out->latest);
			if (load(c, db, NULL, &out->latest, taken, &old, err, errlen))
				return -1;
		} else {
			out->stale = true;
		}
	}
	if (load(c, db, to, &out->snapshot, out->taken_at, &old, err, errlen)) {
		coverage_docs_release(out);
		return -1;
	}
	return 0;
}

bool coverage_tick_due(const struct coverage *c, int64_t now_ms)
{
	return now_ms >= c->next_tick_ms;
}

void coverage_tick(struct coverage *c, PGconn *db, int64_t now_ms)
{
	static const char sql[] =
		"SELECT 1 FROM stats.coverage"
		" WHERE day = (now() AT TIME ZONE 'Europe/Helsinki')::date";
	char err[256];
	PGresult *res;
	json_t *doc;
	bool have;

	if (now_ms < c->next_tick_ms)
		return;
	c->next_tick_ms = now_ms + COVERAGE_TICK_MS;
	if (!db)
		return;
	res = PQexec(db, sql);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, sizeof(err));
		PQclear(res);
		log_warn("coverage of today not checked", "error", err, NULL);
		return;
	}
	have = PQntuples(res) > 0;
	PQclear(res);
	if (have || !(doc = pull(c)))
		return;
	if (store(db, doc, err, sizeof(err)))
		log_warn("coverage of today not stored", "error", err, NULL);
	else
		log_info("coverage of today stored", NULL);
	json_decref(doc);
}
