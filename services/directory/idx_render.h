/*
 * idx_render.h - the JSON of the search index's answers: a search page
 * with its facets and broader search, and an organisation's items.
 */
#ifndef TJ_IDX_RENDER_H
#define TJ_IDX_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "idx_snap.h"

/* index_search (see index.h): the search response of docs/api-v1.md,
 * malloc'ed (free()), its length in *len, the number of matches in
 * *total_out (when not NULL). */
char *idx_render_search(const struct index_snap *s, const struct index_query *q,
			const struct index_text *text, size_t *len, uint64_t *total_out);

/* Where dimension d's counts start in a free-text answer's facets, and
 * (d = INDEX_NDIMS) how many counts there are in all. */
size_t idx_facet_off(const struct index_snap *s, int d);

/* Fills in text->bits and text->facets from text->ranked (index_text). */
void idx_render_text_facets(const struct index_snap *s, struct index_text *text);

/* index_organization_items (see index.h): "[...]" of the organisation's
 * search items in snapshot order, malloc'ed (free()), its length in *len. */
char *idx_render_org_items(const struct index_snap *s, const char *org_id, size_t *len);

#endif
