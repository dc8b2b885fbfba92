/*
 * stream.c - see stream.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "num.h"
#include "redisx.h"
#include "sig.h"
#include "stream.h"
#include "xalloc.h"
#include "banned.h"

/* Moves due retries from the delayed ZSET to the retry stream, atomically:
 * an entry is either still delayed or on the stream, never both. */
static const char MOVER_LUA[] =
	"local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)\n"
	"for _, m in ipairs(due) do\n"
	"  redis.call('XADD', KEYS[2], '*', unpack(cjson.decode(m)))\n"
	"  redis.call('ZREM', KEYS[1], m)\n"
	"end\n"
	"return #due\n";

void stream_names_init(struct stream_names *n, const char *base)
{
	n->stream = xstrdup(base);
	n->retry_stream = xasprintf("%s:retry", base);
	n->status_stream = xasprintf("%s:status", base);
	n->dead_stream = xasprintf("%s:dead", base);
	n->delayed_key = xasprintf("%s:delayed", base);
	n->dup_key = xasprintf("%s:stats:possible_duplicates", base);
}

void stream_names_release(struct stream_names *n)
{
	free(n->stream);
	free(n->retry_stream);
	free(n->status_stream);
	free(n->dead_stream);
	free(n->delayed_key);
	free(n->dup_key);
	memset(n, 0, sizeof(*n));
}

void stream_arg(struct stream_args *a, const char *s)
{
	if (a->n < STREAM_MAX_ARGS)
		a->v[a->n++] = s;
}

void stream_conn_init(struct stream_conn *c, const struct stream_config *cfg, const char *consumer)
{
	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	snprintf(c->consumer, sizeof(c->consumer), "%s", consumer);
	c->pending = true;
}

void stream_drop(struct stream_conn *c)
{
	if (c->rc) {
		redisFree(c->rc);
		c->rc = NULL;
	}
}

void stream_conn_release(struct stream_conn *c)
{
	stream_drop(c);
}

int stream_ensure(struct stream_conn *c)
{
	const struct stream_names *n = c->cfg->names;
	const char *streams[2] = { n->stream, n->retry_stream };
	char err[256];

	if (c->rc)
		return 0;
	c->rc = redisx_connect(c->cfg->redis_addr, 3000, err, sizeof(err));
	if (!c->rc)
		return -1;
	for (int i = 0; i < 2; i++) {
		redisReply *r = redisCommand(c->rc, "XGROUP CREATE %s %s 0 MKSTREAM", streams[i],
					     STREAM_GROUP);

		if (!r) {
			stream_drop(c);
			return -1;
		}
		freeReplyObject(r); /* BUSYGROUP when it exists: fine */
	}
	c->pending = true;
	return 0;
}

long stream_claim_count(long claim_ms, long send_timeout_ms)
{
	long n = send_timeout_ms > 0 ? claim_ms / send_timeout_ms : STREAM_CLAIM_MAX;

	if (n < 1)
		return 1;
	return n > STREAM_CLAIM_MAX ? STREAM_CLAIM_MAX : n;
}

/* Appends the [id, fields] entries of 'stream' in 'ents' to b's jobs.
 * Returns -1 after a Redis failure. */
