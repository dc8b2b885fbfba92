/*
 * idx_render.c - a search's page, facets and broader search, and an
 * organisation's items, as JSON (see idx_render.h).
 */
#include "idx_render.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>

#include "idx_bits.h"
#include "idx_plan.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

/* What a page usually takes, so that rendering one reallocates seldom. */
#define RENDER_START_SIZE (32768 - 1) /* 32 KB with the NUL */

/* Appends v in decimal: a search writes a few numbers, no printf needed. */
static void add_num(struct strbuf *b, long long v)
{
	char digits[24], *p = digits + sizeof(digits);
	unsigned long long u = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (v < 0)
		*--p = '-';
	strbuf_add(b, p, (size_t)(digits + sizeof(digits) - p));
}

/* Writes "dim":{"key":count,...} for dimension d, value v's count being
 * cnt[v * stride]; values counted zero are left out. */
static void render_counts(struct strbuf *b, const struct index_snap *s, int d, const uint32_t *cnt,
			  size_t stride)
{
	const struct idx_dim *dm = &s->dims[d];
	/* In locals: the stores through p could change anything else. */
	char *const *key = dm->keyjson;
	const uint16_t *keylen = dm->keyjson_len;
	size_t n = dm->n;
	char *p, *start;

	strbuf_json_str(b, idx_dim_name(d));
	strbuf_add(b, ":{", 2);
	/* Room for every value at once (and the last key's padding), then
	 * plain stores: at 308 municipalities this loop is a good part of a
	 * search. */
	strbuf_reserve(b, n * (1 + dm->keyjson_max + 10) + 8 + 1);
	p = start = b->p + b->len;
	for (size_t v = 0; v < n; v++) {
		uint32_t c = cnt[v * stride], t;
		size_t nd = 1;

		if (!c)
			continue;
		if (p != start)
			*p++ = ',';
		/* Whole words: the bytes past the key are written over next. */
		for (size_t o = 0; o < keylen[v]; o += 8)
			memcpy(p + o, key[v] + o, 8);
		p += keylen[v];
		/* The digits straight into place: copied from a small
		 * array, they waited for the bytes just stored there. */
		for (t = c; t >= 10; t /= 10)
			nd++;
		p += nd;
		for (size_t i = 1; i <= nd; i++, c /= 10)
			p[-(ptrdiff_t)i] = (char)('0' + c % 10);
	}
	*p++ = '}';
	*p = '\0';
	b->len = (size_t)(p - b->p);
}

/* cnt[0..dims[d].n) = the counts of dimension d's values under 'mask',
 * whose non-zero words are nz[0..nnz). */
static void count_facet(const struct index_snap *s, int d, const uint64_t *mask, bool mask_is_all,
			const uint32_t *nz, size_t nnz, uint32_t *cnt)
{
	const struct idx_dim *dm = &s->dims[d];
	bool sparse = nnz * 2 < s->nwords;
	size_t k = 0, live = 0;

	memset(cnt, 0, dm->n * sizeof(*cnt));
	if (mask_is_all) {
		memcpy(cnt, dm->total, dm->n * sizeof(*cnt));
	} else {
		/* Walk the records or AND the bitmaps, whichever is less work. */
		k = (size_t)idx_bits_count_nz(mask, nz, nnz);
		for (size_t v = 0; v < dm->n; v++)
			live += dm->total[v] != 0;
		if (k * 4 < live * (sparse ? nnz : s->nwords))
			idx_plan_count_records(s, d, mask, nz, nnz, cnt);
		else
			for (size_t v = 0; v < dm->n; v++)
				if (dm->total[v])
					cnt[v] = (uint32_t)idx_bits_and_count(mask, dm->bits[v],
									      sparse ? nz : NULL,
									      sparse ? nnz :
										       s->nwords);
	}
}

/* Writes the facet of one dimension under 'mask', whose non-zero words
 * are nz[0..nnz). */
static void render_facet(struct strbuf *b, const struct index_snap *s, int d, const uint64_t *mask,
			 bool mask_is_all, const uint32_t *nz, size_t nnz)
{
	uint32_t small[512];
	uint32_t *cnt = s->dims[d].n <= 512 ? small : xmalloc(s->dims[d].n * sizeof(*cnt));

	count_facet(s, d, mask, mask_is_all, nz, nnz, cnt);
	render_counts(b, s, d, cnt, 1);
	if (cnt != small)
		free(cnt);
}

size_t idx_facet_off(const struct index_snap *s, int d)
{
	size_t off = 0;

	for (int i = 0; i < d && i < INDEX_NDIMS; i++)
		off += s->dims[i].n;
	return off;
}

