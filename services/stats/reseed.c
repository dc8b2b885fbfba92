/*
 * reseed.c - PostgreSQL's counters back into an empty Redis; see reseed.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hday.h"
#include "ingest.h"
#include "log.h"
#include "pg.h"
#include "reseed.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define DAY_S (24LL * 3600)

static int redis_int(redisContext *rc, redisReply *r, long long *out, const char *what, char *err,
		     size_t errlen)
{
	int ret = -1;

	if (r && r->type == REDIS_REPLY_INTEGER) {
		*out = r->integer;
		ret = 0;
	} else if (r && r->type == REDIS_REPLY_NIL) {
		*out = 0;
		ret = 0;
	} else {
		snprintf(err, errlen, "%s: %s", what,
			 r && r->type == REDIS_REPLY_ERROR ? r->str :
			 rc->errstr[0]                     ? rc->errstr :
							     "unexpected reply");
	}
	if (r)
		freeReplyObject(r);
	return ret;
}

/* "metric|d1|d2|d3" without the empty dimensions at its end. */
static void field_of(const PGresult *res, int row, struct strbuf *f)
{
	int last = 1;

	f->len = 0;
	for (int c = 2; c <= 4; c++)
		if (*PQgetvalue(res, row, c))
			last = c;
	for (int c = 1; c <= last; c++) {
		if (c > 1)
			strbuf_adds(f, "|");
		strbuf_adds(f, PQgetvalue(res, row, c));
	}
}

static int64_t expire_at(const char *day)
{
	int64_t end_ms = 0;

	hday_end_ms(day, &end_ms);
	return end_ms / 1000 + INGEST_KEEP_DAYS * DAY_S;
}

/* Queues the day counters and HyperLogLogs as commands; returns how many. */
static int queue(PGconn *db, redisContext *rc, const char *since, char *err, size_t errlen)
{
	const char *params[] = { since };
	PGresult *daily = PQexecParams(db,
				       "SELECT to_char(day, 'YYYY-MM-DD'), metric, d1, d2, d3, n"
				       " FROM stats.daily WHERE day >= $1",
				       1, NULL, params, NULL, NULL, 0);
	PGresult *sess = NULL;
	struct strbuf f = STRBUF_INIT;
	int n = -1;

	if (PQresultStatus(daily) != PGRES_TUPLES_OK) {
		pg_error(db, daily, err, errlen);
		goto out;
	}
	sess = PQexecParams(db,
			    "SELECT to_char(day, 'YYYY-MM-DD'), site, hll FROM stats.sessions"
			    " WHERE day >= $1 AND hll IS NOT NULL",
			    1, NULL, params, NULL, NULL, 1);
	if (PQresultStatus(sess) != PGRES_TUPLES_OK) {
		pg_error(db, sess, err, errlen);
		goto out;
	}
	n = 0;
	for (int i = 0; i < PQntuples(daily); i++) {
		const char *day = PQgetvalue(daily, i, 0);

		field_of(daily, i, &f);
		redisAppendCommand(rc, "HSET tj:stats:%s %b %s", day, f.p, f.len,
				   PQgetvalue(daily, i, 5));
		redisAppendCommand(rc, "EXPIREAT tj:stats:%s %lld", day, (long long)expire_at(day));
		n += 2;
	}
	for (int i = 0; i < PQntuples(sess); i++) {
		/* Binary results: the day and site arrive as their text bytes. */
		char day[HDAY_SIZE], site[48];
		int dl = PQgetlength(sess, i, 0), sl = PQgetlength(sess, i, 1);

		if (dl >= (int)sizeof(day) || sl >= (int)sizeof(site))
			continue;
		memcpy(day, PQgetvalue(sess, i, 0), (size_t)dl);
		day[dl] = '\0';
		memcpy(site, PQgetvalue(sess, i, 1), (size_t)sl);
		site[sl] = '\0';
		redisAppendCommand(rc, "SET tj:stats:hll:%s:%s %b EXAT %lld", day, site,
				   PQgetvalue(sess, i, 2), (size_t)PQgetlength(sess, i, 2),
				   (long long)expire_at(day));
		redisAppendCommand(rc, "SADD tj:stats:sites:%s %s", day, site);
		redisAppendCommand(rc, "EXPIREAT tj:stats:sites:%s %lld", day,
				   (long long)expire_at(day));
		n += 3;
	}
out:
	PQclear(daily);
	PQclear(sess);
	strbuf_release(&f);
	return n;
}

int reseed_if_lost(PGconn *db, redisContext *rc, int64_t now_ms, char *err, size_t errlen)
{
	char today[HDAY_SIZE], since[HDAY_SIZE];
	long long have = 0, got = 0;
	int n, ret = -1;
	redisReply *r;

	err[0] = '\0';
	if (redis_int(rc, redisCommand(rc, "EXISTS tj:stats:epoch"), &have, "cannot read the epoch",
		      err, errlen))
		return -1;
	if (have)
		return 0;
	r = redisCommand(rc, "SET tj:stats:seed:lock 1 NX PX 30000");
	if (!r || (r->type != REDIS_REPLY_STATUS && r->type != REDIS_REPLY_NIL)) {
		redis_int(rc, r, &got, "cannot take the seed lock", err, errlen);
		return -1;
	}
	got = r->type == REDIS_REPLY_STATUS;
	freeReplyObject(r);
	if (!got)
		return 0;
	if (hday_of(now_ms, today, sizeof(today)) ||
	    hday_add(today, -RESEED_DAYS, since, sizeof(since))) {
		snprintf(err, errlen, "cannot name the days to seed");
		goto out;
	}
	redisAppendCommand(rc, "MULTI");
	n = queue(db, rc, since, err, errlen);
	if (n < 0) {
		redisAppendCommand(rc, "DISCARD");
		n = 0;
	} else {
		redisAppendCommand(rc, "SET tj:stats:epoch %lld", (long long)(now_ms / 1000));
		redisAppendCommand(rc, "EXEC");
		n += 2;
	}
	/* MULTI, the queued commands, then DISCARD or EXEC: read every reply. */
	{
		bool failed = err[0] != '\0';

		for (int i = 0; i < n + 1 + (failed ? 1 : 0); i++) {
			if (redisGetReply(rc, (void **)&r) != REDIS_OK || !r) {
				snprintf(err, errlen, "cannot seed redis: %s",
					 rc->errstr[0] ? rc->errstr : "no reply");
				goto out;
			}
			if (r->type == REDIS_REPLY_ERROR && !failed) {
				snprintf(err, errlen, "cannot seed redis: %s", r->str);
				failed = true;
			}
			freeReplyObject(r);
		}
		if (failed)
			goto out;
	}
	log_info("redis had lost its counters: seeded from postgresql", "since", since, NULL);
	ret = 1;
out:
	r = redisCommand(rc, "DEL tj:stats:seed:lock");
	if (r)
		freeReplyObject(r);
	return ret;
}
