/*
 * idx_tables.c - the count tables of a snapshot (see idx_tables.h).
 */
#include "idx_tables.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"
#include "banned.h"

/* The sets of dimensions with a count table: what a search filtered by
 * need, kind and municipality (any of them) needs for its total and its
 * facets, one dimension counted under the others.  Two or three
 * dimensions, at most one of them not need, kind or municipality: all
 * three and a fourth would take 4 bytes x 26 x 12 x 308 x 34 (13 MB),
 * and a search by all three finds few enough records to count them. */
static bool table_wanted(unsigned dims)
{
	int n = __builtin_popcount(dims), inner = __builtin_popcount(dims & IDX_SNAP_TABLE_DIMS);

	return (n == 2 || n == 3) && inner + 1 >= n;
}

/* Sets t up as a table over the dimensions in dims, all zeros. */
static void table_init(const struct index_snap *s, struct idx_snap_table *t, unsigned dims,
		       bool nationwide)
{
	size_t len = 1;

	t->dims = dims;
	t->nationwide = nationwide;
	for (int d = 0; d < INDEX_NDIMS; d++)
		if (dims & (1u << d))
			t->axis[t->naxes++] = d;
	for (int d = INDEX_NDIMS - 1; d >= 0; d--) {
		if (!(dims & (1u << d)))
			continue;
		t->stride[d] = len;
		len *= d == INDEX_MUNICIPALITY ? s->dims[d].n + s->dims[INDEX_COUNTY].n + 1 :
						 s->dims[d].n;
	}
	t->len = len;
	t->cnt = xcalloc(len ? len : 1, sizeof(*t->cnt));
}

/* Adds 1 for every combination of the record's values on t's axes, whose
 * lists are v[d][0 .. nv[d]). */
static void table_add(struct idx_snap_table *t, const uint16_t *const *v, const size_t *nv)
{
	static const uint16_t none = 0;
	const int *ax = t->axis;
	const uint16_t *l0 = v[ax[0]], *l1 = v[ax[1]], *l2 = t->naxes == 3 ? v[ax[2]] : &none;
	size_t n0 = nv[ax[0]], n1 = nv[ax[1]], n2 = t->naxes == 3 ? nv[ax[2]] : 1;
	size_t s0 = t->stride[ax[0]], s1 = t->stride[ax[1]];
	size_t s2 = t->naxes == 3 ? t->stride[ax[2]] : 0;

	for (size_t i = 0; i < n0; i++)
		for (size_t j = 0; j < n1; j++) {
			uint32_t *c = t->cnt + l0[i] * s0 + l1[j] * s1;

			for (size_t m = 0; m < n2; m++)
				c[l2[m] * s2]++;
		}
}

/* The records of every need and kind pair (see nk_off): a search by need,
 * kind and municipality checks the municipality's bit of those instead of
 * ANDing three bitmaps of 782 words at national scale. */
static void tables_pairs(struct index_snap *s)
{
	const struct idx_dim *need = &s->dims[INDEX_NEED], *kind = &s->dims[INDEX_KIND];
	size_t npairs = need->n * kind->n, *at;

	s->nk_off = xcalloc(npairs + 1, sizeof(*s->nk_off));
	for (size_t r = 0; r < s->n; r++)
		for (uint32_t i = need->off[r]; i < need->off[r + 1]; i++)
			for (uint32_t j = kind->off[r]; j < kind->off[r + 1]; j++)
				s->nk_off[need->val[i] * kind->n + kind->val[j] + 1]++;
	for (size_t i = 0; i < npairs; i++)
		s->nk_off[i + 1] += s->nk_off[i];
	s->nk_rec = xcalloc(s->nk_off[npairs] ? s->nk_off[npairs] : 1, sizeof(*s->nk_rec));
	at = xcalloc(npairs ? npairs : 1, sizeof(*at));
	for (size_t i = 0; i < npairs; i++)
		at[i] = s->nk_off[i];
	for (size_t r = 0; r < s->n; r++)
		for (uint32_t i = need->off[r]; i < need->off[r + 1]; i++)
			for (uint32_t j = kind->off[r]; j < kind->off[r + 1]; j++)
				s->nk_rec[at[need->val[i] * kind->n + kind->val[j]]++] = (uint32_t)
					r;
	free(at);
}