static int stream_collect(struct stream_conn *c, const char *stream, const redisReply *ents,
			  struct stream_batch *b)
{
	if (!ents || ents->type != REDIS_REPLY_ARRAY || ents->elements == 0)
		return 0;
	b->jobs = xrealloc(b->jobs, (b->n + ents->elements) * sizeof(*b->jobs));
	for (size_t i = 0; i < ents->elements; i++) {
		const redisReply *e = ents->element[i], *fv;
		const char *att;
		struct stream_job *j;
		long attempt = 0;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		fv = e->element[1];
		if (fv->type != REDIS_REPLY_ARRAY) {
			/* Deleted while pending: nothing to send. */
			redisReply *r = redisCommand(c->rc, "XACK %s %s %s", stream, STREAM_GROUP,
						     e->element[0]->str);

			if (!r) {
				stream_drop(c);
				return -1;
			}
			freeReplyObject(r);
			continue;
		}
		j = &b->jobs[b->n++];
		memset(j, 0, sizeof(*j));
		j->stream = stream;
		j->id = e->element[0]->str;
		j->job_id = redisx_field(fv, "job_id");
		j->channel = redisx_field(fv, "channel");
		j->template_ = redisx_field(fv, "template");
		j->lang = redisx_field(fv, "lang");
		j->recipient = redisx_field(fv, "recipient");
		j->vars = redisx_field(fv, "vars");
		j->vars_enc = redisx_field(fv, "vars_enc");
		j->outbox_id = redisx_field(fv, "outbox_id");
		att = redisx_field(fv, "attempt");
		if (att && num_parse_long(att, 0, 1000, &attempt) == 0)
			j->attempt = (int)attempt;
	}
	return 0;
}

void stream_batch_release(struct stream_batch *b)
{
	for (int i = 0; i < 2; i++)
		if (b->replies[i])
			freeReplyObject(b->replies[i]);
	free(b->jobs);
	memset(b, 0, sizeof(*b));
}

int stream_read(struct stream_conn *c, int block_ms, struct stream_batch *b)
{
	const struct stream_names *n = c->cfg->names;
	char count[24], block[24];
	redisReply *r;
	size_t total = 0;

	memset(b, 0, sizeof(*b));
	snprintf(count, sizeof(count), "%ld", c->cfg->batch);
	snprintf(block, sizeof(block), "%d", block_ms);
	/* Our own pending entries first (after a reconnect or a restart under
	 * the same name), then new ones. */
	r = redisCommand(c->rc, "XREADGROUP GROUP %s %s COUNT %s BLOCK %s STREAMS %s %s %s %s",
			 STREAM_GROUP, c->consumer, count, block, n->stream, n->retry_stream,
			 c->pending ? "0" : ">", c->pending ? "0" : ">");
	if (!r) {
		stream_drop(c);
		return -1;
	}
	b->replies[0] = r;
	if (r->type == REDIS_REPLY_NIL) {
		c->pending = false;
		return 0;
	}
	if (r->type == REDIS_REPLY_ERROR) {
		log_warn("xreadgroup failed", "error", r->str, NULL);
		stream_batch_release(b);
		stream_drop(c); /* e.g. NOGROUP after Redis lost its data: recreate */
		return -1;
	}
	if (r->type != REDIS_REPLY_ARRAY)
		return 0;
	for (size_t i = 0; i < r->elements; i++) {
		const redisReply *s = r->element[i];

		if (s->type != REDIS_REPLY_ARRAY || s->elements != 2 ||
		    s->element[0]->type != REDIS_REPLY_STRING)
			continue;
		total += s->element[1]->type == REDIS_REPLY_ARRAY ? s->element[1]->elements : 0;
		if (stream_collect(c,
				   !strcmp(s->element[0]->str, n->stream) ? n->stream :
									    n->retry_stream,
				   s->element[1], b)) {
			stream_batch_release(b);
			return -1;
		}
	}
	if (c->pending && total == 0)
		c->pending = false;
	return 0;
}

/* Moves due retries onto the retry stream.  Returns -1 after a Redis
 * failure. */
static int stream_move_due(struct stream_conn *c)
{
	const struct stream_names *n = c->cfg->names;
	char ms[24];
	redisReply *r;

	snprintf(ms, sizeof(ms), "%lld", (long long)clock_wall_ms());
	r = redisCommand(c->rc, "EVAL %s 2 %s %s %s", MOVER_LUA, n->delayed_key, n->retry_stream,
			 ms);
	if (!r) {
		stream_drop(c);
		return -1;
	}
	if (r->type == REDIS_REPLY_ERROR)
		log_warn("cannot move delayed jobs", "error", r->str, NULL);
	freeReplyObject(r);
	return 0;
}

