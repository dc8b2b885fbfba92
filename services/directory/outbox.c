/*
 * outbox.c - see outbox.h.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <hiredis/hiredis.h>

#include "clock.h"
#include "config.h"
#include "log.h"
#include "messages.h"
#include "outbox.h"
#include "pg.h"
#include "redisx.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

#define BATCH 100
#define STATUS_GROUP "directory"
#define CLAIM_IDLE_MS 30000

struct outbox {
	struct directory *dir;
	const char *redis_addr, *stream, *status_stream;
	atomic_bool stop;
	pthread_t relay, status;
	int relay_started, status_started;
};

static bool stopping(struct outbox *o)
{
	return atomic_load(&o->stop) || sig_stopping();
}

/* Sleeps up to ms, waking at once on shutdown or when 'fd' is readable. */
static void nap(struct outbox *o, int fd, int ms)
{
	struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN }, { .fd = fd, .events = POLLIN } };

	if (!stopping(o))
		poll(p, fd >= 0 ? 2 : 1, ms);
}

static void drop_pg(PGconn **db)
{
	if (*db) {
		PQfinish(*db);
		*db = NULL;
	}
}

static void drop_redis(redisContext **rc)
{
	if (*rc) {
		redisFree(*rc);
		*rc = NULL;
	}
}

/* --- the relay ----------------------------------------------------------- */

/* Marks rows relayed (relayed = true) or gives them a fresh seq (false). */
static int mark(PGconn *db, const char *ids, bool relayed, char *err, size_t errlen)
{
	const char *params[1] = { ids };
	PGresult *res = PQexecParams(db,
				     relayed ? "UPDATE outbox SET relayed_at = now() "
					       "WHERE id = ANY($1::bigint[])" :
					       "UPDATE outbox SET seq = NULL "
					       "WHERE id = ANY($1::bigint[]) AND relayed_at IS NULL",
				     1, NULL, params, NULL, NULL, 0);
	int rc = PQresultStatus(res) == PGRES_COMMAND_OK ? 0 : -1;

	if (rc)
		pg_error(db, res, err, errlen);
	PQclear(res);
	return rc;
}

static void idlist_add(char **list, size_t *len, const char *id)
{
	size_t n = strlen(id);

	*list = xrealloc(*list, *len + n + 3);
	(*list)[*len] = *len == 0 ? '{' : ',';
	(*len)++;
	memcpy(*list + *len, id, n);
	*len += n;
	(*list)[*len] = '}';
	(*list)[*len + 1] = '\0';
}

/* One batch.  Returns the rows handled, or -1 after a PostgreSQL error
 * (the connection is then dropped) or -2 after a Redis one. */
