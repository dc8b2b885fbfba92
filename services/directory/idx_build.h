/*
 * idx_build.h - a search index snapshot read from PostgreSQL.
 *
 * One REPEATABLE READ transaction reads the reference data (terms,
 * counties, municipalities, languages, and the taxonomies and
 * municipalities documents) and every published activity of an approved
 * organisation with its facet values and search item, in snapshot order:
 * assured_date descending (never verified last), name (bytes), id.
 */
#ifndef TJ_IDX_BUILD_H
#define TJ_IDX_BUILD_H

#include <stddef.h>

#include <libpq-fe.h>

#include "icd10.h"
#include "idx_snap.h"
#include "strbuf.h"

/* Columns of an activities result that idx_refresh orders by. */
enum {
	IDX_BUILD_COL_ID = 0,
	IDX_BUILD_COL_ASSURED = 11,
	IDX_BUILD_COL_NAME = 12,
	IDX_BUILD_COL_UNVERIFIED = 13
};

/* A new snapshot (one reference, generation 0) of everything, with its
 * free-text index (ICD-10 codes through crosswalk, may be NULL), read over
 * db (an idle connection, idle again afterwards).  NULL with err on a
 * database error or too many values of a dimension. */
struct index_snap *idx_build_snap(PGconn *db, const struct icd10 *crosswalk, char *err,
				  size_t errlen);

/*
 * Inside the caller's transaction: the rows of the activities in 'acts'
 * and of the organisations in 'orgs' (uuid[] literals, "{a,b}"), in the
 * columns and order idx_build_row reads.  The result (PQclear it) or NULL
 * with err.
 */
PGresult *idx_build_query_some(PGconn *db, const char *acts, const char *orgs, char *err,
			       size_t errlen);

/*
 * Makes row 'row' of an activities result record r of s, whose reference
 * data, sealed dimensions, off lists, area arrays and 'all' are in place;
 * the item's JSON goes to text, its name to names (the arenas that
 * idx_build_finish hands to s).  Returns the number of language codes s
 * does not know (an incremental refresh then rebuilds instead).
 */
int idx_build_row(struct index_snap *s, PGresult *res, int row, size_t r, struct strbuf *text,
		  struct strbuf *names);

/* Sets the municipality and county bits that record r's area covers
 * beyond the listed municipalities and their counties. */
void idx_build_area_bits(struct index_snap *s, size_t r);

/* Reads the taxonomies document (the active terms' labels, synonyms and
 * ICD-10 ranges) into s, replacing what s had.  0, or -1 with err. */
int idx_build_taxonomies(struct index_snap *s, PGconn *db, char *err, size_t errlen);

/* Whether the terms of the three taxonomies are still o's: the same ids in
 * the same order (position).  1 yes, 0 when a term was added or moved, -1
 * with err on a database error.  Then a term's change of labels,
 * synonyms, ICD-10 ranges or active flag needs only idx_build_taxonomies. */
int idx_build_terms_same(const struct index_snap *o, PGconn *db, char *err, size_t errlen);

/* The end of every build once all s->n records are in: totals, count
 * tables, the id lookup; takes text and names over (they are empty
 * afterwards). */
void idx_build_finish(struct index_snap *s, struct strbuf *text, struct strbuf *names);

#endif