void idx_render_text_facets(const struct index_snap *s, struct index_text *text)
{
	size_t words = s->nwords ? s->nwords : 1, nnz = 0;
	uint32_t *nz = xmalloc(words * sizeof(*nz));

	text->bits = xcalloc(words, sizeof(uint64_t));
	text->nwords = words;
	for (size_t i = 0; i < text->n; i++)
		if (text->ranked[i] < s->n)
			idx_bits_set(text->bits, text->ranked[i]);
	for (size_t i = 0; i < s->nwords; i++)
		if (text->bits[i])
			nz[nnz++] = (uint32_t)i;
	text->nfacets = idx_facet_off(s, INDEX_NDIMS);
	text->facets = xcalloc(text->nfacets ? text->nfacets : 1, sizeof(uint32_t));
	for (int d = 0; d < INDEX_NDIMS; d++)
		count_facet(s, d, text->bits, false, nz, nnz, text->facets + idx_facet_off(s, d));
	free(nz);
}

/* Writes the facet of dimension d for a search by need, kind and
 * municipality: the nationwide records from their table, the others
 * rec[0..n) counted (most of a search's records are nationwide, and each
 * of them counted took a few cache misses). */
static void render_facet_list(struct strbuf *b, const struct index_snap *s,
			      const struct idx_plan *p, int d, const uint32_t *rec, size_t n)
{
	const struct idx_dim *dm = &s->dims[d];
	const struct idx_snap_table *nt;
	uint32_t small[512];
	struct idx_plan_tally t = { .cnt = dm->n <= 512 ? small :
							  xmalloc(dm->n * sizeof(uint32_t)) };

	assert(s->nationwide_of[d] >= 0); /* idx_tables_build makes one for every such d */
	nt = &s->tables[s->nationwide_of[d]];
	memcpy(t.cnt,
	       nt->cnt + (size_t)p->value[INDEX_NEED] * nt->stride[INDEX_NEED] +
		       (size_t)p->value[INDEX_KIND] * nt->stride[INDEX_KIND],
	       dm->n * sizeof(uint32_t));
	idx_plan_tally_add(s, d, rec, n, &t);
	idx_plan_tally_end(s, d, &t);
	render_counts(b, s, d, t.cnt, 1);
	if (t.cnt != small)
		free(t.cnt);
}

/* Writes the facets: from the tables where they have them, else for a
 * search by need, kind and municipality from the nationwide tables and
 * the other records rec[0..nrec), else from a free-text answer's own
 * counts where no other filter applies, else under 'full' (nz[0..nnz_full)
 * its non-zero words) or, for a filtered dimension, under the other
 * filters ANDed into scratch (nz has room for twice nwords). */
static void render_facets(struct strbuf *b, const struct index_snap *s, const struct idx_plan *p,
			  const struct index_text *text, const uint32_t *rec, size_t nrec,
			  const uint64_t *full, bool full_is_all, uint64_t *scratch, uint32_t *nz,
			  size_t nnz_full)
{
	strbuf_add(b, "\"facets\":{", 10);
	for (int d = 0; d < INDEX_NDIMS; d++) {
		const uint64_t *mask = full;
		const uint32_t *row;
		bool all = full_is_all;
		size_t nnz = nnz_full, stride;
		uint32_t *z = nz;

		if (d)
			strbuf_add(b, ",", 1);
		if ((row = idx_plan_table_row(s, p, d, -1, &stride))) {
			render_counts(b, s, d, row, stride);
			continue;
		}
		if (p->tables) {
			render_facet_list(b, s, p, d, rec, nrec);
			continue;
		}
		if (text && text->facets &&
		    (p->nfilters == 0 || (p->nfilters == 1 && p->filter[d]))) {
			render_counts(b, s, d, text->facets + idx_facet_off(s, d), 1);
			continue;
		}
		if (p->filter[d]) {
			/* Disjunctive: this dimension counts under the others. */
			all = idx_plan_and(s, p, d, -1, NULL, scratch);
			mask = scratch;
			z = nz + s->nwords;
			nnz = 0;
			for (size_t i = 0; i < s->nwords; i++)
				if (mask[i])
					z[nnz++] = (uint32_t)i;
		}
		render_facet(b, s, d, mask, all, z, nnz);
	}
	strbuf_add(b, "}", 1);
}

/* Ends a broader search's object with its total. */
static void broader_total(struct strbuf *b, uint64_t n)
{
	strbuf_add(b, ",\"total\":", 9);
	add_num(b, (long long)n);
	strbuf_add(b, "}", 1);
}

/* When a search finds nothing: the first broader search that finds
 * something, as {"drop": dim, "total": n} (for municipality -> county also
 * "county": key), or null. */