static int relay_batch(struct outbox *o, PGconn **db, redisContext **rc)
{
	PGresult *res = PQexec(
		*db,
		"WITH b AS (SELECT id FROM outbox WHERE relayed_at IS NULL "
		"ORDER BY seq NULLS LAST, id LIMIT 100), "
		"u AS (UPDATE outbox o SET seq = coalesce(o.seq, nextval('outbox_seq')) FROM b "
		"WHERE o.id = b.id RETURNING o.id, o.seq, o.job_id) "
		"SELECT u.id, u.seq, n.job_id, n.channel, n.template, n.lang, "
		"translate(encode(n.recipient_enc, 'base64'), E'\\n', ''), n.vars::text "
		"FROM u JOIN notifications n ON n.job_id = u.job_id ORDER BY u.seq");
	char err[256], sid[48];
	char *ok_ids = NULL, *bad_ids = NULL;
	size_t ok_len = 0, bad_len = 0;
	int n, sent = 0, result;
	bool redis_broke = false;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(*db, res, err, sizeof(err));
		log_warn("relay: cannot read the outbox", "error", err, NULL);
		PQclear(res);
		drop_pg(db);
		return -1;
	}
	n = PQntuples(res);
	for (int i = 0; i < n; i++) {
		const char *argv[19];
		snprintf(sid, sizeof(sid), "%s-1", PQgetvalue(res, i, 1));
		argv[0] = "XADD";
		argv[1] = o->stream;
		argv[2] = sid;
		argv[3] = "job_id";
		argv[4] = PQgetvalue(res, i, 2);
		argv[5] = "channel";
		argv[6] = PQgetvalue(res, i, 3);
		argv[7] = "template";
		argv[8] = PQgetvalue(res, i, 4);
		argv[9] = "lang";
		argv[10] = PQgetvalue(res, i, 5);
		argv[11] = "recipient";
		argv[12] = PQgetvalue(res, i, 6);
		argv[13] = "vars";
		argv[14] = PQgetvalue(res, i, 7);
		argv[15] = "outbox_id";
		argv[16] = PQgetvalue(res, i, 0);
		argv[17] = "attempt";
		argv[18] = "0";
		redisAppendCommandArgv(*rc, 19, argv, NULL);
	}
	for (int i = 0; i < n; i++) {
		redisReply *r = NULL;

		if (redisGetReply(*rc, (void **)&r) != REDIS_OK || !r) {
			/* No answer: the row keeps its seq; if Redis did take it, the
			 * next try is refused as a duplicate.  Redis runs a
			 * connection's commands in order, so none after this one
			 * ran either. */
			redis_broke = true;
			break;
		}
		if (r->type != REDIS_REPLY_ERROR || strstr(r->str, "equal or smaller")) {
			idlist_add(&ok_ids, &ok_len, PQgetvalue(res, i, 0));
			sent += r->type != REDIS_REPLY_ERROR;
		} else {
			/* Refused for another reason: the entry is not there, so the
			 * row must not keep a seq below entries that follow it. */
			log_warn("relay: xadd refused", "outbox_id", PQgetvalue(res, i, 0), "error",
				 r->str, NULL);
			idlist_add(&bad_ids, &bad_len, PQgetvalue(res, i, 0));
		}
		freeReplyObject(r);
	}
	result = n;
	if ((ok_ids && mark(*db, ok_ids, true, err, sizeof(err))) ||
	    (bad_ids && mark(*db, bad_ids, false, err, sizeof(err)))) {
		log_warn("relay: cannot mark rows", "error", err, NULL);
		drop_pg(db);
		result = -1;
	}
	if (redis_broke) {
		log_warn("relay: redis went away; rows wait", "error", (*rc)->errstr, NULL);
		drop_redis(rc);
		result = result < 0 ? result : -2;
	}
	if (sent) {
		char cnt[16];

		snprintf(cnt, sizeof(cnt), "%d", sent);
		log_debug("relayed", "rows", cnt, NULL);
	}
	free(ok_ids);
	free(bad_ids);
	PQclear(res);
	return result;
}

static void *relay_main(void *arg)
{
	struct outbox *o = arg;
	PGconn *db = NULL;
	redisContext *rc = NULL;
	bool locked = false, redis_warned = false;
	char err[256];

	while (!stopping(o)) {
		PGresult *res;
		PGnotify *note;
		int n;

		if (db && PQstatus(db) != CONNECTION_OK)
			drop_pg(&db);
		if (!db) {
			if (locked)
				log_info("relay: lost the database connection and the lock", NULL);
			locked = false;
			db = pg_connect(o->dir->conninfo, err, sizeof(err));
			if (!db) {
				nap(o, -1, 1000);
				continue;
			}
		}
		if (!locked) {
			res = PQexec(db, "SELECT pg_try_advisory_lock(" OUTBOX_LOCK ")");
			locked = PQresultStatus(res) == PGRES_TUPLES_OK &&
				 !strcmp(PQgetvalue(res, 0, 0), "t");
			PQclear(res);
			if (!locked) {
				nap(o, -1, 1000);
				continue;
			}
			if (pg_exec(db, "LISTEN tarjotin_outbox", err, sizeof(err))) {
				drop_pg(&db);
				continue;
			}
			log_info("relay: active (holds the outbox lock)", NULL);
		}
		if (!rc) {
			rc = redisx_connect(o->redis_addr, 2000, err, sizeof(err));
			if (!rc) {
				if (!redis_warned)
					log_warn("relay: redis is down; outbox rows wait", "error", err,
						 NULL);
				redis_warned = true;
				nap(o, -1, 500);
				continue;
			}
			if (redis_warned)
				log_info("relay: redis is back", NULL);
			redis_warned = false;
		}
		n = relay_batch(o, &db, &rc);
		if (n == BATCH)
			continue;
		if (n < 0) {
			nap(o, -1, 200);
			continue;
		}
		nap(o, PQsocket(db), 200);
		if (PQconsumeInput(db))
			while ((note = PQnotifies(db)))
				PQfreemem(note);
	}
	drop_pg(&db);
	drop_redis(&rc);
	return NULL;
}

