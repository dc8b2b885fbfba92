/*
 * idx_snap.h - the inside of a search index snapshot, shared by the index's
 * own modules (idx_*.c, index.c) and nobody else: callers see struct
 * index_snap only through index.h.
 */
#ifndef TJ_IDX_SNAP_H
#define TJ_IDX_SNAP_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "idx_dim.h"
#include "index.h"
#include "textidx.h"

struct idx_snap_record {
	char id[37];
	char org_id[37];
	char assured[11];          /* YYYY-MM-DD, "" when never verified */
	bool unverified;           /* freshness 'unverified': after the current ones */
	size_t json_off, json_len; /* into snap->text: its JSON's place and length */
	uint32_t json_clen;        /* the LZ4 block's length there; 0 while uncompressed */
	size_t name_off, name_len; /* into snap->names */
	uint32_t doc;              /* its text in snap->textidx, or TEXTIDX_NO_DOC */
};

/* How a record's area maps to municipalities and counties. */
enum idx_snap_area { IDX_SNAP_AREA_LISTED, IDX_SNAP_AREA_COUNTY, IDX_SNAP_AREA_ALL };

/* The dimensions a visitor clicks through: the ones with count tables. */
#define IDX_SNAP_TABLE_DIMS ((1u << INDEX_NEED) | (1u << INDEX_KIND) | (1u << INDEX_MUNICIPALITY))

/*
 * A count table over two or three dimensions (see idx_tables.h): the number
 * of records (or of the nationwide ones) that have value v[d] in every
 * dimension d of 'dims', under the coverage rule, at cnt[sum of v[d] *
 * stride[d]].  The municipality axis has ncounties + 1 slots more than
 * there are municipalities: the county-wide and nationwide records counted
 * there while building, then added to every municipality they cover.
 */
struct idx_snap_table {
	unsigned dims;              /* bit d: dimension d is an axis */
	bool nationwide;            /* counts only nationwide (and online) records */
	int axis[3], naxes;         /* the same, in order */
	size_t stride[INDEX_NDIMS]; /* 0 for the other dimensions */
	size_t len;
	uint32_t *cnt;
};

struct index_snap {
	atomic_long refs;
	uint64_t generation;
	uint64_t tag; /* index_snap_tag */
	size_t n, nwords;
	struct idx_snap_record *rec;
	uint32_t *by_id; /* record numbers sorted by id */
	/* Every item's JSON, back to back, each an LZ4 block compressed with
	 * the dictionary 'dict' (idx_build_compress), which refreshed
	 * snapshots keep. */
	char *text;
	char *dict;
	size_t dictlen;
	char *names; /* every activity's name, back to back (for ordering) */
	struct idx_dim dims[INDEX_NDIMS];
	int32_t *muni_county; /* municipality value -> county value */
	char *taxonomies_json, *municipalities_json;
	size_t taxonomies_len, municipalities_len;
	uint64_t *all;        /* bits of every record */
	uint8_t *area;        /* per record: enum idx_snap_area */
	int16_t *area_county; /* per record: the county value of IDX_SNAP_AREA_COUNTY */
	struct idx_snap_table *tables;
	size_t ntables;
	int8_t table_of[1u << INDEX_NDIMS]; /* a set of dimensions -> tables[i], or -1 */
	/* Dimension d (not need, kind or municipality) -> the table of need,
	 * kind and d over the nationwide records alone, or -1. */
	int8_t nationwide_of[INDEX_NDIMS];
	/* With the tables: per need n and kind k, the records that have
	 * both, in order, at nk_rec[nk_off[i] .. nk_off[i + 1]) where
	 * i = n * kinds + k. */
	uint32_t *nk_off, *nk_rec;
	/* The free text of the records (shared with older and newer
	 * snapshots: a record's doc names its text there). */
	struct textidx *textidx;
	uint32_t *doc_rec; /* a doc of textidx -> its record here, or UINT32_MAX */
	size_t ndoc_rec;
};

/* An empty snapshot with one reference (the caller's); free it with
 * idx_snap_destroy() or, once shared, through index_release(). */
struct index_snap *idx_snap_new(void);

/* Frees the snapshot and everything it holds, whatever its reference
 * count; accepts NULL and NULLs *sp. */
void idx_snap_destroy(struct index_snap **sp);

/* What a snapshot's own parts take, in bytes (the text index, shared
 * between snapshots, apart: textidx_memory()). */
struct idx_snap_sizes {
	size_t items;   /* the items' JSON */
	size_t records; /* per record: ids, dates, offsets, names */
	size_t facets;  /* the dimensions' bitmaps and per-record values */
	size_t tables;  /* the count tables and need x kind lists */
};

void idx_snap_sizes(const struct index_snap *s, struct idx_snap_sizes *z);

/* The record number of activity id, or -1 (once idx_build_finish ran). */
long idx_snap_find(const struct index_snap *s, const char *id);

#endif
