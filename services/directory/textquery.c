/*
 * textquery.c - a free-text query parsed into an FTS5 expression and run
 * (textidx_search of textidx.h).
 *
 * Per word, a group of alternatives: its forms (morph.h), the tokens of
 * the taxonomy terms whose labels have one of them, all the parts of each
 * way it splits as a compound, the Finnish terms a Swedish or English word
 * translates to; for a word that matches nothing, the two words it may be
 * made of, else Voikko's corrections, else the nearest words of the docs.
 * An ICD-10 code or range is a group of its condition terms (icd10.h) and
 * the needs whose ranges overlap it.  The groups are ANDed, or ORed when
 * that finds nothing.
 */
#include "textidx_int.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

#define QUERY_WORDS 8 /* words of a query used, as in the old search */
#define QUERY_MAX 400 /* bytes of a query read */
#define SUGGESTIONS 4 /* spelling corrections tried per unknown word */
#define PREFIX_MIN 4  /* letters of an unknown word matched as a prefix */
/* A doc that has the query's words themselves (in any of their forms, or
 * an unknown word as a prefix) counts twice against one found only through
 * a translation, a compound's parts, a correction or a taxonomy term:
 * anhöriga finds the Swedish group that says anhöriga above the Finnish
 * ones that say omaishoitaja (measured on the relevance set: 1.5 gave
 * 0.790, 2 0.793, 3 0.792, 5 0.793). */
#define LITERAL_BOOST 2.0

/* Words that say nothing about an activity (fi, sv, en), left out of a
 * query that has other words. */
static const char *const stop_words[] = { "ja",  "tai", "sekä", "on",   "ei",    "myös", "kuin",
					  "kun", "jos", "että", "och",  "eller", "för",  "med",
					  "på",  "av",  "en",   "ett",  "som",   "till", "att",
					  "and", "or",  "for",  "with", "the",   "of",   "in",
					  "on",  "an",  "to",   "at",   "by" };

static bool stop_word(const char *w)
{
	for (size_t i = 0; i < sizeof(stop_words) / sizeof(stop_words[0]); i++)
		if (!strcmp(w, stop_words[i]))
			return true;
	return false;
}

/* Appends a term as an FTS5 string (terms are word characters only). */
static void add_quoted(struct strbuf *b, const char *term, size_t len)
{
	strbuf_add(b, "\"", 1);
	strbuf_add(b, term, len);
	strbuf_add(b, "\"", 1);
}

/* Appends " OR " (or sep) unless b is empty. */
static void add_sep(struct strbuf *b, const char *sep)
{
	if (b->len)
		strbuf_adds(b, sep);
}

static void collect_forms(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct strbuf *alt = ctx;

	if (len < 2 || kind == MORPH_PART || !textidx_one_word(term, len))
		return;
	add_sep(alt, " OR ");
	add_quoted(alt, term, len);
}

struct compound {
	struct textidx *t;
	struct strbuf *alt;
	bool tokens; /* a part may also be a word of a term's labels */
};

static void add_term_tokens(struct textidx *t, const char *w, size_t len, struct strbuf *alt);

/* One way a compound splits: every part, as a word of the docs or, with
 * tokens, of the labels of the activity's taxonomy terms. */
static void collect_compound(void *ctx, char (*parts)[MORPH_WORD_MAX], size_t n)
{
	struct compound *c = ctx;

	add_sep(c->alt, " OR ");
	strbuf_adds(c->alt, "(");
	for (size_t i = 0; i < n; i++) {
		struct strbuf part = STRBUF_INIT;

		add_quoted(&part, parts[i], strlen(parts[i]));
		if (c->tokens)
			add_term_tokens(c->t, parts[i], strlen(parts[i]), &part);
		strbuf_addf(c->alt, "%s(%s)", i ? " AND " : "", part.p);
		strbuf_release(&part);
	}
	strbuf_adds(c->alt, ")");
}

struct term_tokens {
	struct textidx *t;
	struct strbuf *alt;
	const char *seen[64];
	size_t n;
};

