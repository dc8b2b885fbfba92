/*
 * tarjotin-notify - sends what the directory's outbox puts on the Redis
 * Stream: e-mail over SMTP and SMS over an HTTP SMS provider.
 *
 * Any number of instances, each with TARJOTIN_NOTIFY_WORKERS threads; every
 * thread is one consumer ("<instance>/<n>") of the group "notify" on two
 * streams: tj:notify (fed only by the relay, with explicit IDs) and
 * tj:notify:retry (failed jobs whose backoff ran out, moved there from the
 * ZSET tj:notify:delayed by a Lua script).  A job:
 *
 *   1. tj:notify:sent:<job> exists -> it was sent: XACK, done.
 *   2. SET tj:notify:sending:<job> ... GET: an old value means a consumer
 *      died between handing the message over and recording it, so this
 *      send may be a duplicate: counted (tj:notify:stats:possible_duplicates)
 *      and logged.  SMS carry the job id as userref, for providers that
 *      drop a repeat.
 *   3. render the template, open the sealed recipient, send.
 *   4. in one MULTI/EXEC: the sent record (or the delayed retry, or the
 *      dead letter on tj:notify:dead), the status report on
 *      tj:notify:status, XACK, XDEL and DEL of the marker.  If Redis is
 *      away at that moment the thread keeps the outcome and tries again
 *      until Redis is back, so only a process death leaves the window.
 *
 * Entries pending longer than TARJOTIN_NOTIFY_CLAIM_MS (their consumer
 * died) are taken over with XAUTOCLAIM.  Recipients are never logged.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <hiredis/hiredis.h>
#include <jansson.h>
#include <sodium.h>

#include "backoff.h"
#include "clock.h"
#include "config.h"
#include "deliver.h"
#include "email.h"
#include "log.h"
#include "mime.h"
#include "redisx.h"
#include "seal.h"
#include "sig.h"
#include "smstext.h"
#include "template.h"
#include "xalloc.h"
#include "banned.h"

#define GROUP "notify"
#define SENT_TTL_S "2592000"   /* 30 days */
#define SENDING_TTL_S "86400"
#define MAX_ARGS 40

/* Moves due retries from the delayed ZSET to the retry stream, atomically:
 * an entry is either still delayed or on the stream, never both. */
static const char MOVER_LUA[] =
	"local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, 100)\n"
	"for _, m in ipairs(due) do\n"
	"  redis.call('XADD', KEYS[2], '*', unpack(cjson.decode(m)))\n"
	"  redis.call('ZREM', KEYS[1], m)\n"
	"end\n"
	"return #due\n";

struct notify {
	const char *instance, *redis_addr, *templates_dir;
	char *stream, *retry_stream, *status_stream, *dead_stream, *delayed_key, *dup_key;
	struct seal_key key;
	struct deliver_config dc;
	long claim_ms, backoff_ms, backoff_cap_ms, max_attempts, batch;
	long max_interrupted;
	atomic_ulong sent, retried, dead, skipped, possible_dups;
};

struct worker {
	struct notify *n;
	int index;
	char consumer[160];
	redisContext *rc;
	CURL *curl;
	pthread_t thread;
	bool pending; /* read our own pending entries first */
	int64_t next_claim_us, next_move_us;
};

struct job {
	const char *stream, *id;
	const char *job_id, *channel, *template_, *lang, *recipient, *vars, *outbox_id;
	int attempt;
};

/* --- Redis helpers ------------------------------------------------------- */

struct args {
	const char *v[MAX_ARGS];
	int n;
};

static void arg(struct args *a, const char *s)
{
	if (a->n < MAX_ARGS)
		a->v[a->n++] = s;
}

static void drop(struct worker *w)
{
	if (w->rc) {
		redisFree(w->rc);
		w->rc = NULL;
	}
}

