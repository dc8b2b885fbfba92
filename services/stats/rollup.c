/*
 * rollup.c - Redis counters into the stats schema; see rollup.h.
 *
 * The days to roll are moved from tj:stats:dirty into tj:stats:rolling in
 * one script, so a batch that touches a day while the roll-up runs marks it
 * dirty again for the next one; tj:stats:rolling is deleted only after
 * COMMIT, and a failed roll-up leaves it for the next (which unions both).
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hday.h"
#include "log.h"
#include "pg.h"
#include "rollup.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define ROLLUP_MAX_RECORDS 20000 /* contact-request records moved per roll-up */

/* Takes the lock, or keeps it when this instance (also a restarted one of
 * the same name) holds it already. */
static const char lock_script[] =
	"local v = redis.call('GET', KEYS[1])\n"
	"if not v then return redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', 30000) and 1 or 0 end\n"
	"if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], 30000) return 1 end\n"
	"return 0\n";

static const char unlock_script[] =
	"if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end\n"
	"return 0\n";

static const char take_script[] =
	"redis.call('SUNIONSTORE', 'tj:stats:rolling', 'tj:stats:rolling', 'tj:stats:dirty')\n"
	"redis.call('DEL', 'tj:stats:dirty')\n"
	"return redis.call('SMEMBERS', 'tj:stats:rolling')\n";

static int redis_fail(redisContext *rc, redisReply *r, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s", what,
		 r && r->type == REDIS_REPLY_ERROR ? r->str :
		 rc->errstr[0]                     ? rc->errstr :
						     "unexpected reply");
	if (r)
		freeReplyObject(r);
	return -1;
}

/* Appends s to a PostgreSQL array literal being built in b. */
static void array_item(struct strbuf *b, const char *s, size_t n)
{
	strbuf_adds(b, b->len > 1 ? ",\"" : "\"");
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			strbuf_add(b, "\\", 1);
		strbuf_add(b, &s[i], 1);
	}
	strbuf_adds(b, "\"");
}

static int exec_params(PGconn *db, const char *sql, int n, const char *const *v, const int *lens,
		       const int *formats, char *err, size_t errlen)
{
	PGresult *res = PQexecParams(db, sql, n, NULL, v, lens, formats, 0);
	int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

	if (!ok)
		pg_error(db, res, err, errlen);
	PQclear(res);
	return ok ? 0 : -1;
}

/* The day's hash into stats.daily. */
static int roll_counters(PGconn *db, redisContext *rc, const char *day, char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO stats.daily (day, metric, d1, d2, d3, n)"
		" SELECT $1::date, split_part(f, '|', 1), split_part(f, '|', 2),"
		" split_part(f, '|', 3), split_part(f, '|', 4), n"
		" FROM unnest($2::text[], $3::bigint[]) AS u(f, n)"
		" WHERE split_part(f, '|', 1) ~ '^[a-z_]{1,32}$' AND n >= 0"
		" ON CONFLICT (day, metric, d1, d2, d3)"
		" DO UPDATE SET n = GREATEST(stats.daily.n, EXCLUDED.n)";
	struct strbuf fields = STRBUF_INIT, counts = STRBUF_INIT;
	redisReply *r = redisCommand(rc, "HGETALL tj:stats:%s", day);
	int ret = -1;

	if (!r || r->type != REDIS_REPLY_ARRAY)
		return redis_fail(rc, r, "cannot read a day's counters", err, errlen);
	strbuf_adds(&fields, "{");
	strbuf_adds(&counts, "{");
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *f = r->element[i], *n = r->element[i + 1];

		if (f->type != REDIS_REPLY_STRING || n->type != REDIS_REPLY_STRING)
			continue;
		array_item(&fields, f->str, f->len);
		array_item(&counts, n->str, n->len);
	}
	strbuf_adds(&fields, "}");
	strbuf_adds(&counts, "}");
	if (r->elements == 0) {
		ret = 0;
	} else {
		const char *v[] = { day, fields.p, counts.p };

		ret = exec_params(db, sql, 3, v, NULL, NULL, err, errlen);
	}
	freeReplyObject(r);
	strbuf_release(&fields);
	strbuf_release(&counts);
	return ret;
}

