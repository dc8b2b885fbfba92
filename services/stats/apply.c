/*
 * apply.c - one Lua script per batch; see apply.h.
 *
 * ARGV[1] source_id ("" for the directory's batches), ARGV[2] seq, then
 * operations, each a letter and its arguments:
 *   D day expire_at          the day is touched: SADD dirty, EXPIREAT of its hash
 *                            (last, once the hash exists)
 *   H day field n            HINCRBY tj:stats:<day> field n
 *   P day site visit exp     PFADD tj:stats:hll:<day>:<site>, EXPIREAT, SADD the
 *                            site to tj:stats:sites:<day> (for the roll-up)
 *   C day id field record    once per id: HINCRBY field 1, RPUSH the record
 * Returns 0 counted, 1 duplicate, 2 not seeded.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "xalloc.h"
#include "banned.h"

static const char script[] =
	"if redis.call('EXISTS', 'tj:stats:epoch') == 0 then return 2 end\n"
	"if ARGV[1] ~= '' then\n"
	"  local seq = tonumber(ARGV[2])\n"
	"  local k = 'tj:stats:seen:' .. ARGV[1] .. ':' .. math.floor(seq / 65536)\n"
	"  local old = redis.call('SETBIT', k, seq % 65536, 1)\n"
	"  redis.call('EXPIRE', k, 172800)\n"
	"  if old == 1 then return 1 end\n"
	"end\n"
	"local i = 3\n"
	"while i <= #ARGV do\n"
	"  local op = ARGV[i]\n"
	"  if op == 'D' then\n"
	"    redis.call('SADD', 'tj:stats:dirty', ARGV[i + 1])\n"
	"    redis.call('EXPIREAT', 'tj:stats:' .. ARGV[i + 1], ARGV[i + 2])\n"
	"    i = i + 3\n"
	"  elseif op == 'H' then\n"
	"    redis.call('HINCRBY', 'tj:stats:' .. ARGV[i + 1], ARGV[i + 2], ARGV[i + 3])\n"
	"    i = i + 4\n"
	"  elseif op == 'P' then\n"
	"    local k = 'tj:stats:hll:' .. ARGV[i + 1] .. ':' .. ARGV[i + 2]\n"
	"    local s = 'tj:stats:sites:' .. ARGV[i + 1]\n"
	"    redis.call('PFADD', k, ARGV[i + 3])\n"
	"    redis.call('EXPIREAT', k, ARGV[i + 4])\n"
	"    redis.call('SADD', s, ARGV[i + 2])\n"
	"    redis.call('EXPIREAT', s, ARGV[i + 4])\n"
	"    i = i + 5\n"
	"  elseif op == 'C' then\n"
	"    if redis.call('SET', 'tj:stats:cr:seen:' .. ARGV[i + 2], '1', 'NX', 'EX', 691200) then\n"
	"      redis.call('HINCRBY', 'tj:stats:' .. ARGV[i + 1], ARGV[i + 3], 1)\n"
	"      redis.call('RPUSH', 'tj:stats:cr:pending', ARGV[i + 4])\n"
	"    end\n"
	"    i = i + 5\n"
	"  else\n"
	"    return redis.error_reply('unknown operation ' .. tostring(op))\n"
	"  end\n"
	"end\n"
	"return 0\n";

/* The arguments of one EVALSHA, built from an ingest. */
struct args {
	const char **v;
	size_t *len;
	char **owned; /* numbers printed here */
	size_t n, cap, n_owned, cap_owned;
};

static void arg(struct args *a, const char *s)
{
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
		a->len = xrealloc(a->len, a->cap * sizeof(*a->len));
	}
	a->v[a->n] = s;
	a->len[a->n++] = strlen(s);
}

