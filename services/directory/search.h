/*
 * search.h - the directory's search, detail and reference-data handlers
 * (proto/search.proto, docs/api-v1.md).
 *
 * Filter-only searches, facets, taxonomies and municipalities are answered
 * from the in-memory index (index.h) without PostgreSQL, free text too
 * (its text index, textidx.h); details are read from PostgreSQL.
 */
#ifndef TJ_SEARCH_H
#define TJ_SEARCH_H

#include <stdbool.h>

#include "directory.h"
#include "index.h"

/* The search's state: the index it reads and its cache of free-text
 * rankings.  The index must outlive it; NULL when its lock cannot be made.
 * search_destroy() frees it (NULL is fine) and NULLs *sp. */
struct search *search_new(struct index *ix);
void search_destroy(struct search **sp);

/*
 * The activities the free text q finds (as the search's q does, from the
 * current snapshot and its cache), best first, as a PostgreSQL uuid[]
 * literal ("{id,id,...}", malloc'ed), for the HSDS API's search; NULL
 * while no snapshot is loaded.
 */
char *search_text_ids(struct search *sx, const char *q);

/*
 * Answers on the calling (socket) thread what needs no PostgreSQL: a
 * search without free text, any search whose page the gateway holds still
 * holds (SearchRequest.if_tag), the taxonomies and the municipalities.
 * Returns true when it filled 'reply' (request_id and type already set by
 * the caller), false when the request is for a worker (reply untouched).
 * *notices is set to whether the request asks for snapshot notices.
 */
bool search_inline(struct search *sx, const Tarjotin__Envelope *req, Tarjotin__Envelope *reply,
		   bool *notices);

/* The current snapshot's tag (0: none yet) and the index's instance
 * number, for the snapshot notices (notices.h). */
uint64_t search_tag(struct search *sx, uint64_t *instance);

/* Handlers for handlers.c; they run on worker threads and use the search
 * of w->dir. */
void search_handle_search(struct worker *w, const Tarjotin__Envelope *req,
			  Tarjotin__Envelope *reply);
void search_handle_activity(struct worker *w, const Tarjotin__Envelope *req,
			    Tarjotin__Envelope *reply);
void search_handle_organization(struct worker *w, const Tarjotin__Envelope *req,
				Tarjotin__Envelope *reply);
void search_handle_taxonomies(struct worker *w, const Tarjotin__Envelope *req,
			      Tarjotin__Envelope *reply);
void search_handle_municipalities(struct worker *w, const Tarjotin__Envelope *req,
				  Tarjotin__Envelope *reply);

#endif
