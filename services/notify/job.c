/*
 * job.c - see job.h.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "backoff.h"
#include "clock.h"
#include "job.h"
#include "log.h"
#include "sig.h"
#include "uuid.h"
#include "banned.h"

#define SENT_TTL_S "2592000" /* 30 days */
#define SENDING_TTL_S "86400"
#define NO_JOB_ID "00000000-0000-0000-0000-000000000000"
/* How long a consumer that finds another's "sending" marker waits for that
 * one's record before it sends again: the other may be alive and only have
 * been cut off from Redis for longer than the claim time (its outcome is
 * kept and written, every 200 ms, as soon as Redis answers again). */
#define RECORD_GRACE_MS 3000
#define RECORD_POLL_MS 100

/* The commands every outcome ends with: the status report, XACK, XDEL and
 * the marker's removal, after the nfirst commands in 'first'.  'status' is
 * sent, failed or dead. */
static int job_finish(struct job_context *ctx, struct stream_conn *c, const struct stream_job *j,
		      struct stream_args *first, int nfirst, const char *status, int attempts,
		      const char *error, const char *provider_id)
{
	struct stream_args cmds[6];
	char att[16], now[24], sending[96];
	int n = 0;

	snprintf(att, sizeof(att), "%d", attempts);
	snprintf(now, sizeof(now), "%lld", (long long)clock_wall_ms());
	snprintf(sending, sizeof(sending), "tj:notify:sending:%s", j->job_id);
	for (int i = 0; i < nfirst; i++)
		cmds[n++] = first[i];
	memset(&cmds[n], 0, sizeof(cmds[n]));
	stream_arg(&cmds[n], "XADD");
	stream_arg(&cmds[n], ctx->names->status_stream);
	stream_arg(&cmds[n], "*");
	stream_arg(&cmds[n], "job_id");
	stream_arg(&cmds[n], j->job_id);
	stream_arg(&cmds[n], "status");
	stream_arg(&cmds[n], status);
	stream_arg(&cmds[n], "attempts");
	stream_arg(&cmds[n], att);
	stream_arg(&cmds[n], "error");
	stream_arg(&cmds[n], error ? error : "");
	stream_arg(&cmds[n], "provider_id");
	stream_arg(&cmds[n], provider_id ? provider_id : "");
	stream_arg(&cmds[n], "at_ms");
	stream_arg(&cmds[n++], now);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	stream_arg(&cmds[n], "XACK");
	stream_arg(&cmds[n], j->stream);
	stream_arg(&cmds[n], STREAM_GROUP);
	stream_arg(&cmds[n++], j->id);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	stream_arg(&cmds[n], "XDEL");
	stream_arg(&cmds[n], j->stream);
	stream_arg(&cmds[n++], j->id);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	stream_arg(&cmds[n], "DEL");
	stream_arg(&cmds[n++], sending);
	return stream_transact_until_done(c, cmds, n);
}

static int job_record_sent(struct job_context *ctx, struct stream_conn *c,
			   const struct stream_job *j, const char *provider_id)
{
	struct stream_args a = { 0 };
	char key[96];

	snprintf(key, sizeof(key), "tj:notify:sent:%s", j->job_id);
	stream_arg(&a, "SET");
	stream_arg(&a, key);
	stream_arg(&a, *provider_id ? provider_id : "1");
	stream_arg(&a, "EX");
	stream_arg(&a, SENT_TTL_S);
	atomic_fetch_add(&ctx->sent, 1);
	return job_finish(ctx, c, j, &a, 1, "sent", j->attempt + 1, NULL, provider_id);
}

/* A temporary failure with attempts left: back to the delayed ZSET, due
 * after the backoff. */
static int job_record_retry(struct job_context *ctx, struct stream_conn *c,
			    const struct stream_job *j, const char *error)
{
	struct stream_args a = { 0 };
	int attempts = j->attempt + 1, rc;
	int64_t delay = backoff_delay_ms(ctx->backoff_ms, ctx->backoff_cap_ms, j->attempt,
					 randombytes_random());
	char due[24], att[16], *member;
	json_t *m;

	snprintf(due, sizeof(due), "%lld", (long long)(clock_wall_ms() + delay));
	snprintf(att, sizeof(att), "%d", attempts);
	m = json_pack("[s,s, s,s, s,s, s,s, s,s, s,s, s,s, s,s]", "job_id", j->job_id, "channel",
		      j->channel, "template", j->template_, "lang", j->lang, "recipient",
		      j->recipient ? j->recipient : "", "vars", j->vars ? j->vars : "{}",
		      "outbox_id", j->outbox_id ? j->outbox_id : "", "attempt", att);
	if (j->vars_enc) {
		json_array_append_new(m, json_string("vars_enc"));
		json_array_append_new(m, json_string(j->vars_enc));
	}
	member = json_dumps(m, JSON_COMPACT);
	json_decref(m);
	stream_arg(&a, "ZADD");
	stream_arg(&a, ctx->names->delayed_key);
	stream_arg(&a, due);
	stream_arg(&a, member);
	atomic_fetch_add(&ctx->retried, 1);
	rc = job_finish(ctx, c, j, &a, 1, "failed", attempts, error, NULL);
	free(member);
	return rc;
}

