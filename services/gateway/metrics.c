/*
 * metrics.c - see metrics.h.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "metrics.h"
#include "pagecache.h"
#include "strbuf.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

/* Latency buckets in microseconds; the last is +Inf. */
static const uint64_t bucket_us[] = { 250,   500,    1000,   2500,   5000,    10000,  25000,
				      50000, 100000, 250000, 500000, 1000000, 2500000 };
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))
#define NCLASSES 5 /* 1xx..5xx */

struct route_metrics {
	atomic_uint_fast64_t by_class[NCLASSES];
	atomic_uint_fast64_t buckets[NBUCKETS + 1];
	atomic_uint_fast64_t sum_us;
};

/* The latest health reply of one directory instance. */
struct directory_health {
	char instance[METRICS_INSTANCE_MAX]; /* "" when the entry is free */
	struct metrics_directory_figures fig;
	int64_t heard_us;
};

struct metrics {
	atomic_uint_fast64_t aborted;
	const char *const *names;
	unsigned nroutes;
	struct route_metrics *routes;
	pthread_mutex_t lock; /* for dirs */
	struct directory_health dirs[METRICS_MAX_DIRECTORIES];
};

struct metrics *metrics_new(const char *const *route_names)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->names = route_names;
	while (route_names[m->nroutes])
		m->nroutes++;
	m->routes = xcalloc(m->nroutes, sizeof(*m->routes));
	if (pthread_mutex_init(&m->lock, NULL)) {
		free(m->routes);
		free(m);
		return NULL;
	}
	return m;
}

void metrics_destroy(struct metrics **mp)
{
	if (!*mp)
		return;
	pthread_mutex_destroy(&(*mp)->lock);
	free((*mp)->routes);
	free(*mp);
	*mp = NULL;
}

void metrics_observe(struct metrics *m, unsigned route, unsigned status, uint64_t latency_us)
{
	struct route_metrics *r;
	unsigned cls = status / 100;
	size_t b = 0;

	if (!status) {
		/* the client went away before an answer was queued */
		atomic_fetch_add_explicit(&m->aborted, 1, memory_order_relaxed);
		return;
	}
	if (route >= m->nroutes)
		return;
	r = &m->routes[route];
	if (cls < 1 || cls > NCLASSES)
		cls = 5;
	atomic_fetch_add_explicit(&r->by_class[cls - 1], 1, memory_order_relaxed);
	while (b < NBUCKETS && latency_us > bucket_us[b])
		b++;
	atomic_fetch_add_explicit(&r->buckets[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&r->sum_us, latency_us, memory_order_relaxed);
}

void metrics_directory_health(struct metrics *m, const char *instance,
			      const struct metrics_directory_figures *fig)
{
	char name[METRICS_INSTANCE_MAX];
	struct directory_health *d = NULL;

	/* A label value is shown as it is: valid UTF-8, and short. */
	utf8_clip(name, sizeof(name), instance ? instance : "");
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < METRICS_MAX_DIRECTORIES && !d; i++)
		if (!strcmp(m->dirs[i].instance, name))
			d = &m->dirs[i];
	for (size_t i = 0; i < METRICS_MAX_DIRECTORIES && !d; i++)
		if (!m->dirs[i].instance[0])
			d = &m->dirs[i];
	if (!d) {
		/* Full: the instance heard from longest ago makes room. */
		d = &m->dirs[0];
		for (size_t i = 1; i < METRICS_MAX_DIRECTORIES; i++)
			if (m->dirs[i].heard_us < d->heard_us)
				d = &m->dirs[i];
	}
	memcpy(d->instance, name, sizeof(name));
	d->fig = *fig;
	d->heard_us = clock_mono_us();
	pthread_mutex_unlock(&m->lock);
}

/* A label value in the exposition format: backslash, quote and line feed
 * escaped. */
static void add_label(struct strbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			strbuf_addf(b, "\\%c", *v);
		else if (*v == '\n')
			strbuf_adds(b, "\\n");
		else
			strbuf_add(b, v, 1);
	}
}

