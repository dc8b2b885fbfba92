/*
 * coverage.h - the directory's coverage document for the statistics
 * (MSG_STATS_COVERAGE, docs/statistics.md section 5): labels of counties,
 * municipalities, terms, frames and user sites, and the counts of approved
 * organisations, of the activities on the tray (what the professional
 * search shows) and their freshness, every one with its zero rows.
 */
#ifndef TJ_COVERAGE_H
#define TJ_COVERAGE_H

#include "directory.h"

/* Worker handler (handler_fn): DocCall with body {} (anything else in it
 * is ignored); DocReply json = the coverage document.  as_of is the review
 * clock's Helsinki date, taken_at the database's time in UTC.  Errors: a
 * database error answers INTERNAL.  Authorized by authz.c (the service
 * "stats" only). */
void coverage_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