static void render_broader(struct strbuf *b, const struct index_snap *s, const struct idx_plan *p,
			   uint64_t *scratch)
{
	static const int order[] = { INDEX_KIND,      INDEX_TARGET_GROUP, INDEX_LANGUAGE,
				     INDEX_TAKES_NEW, INDEX_MUNICIPALITY, INDEX_COUNTY };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int d = order[i];
		uint64_t n;

		if (!p->filter[d])
			continue;
		if (d == INDEX_MUNICIPALITY) {
			/* The municipality's whole county, unless a county filter
			 * already says which. */
			long m = p->value[d];
			int32_t c = m >= 0 ? s->muni_county[m] : -1;

			if (c >= 0 && !p->filter[INDEX_COUNTY]) {
				n = idx_plan_count(s, p, d, INDEX_COUNTY, c, scratch);
				if (n) {
					strbuf_adds(b,
						    "\"broader\":{\"drop\":"
						    "\"municipality\",\"county\":");
					strbuf_json_str(b, s->dims[INDEX_COUNTY].keys[c]);
					broader_total(b, n);
					return;
				}
			}
		}
		n = idx_plan_count(s, p, d, -1, 0, scratch);
		if (n) {
			strbuf_add(b, "\"broader\":{\"drop\":", 18);
			strbuf_json_str(b, idx_dim_name(d));
			broader_total(b, n);
			return;
		}
	}
	strbuf_add(b, "\"broader\":null", 14);
}

/* Appends record r's item, decompressed from its LZ4 block. */
static void render_item(struct strbuf *b, const struct index_snap *s, size_t r, bool comma)
{
	const struct idx_snap_record *rec = &s->rec[r];
	int n;

	if (comma)
		strbuf_add(b, ",", 1);
	strbuf_reserve(b, rec->json_len);
	n = LZ4_decompress_safe_usingDict(s->text + rec->json_off, b->p + b->len,
					  (int)rec->json_clen, (int)rec->json_len, s->dict,
					  (int)s->dictlen);
	assert(n == (int)rec->json_len); /* blocks made by idx_build_finish */
	if (n > 0)
		b->len += (size_t)n;
	b->p[b->len] = '\0';
}

/* A page's items, written in batches (see page_flush). */
struct page {
	uint32_t rec[64];
	size_t n;
	bool comma;
};

/* Writes the items collected so far.  A page's records and their texts
 * lie anywhere in tens of megabytes: asking for all of them before
 * copying any lets the cache misses overlap instead of queueing. */
static void page_flush(struct strbuf *b, const struct index_snap *s, struct page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		__builtin_prefetch(&s->rec[pg->rec[i]].json_off);
	for (size_t i = 0; i < pg->n; i++)
		__builtin_prefetch(s->text + s->rec[pg->rec[i]].json_off);
	for (size_t i = 0; i < pg->n; i++) {
		render_item(b, s, pg->rec[i], pg->comma);
		pg->comma = true;
	}
	pg->n = 0;
}

static void page_add(struct strbuf *b, const struct index_snap *s, struct page *pg, size_t r)
{
	pg->rec[pg->n++] = (uint32_t)r;
	if (pg->n == sizeof(pg->rec) / sizeof(pg->rec[0]))
		page_flush(b, s, pg);
}

/* Writes the items skip .. skip + per_page - 1 of the records that pass,
 * in snapshot order: those of 'full', or without it those that pass the
 * plan's filters (words ANDed only as far as the page needs). */
static void render_page(struct strbuf *b, const struct index_snap *s, const struct idx_plan *p,
			const uint64_t *full, uint64_t skip, uint64_t per_page)
{
	const uint64_t *src[INDEX_NDIMS + 1];
	size_t nsrc = 0, w = 0;
	uint64_t seen = 0, shown = 0;
	struct page pg = { .n = 0 };

	if (full)
		src[nsrc++] = full;
	else
		nsrc = idx_plan_bitmaps(p, src);
	if (!nsrc)
		src[nsrc++] = s->all;
	/* Skip whole words to the page's first hit. */
	for (; w < s->nwords; w++) {
		uint64_t c = (uint64_t)__builtin_popcountll(idx_bits_and_word(src, nsrc, w));

		if (seen + c > skip)
			break;
		seen += c;
	}
	for (; w < s->nwords && shown < per_page; w++) {
		uint64_t word = idx_bits_and_word(src, nsrc, w);

		while (word && shown < per_page) {
			size_t r = w * 64 + (size_t)__builtin_ctzll(word);

			word &= word - 1;
			if (seen++ < skip)
				continue;
			page_add(b, s, &pg, r);
			shown++;
		}
	}
	page_flush(b, s, &pg);
}