static void render_directories(struct metrics *m, struct strbuf *o)
{
	static const struct {
		const char *name, *type, *help;
	} fam[] = {
		{ "tarjotin_directory_expired_dropped_total", "counter",
		  "Requests a directory dropped unanswered (on arrival, waiting or at a worker) "
		  "because their deadline had passed, by directory instance (from its latest "
		  "health reply)." },
		{ "tarjotin_directory_outbox_stream_ahead_total", "counter",
		  "Outbox rows the relay could not move because the Redis Stream was ahead of the "
		  "database (reset or restored); see the README's Messaging section." },
		{ "tarjotin_directory_workers", "gauge",
		  "Worker threads of a directory instance (from its latest health reply)." },
		{ "tarjotin_directory_workers_busy", "gauge",
		  "Of them, working on a request when the instance last answered a health "
		  "check." },
	};
	struct directory_health dirs[METRICS_MAX_DIRECTORIES];
	size_t n = 0;

	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < METRICS_MAX_DIRECTORIES; i++)
		if (m->dirs[i].instance[0])
			dirs[n++] = m->dirs[i];
	pthread_mutex_unlock(&m->lock);
	if (!n)
		return;
	for (size_t f = 0; f < sizeof(fam) / sizeof(fam[0]); f++) {
		strbuf_addf(o, "# HELP %s %s\n# TYPE %s %s\n", fam[f].name, fam[f].help,
			    fam[f].name, fam[f].type);
		for (size_t i = 0; i < n; i++) {
			const struct metrics_directory_figures *d = &dirs[i].fig;
			uint64_t v = f == 0 ? d->expired_dropped :
				     f == 1 ? d->outbox_stream_ahead :
				     f == 2 ? d->workers :
					      d->workers_busy;

			strbuf_addf(o, "%s{instance=\"", fam[f].name);
			add_label(o, dirs[i].instance);
			strbuf_addf(o, "\"} %lu\n", (unsigned long)v);
		}
	}
}