/* Every HyperLogLog of the day into stats.sessions (count and bytes). */
static int roll_sessions(PGconn *db, redisContext *rc, const char *day, char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO stats.sessions (day, site, n, hll) VALUES ($1, $2, $3, $4)"
		" ON CONFLICT (day, site) DO UPDATE SET n = GREATEST(stats.sessions.n, EXCLUDED.n),"
		" hll = CASE WHEN EXCLUDED.n >= stats.sessions.n THEN EXCLUDED.hll"
		" ELSE stats.sessions.hll END";
	redisReply *sites = redisCommand(rc, "SMEMBERS tj:stats:sites:%s", day);
	int ret = 0;

	if (!sites || sites->type != REDIS_REPLY_ARRAY)
		return redis_fail(rc, sites, "cannot read a day's sites", err, errlen);
	for (size_t i = 0; i < sites->elements && ret == 0; i++) {
		const redisReply *site = sites->element[i];
		redisReply *cnt, *bytes;
		char n[24];

		if (site->type != REDIS_REPLY_STRING || site->len > 40)
			continue;
		redisAppendCommand(rc, "PFCOUNT tj:stats:hll:%s:%s", day, site->str);
		redisAppendCommand(rc, "GET tj:stats:hll:%s:%s", day, site->str);
		if (redisGetReply(rc, (void **)&cnt) != REDIS_OK)
			return redis_fail(rc, NULL, "cannot count visits", err, errlen);
		if (redisGetReply(rc, (void **)&bytes) != REDIS_OK) {
			freeReplyObject(cnt);
			return redis_fail(rc, NULL, "cannot read visits", err, errlen);
		}
		if (cnt->type == REDIS_REPLY_INTEGER && bytes->type == REDIS_REPLY_STRING) {
			const char *v[] = { day, site->str, n, bytes->str };
			int lens[] = { 0, 0, 0, (int)bytes->len };
			int formats[] = { 0, 0, 0, 1 };

			snprintf(n, sizeof(n), "%lld", cnt->integer);
			ret = exec_params(db, sql, 4, v, lens, formats, err, errlen);
		}
		freeReplyObject(cnt);
		freeReplyObject(bytes);
	}
	freeReplyObject(sites);
	return ret;
}