/* Writes the items of a free-text search's page: the ranked records that
 * pass 'full', in rank order. */
static void render_ranked(struct strbuf *b, const struct index_snap *s, const uint32_t *ranked,
			  size_t nranked, const uint64_t *full, uint64_t skip, uint64_t per_page)
{
	uint64_t seen = 0, shown = 0;
	struct page pg = { .n = 0 };

	for (size_t i = 0; i < nranked && shown < per_page; i++) {
		if (ranked[i] >= s->n || !idx_bits_get(full, ranked[i]))
			continue;
		if (seen++ < skip)
			continue;
		page_add(b, s, &pg, ranked[i]);
		shown++;
	}
	page_flush(b, s, &pg);
}

char *idx_render_search(const struct index_snap *s, const struct index_query *q,
			const struct index_text *text, size_t *len, uint64_t *total_out)
{
	struct idx_plan p;
	struct strbuf b = STRBUF_INIT;
	size_t words = s->nwords ? s->nwords : 1, nnz = 0, nrec = 0;
	uint64_t *full = NULL, *scratch = NULL, total, skip;
	uint32_t *nz = NULL, *rec = NULL;
	bool full_is_all = false;

	idx_plan_init(&p, s, q, text ? text->bits : NULL);
	/* The records that pass: as a list when all three of need, kind and
	 * municipality filter (four facets are counted over them), not at all
	 * with fewer (the tables know everything but the page, which
	 * render_page finds in the filters' own words), else as a bitmap. */
	if (p.tables && p.nfilters == 3) {
		nrec = idx_plan_records(s, &p, &rec);
	} else if (!p.tables) {
		full = xmalloc(words * sizeof(uint64_t));
		nz = xmalloc(2 * words * sizeof(uint32_t));
		scratch = xmalloc(words * sizeof(uint64_t));
		nnz = idx_plan_full(s, &p, full, nz, &full_is_all);
	}
	if (p.tables)
		total = idx_plan_count(s, &p, -1, -1, 0, NULL);
	else
		total = full_is_all ? s->n : idx_bits_count(full, s->nwords);

	if (total_out)
		*total_out = total;
	strbuf_reserve(&b, RENDER_START_SIZE);
	strbuf_add(&b, "{\"total\":", 9);
	add_num(&b, (long long)total);
	strbuf_add(&b, ",\"page\":", 8);
	add_num(&b, q->page);
	strbuf_add(&b, ",\"per_page\":", 12);
	add_num(&b, q->per_page);
	strbuf_add(&b, ",\"items\":[", 10);
	skip = (uint64_t)(q->page - 1) * (uint64_t)q->per_page;
	if (skip < total) {
		if (text) {
			render_ranked(&b, s, text->ranked, text->n, full, skip,
				      (uint64_t)q->per_page);
		} else if (rec) {
			struct page pg = { .n = 0 };

			for (uint64_t i = skip; i < nrec && i < skip + (uint64_t)q->per_page; i++)
				page_add(&b, s, &pg, rec[i]);
			page_flush(&b, s, &pg);
		} else {
			render_page(&b, s, &p, full, skip, (uint64_t)q->per_page);
		}
	}
	strbuf_add(&b, "],", 2);
	if (rec) {
		/* The page is written: keep the records the nationwide tables
		 * do not count. */
		size_t k = 0;

		for (size_t i = 0; i < nrec; i++) {
			rec[k] = rec[i];
			k += s->area[rec[i]] != IDX_SNAP_AREA_ALL;
		}
		nrec = k;
	}
	render_facets(&b, s, &p, text, rec, nrec, full, full_is_all, scratch, nz, nnz);
	strbuf_add(&b, ",", 1);
	if (total)
		strbuf_add(&b, "\"broader\":null", 14);
	else
		render_broader(&b, s, &p, scratch);
	strbuf_add(&b, "}", 1);
	idx_plan_release(&p);
	free(full);
	free(scratch);
	free(nz);
	free(rec);
	*len = b.len;
	return strbuf_detach(&b);
}

char *idx_render_org_items(const struct index_snap *s, const char *org_id, size_t *len)
{
	struct strbuf b = STRBUF_INIT;
	bool comma = false;

	strbuf_reserve(&b, RENDER_START_SIZE);
	strbuf_add(&b, "[", 1);
	for (size_t r = 0; r < s->n; r++) {
		if (strcmp(s->rec[r].org_id, org_id))
			continue;
		render_item(&b, s, r, comma);
		comma = true;
	}
	strbuf_add(&b, "]", 1);
	*len = b.len;
	return strbuf_detach(&b);
}
