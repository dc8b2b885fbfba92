/*
 * idx_plan.c - planning and counting a search over a snapshot (see
 * idx_plan.h).
 */
#include "idx_plan.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "idx_bits.h"
#include "xalloc.h"
#include "banned.h"

void idx_plan_init(struct idx_plan *p, const struct index_snap *s, const struct index_query *q,
		   const uint64_t *text)
{
	size_t words = s->nwords ? s->nwords : 1;

	memset(p, 0, sizeof(*p));
	p->tables = !text && s->ntables;
	p->text = text;
	for (int d = 0; d < INDEX_NDIMS; d++) {
		const char *v = q->value[d];
		long k;

		p->value[d] = -1;
		if (!v)
			continue;
		p->nfilters++;
		k = idx_dim_find(&s->dims[d], v, strlen(v));
		if (k >= 0) {
			p->filter[d] = s->dims[d].bits[k];
			p->value[d] = (int32_t)k;
		} else {
			/* An unchecked value (a language nobody uses): nothing. */
			if (!p->own_zero)
				p->own_zero = xcalloc(words, sizeof(uint64_t));
			p->filter[d] = p->own_zero;
		}
		if (k < 0 || !(IDX_SNAP_TABLE_DIMS & (1u << d)))
			p->tables = false;
	}
}

void idx_plan_release(struct idx_plan *p)
{
	free(p->own_zero);
	memset(p, 0, sizeof(*p));
}

bool idx_plan_and(const struct index_snap *s, const struct idx_plan *p, int skip, int odim,
		  const uint64_t *override, uint64_t *out)
{
	bool first = true;

	for (int d = -1; d < INDEX_NDIMS; d++) {
		const uint64_t *b = d < 0 ? p->text : (d == odim ? override : p->filter[d]);

		if (!b || (d >= 0 && d == skip))
			continue;
		if (first)
			memcpy(out, b, s->nwords * sizeof(uint64_t));
		else
			for (size_t i = 0; i < s->nwords; i++)
				out[i] &= b[i];
		first = false;
	}
	if (first)
		memcpy(out, s->all, s->nwords * sizeof(uint64_t));
	return first;
}

size_t idx_plan_bitmaps(const struct idx_plan *p, const uint64_t **src)
{
	size_t n = 0;

	if (p->text)
		src[n++] = p->text;
	for (int d = 0; d < INDEX_NDIMS; d++)
		if (p->filter[d])
			src[n++] = p->filter[d];
	return n;
}

size_t idx_plan_full(const struct index_snap *s, const struct idx_plan *p, uint64_t *full,
		     uint32_t *nz, bool *is_all)
{
	const uint64_t *src[INDEX_NDIMS + 1];
	size_t n = idx_plan_bitmaps(p, src), k = 0;

	*is_all = n == 0;
	if (!n)
		src[n++] = s->all;
	/* The common cases as loops of their own: no loop over the bitmaps
	 * for every word. */
	if (n == 1)
		memcpy(full, src[0], s->nwords * sizeof(uint64_t));
	else if (n == 2)
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = src[0][w] & src[1][w];
	else if (n == 3)
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = src[0][w] & src[1][w] & src[2][w];
	else
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = idx_bits_and_word(src, n, w);
	for (size_t w = 0; w < s->nwords; w++) {
		nz[k] = (uint32_t)w; /* kept only when the word is not zero: no branch */
		k += full[w] != 0;
	}
	return k;
}

size_t idx_plan_records(const struct index_snap *s, const struct idx_plan *p, uint32_t **out)
{
	size_t pair = (size_t)p->value[INDEX_NEED] * s->dims[INDEX_KIND].n +
		      (size_t)p->value[INDEX_KIND];
	const uint32_t *list = s->nk_rec + s->nk_off[pair];
	size_t n = s->nk_off[pair + 1] - s->nk_off[pair], k = 0;
	const uint64_t *mun = p->filter[INDEX_MUNICIPALITY];
	uint32_t *rec = xmalloc((n ? n : 1) * sizeof(*rec));

	for (size_t i = 0; i < n; i++) {
		rec[k] = list[i];
		k += idx_bits_get(mun, list[i]); /* kept only when covered: no branch */
	}
	*out = rec;
	return k;
}