/* The first n records of tj:stats:cr:pending into stats.cr_events. */
static int roll_records(PGconn *db, const redisReply *list, char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO stats.cr_events (id, kind, at, day, county, kinds, needs, user_site,"
		" organization, activity, days, reaction_minutes)"
		" SELECT (r->>'id')::uuid, r->>'kind', to_timestamp((r->>'at_ms')::bigint / 1000.0),"
		" (r->>'day')::date, coalesce(r->>'county', ''),"
		" ARRAY(SELECT jsonb_array_elements_text(r->'kinds')),"
		" ARRAY(SELECT jsonb_array_elements_text(r->'needs')),"
		" coalesce(r->>'user_site', ''), coalesce(r->>'organization', ''),"
		" coalesce(r->>'activity', ''), coalesce((r->>'days')::int, -1),"
		" coalesce((r->>'reaction_minutes')::int, -1)"
		" FROM jsonb_array_elements($1::jsonb) AS r ON CONFLICT (id) DO NOTHING";
	struct strbuf b = STRBUF_INIT;
	int ret;

	if (list->elements == 0)
		return 0;
	strbuf_adds(&b, "[");
	for (size_t i = 0; i < list->elements; i++) {
		if (list->element[i]->type != REDIS_REPLY_STRING)
			continue;
		if (b.len > 1)
			strbuf_adds(&b, ",");
		strbuf_add(&b, list->element[i]->str, list->element[i]->len);
	}
	strbuf_adds(&b, "]");
	{
		const char *v[] = { b.p };

		ret = exec_params(db, sql, 1, v, NULL, NULL, err, errlen);
	}
	strbuf_release(&b);
	return ret;
}

static void unlock(redisContext *rc, const char *instance)
{
	redisReply *r = redisCommand(rc, "EVAL %s 1 tj:stats:rollup:lock %s", unlock_script,
				     instance);

	if (r)
		freeReplyObject(r);
}

int rollup_now(PGconn *db, redisContext *rc, const char *instance, char *err, size_t errlen)
{
	redisReply *r = NULL, *days = NULL, *records = NULL;
	bool in_tx = false, locked = false;
	long long pending = 0;
	int ret = -1;

	err[0] = '\0';
	r = redisCommand(rc, "EVAL %s 1 tj:stats:rollup:lock %s", lock_script, instance);
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		redis_fail(rc, r, "cannot take the roll-up lock", err, errlen);
		goto out;
	}
	locked = r->integer == 1;
	freeReplyObject(r);
	r = NULL;
	if (!locked) {
		ret = 0; /* another instance is rolling the same data up now */
		goto out;
	}
	days = redisCommand(rc, "EVAL %s 0", take_script);
	if (!days || days->type != REDIS_REPLY_ARRAY) {
		redis_fail(rc, days, "cannot take the dirty days", err, errlen);
		days = NULL;
		goto out;
	}
	r = redisCommand(rc, "LLEN tj:stats:cr:pending");
	if (!r || r->type != REDIS_REPLY_INTEGER) {
		redis_fail(rc, r, "cannot count pending records", err, errlen);
		r = NULL;
		goto out;
	}
	pending = r->integer < ROLLUP_MAX_RECORDS ? r->integer : ROLLUP_MAX_RECORDS;
	freeReplyObject(r);
	r = NULL;
	if (days->elements == 0 && pending == 0) {
		ret = 0;
		goto out;
	}
	records = pending ? redisCommand(rc, "LRANGE tj:stats:cr:pending 0 %lld", pending - 1) :
			    NULL;
	if (pending && (!records || records->type != REDIS_REPLY_ARRAY)) {
		redis_fail(rc, records, "cannot read pending records", err, errlen);
		records = NULL;
		goto out;
	}
	if (pg_exec(db, "BEGIN", err, errlen))
		goto out;
	in_tx = true;
	for (size_t i = 0; i < days->elements; i++) {
		const redisReply *d = days->element[i];
		int64_t n;

		if (d->type != REDIS_REPLY_STRING || hday_parse(d->str, &n))
			continue; /* not a day we wrote: nothing to roll */
		if (roll_counters(db, rc, d->str, err, errlen) ||
		    roll_sessions(db, rc, d->str, err, errlen))
			goto out;
	}
	if (records && roll_records(db, records, err, errlen))
		goto out;
	if (pg_exec(db, "COMMIT", err, errlen))
		goto out;
	in_tx = false;
	/* Committed: what was written may now leave Redis. */
	redisAppendCommand(rc, "LTRIM tj:stats:cr:pending %lld -1", pending);
	redisAppendCommand(rc, "DEL tj:stats:rolling");
	for (int i = 0; i < 2; i++) {
		if (redisGetReply(rc, (void **)&r) != REDIS_OK || !r) {
			redis_fail(rc, NULL, "cannot clear what was rolled up", err, errlen);
			r = NULL;
			goto out;
		}
		freeReplyObject(r);
		r = NULL;
	}
	{
		char nd[24], nr[24];

		snprintf(nd, sizeof(nd), "%zu", days->elements);
		snprintf(nr, sizeof(nr), "%lld", pending);
		log_info("rolled up", "days", nd, "records", nr, NULL);
	}
	ret = 0;
out:
	if (in_tx) {
		char e2[128];

		pg_exec(db, "ROLLBACK", e2, sizeof(e2));
	}
	if (locked && !rc->err)
		unlock(rc, instance);
	if (days)
		freeReplyObject(days);
	if (records)
		freeReplyObject(records);
	return ret;
}