static void arg_num(struct args *a, int64_t n)
{
	if (a->n_owned == a->cap_owned) {
		a->cap_owned = a->cap_owned ? a->cap_owned * 2 : 32;
		a->owned = xrealloc(a->owned, a->cap_owned * sizeof(*a->owned));
	}
	a->owned[a->n_owned] = xasprintf("%" PRId64, n);
	arg(a, a->owned[a->n_owned++]);
}

static void args_release(struct args *a)
{
	for (size_t i = 0; i < a->n_owned; i++)
		free(a->owned[i]);
	free(a->owned);
	free(a->v);
	free(a->len);
}

static int64_t expire_of(const struct ingest *g, const char *day)
{
	for (size_t i = 0; i < g->n_days; i++)
		if (!strcmp(g->days[i].day, day))
			return g->days[i].expire_at_s;
	return 0; /* not reached: every day of g is among its days */
}

static void build(struct args *a, const char *verb, const char *sha, const struct ingest *g)
{
	arg(a, verb);
	arg(a, sha);
	arg(a, "0");
	arg(a, g->source_id);
	arg_num(a, (int64_t)g->seq);
	for (size_t i = 0; i < g->n_counters; i++) {
		arg(a, "H");
		arg(a, g->counters[i].day);
		arg(a, g->counters[i].field);
		arg_num(a, g->counters[i].n);
	}
	for (size_t i = 0; i < g->n_visits; i++) {
		arg(a, "P");
		arg(a, g->visits[i].day);
		arg(a, g->visits[i].site);
		arg(a, g->visits[i].visit);
		arg_num(a, expire_of(g, g->visits[i].day));
	}
	for (size_t i = 0; i < g->n_crs; i++) {
		arg(a, "C");
		arg(a, g->crs[i].day);
		arg(a, g->crs[i].id);
		arg(a, g->crs[i].field);
		arg(a, g->crs[i].record);
	}
	for (size_t i = 0; i < g->n_days; i++) {
		arg(a, "D");
		arg(a, g->days[i].day);
		arg_num(a, g->days[i].expire_at_s);
	}
}

static redisReply *run(redisContext *rc, const char *verb, const char *sha_or_script,
		       const struct ingest *g)
{
	struct args a = { 0 };
	redisReply *r;

	build(&a, verb, sha_or_script, g);
	r = redisCommandArgv(rc, (int)a.n, a.v, a.len);
	args_release(&a);
	return r;
}

enum apply_result apply_batch(struct apply *a, redisContext *rc, const struct ingest *g, char *err,
			      size_t errlen)
{
	redisReply *r = NULL;
	enum apply_result res = APPLY_FAILED;

	err[0] = '\0';
	if (!a->sha[0]) {
		r = redisCommand(rc, "SCRIPT LOAD %s", script);
		if (!r || r->type != REDIS_REPLY_STRING || r->len != 40) {
			snprintf(err, errlen, "cannot load the counting script: %s",
				 r && r->type == REDIS_REPLY_ERROR ? r->str :
				 rc->errstr[0]                     ? rc->errstr :
								     "no reply");
			goto out;
		}
		memcpy(a->sha, r->str, 40);
		a->sha[40] = '\0';
		freeReplyObject(r);
	}
	r = run(rc, "EVALSHA", a->sha, g);
	if (r && r->type == REDIS_REPLY_ERROR && !strncmp(r->str, "NOSCRIPT", 8)) {
		/* Redis restarted and forgot the script: EVAL loads it again. */
		freeReplyObject(r);
		r = run(rc, "EVAL", script, g);
	}
	if (!r) {
		snprintf(err, errlen, "%s", rc->errstr[0] ? rc->errstr : "no reply from redis");
		goto out;
	}
	if (r->type != REDIS_REPLY_INTEGER || r->integer < 0 || r->integer > 2) {
		snprintf(err, errlen, "counting script: %s",
			 r->type == REDIS_REPLY_ERROR ? r->str : "unexpected reply");
		goto out;
	}
	res = (enum apply_result)r->integer;
out:
	if (r)
		freeReplyObject(r);
	return res;
}
