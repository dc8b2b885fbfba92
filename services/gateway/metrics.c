#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "xalloc.h"
#include "banned.h"

/* Latency buckets in microseconds; the last is +Inf. */
static const uint64_t bucket_us[] = { 250, 500, 1000, 2500, 5000, 10000, 25000,
				      50000, 100000, 250000, 500000, 1000000, 2500000 };
#define NBUCKETS (sizeof(bucket_us) / sizeof(bucket_us[0]))
#define NCLASSES 5 /* 1xx..5xx */

struct route_metrics {
	atomic_uint_fast64_t by_class[NCLASSES];
	atomic_uint_fast64_t buckets[NBUCKETS + 1];
	atomic_uint_fast64_t sum_us;
};

struct metrics {
	atomic_uint_fast64_t aborted;
	const char *const *names;
	unsigned nroutes;
	struct route_metrics *routes;
};

struct metrics *metrics_new(const char *const *route_names)
{
	struct metrics *m = xcalloc(1, sizeof(*m));

	m->names = route_names;
	while (route_names[m->nroutes])
		m->nroutes++;
	m->routes = xcalloc(m->nroutes, sizeof(*m->routes));
	return m;
}

void metrics_destroy(struct metrics **mp)
{
	if (!*mp)
		return;
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

struct out {
	char *buf;
	size_t len, cap;
};

static void emit(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void emit(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
		va_end(ap);
		if (n >= 0 && (size_t)n < o->cap - o->len) {
			o->len += (size_t)n;
			return;
		}
		o->cap = o->cap * 2 + (size_t)(n > 0 ? n : 0);
		o->buf = xrealloc(o->buf, o->cap);
	}
}

char *metrics_render(struct metrics *m, const struct bridge_stats *bs, unsigned pending,
		     size_t *len)
{
	struct out o = { .buf = xmalloc(8192), .len = 0, .cap = 8192 };

	emit(&o, "# HELP tarjotin_http_requests_total HTTP requests answered, by route and "
		 "status class.\n# TYPE tarjotin_http_requests_total counter\n");
	for (unsigned i = 0; i < m->nroutes; i++)
		for (unsigned c = 0; c < NCLASSES; c++)
			emit(&o, "tarjotin_http_requests_total{route=\"%s\",code=\"%uxx\"} %lu\n",
			     m->names[i], c + 1,
			     (unsigned long)atomic_load(&m->routes[i].by_class[c]));
	emit(&o, "# HELP tarjotin_http_request_duration_seconds Time from request to "
		 "response, by route.\n# TYPE tarjotin_http_request_duration_seconds "
		 "histogram\n");
	for (unsigned i = 0; i < m->nroutes; i++) {
		struct route_metrics *r = &m->routes[i];
		uint64_t cum = 0;

		for (size_t b = 0; b <= NBUCKETS; b++) {
			cum += atomic_load(&r->buckets[b]);
			if (b < NBUCKETS)
				emit(&o,
				     "tarjotin_http_request_duration_seconds_bucket{route=\"%s\","
				     "le=\"%g\"} %lu\n",
				     m->names[i], (double)bucket_us[b] / 1e6, (unsigned long)cum);
			else
				emit(&o,
				     "tarjotin_http_request_duration_seconds_bucket{route=\"%s\","
				     "le=\"+Inf\"} %lu\n",
				     m->names[i], (unsigned long)cum);
		}
		emit(&o, "tarjotin_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
		     m->names[i], (double)atomic_load(&r->sum_us) / 1e6);
		emit(&o, "tarjotin_http_request_duration_seconds_count{route=\"%s\"} %lu\n",
		     m->names[i], (unsigned long)cum);
	}
	emit(&o,
	     "# HELP tarjotin_http_aborted_total Requests whose client left before the "
	     "answer.\n# TYPE tarjotin_http_aborted_total counter\n"
	     "tarjotin_http_aborted_total %lu\n",
	     (unsigned long)atomic_load(&m->aborted));
	emit(&o,
	     "# HELP tarjotin_rpc_timeouts_total Directory calls that got no answer before "
	     "their deadline.\n# TYPE tarjotin_rpc_timeouts_total counter\n"
	     "tarjotin_rpc_timeouts_total %lu\n"
	     "# HELP tarjotin_rpc_retries_total Directory calls sent again after silence.\n"
	     "# TYPE tarjotin_rpc_retries_total counter\ntarjotin_rpc_retries_total %lu\n"
	     "# HELP tarjotin_rpc_late_replies_total Replies that arrived after their call "
	     "had ended.\n# TYPE tarjotin_rpc_late_replies_total counter\n"
	     "tarjotin_rpc_late_replies_total %lu\n"
	     "# HELP tarjotin_rpc_bad_replies_total Replies that could not be decoded.\n"
	     "# TYPE tarjotin_rpc_bad_replies_total counter\ntarjotin_rpc_bad_replies_total %lu\n"
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
	*len = o.len;
	return o.buf;
}
