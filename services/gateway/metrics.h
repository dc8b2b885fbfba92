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

struct metrics;

/* route_names: NULL-terminated list; route ids index into it. */
struct metrics *metrics_new(const char *const *route_names);
void metrics_destroy(struct metrics **mp);

/* Counts one finished request; status 0 (the client left before an answer
 * was queued) counts as aborted. */
void metrics_observe(struct metrics *m, unsigned route, unsigned status, uint64_t latency_us);

/* Renders everything; returns a malloc'ed string (free()), its length in *len. */
char *metrics_render(struct metrics *m, const struct bridge_stats *bs, unsigned pending,
		     size_t *len);

#endif
