/*
 * routes.h - the gateway's routing table, and its foundation routes:
 * health, readiness, metrics, ping and the web UI's files.
 */
#ifndef TJ_GW_ROUTES_H
#define TJ_GW_ROUTES_H

#include "req.h"

/* The table the request core dispatches through, with the metric labels
 * (also the route names stats counts by). */
extern const struct req_routes routes_table;

/* The internal listener's table: /healthz, /readyz and /metrics (the
 * public one answers 404 for the last two). */
extern const struct req_routes routes_internal;

#endif