static int ensure_redis(struct worker *w)
{
	char err[256];
	const char *streams[2] = { w->n->stream, w->n->retry_stream };

	if (w->rc)
		return 0;
	w->rc = redisx_connect(w->n->redis_addr, 3000, err, sizeof(err));
	if (!w->rc)
		return -1;
	/* From 0: jobs relayed before any notify ran are not skipped. */
	for (int i = 0; i < 2; i++) {
		redisReply *r = redisCommand(w->rc, "XGROUP CREATE %s %s 0 MKSTREAM", streams[i],
					     GROUP);
		if (!r) {
			drop(w);
			return -1;
		}
		freeReplyObject(r);
	}
	w->pending = true;
	return 0;
}

/* Runs a pipeline of commands (each an args) wrapped in MULTI/EXEC.
 * Returns 0 when EXEC ran them, -1 when Redis failed (connection dropped). */
static int transact(struct worker *w, struct args *cmds, int ncmds)
{
	redisReply *r = NULL;
	int rc = 0;

	redisAppendCommand(w->rc, "MULTI");
	for (int i = 0; i < ncmds; i++)
		redisAppendCommandArgv(w->rc, cmds[i].n, cmds[i].v, NULL);
	redisAppendCommand(w->rc, "EXEC");
	for (int i = 0; i < ncmds + 2; i++) {
		if (redisGetReply(w->rc, (void **)&r) != REDIS_OK || !r) {
			drop(w);
			return -1;
		}
		if (i == ncmds + 1 && r->type != REDIS_REPLY_ARRAY)
			rc = -1;
		freeReplyObject(r);
		r = NULL;
	}
	return rc;
}

/* Keeps trying a transaction until Redis takes it or we are stopping. */
static int transact_until_done(struct worker *w, struct args *cmds, int ncmds)
{
	bool warned = false;

	for (;;) {
		if (ensure_redis(w) == 0 && transact(w, cmds, ncmds) == 0)
			return 0;
		if (sig_stopping())
			return -1;
		if (!warned)
			log_warn("cannot record an outcome; retrying until redis is back", NULL);
		warned = true;
		usleep(200000);
	}
}

static const char *field(const redisReply *fv, const char *name)
{
	if (!fv || fv->type != REDIS_REPLY_ARRAY)
		return NULL;
	for (size_t i = 0; i + 1 < fv->elements; i += 2)
		if (fv->element[i]->type == REDIS_REPLY_STRING &&
		    fv->element[i + 1]->type == REDIS_REPLY_STRING &&
		    !strcmp(fv->element[i]->str, name))
			return fv->element[i + 1]->str;
	return NULL;
}

/* A job id goes into Redis keys and MIME headers: only a uuid may. */
static bool job_id_ok(const char *s)
{
	return s && strlen(s) == 36 && strspn(s, "0123456789abcdef-") == 36;
}

/* --- outcomes ------------------------------------------------------------ */

/* The commands every outcome ends with: the status report, XACK, XDEL and
 * the marker's removal.  'status' is sent, failed or dead. */
static int finish(struct worker *w, const struct job *j, struct args *first, int nfirst,
		  const char *status, int attempts, const char *error, const char *provider_id)
{
	struct args cmds[6];
	char att[16], now[24], sending[96];
	int n = 0;

	snprintf(att, sizeof(att), "%d", attempts);
	snprintf(now, sizeof(now), "%lld", (long long)clock_wall_ms());
	snprintf(sending, sizeof(sending), "tj:notify:sending:%s", j->job_id);
	for (int i = 0; i < nfirst; i++)
		cmds[n++] = first[i];
	memset(&cmds[n], 0, sizeof(cmds[n]));
	arg(&cmds[n], "XADD");
	arg(&cmds[n], w->n->status_stream);
	arg(&cmds[n], "*");
	arg(&cmds[n], "job_id");
	arg(&cmds[n], j->job_id);
	arg(&cmds[n], "status");
	arg(&cmds[n], status);
	arg(&cmds[n], "attempts");
	arg(&cmds[n], att);
	arg(&cmds[n], "error");
	arg(&cmds[n], error ? error : "");
	arg(&cmds[n], "provider_id");
	arg(&cmds[n], provider_id ? provider_id : "");
	arg(&cmds[n], "at_ms");
	arg(&cmds[n++], now);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	arg(&cmds[n], "XACK");
	arg(&cmds[n], j->stream);
	arg(&cmds[n], GROUP);
	arg(&cmds[n++], j->id);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	arg(&cmds[n], "XDEL");
	arg(&cmds[n], j->stream);
	arg(&cmds[n++], j->id);
	memset(&cmds[n], 0, sizeof(cmds[n]));
	arg(&cmds[n], "DEL");
	arg(&cmds[n++], sending);
	return transact_until_done(w, cmds, n);
}

