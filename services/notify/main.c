/*
 * tarjotin-notify - sends what the directory's outbox puts on the Redis
 * Stream: e-mail over SMTP and SMS over an HTTP SMS provider.
 *
 * Any number of instances, each with TARJOTIN_NOTIFY_WORKERS threads; every
 * thread is one consumer ("<instance>/<n>") of the group "notify" on two
 * streams: tj:notify (fed only by the relay, with explicit IDs) and
 * tj:notify:retry (failed jobs whose backoff ran out, moved there from the
 * ZSET tj:notify:delayed).  What happens to a job is in job.h; the Redis
 * side in stream.h; the templates in render.h; handing over in deliver.h.
 *
 * Entries pending longer than TARJOTIN_NOTIFY_CLAIM_MS (their consumer
 * died) are taken over with XAUTOCLAIM by thread 0, no more at once than can
 * be sent within that time (stream_claim_count).  Recipients are never
 * logged.
 *
 * This file: the configuration, read and checked at start, and the wiring
 * (a worker thread's loop, start and stop).
 */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <sodium.h>

#include "config.h"
#include "deliver.h"
#include "email.h"
#include "job.h"
#include "linkcheck.h"
#include "log.h"
#include "render.h"
#include "redisx.h"
#include "sig.h"
#include "stream.h"
#include "xalloc.h"
#include "banned.h"

/* The service's configuration and shared state, one per process. */
struct notify {
	const char *instance;
	struct stream_names names;
	struct stream_config stream;
	struct render_config render;
	struct deliver_config deliver;
	struct job_context jobs;
};

struct worker {
	struct notify *n;
	int index;
	struct stream_conn conn;
	CURL *curl;
	pthread_t thread;
};

/* Works through one batch; stops at a Redis failure. */
static void worker_run_batch(struct worker *w, struct stream_batch *b)
{
	for (size_t i = 0; i < b->n && !sig_stopping(); i++)
		if (job_process(&w->n->jobs, &w->conn, w->curl, i > 0, &b->jobs[i]))
			break;
	stream_batch_release(b);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	bool was_ok = true;

	while (!sig_stopping()) {
		struct stream_batch b;

		if (stream_ensure(&w->conn)) {
			struct pollfd p = { .fd = sig_fd(), .events = POLLIN };

			if (was_ok && w->index == 0)
				log_warn("redis is down", NULL);
			was_ok = false;
			poll(&p, 1, 500); /* wakes at once on shutdown */
			continue;
		}
		if (!was_ok && w->index == 0)
			log_info("redis is back", NULL);
		was_ok = true;
		if (w->index == 0) {
			if (stream_chores(&w->conn, &b))
				continue;
			worker_run_batch(w, &b);
			if (!w->conn.rc)
				continue;
		}
		if (stream_read(&w->conn, w->index == 0 ? 200 : 1000, &b))
			continue;
		worker_run_batch(w, &b);
	}
	stream_conn_release(&w->conn);
	return NULL;
}

