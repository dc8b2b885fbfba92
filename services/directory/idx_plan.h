/*
 * idx_plan.h - how a search runs over a snapshot: the bitmaps it ANDs,
 * whether the count tables answer its totals and facets, and the counting
 * itself.
 */
#ifndef TJ_IDX_PLAN_H
#define TJ_IDX_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idx_snap.h"

/* The bitmaps a search ANDs: one per active filter, and the free-text
 * result.  filter[d] is NULL where dimension d is not filtered. */
struct idx_plan {
	const uint64_t *filter[INDEX_NDIMS];
	const uint64_t *text;       /* free-text hits (the caller's), or NULL */
	int32_t value[INDEX_NDIMS]; /* the filters' value numbers, -1 where none */
	bool tables;                /* counts come from the count tables */
	int nfilters;
	uint64_t *own_zero; /* what the plan allocated */
};

/*
 * Plans the query q over s: with text (free text: a bitmap of s->nwords
 * words, kept by the caller while the plan lives) only those records pass.
 * The tables answer when only need, kind and municipality filter, with
 * known values, and there is no free text.  Release with
 * idx_plan_release().
 */
void idx_plan_init(struct idx_plan *p, const struct index_snap *s, const struct index_query *q,
		   const uint64_t *text);
void idx_plan_release(struct idx_plan *p);

/* out = AND of every bitmap in the plan except dimension 'skip' (-1: none),
 * and of 'override' for dimension 'odim' when odim >= 0.  True when out
 * is the whole set (no bitmap applied). */
bool idx_plan_and(const struct index_snap *s, const struct idx_plan *p, int skip, int odim,
		  const uint64_t *override, uint64_t *out);

/* The bitmaps of the plan (text and filters) in src (room for
 * INDEX_NDIMS + 1); how many. */
size_t idx_plan_bitmaps(const struct idx_plan *p, const uint64_t **src);

/* full = the AND of all the plan's bitmaps, and its non-zero words listed
 * in nz; returns how many, and in *is_all whether no bitmap applied. */
size_t idx_plan_full(const struct index_snap *s, const struct idx_plan *p, uint64_t *full,
		     uint32_t *nz, bool *is_all);

/* The records that pass a plan by need, kind and municipality (tables and
 * all three filters), in order.  *out is malloc'ed (free()); returns how
 * many. */
size_t idx_plan_records(const struct index_snap *s, const struct idx_plan *p, uint32_t **out);

/*
 * The counts of dimension d's values over the records that pass the
 * plan's filters except d's own and dimension 'skip' (-1: none), from the
 * count tables: value v's count is row[v * *stride].  NULL when the plan
 * does not use the tables or no table has that set of dimensions (a
 * search by need, kind and municipality, for another dimension).
 */
const uint32_t *idx_plan_table_row(const struct index_snap *s, const struct idx_plan *p, int d,
				   int skip, size_t *stride);

/* The number of records that pass the plan's filters except dimension
 * 'skip' (-1: none) and, when odim >= 0, have value ov of dimension odim
 * (one the plan does not filter).  A table lookup when the plan uses the
 * tables, else a count of the bitmaps ANDed into scratch (nwords words). */
uint64_t idx_plan_count(const struct index_snap *s, const struct idx_plan *p, int skip, int odim,
			long ov, uint64_t *scratch);

/* Counts per value of one dimension, the county-wide and nationwide
 * records apart for municipality and county (see idx_plan_tally_end). */
struct idx_plan_tally {
	uint32_t *cnt;       /* dims[d].n counts, zeros or a base to add to */
	uint32_t chits[256]; /* municipality: county-wide records by county */
	uint32_t all;        /* municipality, county: the nationwide ones */
};

/* Counts the records rec[0..n) in t for dimension d. */
void idx_plan_tally_add(const struct index_snap *s, int d, const uint32_t *rec, size_t n,
			struct idx_plan_tally *t);

/* Adds the county-wide and nationwide records to the values they cover. */
void idx_plan_tally_end(const struct index_snap *s, int d, struct idx_plan_tally *t);

/* cnt[v] += the records in mask that have value v of dimension d, walking
 * the records of the words nz[0..nnz) (cheap when mask holds few).  cnt
 * has dims[d].n zeros. */
void idx_plan_count_records(const struct index_snap *s, int d, const uint64_t *mask,
			    const uint32_t *nz, size_t nnz, uint32_t *cnt);

#endif
