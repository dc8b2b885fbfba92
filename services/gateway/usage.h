/*
 * usage.h - the usage events of one request (docs/statistics.md section 1):
 * routes note what a page view, a search or a detail view carries while
 * they handle it, and req.c hands the finished request's events to the
 * bridge without waiting on stats.
 *
 * Nothing personal goes into an event: a page view or a search carries the
 * user site of a signed-in professional (never the account or session) and
 * the random tj_visit cookie, which is never logged.
 */
#ifndef TJ_USAGE_H
#define TJ_USAGE_H

#include <stddef.h>
#include <stdint.h>

#include "req.h"

#define USAGE_MAX_WORDS 5 /* free-text words of a zero-result search */

/*
 * A page view of 'url' (handle_static): the page (the file name without
 * .html; "/" is index), the signed-in professional's user site, and the
 * tj_visit cookie.  Returns the Set-Cookie value to send when the request
 * had no valid tj_visit (a new random one, which this view counts with),
 * malloc'ed (free()), else NULL.
 */
char *usage_page_view(struct req *r, const char *url);

/* A search of page 1 with these filters (NULL or "": not given; already
 * checked by the route): noted when at least one is given. */
void usage_search(struct req *r, const char *need, const char *kind, const char *municipality,
		  const char *county, const char *q);

/* The directory's SearchReply.total for the search noted (nothing else). */
void usage_search_total(struct req *r, int32_t total);

/* A detail view of the activity (a canonical uuid); counted when answered 200. */
void usage_detail(struct req *r, const char *activity_id);

/* The finished request's events to the bridge (the route table's finish,
 * called by req.c on completion); takes what the routes noted. */
void usage_emit(struct req *r, uint64_t latency_us);

#endif