static void term_tokens_of(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct term_tokens *tt = ctx;
	struct textidx *t = tt->t;
	size_t lo = 0, hi = t->tx.nforms;
	char key[MORPH_WORD_MAX];

	if (kind == MORPH_PART || len < 3)
		return;
	memcpy(key, term, len);
	key[len] = '\0';
	while (lo < hi) { /* the first form >= key */
		size_t mid = (lo + hi) / 2;

		if (strcmp(t->tx.forms[mid].form, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < t->tx.nforms && !strcmp(t->tx.forms[lo].form, key); lo++) {
		size_t k;

		for (k = 0; k < tt->n && tt->seen[k] != t->tx.forms[lo].token; k++)
			;
		if (k < tt->n || tt->n == 64)
			continue;
		tt->seen[tt->n++] = t->tx.forms[lo].token;
		add_sep(tt->alt, " OR ");
		add_quoted(tt->alt, t->tx.forms[lo].token, strlen(t->tx.forms[lo].token));
	}
}

/* Adds the tokens of the taxonomy terms whose words have one of the
 * word's forms. */
static void add_term_tokens(struct textidx *t, const char *w, size_t len, struct strbuf *alt)
{
	struct term_tokens tt = { .t = t, .alt = alt };

	morph_terms(t->m, w, len, term_tokens_of, &tt);
}

/* Appends to g (alternatives joined by OR) a word's forms and, with
 * compounds, all of the parts of each way it splits.  Returns whether
 * anything was added. */
static bool add_word(struct textidx *t, const char *w, size_t len, bool compounds, struct strbuf *g)
{
	struct strbuf alt = STRBUF_INIT;
	bool any;

	morph_terms(t->m, w, len, collect_forms, &alt);
	add_term_tokens(t, w, len, &alt);
	if (compounds) {
		struct compound c = { t, &alt, false };

		morph_compounds(t->m, w, len, collect_compound, &c);
	}
	if ((any = alt.len > 0)) {
		add_sep(g, " OR ");
		strbuf_add(g, alt.p, alt.len);
	}
	strbuf_release(&alt);
	return any;
}

/* Whether the expression matches any doc. */
static bool matches(struct textidx *t, const char *expr)
{
	bool any;

	sqlite3_bind_text(t->probe, 1, expr, -1, SQLITE_STATIC);
	any = sqlite3_step(t->probe) == SQLITE_ROW;
	sqlite3_reset(t->probe);
	sqlite3_clear_bindings(t->probe);
	return any;
}

/* Decodes UTF-8 into code points (at most max); returns how many. */
static size_t code_points(const char *s, uint32_t *cp, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = 0;

	while (*u && n < max) {
		if (*u < 0x80) {
			cp[n++] = *u++;
		} else if ((*u & 0xE0) == 0xC0 && (u[1] & 0xC0) == 0x80) {
			cp[n++] = ((uint32_t)(*u & 0x1F) << 6) | (u[1] & 0x3F);
			u += 2;
		} else {
			cp[n++] = *u++; /* beyond the word characters: a byte is enough */
		}
	}
	return n;
}

/* The optimal-string-alignment distance of a and b, or max + 1 when it is
 * more than max. */
static size_t distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t max)
{
	size_t d[MORPH_WORD_MAX + 1][MORPH_WORD_MAX + 1];

	if ((na > nb ? na - nb : nb - na) > max)
		return max + 1;
	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t row_min = SIZE_MAX;

		for (size_t j = 1; j <= nb; j++) {
			size_t c = a[i - 1] == b[j - 1] ? 0 : 1, v = d[i - 1][j - 1] + c;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
			if (v < row_min)
				row_min = v;
		}
		if (row_min > max)
			return max + 1;
	}
	return d[na][nb];
}

/* Adds to g up to SUGGESTIONS words of the docs nearest to w: one edit
 * for a word of four to seven letters, two for a longer one. */