static int record_sent(struct worker *w, const struct job *j, const char *provider_id)
{
	struct args a = { 0 };
	char key[96];

	snprintf(key, sizeof(key), "tj:notify:sent:%s", j->job_id);
	arg(&a, "SET");
	arg(&a, key);
	arg(&a, *provider_id ? provider_id : "1");
	arg(&a, "EX");
	arg(&a, SENT_TTL_S);
	atomic_fetch_add(&w->n->sent, 1);
	return finish(w, j, &a, 1, "sent", j->attempt + 1, NULL, provider_id);
}

static int record_failure(struct worker *w, const struct job *j, bool permanent,
			  const char *error)
{
	struct notify *n = w->n;
	struct args a = { 0 };
	int attempts = j->attempt + 1;
	int rc;

	if (!permanent && attempts < n->max_attempts) {
		int64_t delay = backoff_delay_ms(n->backoff_ms, n->backoff_cap_ms, j->attempt,
						 randombytes_random());
		char due[24], att[16], *member;
		json_t *m;

		snprintf(due, sizeof(due), "%lld", (long long)(clock_wall_ms() + delay));
		snprintf(att, sizeof(att), "%d", attempts);
		m = json_pack("[s,s, s,s, s,s, s,s, s,s, s,s, s,s, s,s]", "job_id", j->job_id,
			      "channel", j->channel, "template", j->template_, "lang", j->lang,
			      "recipient", j->recipient ? j->recipient : "", "vars",
			      j->vars ? j->vars : "{}", "outbox_id",
			      j->outbox_id ? j->outbox_id : "", "attempt", att);
		member = json_dumps(m, JSON_COMPACT);
		json_decref(m);
		arg(&a, "ZADD");
		arg(&a, n->delayed_key);
		arg(&a, due);
		arg(&a, member);
		atomic_fetch_add(&n->retried, 1);
		rc = finish(w, j, &a, 1, "failed", attempts, error, NULL);
		free(member);
		return rc;
	}
	{
		char att[16];

		snprintf(att, sizeof(att), "%d", attempts);
		arg(&a, "XADD");
		arg(&a, n->dead_stream);
		arg(&a, "*");
		arg(&a, "job_id");
		arg(&a, j->job_id);
		arg(&a, "channel");
		arg(&a, j->channel ? j->channel : "");
		arg(&a, "template");
		arg(&a, j->template_ ? j->template_ : "");
		arg(&a, "lang");
		arg(&a, j->lang ? j->lang : "");
		arg(&a, "attempts");
		arg(&a, att);
		arg(&a, "error");
		arg(&a, error);
		arg(&a, "outbox_id");
		arg(&a, j->outbox_id ? j->outbox_id : "");
		atomic_fetch_add(&n->dead, 1);
		log_warn("dead letter", "job_id", j->job_id, "attempts", att, "error", error, NULL);
		return finish(w, j, &a, 1, "dead", attempts, error, NULL);
	}
}

/* --- rendering and sending ----------------------------------------------- */

/* Renders and sends; fills *res.  Errors of our own (a template, the
 * seal) are permanent. */