/* A failure: retried later while attempts are left and it is not permanent,
 * else a dead letter. */
static int job_record_failure(struct job_context *ctx, struct stream_conn *c,
			      const struct stream_job *j, bool permanent, const char *error)
{
	struct stream_args a = { 0 };
	int attempts = j->attempt + 1;
	char att[16];

	if (!permanent && attempts < ctx->max_attempts)
		return job_record_retry(ctx, c, j, error);
	snprintf(att, sizeof(att), "%d", attempts);
	stream_arg(&a, "XADD");
	stream_arg(&a, ctx->names->dead_stream);
	stream_arg(&a, "*");
	stream_arg(&a, "job_id");
	stream_arg(&a, j->job_id);
	stream_arg(&a, "channel");
	stream_arg(&a, j->channel ? j->channel : "");
	stream_arg(&a, "template");
	stream_arg(&a, j->template_ ? j->template_ : "");
	stream_arg(&a, "lang");
	stream_arg(&a, j->lang ? j->lang : "");
	stream_arg(&a, "attempts");
	stream_arg(&a, att);
	stream_arg(&a, "error");
	stream_arg(&a, error);
	stream_arg(&a, "outbox_id");
	stream_arg(&a, j->outbox_id ? j->outbox_id : "");
	atomic_fetch_add(&ctx->dead, 1);
	log_warn("dead letter", "job_id", j->job_id, "attempts", att, "error", error, NULL);
	return job_finish(ctx, c, j, &a, 1, "dead", attempts, error, NULL);
}

/* Renders and hands over; fills *res.  Errors of our own (a template, the
 * seal) are permanent. */
static void job_send(struct job_context *ctx, CURL *curl, const struct stream_job *j,
		     struct deliver_result *res)
{
	struct render_input in = { .job_id = j->job_id,
				   .channel = j->channel,
				   .template_ = j->template_,
				   .lang = j->lang,
				   .recipient = j->recipient,
				   .vars = j->vars,
				   .vars_enc = j->vars_enc };
	struct render_output out;

	memset(res, 0, sizeof(*res));
	if (render_job(ctx->render, &in, &out, res->error, sizeof(res->error))) {
		res->outcome = DELIVER_PERMANENT;
		return;
	}
	if (out.text)
		deliver_sms(curl, ctx->deliver, out.to, out.text, j->job_id, res);
	else
		deliver_email(curl, ctx->deliver, out.to, out.mime, res);
	render_output_release(&out);
}

/* Waits up to RECORD_GRACE_MS for the sent record 'sent_key' to appear.
 * Returns 1 when it did, 0 when it did not (or the service stops), -1 after
 * a Redis failure. */
static int job_wait_recorded(struct stream_conn *c, const char *sent_key)
{
	int64_t until = clock_mono_us() + RECORD_GRACE_MS * 1000LL;

	while (!sig_stopping()) {
		redisReply *r = redisCommand(c->rc, "EXISTS %s", sent_key);
		bool found;

		if (!r)
			return -1;
		found = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
		freeReplyObject(r);
		if (found)
			return 1;
		if (clock_mono_us() >= until)
			break;
		poll(NULL, 0, RECORD_POLL_MS); /* a poll of Redis, bounded above */
	}
	return 0;
}

/* Whether the job was sent, and how often its sending was cut off (counted
 * when a consumer's marker was found).  Sets our marker.  Returns 0, or -1
 * after a Redis failure (connection dropped). */
