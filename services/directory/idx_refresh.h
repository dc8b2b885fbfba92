/*
 * idx_refresh.h - what the directory's notifications ask the search index
 * to read again, and a snapshot refreshed with just that.
 */
#ifndef TJ_IDX_REFRESH_H
#define TJ_IDX_REFRESH_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "idx_snap.h"

/* What the notifications since the last build ask to reload; all zeros
 * to begin with. */
struct idx_refresh {
	bool full;           /* reference data, a bulk change, too many ids */
	bool terms;          /* taxonomy terms changed (by id) */
	char **acts, **orgs; /* activity and organisation ids */
	size_t nacts, norgs;
};

/* Notes one notification's payload (0004_notify.sql: {"entity": ...,
 * "id": ...}): an activity or organisation id, a changed taxonomy term, or
 * else (a place, a bulk change, anything unreadable, more than 2000 ids) a
 * full build. */
void idx_refresh_note(struct idx_refresh *c, const char *payload);

/* Frees the lists; c is all zeros again. */
void idx_refresh_release(struct idx_refresh *c);

/*
 * A new snapshot (one reference, generation 0) from o with the activities
 * and the organisations' activities that c names read again over db (an
 * idle connection, idle again afterwards); sorts c's lists.  With c->terms
 * the taxonomies document is read again too, when the terms are still o's
 * (idx_build_terms_same).  Other reference data (places, languages) must
 * not have changed: NULL with err when a term was added or moved, a row
 * names a language o does not know, or on a database error.
 */
struct index_snap *idx_refresh_snap(const struct index_snap *o, PGconn *db, struct idx_refresh *c,
				    char *err, size_t errlen);

#endif
