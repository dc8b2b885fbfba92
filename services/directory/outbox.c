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
#include "outbox.h"
#include "pg.h"
#include "redisx.h"
#include "reports.h"
#include "sig.h"
#include "xalloc.h"
#include "banned.h"

#define BATCH 100
#define STATUS_GROUP "directory"
#define CLAIM_IDLE_MS 30000

struct outbox {
	struct directory *dir;
	const char *redis_addr, *stream;
	struct reports_target reports; /* the status stream and its set-aside one */
	atomic_bool stop;
	atomic_ulong stream_ahead; /* refusals of rows the stream is ahead of */
	int64_t next_ahead_log_us; /* the relay thread's: when to say it again */
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
	struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN },
			       { .fd = fd, .events = POLLIN } };

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
				     relayed ?
					     "UPDATE outbox SET relayed_at = now() "
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

/* Row i's entry id "<seq>-1" into sid. */
static void stream_id(const PGresult *res, int i, char *sid, size_t sidlen)
{
	snprintf(sid, sidlen, "%s-1", PQgetvalue(res, i, 1));
}

/*
 * Rows whose XADD Redis refused as "equal or smaller" (indices 'refused' into
 * res): such a row is relayed already only when the stream holds its entry
 * for the same job, or notify has taken the entry (and deleted it): the sent
 * record exists or the notification's status has moved on.  Any other
 * refusal means the stream is ahead of the database (PostgreSQL restored or
 * reset while Redis kept tj:notify): the row is left unrelayed, retried,
 * counted and reported loudly, for an operator to repair.  Adds the relayed
 * rows to the id list.  Returns the rows left waiting, or -1 when Redis
 * failed.
 */
static int check_refused(struct outbox *o, redisContext *rc, const PGresult *res,
			 const int *refused, int nrefused, char **ok_ids, size_t *ok_len)
{
	char sid[48], key[96];
	int waiting = 0;

	for (int k = 0; k < nrefused; k++) {
		stream_id(res, refused[k], sid, sizeof(sid));
		snprintf(key, sizeof(key), "tj:notify:sent:%s", PQgetvalue(res, refused[k], 2));
		redisAppendCommand(rc, "XRANGE %s %s %s", o->stream, sid, sid);
		redisAppendCommand(rc, "EXISTS %s", key);
	}
	for (int k = 0; k < nrefused; k++) {
		int i = refused[k];
		redisReply *range = NULL, *exists = NULL;
		const char *job = PQgetvalue(res, i, 2), *held = NULL;
		bool relayed;

		if (redisGetReply(rc, (void **)&range) != REDIS_OK || !range ||
		    redisGetReply(rc, (void **)&exists) != REDIS_OK || !exists) {
			if (range)
				freeReplyObject(range);
			return -1;
		}
		if (range->type == REDIS_REPLY_ARRAY && range->elements == 1 &&
		    range->element[0]->type == REDIS_REPLY_ARRAY &&
		    range->element[0]->elements == 2)
			held = redisx_field(range->element[0]->element[1], "job_id");
		relayed = held ? !strcmp(held, job) :
				 (exists->type == REDIS_REPLY_INTEGER && exists->integer == 1) ||
					  strcmp(PQgetvalue(res, i, 8), "queued");
		if (relayed) {
			idlist_add(ok_ids, ok_len, PQgetvalue(res, i, 0));
		} else {
			int64_t now = clock_mono_us();
			unsigned long total = atomic_fetch_add(&o->stream_ahead, 1) + 1;

			waiting++;
			if (total == 1 || now >= o->next_ahead_log_us) {
				char cnt[24];

				o->next_ahead_log_us = now + 10000000;
				stream_id(res, i, sid, sizeof(sid));
				snprintf(cnt, sizeof(cnt), "%lu", total);
				log_error(
					"relay: the stream is ahead of the database: redis refuses "
					"new entries, messages wait (README, Messaging: repair the "
					"stream or the outbox sequence)",
					"stream", o->stream, "stream_id", sid, "outbox_id",
					PQgetvalue(res, i, 0), "held_by", held ? held : "",
					"refusals", cnt, NULL);
			}
		}
		freeReplyObject(range);
		freeReplyObject(exists);
	}
	return waiting;
}