static void render_and_send(struct worker *w, const struct job *j, struct deliver_result *res)
{
	struct notify *n = w->n;
	struct template_var *tv = NULL;
	json_t *vars = NULL;
	const char *k;
	json_t *v;
	size_t nv = 0, blob_len = 0;
	uint8_t *blob = NULL;
	char *to = NULL, *subject = NULL, *text = NULL, *html = NULL, *msg = NULL, err[256];

	memset(res, 0, sizeof(*res));
	res->outcome = DELIVER_PERMANENT;
	vars = json_loads(j->vars ? j->vars : "{}", JSON_REJECT_DUPLICATES, NULL);
	if (!json_is_object(vars)) {
		snprintf(res->error, sizeof(res->error), "vars are not a JSON object");
		goto out;
	}
	tv = xcalloc(json_object_size(vars) + 1, sizeof(*tv));
	json_object_foreach(vars, k, v) {
		if (json_is_string(v)) {
			tv[nv].key = k;
			tv[nv++].value = json_string_value(v);
		}
	}
	blob = j->recipient ? seal_unb64(j->recipient, SEAL_MAX_PLAIN + SEAL_OVERHEAD, &blob_len) :
			      NULL;
	to = blob ? seal_open(&n->key, blob, blob_len) : NULL;
	if (!to) {
		snprintf(res->error, sizeof(res->error),
			 "the recipient cannot be opened (wrong TARJOTIN_DATA_KEY?)");
		goto out;
	}
	if (!strcmp(j->channel, "sms")) {
		text = template_render(n->templates_dir, j->template_, j->lang, TEMPLATE_SMS, tv, nv,
				       err, sizeof(err));
		if (!text || smstext_check(text, err, sizeof(err))) {
			snprintf(res->error, sizeof(res->error), "template: %s", err);
			goto out;
		}
		deliver_sms(w->curl, &n->dc, to, text, j->job_id, res);
	} else {
		struct mime_message m = { 0 };

		subject = template_render(n->templates_dir, j->template_, j->lang,
					  TEMPLATE_SUBJECT, tv, nv, err, sizeof(err));
		text = subject ? template_render(n->templates_dir, j->template_, j->lang,
						 TEMPLATE_TEXT, tv, nv, err, sizeof(err)) :
				 NULL;
		if (!text) {
			snprintf(res->error, sizeof(res->error), "template: %s", err);
			goto out;
		}
		/* HTML is optional: a template without it sends text only. */
		html = template_render(n->templates_dir, j->template_, j->lang, TEMPLATE_HTML, tv,
				       nv, err, sizeof(err));
		m.from = n->dc.mail_from;
		m.from_name = n->dc.mail_from_name;
		m.to = to;
		m.subject = subject;
		m.text = text;
		m.html = html;
		m.job_id = j->job_id;
		m.domain = n->dc.mail_domain;
		msg = mime_build(&m, err, sizeof(err));
		if (!msg) {
			snprintf(res->error, sizeof(res->error), "message: %s", err);
			goto out;
		}
		deliver_email(w->curl, &n->dc, to, msg, res);
	}
out:
	seal_wipe_free(to);
	free(blob);
	free(subject);
	free(text);
	free(html);
	free(msg);
	free(tv);
	json_decref(vars);
}

/* One job.  Returns 0 when it was dealt with, -1 when Redis failed before
 * anything was sent (the entry stays pending and is read again). */