/* Reads and checks the configuration.  Returns 0, or -1 with err. */
static int configure(struct notify *n, char *err, size_t errlen)
{
	struct deliver_config *dc = &n->deliver;
	const char *at;

	stream_names_init(&n->names, config_str("TARJOTIN_NOTIFY_STREAM", "tj:notify"));
	n->stream.names = &n->names;
	n->stream.redis_addr = config_str("TARJOTIN_REDIS_ADDR", "127.0.0.1:6379");
	n->stream.claim_ms = config_int("TARJOTIN_NOTIFY_CLAIM_MS", 30000, 100, 86400000);
	/* One entry at a time by default: an entry read but not yet worked on
	 * ages in the pending list and could be claimed by another consumer. */
	n->stream.batch = config_int("TARJOTIN_NOTIFY_BATCH", 1, 1, 1000);
	n->jobs.max_interrupted = config_int("TARJOTIN_NOTIFY_MAX_INTERRUPTED", 3, 1, 1000);
	n->jobs.backoff_ms = config_int("TARJOTIN_NOTIFY_BACKOFF_MS", 1000, 1, 3600000);
	n->jobs.backoff_cap_ms = config_int("TARJOTIN_NOTIFY_BACKOFF_CAP_MS", 300000, 1, 86400000);
	n->jobs.max_attempts = config_int("TARJOTIN_NOTIFY_MAX_ATTEMPTS", 6, 1, 100);
	n->jobs.names = &n->names;
	n->jobs.render = &n->render;
	n->jobs.deliver = dc;
	dc->smtp_url = config_str("TARJOTIN_SMTP_URL", "smtp://127.0.0.1:2525");
	dc->smtp_user = config_str("TARJOTIN_SMTP_USER", "");
	dc->smtp_password = config_secret("TARJOTIN_SMTP_PASSWORD");
	dc->smtp_starttls = config_bool("TARJOTIN_SMTP_STARTTLS", false);
	dc->mail_from = config_str("TARJOTIN_MAIL_FROM", "tarjotin@tarjotin.localhost");
	dc->mail_from_name = config_str("TARJOTIN_MAIL_FROM_NAME", "Tarjotin");
	dc->sms_url = config_str("TARJOTIN_SMS_URL", "http://127.0.0.1:8026/rest/mtsms");
	dc->sms_token = config_secret("TARJOTIN_SMS_TOKEN");
	dc->sms_sender = config_str("TARJOTIN_SMS_SENDER", "Tarjotin");
	dc->timeout_ms = config_int("TARJOTIN_NOTIFY_SEND_TIMEOUT_MS", 20000, 100, 600000);
	n->stream.send_timeout_ms = dc->timeout_ms;
	if (email_valid(dc->mail_from, err, errlen)) {
		snprintf(err, errlen, "TARJOTIN_MAIL_FROM is not a valid address");
		return -1;
	}
	if (n->stream.claim_ms <= dc->timeout_ms)
		log_warn(
			"TARJOTIN_NOTIFY_CLAIM_MS is not above TARJOTIN_NOTIFY_SEND_TIMEOUT_MS: "
			"a slow send may be taken over and sent twice",
			NULL);
	at = strrchr(dc->mail_from, '@');
	dc->mail_domain = at + 1;
	if (strpbrk(dc->sms_token, "\r\n") || strpbrk(dc->smtp_user, "\r\n")) {
		snprintf(err, errlen, "credentials must not contain line breaks");
		return -1;
	}
	/* A login over plain SMTP would hand the password to anyone on the way. */
	if (deliver_check_smtp(dc, err, errlen))
		return -1;
	if (linkcheck_init(&n->render.links, config_str("TARJOTIN_LINK_HOSTS", ""),
			   config_str("TARJOTIN_PUBLIC_URL", ""), err, errlen))
		return -1;
	if (n->render.links.n == 0)
		log_warn(
			"no TARJOTIN_LINK_HOSTS or public TARJOTIN_PUBLIC_URL host: only links to "
			"loopback hosts are sent",
			NULL);
	n->render.templates_dir = config_str("TARJOTIN_TEMPLATES_DIR", "services/notify/templates");
	n->render.mail_from = dc->mail_from;
	n->render.mail_from_name = dc->mail_from_name;
	n->render.mail_domain = dc->mail_domain;
	return seal_key_from_env(&n->render.key, err, errlen);
}

static void log_totals(struct job_context *j)
{
	char s[24], r[24], d[24], k[24], p[24], o[24];

	snprintf(s, sizeof(s), "%lu", atomic_load(&j->sent));
	snprintf(r, sizeof(r), "%lu", atomic_load(&j->retried));
	snprintf(d, sizeof(d), "%lu", atomic_load(&j->dead));
	snprintf(k, sizeof(k), "%lu", atomic_load(&j->skipped));
	snprintf(p, sizeof(p), "%lu", atomic_load(&j->possible_dups));
	snprintf(o, sizeof(o), "%lu", atomic_load(&j->not_ours));
	log_info("stopped", "sent", s, "retried", r, "dead", d, "skipped_already_sent", k,
		 "possible_duplicates", p, "left_to_another_consumer", o, NULL);
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
	redisx_config(); /* its Redis password is checked now, before any thread */
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
		char consumer[160];

		w->n = &n;
		w->index = (int)i;
		snprintf(consumer, sizeof(consumer), "%s/%ld", n.instance, i);
		stream_conn_init(&w->conn, &n.stream, consumer);
		w->curl = curl_easy_init();
		if (!w->curl || pthread_create(&w->thread, NULL, worker_main, w)) {
			log_fatal("cannot start a worker", NULL);
			sig_request_stop();
			break;
		}
		started++;
	}
	if (started == nworkers) {
		char nw[16], cl[24], cc[24];

		snprintf(nw, sizeof(nw), "%ld", nworkers);
		snprintf(cl, sizeof(cl), "%ld", n.stream.claim_ms);
		snprintf(cc, sizeof(cc), "%ld",
			 stream_claim_count(n.stream.claim_ms, n.stream.send_timeout_ms));
		log_info("serving", "redis", n.stream.redis_addr, "stream", n.names.stream,
			 "workers", nw, "claim_ms", cl, "claim_count", cc, "smtp",
			 n.deliver.smtp_url, "sms", n.deliver.sms_url, NULL);
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
	log_totals(&n.jobs);
out:
	free(workers);
	stream_names_release(&n.names);
	curl_global_cleanup();
	free(instance_buf);
	return rc;
}