const uint32_t *idx_plan_table_row(const struct index_snap *s, const struct idx_plan *p, int d,
				   int skip, size_t *stride)
{
	unsigned dims = 1u << d;
	const struct idx_snap_table *t;
	size_t off = 0;

	if (!p->tables)
		return NULL;
	for (int x = 0; x < INDEX_NDIMS; x++)
		if (p->value[x] >= 0 && x != d && x != skip)
			dims |= 1u << x;
	if (dims == 1u << d) {
		*stride = 1;
		return s->dims[d].total;
	}
	if (s->table_of[dims] < 0)
		return NULL;
	t = &s->tables[s->table_of[dims]];
	for (int x = 0; x < INDEX_NDIMS; x++)
		if (x != d && (dims & (1u << x)))
			off += (size_t)p->value[x] * t->stride[x];
	*stride = t->stride[d];
	return t->cnt + off;
}

uint64_t idx_plan_count(const struct index_snap *s, const struct idx_plan *p, int skip, int odim,
			long ov, uint64_t *scratch)
{
	if (p->tables) {
		const uint32_t *row;
		size_t stride;
		int d = odim;
		long v = ov;

		/* Without odim, count along one of the filters. */
		for (int x = 0; x < INDEX_NDIMS && d < 0; x++)
			if (p->value[x] >= 0 && x != skip) {
				d = x;
				v = p->value[x];
			}
		if (d < 0)
			return s->n;
		row = idx_plan_table_row(s, p, d, skip, &stride);
		assert(row); /* idx_tables makes every set a plan with tables asks for */
		return row[(size_t)v * stride];
	}
	idx_plan_and(s, p, skip, odim, odim >= 0 ? s->dims[odim].bits[ov] : NULL, scratch);
	return idx_bits_count(scratch, s->nwords);
}

void idx_plan_tally_add(const struct index_snap *s, int d, const uint32_t *rec, size_t n,
			struct idx_plan_tally *t)
{
	const struct idx_dim *dm = &s->dims[d];

	for (size_t i = 0; i < n; i++) {
		size_t r = rec[i];

		if (d == INDEX_MUNICIPALITY && s->area[r] != IDX_SNAP_AREA_LISTED) {
			if (s->area[r] == IDX_SNAP_AREA_ALL)
				t->all++;
			else if (s->area_county[r] >= 0 && s->area_county[r] < 256)
				t->chits[s->area_county[r]]++;
			continue;
		}
		if (d == INDEX_COUNTY && s->area[r] == IDX_SNAP_AREA_ALL) {
			t->all++;
			continue;
		}
		for (uint32_t k = dm->off[r]; k < dm->off[r + 1]; k++)
			t->cnt[dm->val[k]]++;
	}
}

void idx_plan_tally_end(const struct index_snap *s, int d, struct idx_plan_tally *t)
{
	const struct idx_dim *dm = &s->dims[d];
	const struct idx_dim *cty = &s->dims[INDEX_COUNTY];

	if (d == INDEX_MUNICIPALITY) {
		for (size_t v = 0; v < dm->n; v++) {
			int32_t c = s->muni_county[v];

			t->cnt[v] += t->all +
				     (c >= 0 && c < 256 && (size_t)c < cty->n ? t->chits[c] : 0);
		}
	} else if (d == INDEX_COUNTY) {
		for (size_t v = 0; v < dm->n; v++)
			t->cnt[v] += t->all;
	}
}

void idx_plan_count_records(const struct index_snap *s, int d, const uint64_t *mask,
			    const uint32_t *nz, size_t nnz, uint32_t *cnt)
{
	struct idx_plan_tally t = { .cnt = cnt };

	for (size_t i = 0; i < nnz; i++) {
		uint64_t word = mask[nz[i]];
		uint32_t rec[64];
		size_t n = 0;

		while (word) {
			rec[n++] = nz[i] * 64 + (uint32_t)__builtin_ctzll(word);
			word &= word - 1;
		}
		idx_plan_tally_add(s, d, rec, n, &t);
	}
	idx_plan_tally_end(s, d, &t);
}