static int process(struct worker *w, const struct job *j)
{
	struct notify *n = w->n;
	struct deliver_result res;
	redisReply *r1 = NULL, *r2 = NULL;
	char sent_key[96], sending_key[96];
	long long interrupted = 0;
	bool already;

	if (!job_id_ok(j->job_id) || !j->channel || !j->template_ || !j->lang ||
	    (strcmp(j->channel, "email") && strcmp(j->channel, "sms"))) {
		struct job bad = *j;

		/* Not a job we can do anything with: dead-letter it at once. */
		bad.job_id = job_id_ok(j->job_id) ? j->job_id : "00000000-0000-0000-0000-000000000000";
		return record_failure(w, &bad, true, "malformed job entry");
	}
	snprintf(sent_key, sizeof(sent_key), "tj:notify:sent:%s", j->job_id);
	snprintf(sending_key, sizeof(sending_key), "tj:notify:sending:%s", j->job_id);
	redisAppendCommand(w->rc, "EXISTS %s", sent_key);
	redisAppendCommand(w->rc, "SET %s %s EX " SENDING_TTL_S " GET", sending_key, w->consumer);
	if (redisGetReply(w->rc, (void **)&r1) != REDIS_OK ||
	    redisGetReply(w->rc, (void **)&r2) != REDIS_OK || !r1 || !r2) {
		if (r1)
			freeReplyObject(r1);
		drop(w);
		return -1;
	}
	already = r1->type == REDIS_REPLY_INTEGER && r1->integer == 1;
	if (!already && r2->type == REDIS_REPLY_STRING) {
		redisReply *c = redisCommand(w->rc, "INCR %s", n->dup_key);
		char key[96];

		if (c)
			freeReplyObject(c);
		atomic_fetch_add(&n->possible_dups, 1);
		log_warn("possible duplicate: a consumer died between sending and recording",
			 "job_id", j->job_id, "channel", j->channel, "previous_consumer", r2->str,
			 NULL);
		/* How often this job's sending was cut off so: a job that
		 * kills notify itself would otherwise be taken over for ever. */
		snprintf(key, sizeof(key), "tj:notify:interrupted:%s", j->job_id);
		redisAppendCommand(w->rc, "INCR %s", key);
		redisAppendCommand(w->rc, "EXPIRE %s " SENT_TTL_S, key);
		for (int i = 0; i < 2; i++) {
			if (redisGetReply(w->rc, (void **)&c) != REDIS_OK || !c) {
				freeReplyObject(r1);
				freeReplyObject(r2);
				drop(w);
				return -1;
			}
			if (i == 0 && c->type == REDIS_REPLY_INTEGER)
				interrupted = c->integer;
			freeReplyObject(c);
		}
	}
	freeReplyObject(r1);
	freeReplyObject(r2);
	if (interrupted >= n->max_interrupted) {
		char msg[160];

		snprintf(msg, sizeof(msg),
			 "sending was cut off %lld times (the consumer stopped each time); "
			 "not sent again", interrupted);
		return record_failure(w, j, true, msg);
	}
	if (already) {
		struct args cmds[3];

		memset(cmds, 0, sizeof(cmds));
		atomic_fetch_add(&n->skipped, 1);
		arg(&cmds[0], "XACK");
		arg(&cmds[0], j->stream);
		arg(&cmds[0], GROUP);
		arg(&cmds[0], j->id);
		arg(&cmds[1], "XDEL");
		arg(&cmds[1], j->stream);
		arg(&cmds[1], j->id);
		arg(&cmds[2], "DEL");
		arg(&cmds[2], sending_key);
		return transact_until_done(w, cmds, 3);
	}
	render_and_send(w, j, &res);
	if (res.outcome == DELIVER_OK) {
		log_debug("sent", "job_id", j->job_id, "channel", j->channel, "provider_id",
			  res.provider_id, NULL);
		return record_sent(w, j, res.provider_id);
	}
	log_info("send failed", "job_id", j->job_id, "channel", j->channel, "error", res.error,
		 "permanent", res.outcome == DELIVER_PERMANENT ? "true" : "false", NULL);
	return record_failure(w, j, res.outcome == DELIVER_PERMANENT, res.error);
}

/* Processes [id, fields] entries of 'stream'.  Returns -1 after a Redis
 * failure. */