static void add_near_words(struct textidx *t, const char *w, struct strbuf *g)
{
	uint32_t a[MORPH_WORD_MAX], b[MORPH_WORD_MAX];
	size_t na = code_points(w, a, MORPH_WORD_MAX), max = na >= 8 ? 2 : 1, n = 0;
	const char *best[SUGGESTIONS];
	size_t bestd[SUGGESTIONS];

	if (na < 4)
		return;
	for (size_t i = 0; i < t->vcap; i++) {
		const char *v = t->vocab[i].w;
		size_t nb, dist, k;

		if (!v)
			continue;
		nb = code_points(v, b, MORPH_WORD_MAX);
		if ((dist = distance(a, na, b, nb, max)) > max)
			continue;
		/* Keep the nearest, the earlier word first among equals. */
		for (k = n; k > 0 && (bestd[k - 1] > dist ||
				      (bestd[k - 1] == dist && strcmp(best[k - 1], v) > 0));
		     k--)
			if (k < SUGGESTIONS) {
				best[k] = best[k - 1];
				bestd[k] = bestd[k - 1];
			}
		if (k < SUGGESTIONS) {
			best[k] = v;
			bestd[k] = dist;
			if (n < SUGGESTIONS)
				n++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		add_sep(g, " OR ");
		add_quoted(g, best[i], strlen(best[i]));
	}
}

/* Condition terms (a code's, a translation's) added to one group, each
 * once: BM25 sums the phrases a doc matches, so a repeated one would
 * count twice. */
#define CONDITIONS_MAX 64

struct condition {
	struct textidx *t;
	struct strbuf *g;
	const char *seen[CONDITIONS_MAX];
	size_t nseen;
};

struct translate {
	struct textidx *t;
	const char *fi[CONDITIONS_MAX];
	size_t n;
};

static size_t words_in(const char *s)
{
	size_t n = 1;

	for (; *s; s++)
		n += *s == ' ';
	return n;
}

static void add_condition(void *ctx, const char *term);

static void translate_form(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct translate *tr = ctx;
	const struct textidx_terms *x = &tr->t->tx;

	if (kind != MORPH_SURFACE && kind != MORPH_STEM)
		return;
	for (size_t i = textidx_translations(tr->t, term, len);
	     i < x->ntransl && tr->n < CONDITIONS_MAX && strlen(x->transl[i].form) == len &&
	     !memcmp(x->transl[i].form, term, len);
	     i++)
		tr->fi[tr->n++] = x->transl[i].fi;
}

/* Adds the Finnish terms a Swedish or English word translates to: the
 * shortest ones ("depression" -> masennus, not "lievä masennus"). */
static void add_translations(struct textidx *t, const char *w, size_t len, struct strbuf *g)
{
	struct translate tr = { .t = t };
	struct condition c = { .t = t, .g = g };
	size_t fewest = SIZE_MAX;

	morph_terms(t->m, w, len, translate_form, &tr);
	for (size_t i = 0; i < tr.n; i++)
		if (words_in(tr.fi[i]) < fewest)
			fewest = words_in(tr.fi[i]);
	for (size_t i = 0; i < tr.n; i++)
		if (words_in(tr.fi[i]) == fewest)
			add_condition(&c, tr.fi[i]);
}

/* Adds the ways an unknown compound splits into two words that Voikko or
 * the docs know (parkinsonliikunta -> parkinson + liikunta), each half
 * in any of its forms, when the docs have both. */
static void add_splits(struct textidx *t, const char *w, size_t len, struct strbuf *g)
{
	size_t found = 0;

	for (size_t i = 4; i + 4 <= len && found < 3; i++) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, both = STRBUF_INIT;
		char left[MORPH_WORD_MAX];

		if (((unsigned char)w[i] & 0xC0) == 0x80)
			continue;
		memcpy(left, w, i);
		left[i] = '\0';
		if ((textidx_in_vocab(t, left, i) || morph_known(t->m, left, i)) &&
		    morph_known(t->m, w + i, len - i) && add_word(t, left, i, false, &a) &&
		    add_word(t, w + i, len - i, false, &b)) {
			strbuf_addf(&both, "(%s) AND (%s)", a.p, b.p);
			if (matches(t, both.p)) {
				add_sep(g, " OR ");
				strbuf_addf(g, "(%s)", both.p);
				found++;
			}
		}
		strbuf_release(&a);
		strbuf_release(&b);
		strbuf_release(&both);
	}
}

/* For a word Voikko does not know (Swedish, English), the words that
 * begin with it: Snowball does not split compounds (stöd finds
 * stödperson). */
static void add_prefix(struct textidx *t, const char *w, size_t len, struct strbuf *g)
{
	if (len < PREFIX_MIN || morph_known(t->m, w, len))
		return;
	add_sep(g, " OR ");
	add_quoted(g, w, len);
	strbuf_adds(g, "*");
}

/* A word's literal group: its own forms, and the words it begins. */
static void literal_group(struct textidx *t, const char *w, size_t len, struct strbuf *g)
{
	morph_terms(t->m, w, len, collect_forms, g);
	if (!strpbrk(w, "0123456789"))
		add_prefix(t, w, len, g);
}

/* The group of one query word: its forms, and for a word that matches
 * nothing, the two words it may be made of, else Voikko's corrections,
 * else the nearest words of the docs. */
