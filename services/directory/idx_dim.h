/*
 * idx_dim.h - one facet dimension of a search index snapshot: its values,
 * a bitmap per value and, per record, the values it has.
 */
#ifndef TJ_IDX_DIM_H
#define TJ_IDX_DIM_H

#include <stddef.h>
#include <stdint.h>

#include "index.h"

struct idx_dim {
	size_t n;       /* values */
	char **keys;    /* output order */
	char **keyjson; /* per value: "key": ready to append, zero-padded */
	uint16_t *keyjson_len;
	size_t keyjson_max;
	uint32_t *sorted;      /* value numbers sorted by key, for lookups */
	uint64_t **bits;       /* per value: nwords words */
	uint32_t *total;       /* per value: popcount of its bitmap */
	const char **taxonomy; /* term dimensions: the term's taxonomy, for messages */
	/* Per record, its values (CSR: record r has val[off[r] .. off[r+1]]),
	 * for counting facets over a few records.  Municipalities and counties
	 * list only what the area names (see enum idx_snap_area). */
	uint32_t *off;
	uint16_t *val;
	size_t nval, capval;
};

/* The API's name of dimension d ("need", ...), "" for no dimension. */
const char *idx_dim_name(int d);

/* Frees what the dimension holds; it is all zeros afterwards. */
void idx_dim_release(struct idx_dim *d);

/* Adds a value (copied; keys longer than 64 bytes are ignored: ids, codes
 * and keys are short by their CHECKs).  taxonomy is not copied. */
void idx_dim_add(struct idx_dim *d, const char *key, const char *taxonomy);

/* After the last idx_dim_add: sorts the lookup table, renders the keys'
 * JSON and allocates a bitmap of nwords words per value. */
void idx_dim_seal(struct idx_dim *d, size_t nwords);

/* The value number of key[0..keylen) in a sealed d, or -1. */
long idx_dim_find(const struct idx_dim *d, const char *key, size_t keylen);

/* Appends value v to the current record's list in d. */
void idx_dim_push(struct idx_dim *d, long v);

/* Sets record r's bit and list entry for every known value of the
 * comma-separated list (unknown ones are skipped). */
void idx_dim_set_list(struct idx_dim *d, const char *list, size_t r);

#endif