static int process_entries(struct worker *w, const char *stream, const redisReply *ents)
{
	if (!ents || ents->type != REDIS_REPLY_ARRAY)
		return 0;
	for (size_t i = 0; i < ents->elements && !sig_stopping(); i++) {
		const redisReply *e = ents->element[i];
		const char *att;
		struct job j = { 0 };

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 2 ||
		    e->element[0]->type != REDIS_REPLY_STRING)
			continue;
		j.stream = stream;
		j.id = e->element[0]->str;
		if (e->element[1]->type != REDIS_REPLY_ARRAY) {
			/* Deleted while pending: nothing to send. */
			redisReply *r = redisCommand(w->rc, "XACK %s %s %s", stream, GROUP, j.id);

			if (!r) {
				drop(w);
				return -1;
			}
			freeReplyObject(r);
			continue;
		}
		j.job_id = field(e->element[1], "job_id");
		j.channel = field(e->element[1], "channel");
		j.template_ = field(e->element[1], "template");
		j.lang = field(e->element[1], "lang");
		j.recipient = field(e->element[1], "recipient");
		j.vars = field(e->element[1], "vars");
		j.outbox_id = field(e->element[1], "outbox_id");
		att = field(e->element[1], "attempt");
		j.attempt = att ? atoi(att) : 0;
		if (j.attempt < 0 || j.attempt > 1000)
			j.attempt = 0;
		if (process(w, &j))
			return -1;
	}
	return 0;
}

/* Thread 0's chores: due retries back onto the retry stream, and entries
 * of dead consumers taken over. */
static int chores(struct worker *w)
{
	struct notify *n = w->n;
	int64_t now = clock_mono_us();
	const char *streams[2] = { n->stream, n->retry_stream };
	redisReply *r;
	char ms[24];

	if (now >= w->next_move_us) {
		w->next_move_us = now + 200000;
		snprintf(ms, sizeof(ms), "%lld", (long long)clock_wall_ms());
		r = redisCommand(w->rc, "EVAL %s 2 %s %s %s", MOVER_LUA, n->delayed_key,
				 n->retry_stream, ms);
		if (!r) {
			drop(w);
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR)
			log_warn("cannot move delayed jobs", "error", r->str, NULL);
		freeReplyObject(r);
	}
	if (now < w->next_claim_us)
		return 0;
	w->next_claim_us = now + (int64_t)(n->claim_ms < 4000 ? n->claim_ms / 2 : 2000) * 1000;
	for (int i = 0; i < 2; i++) {
		int rc;

		r = redisCommand(w->rc, "XAUTOCLAIM %s %s %s %ld 0-0 COUNT 50", streams[i], GROUP,
				 w->consumer, n->claim_ms);
		if (!r) {
			drop(w);
			return -1;
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements >= 2 &&
		    r->element[1]->type == REDIS_REPLY_ARRAY && r->element[1]->elements) {
			char cnt[24];

			snprintf(cnt, sizeof(cnt), "%zu", r->element[1]->elements);
			log_info("claimed jobs of a stalled consumer", "stream", streams[i], "count",
				 cnt, NULL);
		}
		rc = r->type == REDIS_REPLY_ARRAY && r->elements >= 2 ?
			     process_entries(w, streams[i], r->element[1]) :
			     0;
		freeReplyObject(r);
		if (rc)
			return -1;
	}
	return 0;
}