/* One batch.  Returns the rows handled (not those left waiting because the
 * stream is ahead), or -1 after a PostgreSQL error
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
		"translate(encode(n.recipient_enc, 'base64'), E'\\n', ''), n.vars::text, n.status, "
		"coalesce(translate(encode(n.vars_enc, 'base64'), E'\\n', ''), '') "
		"FROM u JOIN notifications n ON n.job_id = u.job_id ORDER BY u.seq");
	char err[256], sid[48];
	char *ok_ids = NULL, *bad_ids = NULL;
	size_t ok_len = 0, bad_len = 0;
	int n, sent = 0, result, nrefused = 0, ahead = 0;
	int refused[BATCH];
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
		const char *argv[21];
		int argc = 19;

		stream_id(res, i, sid, sizeof(sid));
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
		/* Variables that hold a secret travel sealed, like the recipient. */
		if (*PQgetvalue(res, i, 9)) {
			argv[argc++] = "vars_enc";
			argv[argc++] = PQgetvalue(res, i, 9);
		}
		redisAppendCommandArgv(*rc, argc, argv, NULL);
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
		if (r->type != REDIS_REPLY_ERROR) {
			idlist_add(&ok_ids, &ok_len, PQgetvalue(res, i, 0));
			sent++;
		} else if (strstr(r->str, "equal or smaller")) {
			refused[nrefused++] = i;
		} else {
			/* Refused for another reason: the entry is not there, so the
			 * row must not keep a seq below entries that follow it. */
			log_warn("relay: xadd refused", "outbox_id", PQgetvalue(res, i, 0), "error",
				 r->str, NULL);
			idlist_add(&bad_ids, &bad_len, PQgetvalue(res, i, 0));
		}
		freeReplyObject(r);
	}
	if (!redis_broke && nrefused) {
		ahead = check_refused(o, *rc, res, refused, nrefused, &ok_ids, &ok_len);
		redis_broke = ahead < 0;
	}
	/* Rows the stream is ahead of are not handled: they wait, and a full
	 * batch of them does not make the loop spin. */
	result = n - (ahead > 0 ? ahead : 0);
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
					log_warn("relay: redis is down; outbox rows wait", "error",
						 err, NULL);
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
			r = redisCommand(rc, "XGROUP CREATE %s %s 0 MKSTREAM",
					 o->reports.status_stream, STATUS_GROUP);
			if (r)
				freeReplyObject(r);
			r = NULL;
			pending = true;
		}
		if (clock_mono_us() >= next_claim) {
			/* Reports left pending by a directory instance that died. */
			next_claim = clock_mono_us() + 5000000;
			r = redisCommand(rc, "XAUTOCLAIM %s %s %s %d 0-0 COUNT 100",
					 o->reports.status_stream, STATUS_GROUP, me, CLAIM_IDLE_MS);
			if (r && r->type == REDIS_REPLY_ARRAY && r->elements >= 2)
				result = reports_apply(&o->reports, db, rc, r->element[1]);
			else if (!r)
				result = -2;
		} else {
			r = redisCommand(
				rc, "XREADGROUP GROUP %s %s COUNT 200 BLOCK 1000 STREAMS %s %s",
				STATUS_GROUP, me, o->reports.status_stream, pending ? "0" : ">");
			if (!r) {
				result = -2;
			} else if (r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
				   r->element[0]->elements == 2) {
				const redisReply *ents = r->element[0]->element[1];

				if (pending && ents->elements == 0)
					pending = false;
				result = reports_apply(&o->reports, db, rc, ents);
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
	o->reports.status_stream = xasprintf("%s:status", stream);
	o->reports.bad_stream = xasprintf("%s:status:bad", stream);
	o->reports.group = STATUS_GROUP;
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

unsigned long outbox_stream_ahead_total(struct outbox *o)
{
	return o ? atomic_load(&o->stream_ahead) : 0;
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
	free((char *)o->reports.status_stream);
	free((char *)o->reports.bad_stream);
	free(o);
	*op = NULL;
}