/* --- the status consumer ------------------------------------------------- */

static const char *field(const redisReply *fv, const char *name)
{
	if (!fv || fv->type != REDIS_REPLY_ARRAY)
		return "";
	for (size_t i = 0; i + 1 < fv->elements; i += 2)
		if (fv->element[i]->type == REDIS_REPLY_STRING &&
		    !strcmp(fv->element[i]->str, name) &&
		    fv->element[i + 1]->type == REDIS_REPLY_STRING)
			return fv->element[i + 1]->str;
	return "";
}

/* Applies one report; 0, or -1 on a database error. */
static int apply_status(PGconn *db, const redisReply *fv, char *err, size_t errlen)
{
	const char *params[6] = { field(fv, "job_id"), field(fv, "status"), field(fv, "attempts"),
				  field(fv, "error"), field(fv, "provider_id"), field(fv, "at_ms") };
	PGresult *res;
	int rc = 0;

	if (!messages_uuid_valid(params[0]) ||
	    (strcmp(params[1], "sent") && strcmp(params[1], "failed") && strcmp(params[1], "dead")) ||
	    !*params[2] || strspn(params[2], "0123456789") != strlen(params[2]) ||
	    strlen(params[2]) > 6 || strspn(params[5], "0123456789") != strlen(params[5]) ||
	    strlen(params[5]) > 15) {
		log_warn("status: malformed report skipped", "job_id", params[0], NULL);
		return 0;
	}
	/* Reports of one job arrive in order; a delivery report (through the
	 * gateway) may overtake "sent", and then "sent" only fills in sent_at.
	 * A failed row with a provider id failed by such a report; one failed
	 * by notify has none. */
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
		"updated_at = now() "
		"WHERE job_id = $1::uuid AND (status IN ('queued', 'failed') OR "
		"($2 = 'sent' AND status = 'delivered' AND sent_at IS NULL))",
		6, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Applies a batch of entries ([id, fields] pairs) in one transaction and
 * acknowledges them.  Returns 0, -1 (PostgreSQL) or -2 (Redis). */
static int apply_entries(struct outbox *o, PGconn *db, redisContext *rc, const redisReply *ents)
{
	char err[256];
	const char **argv;
	size_t argc = 0;
	redisReply *ack;
	int result = 0;

	if (!ents || ents->type != REDIS_REPLY_ARRAY || ents->elements == 0)
		return 0;
	if (pg_exec(db, "BEGIN", err, sizeof(err)))
		goto pg_failed;
	for (size_t i = 0; i < ents->elements; i++) {
		const redisReply *e = ents->element[i];

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2)
			continue;
		if (apply_status(db, e->element[1], err, sizeof(err))) {
			PQclear(PQexec(db, "ROLLBACK"));
			goto pg_failed;
		}
	}
	if (pg_exec(db, "COMMIT", err, sizeof(err)))
		goto pg_failed;
	argv = xcalloc(ents->elements + 3, sizeof(*argv));
	argv[argc++] = "XACK";
	argv[argc++] = o->status_stream;
	argv[argc++] = STATUS_GROUP;
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
	argv[2] = o->status_stream;
	redisAppendCommandArgv(rc, (int)argc - 1, argv + 1, NULL);
	for (int i = 0; i < 2; i++) {
		ack = NULL;
		if (redisGetReply(rc, (void **)&ack) != REDIS_OK || !ack)
			result = -2; /* applied, not acknowledged: applying again is harmless */
		if (ack)
			freeReplyObject(ack);
		if (result)
			break;
	}
	free(argv);
	return result;
pg_failed:
	log_warn("status: cannot apply reports; they stay pending", "error", err, NULL);
	return -1;
}

