/*
 * index.h - the directory's in-memory search index.
 *
 * A snapshot is an immutable picture of every published activity of an
 * approved organisation: a dense array of records (id, organisation id, the
 * pre-rendered JSON of its search item), ordered by assured_date descending,
 * then name, then id, and one bitmap (uint64_t words, bit i = record i) per
 * facet value.  Filter-only searches AND bitmaps; facet counts are popcounts
 * of a value's bitmap ANDed with the other active filters (disjunctive
 * facets), or counts over the records when they are few.  The three clicks
 * (need, kind, municipality, any of them) are looked up instead: count
 * tables built with each snapshot hold the totals and facets of those
 * filters (2.8 MB, some 15 ms at 50,000 activities; idx_tables.h).
 * Nothing of that touches PostgreSQL.
 *
 * Coverage rule: an activity whose area is a list of municipalities sets
 * those municipalities and their counties; 'county' sets every municipality
 * of that county and the county; 'nationwide' and 'online' set every
 * municipality and every county.
 *
 * The holder (struct index) keeps the current snapshot behind a mutex with
 * a reference count: readers take a reference for one request
 * (index_acquire / index_release), the loader swaps in a new snapshot and
 * drops its reference to the old one, which is freed by whoever releases it
 * last.  The loader thread LISTENs on channel tarjotin_directory and, about
 * 50 ms after a burst of notifications, reads again only the activities
 * (and the organisations' activities) the notifications name, merging them
 * into a copy of the current snapshot (about 0.15 s at 50,000
 * activities; a changed taxonomy term's labels, synonyms, ICD-10 ranges
 * or active flag are read again with it); a new or moved term, a change of
 * other reference data, a bulk change (a notification without an id), more
 * than 2000 ids or a reconnect to PostgreSQL make it build everything from
 * scratch instead (about 2.5 s at 50,000).
 */
#ifndef TJ_INDEX_H
#define TJ_INDEX_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

/* The facet dimensions, in the order the API lists them. */
enum index_dim {
	INDEX_NEED,
	INDEX_KIND,
	INDEX_TARGET_GROUP,
	INDEX_MUNICIPALITY,
	INDEX_COUNTY,
	INDEX_LANGUAGE,
	INDEX_TAKES_NEW,
	INDEX_NDIMS
};

struct index;
struct index_snap;

/* A search: one value per dimension or NULL; takes_new is "true"/"false". */
struct index_query {
	const char *value[INDEX_NDIMS];
	int page;     /* >= 1 */
	int per_page; /* 1..100 */
};

struct icd10;

/* A holder without a snapshot; conninfo is not copied, the ICD-10
 * crosswalk of the free-text search (may be NULL) must outlive it.  Free
 * with index_destroy(). */
struct index *index_new(const char *conninfo, const struct icd10 *crosswalk);

/*
 * Builds the first snapshot (on a connection of its own that then LISTENs)
 * and starts the loader thread.  A failed first build is logged and retried
 * by the thread; searches answer "unavailable" until one succeeds.
 * Returns 0, or -1 when the thread cannot be started.
 */
int index_start(struct index *ix);

/* Stops the loader thread (if started) and frees everything once the last
 * reader released its snapshot; NULLs *ixp. */
void index_destroy(struct index **ixp);

/* The current snapshot with a reference taken, or NULL when none was built
 * yet.  Thread-safe; give it back with index_release(). */
struct index_snap *index_acquire(struct index *ix);
void index_release(struct index_snap **sp);

/* The snapshot's generation (1 for the first snapshot, +1 per rebuild). */
uint64_t index_snap_generation(const struct index_snap *s);

/* The snapshot's tag, never 0: its generation and a number drawn when the
 * index was made, so that no two instances nor two runs of one give the
 * same tag to different data (SearchReply.tag). */
uint64_t index_snap_tag(const struct index_snap *s);

/* The current snapshot's tag, 0 when none was built yet.  Thread-safe. */
uint64_t index_tag(struct index *ix);

/* The number drawn when the index was made (SearchReply.instance). */
uint64_t index_instance(const struct index *ix);

/*
 * Checks the query's values against the snapshot's reference data: an
 * unknown term id (also one of another taxonomy), municipality or county
 * gives -1 with *field set to the dimension's name and a message in err.
 * Languages are not checked (any code is valid, unknown ones find nothing).
 */
int index_check(const struct index_snap *s, const struct index_query *q, const char **field,
		char *err, size_t errlen);

/*
 * A free-text search's answer over one snapshot, kept and shared while the
 * snapshot is current (search.c): its records best first, the same as a
 * bitmap, and the facet counts they give on their own (what a search by
 * the words alone, or by the words and one filter for that filter's
 * dimension, shows), so that a search again takes no ranking and little
 * counting.  Reference-counted.
 */
struct index_text {
	atomic_long refs;
	uint32_t *ranked; /* record numbers, best first, no duplicates */
	size_t n;
	uint64_t *bits; /* the same records, a bitmap of the snapshot's nwords */
	size_t nwords;
	uint32_t *facets; /* dimension d's counts at facets[idx_facet_off(s, d)] */
	size_t nfacets;
};

/*
 * The records that match the free text q (idx_text.c), with one reference:
 * by BM25 relevance (an unverified activity's halved), relevances within
 * 1 % of each other counting as equal, then in snapshot order.  Needs no
 * database.
 */
struct index_text *index_text(const struct index_snap *s, const char *q);
void index_text_ref(struct index_text *t);
/* Drops a reference (frees with the last); NULLs *tp. */
void index_text_unref(struct index_text **tp);

/*
 * Renders the search response of docs/api-v1.md.  Without 'text' the
 * results are every record that passes the filters, in snapshot order.
 * With it (a free-text search of this snapshot) only its records pass, in
 * its order, and the facets count over them.  Returns a malloc'ed,
 * NUL-terminated string (free()) and its length in *len; the number of
 * matches in *total when total is not NULL (the gateway's zero-result
 * event).
 */
char *index_search(const struct index_snap *s, const struct index_query *q,
		   const struct index_text *text, size_t *len, uint64_t *total);

/* The taxonomies and municipalities documents; owned by the snapshot. */
const char *index_taxonomies_json(const struct index_snap *s, size_t *len);
const char *index_municipalities_json(const struct index_snap *s, size_t *len);

/* The search items of the organisation's activities in snapshot order, as
 * a JSON array ("[...]", malloc'ed: free()); its length in *len. */
/* The activity id of record r (r < the snapshot's records). */
const char *index_record_id(const struct index_snap *s, uint32_t r);

char *index_organization_items(const struct index_snap *s, const char *org_id, size_t *len);

#endif
