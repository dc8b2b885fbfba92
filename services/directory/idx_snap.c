/*
 * idx_snap.c - a search index snapshot's birth and death (see idx_snap.h).
 */
#include "idx_snap.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

struct index_snap *idx_snap_new(void)
{
	struct index_snap *s = xcalloc(1, sizeof(*s));

	atomic_init(&s->refs, 1);
	return s;
}

void idx_snap_destroy(struct index_snap **sp)
{
	struct index_snap *s = *sp;

	if (!s)
		return;
	*sp = NULL;
	for (int d = 0; d < INDEX_NDIMS; d++)
		idx_dim_release(&s->dims[d]);
	free(s->rec);
	free(s->by_id);
	free(s->text);
	free(s->dict);
	free(s->names);
	free(s->muni_county);
	free(s->taxonomies_json);
	free(s->municipalities_json);
	free(s->all);
	free(s->area);
	free(s->area_county);
	for (size_t i = 0; i < s->ntables; i++)
		free(s->tables[i].cnt);
	free(s->tables);
	free(s->nk_off);
	free(s->nk_rec);
	textidx_unref(&s->textidx);
	free(s->doc_rec);
	free(s);
}

void idx_snap_sizes(const struct index_snap *s, struct idx_snap_sizes *z)
{
	size_t nk = s->dims[INDEX_NEED].n * s->dims[INDEX_KIND].n;

	memset(z, 0, sizeof(*z));
	z->items = s->dictlen;
	for (size_t r = 0; r < s->n; r++) {
		z->items += s->rec[r].json_clen;
		z->records += s->rec[r].name_len;
	}
	z->records += s->n * (sizeof(*s->rec) + sizeof(*s->by_id) + sizeof(*s->area) +
			      sizeof(*s->area_county)) +
		      s->ndoc_rec * sizeof(*s->doc_rec) + s->nwords * sizeof(*s->all);
	for (int d = 0; d < INDEX_NDIMS; d++)
		z->facets += s->dims[d].n * s->nwords * sizeof(uint64_t) +
			     (s->n + 1) * sizeof(uint32_t) + s->dims[d].nval * sizeof(uint16_t);
	for (size_t i = 0; i < s->ntables; i++)
		z->tables += s->tables[i].len * sizeof(uint32_t);
	if (s->nk_off)
		z->tables += (nk + 1) * sizeof(uint32_t) + s->nk_off[nk] * sizeof(uint32_t);
}

long idx_snap_find(const struct index_snap *s, const char *id)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->rec[s->by_id[mid]].id, id);

		if (c == 0)
			return (long)s->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