static bool word_group(struct textidx *t, const char *w, size_t len, struct strbuf *g)
{
	char sugg[SUGGESTIONS][MORPH_WORD_MAX];
	bool digits = strpbrk(w, "0123456789") != NULL;
	size_t n;

	if (!add_word(t, w, len, true, g))
		return false;
	if (!digits)
		add_prefix(t, w, len, g);
	add_translations(t, w, len, g);
	if (digits || matches(t, g->p))
		return true;
	/* Parts found only in the labels (diabetesryhmä: the docs say
	 * diabetes, the kind says ryhmä) count only when nothing else does:
	 * they would outweigh the docs that have the word itself. */
	{
		struct compound c = { t, g, true };

		morph_compounds(t->m, w, len, collect_compound, &c);
	}
	if (morph_known(t->m, w, len) || matches(t, g->p))
		return true;
	add_splits(t, w, len, g);
	if (matches(t, g->p))
		return true;
	n = morph_suggest(t->m, w, len, sugg, SUGGESTIONS);
	for (size_t i = 0; i < n; i++)
		add_word(t, sugg[i], strlen(sugg[i]), true, g);
	if (!n || !matches(t, g->p))
		add_near_words(t, w, g);
	return true;
}

/* Adds one condition term of the crosswalk ("parkinsonin tauti"): all of
 * its words in any of their forms. */
static void add_condition(void *ctx, const char *term)
{
	struct condition *c = ctx;
	struct strbuf all = STRBUF_INIT;
	size_t pos = 0, start, len, n = strlen(term), words = 0;

	for (size_t i = 0; i < c->nseen; i++)
		if (!strcmp(c->seen[i], term))
			return;
	if (c->nseen == CONDITIONS_MAX)
		return;
	c->seen[c->nseen++] = term;

	while (textidx_next_word(term, n, &pos, &start, &len)) {
		struct strbuf one = STRBUF_INIT;
		char w[MORPH_WORD_MAX];

		if (len < 2 || len >= MORPH_WORD_MAX)
			continue;
		memcpy(w, term + start, len);
		w[len] = '\0';
		if (add_word(c->t, w, len, false, &one)) {
			add_sep(&all, " AND ");
			strbuf_adds(&all, "(");
			strbuf_add(&all, one.p, one.len);
			strbuf_adds(&all, ")");
			words++;
		}
		strbuf_release(&one);
	}
	if (words) {
		add_sep(c->g, " OR ");
		strbuf_adds(c->g, "(");
		strbuf_add(c->g, all.p, all.len);
		strbuf_adds(c->g, ")");
	}
	strbuf_release(&all);
}

/* The group of an ICD-10 code or range (lo..hi categories; a code has its
 * subcategory in code): its condition terms, and the needs whose ranges
 * overlap it. */
static bool code_group(struct textidx *t, const char *code, const char *lo, const char *hi,
		       struct strbuf *g)
{
	struct condition c = { .t = t, .g = g };

	if (code)
		icd10_terms(t->icd, code, add_condition, &c);
	else
		icd10_range_terms(t->icd, lo, hi, add_condition, &c);
	for (size_t i = 0; i < t->tx.nneeds; i++) {
		for (size_t k = 0; k < t->tx.needs[i].n; k++) {
			if (icd10_overlaps(lo, hi, t->tx.needs[i].ranges[k])) {
				add_sep(g, " OR ");
				add_quoted(g, t->tx.needs[i].token, strlen(t->tx.needs[i].token));
				break;
			}
		}
	}
	return g->len > 0;
}

/* "F30-F39", "f30-39", "F30.1-F39": the categories of a range. */
static bool parse_range(const char *s, size_t len, char lo[4], char hi[4])
{
	const char *dash = memchr(s, '-', len), *h;
	char a[8], b[8], c[8];

	if (!dash || !icd10_code(s, (size_t)(dash - s), a))
		return false;
	h = dash + 1;
	len -= (size_t)(h - s);
	if (len < 2 || len > 6)
		return false;
	if ((h[0] | 0x20) >= 'a' && (h[0] | 0x20) <= 'z') {
		memcpy(b, h, len);
	} else {
		b[0] = a[0];
		memcpy(b + 1, h, len++);
	}
	if (!icd10_code(b, len, c))
		return false;
	memcpy(lo, a, 3);
	memcpy(hi, c, 3);
	lo[3] = hi[3] = '\0';
	return strcmp(lo, hi) <= 0;
}

/* Runs an expression, appending its docs to *hits. */
static size_t run(struct textidx *t, const char *expr, struct textidx_hit **hits)
{
	size_t n = 0, cap = 0;
	int rc;

	*hits = NULL;
	sqlite3_bind_text(t->match, 1, expr, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(t->match)) == SQLITE_ROW) {
		sqlite3_int64 doc = sqlite3_column_int64(t->match, 0);

		if (doc < 0 || (size_t)doc >= t->ndocs)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			*hits = xrealloc(*hits, cap * sizeof(**hits));
		}
		(*hits)[n].doc = (uint32_t)doc;
		(*hits)[n].score = -sqlite3_column_double(t->match, 1);
		n++;
	}
	if (rc != SQLITE_DONE)
		log_error("text search failed", "error", sqlite3_errmsg(t->db), NULL);
	sqlite3_reset(t->match);
	sqlite3_clear_bindings(t->match);
	return n;
}