static void *status_main(void *arg)
{
	struct outbox *o = arg;
	PGconn *db = NULL;
	redisContext *rc = NULL;
	bool pending = true;
	int64_t next_claim = 0;
	char err[256];
	const char *me = o->dir->instance;

	while (!stopping(o)) {
		redisReply *r = NULL;
		int result = 0;

		if (pg_ensure(&db, o->dir->conninfo, err, sizeof(err))) {
			drop_pg(&db);
			nap(o, -1, 1000);
			continue;
		}
		if (!rc) {
			rc = redisx_connect(o->redis_addr, 3000, err, sizeof(err));
			if (!rc) {
				nap(o, -1, 1000);
				continue;
			}
			/* From the start of the stream: reports written before the
			 * first directory ever started are not lost. */
			r = redisCommand(rc, "XGROUP CREATE %s %s 0 MKSTREAM", o->status_stream,
					 STATUS_GROUP);
			if (r)
				freeReplyObject(r);
			r = NULL;
			pending = true;
		}
		if (clock_mono_us() >= next_claim) {
			/* Reports left pending by a directory instance that died. */
			next_claim = clock_mono_us() + 5000000;
			r = redisCommand(rc, "XAUTOCLAIM %s %s %s %d 0-0 COUNT 100", o->status_stream,
					 STATUS_GROUP, me, CLAIM_IDLE_MS);
			if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
				result = apply_entries(o, db, rc, r->element[1]);
			else if (!r)
				result = -2;
		} else {
			r = redisCommand(rc, "XREADGROUP GROUP %s %s COUNT 200 BLOCK 1000 STREAMS %s %s",
					 STATUS_GROUP, me, o->status_stream, pending ? "0" : ">");
			if (!r) {
				result = -2;
			} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
				   r->element[0]->elements == 2) {
				const redisReply *ents = r->element[0]->element[1];

				if (pending && ents->elements == 0)
					pending = false;
				result = apply_entries(o, db, rc, ents);
			} else if (r->type == REDIS_REPLY_ERROR && strstr(r->str, "NOGROUP")) {
				drop_redis(&rc); /* Redis lost the group: make it again */
			}
		}
		if (r)
			freeReplyObject(r);
		if (result == -1) {
			drop_pg(&db);
			pending = true;
			nap(o, -1, 500);
		} else if (result == -2) {
			drop_redis(&rc);
			pending = true;
			nap(o, -1, 500);
		}
	}
	drop_pg(&db);
	drop_redis(&rc);
	return NULL;
}

/* --- lifecycle ----------------------------------------------------------- */

struct outbox *outbox_start(struct directory *dir)
{
	struct outbox *o = xcalloc(1, sizeof(*o));
	const char *stream = config_str("TARJOTIN_NOTIFY_STREAM", "tj:notify");

	o->dir = dir;
	o->redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	o->stream = stream;
	o->status_stream = xasprintf("%s:status", stream);
	atomic_store(&o->stop, false);
	if (pthread_create(&o->relay, NULL, relay_main, o) == 0)
		o->relay_started = 1;
	if (pthread_create(&o->status, NULL, status_main, o) == 0)
		o->status_started = 1;
	if (!o->relay_started || !o->status_started) {
		outbox_stop(&o);
		return NULL;
	}
	return o;
}

void outbox_stop(struct outbox **op)
{
	struct outbox *o = *op;

	if (!o)
		return;
	atomic_store(&o->stop, true);
	if (o->relay_started)
		pthread_join(o->relay, NULL);
	if (o->status_started)
		pthread_join(o->status, NULL);
	free((char *)o->status_stream);
	free(o);
	*op = NULL;
}