static int job_check_marks(struct job_context *ctx, struct stream_conn *c,
			   const struct stream_job *j, bool *already, long long *interrupted)
{
	redisReply *r1 = NULL, *r2 = NULL, *x;
	char sent_key[96], sending_key[96], key[96];
	int rc = -1;

	*already = false;
	*interrupted = 0;
	snprintf(sent_key, sizeof(sent_key), "tj:notify:sent:%s", j->job_id);
	snprintf(sending_key, sizeof(sending_key), "tj:notify:sending:%s", j->job_id);
	redisAppendCommand(c->rc, "EXISTS %s", sent_key);
	redisAppendCommand(c->rc, "SET %s %s EX " SENDING_TTL_S " GET", sending_key, c->consumer);
	if (redisGetReply(c->rc, (void **)&r1) != REDIS_OK || !r1 ||
	    redisGetReply(c->rc, (void **)&r2) != REDIS_OK || !r2)
		goto out;
	*already = r1->type == REDIS_REPLY_INTEGER && r1->integer == 1;
	if (!*already && r2->type == REDIS_REPLY_STRING && strcmp(r2->str, c->consumer)) {
		/* Another consumer was sending it: dead, or alive and about to
		 * record what it sent once Redis answers it again. */
		int w = job_wait_recorded(c, sent_key);

		if (w < 0)
			goto out;
		*already = w == 1;
	}
	if (!*already && r2->type == REDIS_REPLY_STRING) {
		x = redisCommand(c->rc, "INCR %s", ctx->names->dup_key);
		if (x)
			freeReplyObject(x);
		atomic_fetch_add(&ctx->possible_dups, 1);
		log_warn("possible duplicate: a consumer died between sending and recording",
			 "job_id", j->job_id, "channel", j->channel, "previous_consumer", r2->str,
			 NULL);
		/* How often this job's sending was cut off so: a job that kills
		 * notify itself would otherwise be taken over for ever. */
		snprintf(key, sizeof(key), "tj:notify:interrupted:%s", j->job_id);
		redisAppendCommand(c->rc, "INCR %s", key);
		redisAppendCommand(c->rc, "EXPIRE %s " SENT_TTL_S, key);
		for (int i = 0; i < 2; i++) {
			if (redisGetReply(c->rc, (void **)&x) != REDIS_OK || !x)
				goto out;
			if (i == 0 && x->type == REDIS_REPLY_INTEGER)
				*interrupted = x->integer;
			freeReplyObject(x);
		}
	}
	rc = 0;
out:
	if (r1)
		freeReplyObject(r1);
	if (r2)
		freeReplyObject(r2);
	if (rc)
		stream_drop(c);
	return rc;
}

/* A job already sent: acknowledged, deleted, its marker removed. */
static int job_skip_sent(struct job_context *ctx, struct stream_conn *c, const struct stream_job *j)
{
	struct stream_args cmds[3];
	char sending_key[96];

	snprintf(sending_key, sizeof(sending_key), "tj:notify:sending:%s", j->job_id);
	memset(cmds, 0, sizeof(cmds));
	atomic_fetch_add(&ctx->skipped, 1);
	stream_arg(&cmds[0], "XACK");
	stream_arg(&cmds[0], j->stream);
	stream_arg(&cmds[0], STREAM_GROUP);
	stream_arg(&cmds[0], j->id);
	stream_arg(&cmds[1], "XDEL");
	stream_arg(&cmds[1], j->stream);
	stream_arg(&cmds[1], j->id);
	stream_arg(&cmds[2], "DEL");
	stream_arg(&cmds[2], sending_key);
	return stream_transact_until_done(c, cmds, 3);
}

int job_process(struct job_context *ctx, struct stream_conn *c, CURL *curl, bool waited,
		const struct stream_job *j)
{
	struct deliver_result res;
	long long interrupted;
	bool already;
	int ours;

	/* A job id goes into Redis keys and MIME headers: only a uuid may. */
	if (!uuid_valid(j->job_id) || !j->channel || !j->template_ || !j->lang ||
	    (strcmp(j->channel, "email") && strcmp(j->channel, "sms"))) {
		struct stream_job bad = *j;

		/* Not a job we can do anything with: dead-letter it at once. */
		bad.job_id = uuid_valid(j->job_id) ? j->job_id : NO_JOB_ID;
		return job_record_failure(ctx, c, &bad, true, "malformed job entry");
	}
	/* Taken over by another consumer while it waited its turn here (a
	 * claimed batch, a slow send before it): that one sends it. */
	ours = waited ? stream_still_ours(c, j->stream, j->id) : 1;
	if (ours < 0)
		return -1;
	if (!ours) {
		atomic_fetch_add(&ctx->not_ours, 1);
		log_info("job left to the consumer that took it over", "job_id", j->job_id, NULL);
		return 0;
	}
	if (job_check_marks(ctx, c, j, &already, &interrupted))
		return -1;
	if (interrupted >= ctx->max_interrupted) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "sending was cut off %lld times (the consumer stopped each time); "
			 "not sent again",
			 interrupted);
		return job_record_failure(ctx, c, j, true, msg);
	}
	if (already)
		return job_skip_sent(ctx, c, j);
	job_send(ctx, curl, j, &res);
	if (res.outcome == DELIVER_OK) {
		log_debug("sent", "job_id", j->job_id, "channel", j->channel, "provider_id",
			  res.provider_id, NULL);
		return job_record_sent(ctx, c, j, res.provider_id);
	}
	log_info("send failed", "job_id", j->job_id, "channel", j->channel, "error", res.error,
		 "permanent", res.outcome == DELIVER_PERMANENT ? "true" : "false", NULL);
	return job_record_failure(ctx, c, j, res.outcome == DELIVER_PERMANENT, res.error);
}