char *metrics_render(struct metrics *m, const struct bridge_stats *bs,
		     const struct pagecache_stats *ps, unsigned pending, size_t *len)
{
	struct strbuf o = STRBUF_INIT;

	strbuf_reserve(&o, 8192);
	strbuf_adds(&o,
		    "# HELP tarjotin_http_requests_total HTTP requests answered, by route and "
		    "status class.\n# TYPE tarjotin_http_requests_total counter\n");
	for (unsigned i = 0; i < m->nroutes; i++)
		for (unsigned c = 0; c < NCLASSES; c++)
			strbuf_addf(
				&o,
				"tarjotin_http_requests_total{route=\"%s\",code=\"%uxx\"} %lu\n",
				m->names[i], c + 1,
				(unsigned long)atomic_load(&m->routes[i].by_class[c]));
	strbuf_adds(&o,
		    "# HELP tarjotin_http_request_duration_seconds Time from request to "
		    "response, by route.\n# TYPE tarjotin_http_request_duration_seconds "
		    "histogram\n");
	for (unsigned i = 0; i < m->nroutes; i++) {
		struct route_metrics *r = &m->routes[i];
		uint64_t cum = 0;

		for (size_t b = 0; b <= NBUCKETS; b++) {
			cum += atomic_load(&r->buckets[b]);
			if (b < NBUCKETS)
				strbuf_addf(
					&o,
					"tarjotin_http_request_duration_seconds_bucket{route=\"%s\","
					"le=\"%g\"} %lu\n",
					m->names[i], (double)bucket_us[b] / 1e6,
					(unsigned long)cum);
			else
				strbuf_addf(
					&o,
					"tarjotin_http_request_duration_seconds_bucket{route=\"%s\","
					"le=\"+Inf\"} %lu\n",
					m->names[i], (unsigned long)cum);
		}
		strbuf_addf(&o, "tarjotin_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
			    m->names[i], (double)atomic_load(&r->sum_us) / 1e6);
		strbuf_addf(&o, "tarjotin_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
			    m->names[i], (unsigned long)cum);
	}
	strbuf_addf(&o,
		    "# HELP tarjotin_http_aborted_total Requests whose client left before the "
		    "answer.\n# TYPE tarjotin_http_aborted_total counter\n"
		    "tarjotin_http_aborted_total %lu\n",
		    (unsigned long)atomic_load(&m->aborted));
	strbuf_addf(&o,
		    "# HELP tarjotin_rpc_timeouts_total Directory calls that got no answer before "
		    "their deadline.\n# TYPE tarjotin_rpc_timeouts_total counter\n"
		    "tarjotin_rpc_timeouts_total %lu\n"
		    "# HELP tarjotin_rpc_retries_total Directory calls sent again after silence.\n"
		    "# TYPE tarjotin_rpc_retries_total counter\ntarjotin_rpc_retries_total %lu\n"
		    "# HELP tarjotin_rpc_late_replies_total Replies that arrived after their call "
		    "had ended.\n# TYPE tarjotin_rpc_late_replies_total counter\n"
		    "tarjotin_rpc_late_replies_total %lu\n"
		    "# HELP tarjotin_rpc_bad_replies_total Replies that could not be decoded.\n"
		    "# TYPE tarjotin_rpc_bad_replies_total counter\n"
		    "tarjotin_rpc_bad_replies_total %lu\n"
		    "# HELP tarjotin_rpc_in_flight Directory calls waiting for an answer.\n"
		    "# TYPE tarjotin_rpc_in_flight gauge\ntarjotin_rpc_in_flight %u\n"
		    "# HELP tarjotin_stats_events_sent_total Usage events handed to stats.\n"
		    "# TYPE tarjotin_stats_events_sent_total counter\n"
		    "tarjotin_stats_events_sent_total %lu\n"
		    "# HELP tarjotin_stats_events_dropped_total Usage events dropped because stats "
		    "could not take them at once.\n"
		    "# TYPE tarjotin_stats_events_dropped_total counter\n"
		    "tarjotin_stats_events_dropped_total %lu\n",
		    (unsigned long)bs->timeouts, (unsigned long)bs->retries,
		    (unsigned long)bs->late_replies, (unsigned long)bs->bad_replies, pending,
		    (unsigned long)bs->events_sent, (unsigned long)bs->events_dropped);
	if (ps)
		strbuf_addf(
			&o,
			"# HELP tarjotin_page_cache_current_total Search pages sent again without "
			"asking: a snapshot notice held them.\n"
			"# TYPE tarjotin_page_cache_current_total counter\n"
			"tarjotin_page_cache_current_total %lu\n"
			"# HELP tarjotin_page_cache_unchanged_total Search pages sent again because "
			"the directory said they still hold.\n"
			"# TYPE tarjotin_page_cache_unchanged_total counter\n"
			"tarjotin_page_cache_unchanged_total %lu\n"
			"# HELP tarjotin_page_cache_fetched_total Search pages the directory sent in "
			"full.\n# TYPE tarjotin_page_cache_fetched_total counter\n"
			"tarjotin_page_cache_fetched_total %lu\n"
			"# HELP tarjotin_page_cache_evicted_total Search pages dropped for room.\n"
			"# TYPE tarjotin_page_cache_evicted_total counter\n"
			"tarjotin_page_cache_evicted_total %lu\n"
			"# HELP tarjotin_page_cache_pages Search pages kept.\n"
			"# TYPE tarjotin_page_cache_pages gauge\ntarjotin_page_cache_pages %lu\n"
			"# HELP tarjotin_page_cache_bytes Bytes the kept pages take, of "
			"TARJOTIN_GATEWAY_PAGE_CACHE_MB.\n"
			"# TYPE tarjotin_page_cache_bytes gauge\ntarjotin_page_cache_bytes %lu\n",
			(unsigned long)ps->current, (unsigned long)ps->unchanged,
			(unsigned long)ps->fetched, (unsigned long)ps->evicted,
			(unsigned long)ps->pages, (unsigned long)ps->bytes);
	render_directories(m, &o);
	*len = o.len;
	return strbuf_detach(&o);
}