static void *worker_main(void *arg_)
{
	struct worker *w = arg_;
	struct notify *n = w->n;
	bool was_ok = true;

	while (!sig_stopping()) {
		redisReply *r;
		int rc = 0;
		char count[16];

		if (ensure_redis(w)) {
			if (was_ok && w->index == 0)
				log_warn("redis is down", NULL);
			was_ok = false;
			struct pollfd p = { .fd = sig_fd(), .events = POLLIN };
			poll(&p, 1, 500);
			continue;
		}
		if (!was_ok && w->index == 0)
			log_info("redis is back", NULL);
		was_ok = true;
		if (w->index == 0 && chores(w))
			continue;
		snprintf(count, sizeof(count), "%ld", n->batch);
		/* Our own pending entries first (after a reconnect or a restart
		 * under the same name), then new ones. */
		r = redisCommand(w->rc, "XREADGROUP GROUP %s %s COUNT %s BLOCK %s STREAMS %s %s %s %s",
				 GROUP, w->consumer, count, w->index == 0 ? "200" : "1000", n->stream,
				 n->retry_stream, w->pending ? "0" : ">", w->pending ? "0" : ">");
		if (!r) {
			drop(w);
			continue;
		}
		if (r->type == REDIS_REPLY_ARRAY) {
			size_t total = 0;

			for (size_t i = 0; i < r->elements && rc == 0; i++) {
				const redisReply *s = r->element[i];

				if (s->type != REDIS_REPLY_ARRAY || s->elements != 2)
					continue;
				total += s->element[1]->elements;
				rc = process_entries(w, !strcmp(s->element[0]->str, n->stream) ?
								n->stream :
								n->retry_stream,
						     s->element[1]);
			}
			if (w->pending && total == 0 && rc == 0)
				w->pending = false;
		} else if (r->type == REDIS_REPLY_NIL) {
			w->pending = false;
		} else if (r->type == REDIS_REPLY_ERROR) {
			log_warn("xreadgroup failed", "error", r->str, NULL);
			freeReplyObject(r);
			drop(w); /* e.g. NOGROUP after Redis lost its data: recreate */
			continue;
		}
		freeReplyObject(r);
	}
	drop(w);
	return NULL;
}

/* --- start-up ------------------------------------------------------------ */

static int configure(struct notify *n, char *err, size_t errlen)
{
	const char *stream = config_str("TARJOTIN_NOTIFY_STREAM", "tj:notify");
	const char *at;

	n->redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	n->templates_dir = config_str("TARJOTIN_TEMPLATES_DIR", "services/notify/templates");
	n->stream = xstrdup(stream);
	n->retry_stream = xasprintf("%s:retry", stream);
	n->status_stream = xasprintf("%s:status", stream);
	n->dead_stream = xasprintf("%s:dead", stream);
	n->delayed_key = xasprintf("%s:delayed", stream);
	n->dup_key = xasprintf("%s:stats:possible_duplicates", stream);
	n->claim_ms = config_int("TARJOTIN_NOTIFY_CLAIM_MS", 30000, 100, 86400000);
	n->max_interrupted = config_int("TARJOTIN_NOTIFY_MAX_INTERRUPTED", 3, 1, 1000);
	n->backoff_ms = config_int("TARJOTIN_NOTIFY_BACKOFF_MS", 1000, 1, 3600000);
	n->backoff_cap_ms = config_int("TARJOTIN_NOTIFY_BACKOFF_CAP_MS", 300000, 1, 86400000);
	n->max_attempts = config_int("TARJOTIN_NOTIFY_MAX_ATTEMPTS", 6, 1, 100);
	/* One entry at a time by default: an entry read but not yet worked on
	 * ages in the pending list and could be claimed by another consumer. */
	n->batch = config_int("TARJOTIN_NOTIFY_BATCH", 1, 1, 1000);
	n->dc.smtp_url = config_str("TARJOTIN_SMTP_URL", "smtp://127.0.0.1:2525");
	n->dc.smtp_user = config_str("TARJOTIN_SMTP_USER", "");
	n->dc.smtp_password = config_str("TARJOTIN_SMTP_PASSWORD", "");
	n->dc.smtp_starttls = config_bool("TARJOTIN_SMTP_STARTTLS", false);
	n->dc.mail_from = config_str("TARJOTIN_MAIL_FROM", "tarjotin@tarjotin.localhost");
	n->dc.mail_from_name = config_str("TARJOTIN_MAIL_FROM_NAME", "Tarjotin");
	n->dc.sms_url = config_str("TARJOTIN_SMS_URL", "http://127.0.0.1:8026/rest/mtsms");
	n->dc.sms_token = config_str("TARJOTIN_SMS_TOKEN", "");
	n->dc.sms_sender = config_str("TARJOTIN_SMS_SENDER", "Tarjotin");
	n->dc.timeout_ms = config_int("TARJOTIN_NOTIFY_SEND_TIMEOUT_MS", 20000, 100, 600000);
	if (email_valid(n->dc.mail_from, err, errlen)) {
		snprintf(err, errlen, "TARJOTIN_MAIL_FROM is not a valid address");
		return -1;
	}
	if (n->claim_ms <= n->dc.timeout_ms)
		log_warn("TARJOTIN_NOTIFY_CLAIM_MS is not above TARJOTIN_NOTIFY_SEND_TIMEOUT_MS: "
			 "a slow send may be taken over and sent twice",
			 NULL);
	at = strrchr(n->dc.mail_from, '@');
	n->dc.mail_domain = at + 1;
	if (strpbrk(n->dc.sms_token, "\r\n") || strpbrk(n->dc.smtp_user, "\r\n")) {
		snprintf(err, errlen, "credentials must not contain line breaks");
		return -1;
	}
	return seal_key_from_env(&n->key, err, errlen);
}

