/*
 * reviewreport.h - the admin's review report (MSG_REVIEW_REPORT,
 * docs/selfservice.md "Admin: taxonomy and the review report"): how many
 * published activities are due, unverified or hidden per county and per
 * municipality of one county, and the stale activities themselves.
 */
#ifndef TJ_REVIEWREPORT_H
#define TJ_REVIEWREPORT_H

#include "directory.h"

/* Worker handler (handler_fn): body {"county"?}.  400 "unknown" (field
 * county) for a county that does not exist. */
void reviewreport_get(struct worker *w, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply);

#endif