int stream_chores(struct stream_conn *c, struct stream_batch *b)
{
	const struct stream_config *cfg = c->cfg;
	const char *streams[2] = { cfg->names->stream, cfg->names->retry_stream };
	int64_t now = clock_mono_us();
	long count = stream_claim_count(cfg->claim_ms, cfg->send_timeout_ms);

	memset(b, 0, sizeof(*b));
	if (now >= c->next_move_us) {
		c->next_move_us = now + 200000;
		if (stream_move_due(c))
			return -1;
	}
	if (now < c->next_claim_us)
		return 0;
	c->next_claim_us = now + (int64_t)(cfg->claim_ms < 4000 ? cfg->claim_ms / 2 : 2000) * 1000;
	for (int i = 0; i < 2; i++) {
		redisReply *r = redisCommand(c->rc, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT %ld",
					     streams[i], STREAM_GROUP, c->consumer, cfg->claim_ms,
					     count);

		if (!r) {
			stream_batch_release(b);
			stream_drop(c);
			return -1;
		}
		b->replies[i] = r;
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 2)
			continue;
		if (r->element[1]->type == REDIS_REPLY_ARRAY && r->element[1]->elements) {
			char cnt[24];

			snprintf(cnt, sizeof(cnt), "%zu", r->element[1]->elements);
			log_info("claimed jobs of a stalled consumer", "stream", streams[i],
				 "count", cnt, NULL);
		}
		/* A full count: there may be more, claimed right after these. */
		if (r->element[1]->type == REDIS_REPLY_ARRAY &&
		    (long)r->element[1]->elements >= count)
			c->next_claim_us = 0;
		if (stream_collect(c, streams[i], r->element[1], b)) {
			stream_batch_release(b);
			return -1;
		}
	}
	return 0;
}

int stream_still_ours(struct stream_conn *c, const char *stream, const char *id)
{
	redisReply *r = redisCommand(c->rc, "XPENDING %s %s %s %s 1", stream, STREAM_GROUP, id, id);
	int ours;

	if (!r) {
		stream_drop(c);
		return -1;
	}
	/* [[id, consumer, idle, deliveries]], or [] when it was acknowledged. */
	ours = r->type == REDIS_REPLY_ARRAY && r->elements == 1 &&
	       r->element[0]->type == REDIS_REPLY_ARRAY && r->element[0]->elements >= 2 &&
	       r->element[0]->element[1]->type == REDIS_REPLY_STRING &&
	       !strcmp(r->element[0]->element[1]->str, c->consumer);
	freeReplyObject(r);
	return ours;
}

/* One MULTI/EXEC of the commands.  Returns 0 when EXEC ran them, -1 when
 * Redis failed (connection dropped) or refused the transaction. */
static int stream_transact(struct stream_conn *c, struct stream_args *cmds, int ncmds)
{
	redisReply *r = NULL;
	int rc = 0;

	redisAppendCommand(c->rc, "MULTI");
	for (int i = 0; i < ncmds; i++)
		redisAppendCommandArgv(c->rc, cmds[i].n, cmds[i].v, NULL);
	redisAppendCommand(c->rc, "EXEC");
	for (int i = 0; i < ncmds + 2; i++) {
		if (redisGetReply(c->rc, (void **)&r) != REDIS_OK || !r) {
			stream_drop(c);
			return -1;
		}
		if (i == ncmds + 1 && r->type != REDIS_REPLY_ARRAY)
			rc = -1;
		freeReplyObject(r);
		r = NULL;
	}
	return rc;
}

int stream_transact_until_done(struct stream_conn *c, struct stream_args *cmds, int ncmds)
{
	bool warned = false;

	for (;;) {
		if (stream_ensure(c) == 0 && stream_transact(c, cmds, ncmds) == 0)
			return 0;
		if (sig_stopping())
			return -1;
		if (!warned)
			log_warn("cannot record an outcome; retrying until redis is back", NULL);
		warned = true;
		usleep(200000); /* pacing the retries, not waiting for an event */
	}
}