int main(void)
{
	char *instance_buf = xasprintf("notify-%d", (int)getpid());
	struct notify n = { 0 };
	struct worker *workers = NULL;
	long nworkers;
	int started = 0, rc = 1;
	char err[256];

	n.instance = config_str("TARJOTIN_INSTANCE", instance_buf);
	log_init("notify", n.instance);
	nworkers = config_int("TARJOTIN_NOTIFY_WORKERS", 16, 1, 256);
	if (sig_install() || sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT)) {
		log_fatal("cannot initialise", NULL);
		goto out;
	}
	if (configure(&n, err, sizeof(err))) {
		log_fatal("bad configuration", "error", err, NULL);
		goto out;
	}
	workers = xcalloc((size_t)nworkers, sizeof(*workers));
	for (long i = 0; i < nworkers; i++) {
		struct worker *w = &workers[i];

		w->n = &n;
		w->index = (int)i;
		snprintf(w->consumer, sizeof(w->consumer), "%s/%ld", n.instance, i);
		w->curl = curl_easy_init();
		if (!w->curl || pthread_create(&w->thread, NULL, worker_main, w)) {
			log_fatal("cannot start a worker", NULL);
			sig_request_stop();
			break;
		}
		started++;
	}
	if (started == nworkers) {
		char nw[16], cl[24];

		snprintf(nw, sizeof(nw), "%ld", nworkers);
		snprintf(cl, sizeof(cl), "%ld", n.claim_ms);
		log_info("serving", "redis", n.redis_addr, "stream", n.stream, "workers", nw,
			 "claim_ms", cl, "smtp", n.dc.smtp_url, "sms", n.dc.sms_url, NULL);
		rc = 0;
	}
	while (!sig_stopping()) {
		struct pollfd pfd = { .fd = sig_fd(), .events = POLLIN };

		poll(&pfd, 1, 1000);
	}
	log_info("stopping", NULL);
	for (int i = 0; i < started; i++)
		pthread_join(workers[i].thread, NULL);
	if (workers)
		for (long i = 0; i < nworkers; i++)
			if (workers[i].curl)
				curl_easy_cleanup(workers[i].curl);
	{
		char s[24], r[24], d[24], k[24], p[24];

		snprintf(s, sizeof(s), "%lu", atomic_load(&n.sent));
		snprintf(r, sizeof(r), "%lu", atomic_load(&n.retried));
		snprintf(d, sizeof(d), "%lu", atomic_load(&n.dead));
		snprintf(k, sizeof(k), "%lu", atomic_load(&n.skipped));
		snprintf(p, sizeof(p), "%lu", atomic_load(&n.possible_dups));
		log_info("stopped", "sent", s, "retried", r, "dead", d, "skipped_already_sent", k,
			 "possible_duplicates", p, NULL);
	}
out:
	free(workers);
	free(n.stream);
	free(n.retry_stream);
	free(n.status_stream);
	free(n.dead_stream);
	free(n.delayed_key);
	free(n.dup_key);
	curl_global_cleanup();
	free(instance_buf);
	return rc;
}
