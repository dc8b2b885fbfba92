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
