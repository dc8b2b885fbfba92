/*
 * idx_text.h - a snapshot's free text: its records' docs in the text index
 * (textidx.h), loaded with a build or a refresh, and a query's records
 * ranked.
 */
#ifndef TJ_IDX_TEXT_H
#define TJ_IDX_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "icd10.h"
#include "idx_snap.h"

/*
 * Inside the caller's transaction, once s's records are in (after
 * idx_build_finish): a new text index of every record for s.  0, or -1
 * with err.
 */
int idx_text_build(struct index_snap *s, PGconn *db, const struct icd10 *crosswalk, char *err,
		   size_t errlen);

/*
 * The same for a refreshed snapshot s of o: o's text index shared, with
 * new docs for the changed activities acts and those of the organisations
 * orgs (uuid[] literals), and with 'terms' (a taxonomy term's words
 * changed) the taxonomies' words loaded again; a new index when replaced
 * docs would outnumber a quarter of the live ones.  0, or -1 with err.
 */
int idx_text_refresh(struct index_snap *s, const struct index_snap *o, PGconn *db, const char *acts,
		     const char *orgs, bool terms, char *err, size_t errlen);

#endif
