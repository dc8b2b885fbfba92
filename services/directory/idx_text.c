/*
 * idx_text.c - a snapshot's free text (see idx_text.h, index.h).
 */
#include "idx_text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idx_render.h"
#include "xalloc.h"
#include "banned.h"

/* Ranking buckets: scores in steps of 1 % (a logarithmic scale), so that
 * scores within about 1 % of each other count as equal and the snapshot
 * order (recently verified first) decides among them (1 % measured best
 * on the relevance set: 5 % and 15 % gave less). */
#define SCORE_STEP 1.01
#define GARBAGE_MIN 1000 /* replaced docs always tolerated */

static void set_doc(void *ctx, const char *id, uint32_t doc)
{
	struct index_snap *s = ctx;
	long r = idx_snap_find(s, id);

	if (r >= 0)
		s->rec[r].doc = doc;
}

/* The docs' records, for ranking without a lookup by id per match. */
static void map_docs(struct index_snap *s)
{
	s->ndoc_rec = textidx_docs(s->textidx);
	s->doc_rec = xmalloc((s->ndoc_rec ? s->ndoc_rec : 1) * sizeof(*s->doc_rec));
	memset(s->doc_rec, 0xff, s->ndoc_rec * sizeof(*s->doc_rec));
	for (size_t r = 0; r < s->n; r++)
		if (s->rec[r].doc < s->ndoc_rec)
			s->doc_rec[s->rec[r].doc] = (uint32_t)r;
}

int idx_text_build(struct index_snap *s, PGconn *db, const struct icd10 *crosswalk, char *err,
		   size_t errlen)
{
	if (!(s->textidx = textidx_new(crosswalk, err, errlen)) ||
	    textidx_load(s->textidx, db, NULL, NULL, set_doc, s, err, errlen))
		return -1;
	map_docs(s);
	return 0;
}

int idx_text_refresh(struct index_snap *s, const struct index_snap *o, PGconn *db, const char *acts,
		     const char *orgs, bool terms, char *err, size_t errlen)
{
	size_t docs = o->textidx ? textidx_docs(o->textidx) : 0;
	size_t garbage = docs > s->n ? docs - s->n : 0;

	if (!o->textidx || garbage > (s->n / 4 > GARBAGE_MIN ? s->n / 4 : GARBAGE_MIN)) {
		for (size_t r = 0; r < s->n; r++)
			s->rec[r].doc = TEXTIDX_NO_DOC;
		return idx_text_build(s, db, o->textidx ? textidx_crosswalk(o->textidx) : NULL, err,
				      errlen);
	}
	textidx_ref(o->textidx);
	s->textidx = o->textidx;
	/* A term's words changed: the docs hold its token, not its words. */
	if (terms && textidx_reload_terms(s->textidx, db, err, errlen))
		return -1;
	if (textidx_load(s->textidx, db, acts, orgs, set_doc, s, err, errlen))
		return -1;
	map_docs(s);
	return 0;
}

/* Sorts keys[0..n) ascending, LSD radix over 11-bit digits up to the
 * highest bit any key has: a ranking's keys are (bucket, record) pairs, and
 * a comparison sort of tens of thousands of them was a tenth of a first
 * search. */
static void radix_sort(uint64_t *keys, size_t n)
{
	uint64_t *tmp, all = 0;

	for (size_t i = 0; i < n; i++)
		all |= keys[i];
	if (n < 2 || !all)
		return;
	tmp = xmalloc(n * sizeof(*tmp));
	for (unsigned shift = 0; shift < 64 && (all >> shift); shift += 11) {
		size_t cnt[2048] = { 0 }, sum = 0;

		for (size_t i = 0; i < n; i++)
			cnt[(keys[i] >> shift) & 2047]++;
		for (size_t d = 0; d < 2048; d++) {
			size_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			tmp[cnt[(keys[i] >> shift) & 2047]++] = keys[i];
		memcpy(keys, tmp, n * sizeof(*keys));
	}
	free(tmp);
}

struct index_text *index_text(const struct index_snap *s, const char *q)
{
	struct textidx_hit *hits = NULL;
	struct index_text *t = xcalloc(1, sizeof(*t));
	uint64_t *rk;
	uint32_t *out;
	size_t nh = s->textidx ? textidx_search(s->textidx, q, &hits) : 0, k = 0;
	double top = 0;

	rk = xcalloc(nh ? nh : 1, sizeof(*rk));
	for (size_t i = 0; i < nh; i++) {
		uint32_t r = hits[i].doc < s->ndoc_rec ? s->doc_rec[hits[i].doc] : UINT32_MAX;

		/* A doc this snapshot does not use: replaced, or newer. */
		if (r == UINT32_MAX)
			continue;
		if (s->rec[r].unverified)
			hits[i].score *= 0.5;
		if (hits[i].score > top)
			top = hits[i].score;
		hits[k] = hits[i];
		rk[k++] = r;
	}
	/* The key: how many buckets below the best (0 for the best; the
	 * scoreless last), then the record. */
	for (size_t i = 0; i < k; i++) {
		double below = hits[i].score > 0 ?
				       -floor(log(hits[i].score / top) / log(SCORE_STEP)) :
				       (double)UINT32_MAX;

		rk[i] |= (uint64_t)(below < (double)UINT32_MAX ? below : (double)UINT32_MAX) << 32;
	}
	radix_sort(rk, k);
	out = xcalloc(k ? k : 1, sizeof(*out));
	for (size_t i = 0; i < k; i++)
		out[i] = (uint32_t)rk[i];
	free(rk);
	free(hits);
	atomic_init(&t->refs, 1);
	t->ranked = out;
	t->n = k;
	idx_render_text_facets(s, t);
	return t;
}

void index_text_ref(struct index_text *t)
{
	atomic_fetch_add(&t->refs, 1);
}

void index_text_unref(struct index_text **tp)
{
	struct index_text *t = *tp;

	*tp = NULL;
	if (!t || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	free(t->ranked);
	free(t->bits);
	free(t->facets);
	free(t);
}