/* Joins the groups with op, each in parentheses (empty ones left out). */
static char *join(struct strbuf *g, size_t n, const char *op)
{
	struct strbuf e = STRBUF_INIT;

	for (size_t i = 0; i < n; i++) {
		if (!g[i].len)
			continue;
		add_sep(&e, op);
		strbuf_adds(&e, "(");
		strbuf_add(&e, g[i].p, g[i].len);
		strbuf_adds(&e, ")");
	}
	return strbuf_detach(&e);
}

/* Multiplies by LITERAL_BOOST the scores of the hits (in doc order, as
 * FTS5 gives them) that the expression matches too. */
static void boost(struct textidx *t, const char *expr, struct textidx_hit *hits, size_t n)
{
	size_t i = 0;

	if (!*expr)
		return;
	sqlite3_bind_text(t->ids, 1, expr, -1, SQLITE_STATIC);
	while (i < n && sqlite3_step(t->ids) == SQLITE_ROW) {
		sqlite3_int64 doc = sqlite3_column_int64(t->ids, 0);

		while (i < n && hits[i].doc < doc)
			i++;
		if (i < n && hits[i].doc == doc)
			hits[i++].score *= LITERAL_BOOST;
	}
	sqlite3_reset(t->ids);
	sqlite3_clear_bindings(t->ids);
}

size_t textidx_search(struct textidx *t, const char *q, struct textidx_hit **hits)
{
	struct strbuf g[QUERY_WORDS], lit[QUERY_WORDS];
	char text[QUERY_MAX + 1], *save = NULL, *expr;
	size_t ng = 0, n = 0, nonstop = 0;

	*hits = NULL;
	snprintf(text, sizeof(text), "%s", q);
	for (size_t i = 0; i < QUERY_WORDS; i++)
		g[i] = lit[i] = (struct strbuf)STRBUF_INIT;
	/* Stop words count only in a query of nothing else. */
	for (size_t pos = 0, start, len;
	     textidx_next_word(text, strlen(text), &pos, &start, &len);) {
		char w[MORPH_WORD_MAX];

		if (len < 2 || len >= MORPH_WORD_MAX)
			continue;
		memcpy(w, text + start, len);
		w[len] = '\0';
		morph_lower(w, len);
		nonstop += !stop_word(w);
	}
	pthread_mutex_lock(&t->lock);
	for (char *tok = strtok_r(text, " \t\r\n,;", &save); tok && ng < QUERY_WORDS;
	     tok = strtok_r(NULL, " \t\r\n,;", &save)) {
		size_t tl = strlen(tok), pos = 0, start, len;
		char code[8], lo[4], hi[4];

		while (tl && strchr("().:!?\"'[]", tok[tl - 1]))
			tok[--tl] = '\0';
		while (*tok && strchr("(\"'[", *tok))
			tok++, tl--;
		if (parse_range(tok, tl, lo, hi)) {
			if (code_group(t, NULL, lo, hi, &g[ng]))
				ng++;
			continue;
		}
		if (icd10_code(tok, tl, code)) {
			memcpy(lo, code, 3);
			lo[3] = '\0';
			if (code_group(t, code, lo, lo, &g[ng])) {
				ng++;
				continue;
			}
		}
		while (ng < QUERY_WORDS && textidx_next_word(tok, tl, &pos, &start, &len)) {
			char w[MORPH_WORD_MAX];

			if (len < 2 || len >= MORPH_WORD_MAX)
				continue;
			memcpy(w, tok + start, len);
			w[len] = '\0';
			morph_lower(w, len);
			if (nonstop && stop_word(w))
				continue;
			if (word_group(t, w, len, &g[ng])) {
				literal_group(t, w, len, &lit[ng]);
				ng++;
			}
		}
	}
	if (ng) {
		const char *op = " AND ";

		expr = join(g, ng, op);
		n = run(t, expr, hits);
		free(expr);
		if (!n && ng > 1) {
			free(*hits);
			op = " OR ";
			expr = join(g, ng, op);
			n = run(t, expr, hits);
			free(expr);
		}
		expr = join(lit, ng, op);
		boost(t, expr, *hits, n);
		free(expr);
	}
	pthread_mutex_unlock(&t->lock);
	for (size_t i = 0; i < QUERY_WORDS; i++) {
		strbuf_release(&g[i]);
		strbuf_release(&lit[i]);
	}
	return n;
}
