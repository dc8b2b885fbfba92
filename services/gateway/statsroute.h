/*
 * statsroute.h - the statistics report route (docs/statistics.md section
 * 4): GET /api/v1/stats/<report>?from&to&format&lang&table, signed in as an
 * admin or a funder; the query is checked here (400 naming the field) and
 * forwarded to stats as a StatsCall, whose StatsReply body is answered as
 * it is (its content type; csv/xlsx as an attachment), never cached.
 */
#ifndef TJ_STATSROUTE_H
#define TJ_STATSROUTE_H

#include "req.h"

#define STATSROUTE_PREFIX "/api/v1/stats/"

/* The route handler for routes.c. */
unsigned statsroute_report(struct req *r, const char *url);

#endif