/* Adds the county-wide and nationwide slots of t's municipality axis to
 * every municipality they cover. */
static void table_fold(const struct index_snap *s, struct idx_snap_table *t)
{
	size_t nm = s->dims[INDEX_MUNICIPALITY].n, ncty = s->dims[INDEX_COUNTY].n;
	size_t inner = t->stride[INDEX_MUNICIPALITY], outer = inner * (nm + ncty + 1);

	for (size_t o = 0; o < t->len; o += outer) {
		uint32_t *base = t->cnt + o;
		const uint32_t *all = base + (nm + ncty) * inner;

		for (size_t m = 0; m < nm; m++) {
			int32_t c = s->muni_county[m];
			uint32_t *row = base + m * inner;
			const uint32_t *cty = c >= 0 && (size_t)c < ncty ?
						      base + (nm + (size_t)c) * inner :
						      NULL;

			for (size_t i = 0; i < inner; i++)
				row[i] += all[i] + (cty ? cty[i] : 0);
		}
	}
}

void idx_tables_build(struct index_snap *s)
{
	size_t nm = s->dims[INDEX_MUNICIPALITY].n, ncty = s->dims[INDEX_COUNTY].n;
	uint16_t counties[256];
	size_t want = 0;

	memset(s->table_of, -1, sizeof(s->table_of));
	memset(s->nationwide_of, -1, sizeof(s->nationwide_of));
	if (nm + ncty + 1 > UINT16_MAX || ncty > sizeof(counties) / sizeof(counties[0]))
		return;
	for (size_t c = 0; c < ncty; c++)
		counties[c] = (uint16_t)c;
	for (unsigned dims = 1; dims < 1u << INDEX_NDIMS; dims++)
		want += table_wanted(dims);
	s->tables = xcalloc(want + INDEX_NDIMS, sizeof(*s->tables));
	for (unsigned dims = 1; dims < 1u << INDEX_NDIMS; dims++) {
		if (!table_wanted(dims))
			continue;
		table_init(s, &s->tables[s->ntables], dims, false);
		s->table_of[dims] = (int8_t)s->ntables++;
	}
	for (int d = 0; d < INDEX_NDIMS; d++) {
		if (IDX_SNAP_TABLE_DIMS & (1u << d))
			continue;
		table_init(s, &s->tables[s->ntables],
			   (1u << INDEX_NEED) | (1u << INDEX_KIND) | (1u << d), true);
		s->nationwide_of[d] = (int8_t)s->ntables++;
	}
	for (size_t r = 0; r < s->n; r++) {
		const uint16_t *v[INDEX_NDIMS];
		size_t nv[INDEX_NDIMS];
		uint16_t where;

		for (int d = 0; d < INDEX_NDIMS; d++) {
			nv[d] = s->dims[d].off[r + 1] - s->dims[d].off[r];
			v[d] = nv[d] ? s->dims[d].val + s->dims[d].off[r] : counties;
		}
		/* The coverage rule, as idx_plan counts it and idx_build sets
		 * the bitmaps. */
		if (s->area[r] == IDX_SNAP_AREA_COUNTY) {
			int16_t c = s->area_county[r];

			where = (uint16_t)(nm + (size_t)(c >= 0 ? c : 0));
			v[INDEX_MUNICIPALITY] = &where;
			nv[INDEX_MUNICIPALITY] = c >= 0 && (size_t)c < ncty;
		} else if (s->area[r] == IDX_SNAP_AREA_ALL) {
			where = (uint16_t)(nm + ncty);
			v[INDEX_MUNICIPALITY] = &where;
			nv[INDEX_MUNICIPALITY] = 1;
			v[INDEX_COUNTY] = counties;
			nv[INDEX_COUNTY] = ncty;
		}
		for (size_t i = 0; i < s->ntables; i++)
			if (!s->tables[i].nationwide || s->area[r] == IDX_SNAP_AREA_ALL)
				table_add(&s->tables[i], v, nv);
	}
	for (size_t i = 0; i < s->ntables; i++)
		if (s->tables[i].dims & (1u << INDEX_MUNICIPALITY))
			table_fold(s, &s->tables[i]);
	tables_pairs(s);
}
