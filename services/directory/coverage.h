/*
 * coverage.h - the directory's facts for statistics (MSG_STATS_COVERAGE,
 * docs/statistics.md section 5): organisations and the activities on the
 * tray by frame, county, municipality, need and kind, freshness per county,
 * and the labels and populations the reports show.  Stats asks for it, so
 * that it never reads the directory's tables.
 */
#ifndef TJ_COVERAGE_H
#define TJ_COVERAGE_H

#include "directory.h"

/* Worker handler (handler_fn): body {}; answers the coverage document.
 * Only the service principal "stats" gets here (authz.c). */
void coverage_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
