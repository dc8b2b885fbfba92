/*
 * metrics.h - the gateway's Prometheus metrics.
 *
 * Lock-free counters (relaxed atomics) updated on every request, rendered in
 * the text exposition format on GET /metrics.
 */
#ifndef TJ_METRICS_H
#define TJ_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "bridge.h"

struct pagecache_stats;

#define METRICS_MAX_DIRECTORIES 32 /* directory instances shown */
#define METRICS_INSTANCE_MAX 128   /* bytes of an instance name shown, with the NUL */

struct metrics;

/* route_names: NULL-terminated list, which must outlive the metrics; route
 * ids index into it.  Free with metrics_destroy.  NULL when its lock cannot
 * be made. */
struct metrics *metrics_new(const char *const *route_names);
/* Frees m; accepts NULL and NULLs *mp. */
void metrics_destroy(struct metrics **mp);

/* Counts one finished request; status 0 (the client left before an answer
 * was queued) counts as aborted. */
void metrics_observe(struct metrics *m, unsigned route, unsigned status, uint64_t latency_us);

/*
 * Keeps the figures of a directory instance's latest health reply for
 * /metrics (tarjotin_directory_*{instance=...}).  The name is copied (as
 * valid UTF-8, shortened to METRICS_INSTANCE_MAX); when more than
 * METRICS_MAX_DIRECTORIES instances answered, the one heard from longest ago
 * makes room.  Thread-safe.
 */
struct metrics_directory_figures {
	uint64_t expired_dropped;     /* requests dropped: their deadline had passed */
	uint64_t outbox_stream_ahead; /* outbox rows the stream was ahead of */
	uint32_t workers, workers_busy;
};
void metrics_directory_health(struct metrics *m, const char *instance,
			      const struct metrics_directory_figures *fig);

/* Renders everything (ps NULL: no page cache); returns a malloc'ed string
 * (free()), its length in *len. */
char *metrics_render(struct metrics *m, const struct bridge_stats *bs,
		     const struct pagecache_stats *ps, unsigned pending, size_t *len);

#endif
