/*
 * morph.c - Finnish through Voikko, Swedish and English through Snowball
 * (see morph.h).
 */
#include "morph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <libvoikko/voikko.h>

#include "errmsg.h"
#include "xalloc.h"
#include "banned.h"

/* The distinct terms of one word: bases, parts and stems are few. */
#define MORPH_TERMS_MAX 32

struct morph {
	struct VoikkoHandle *voikko;
	struct sb_stemmer *sv, *en;
};

struct morph *morph_new(char *err, size_t errlen)
{
	struct morph *m = xcalloc(1, sizeof(*m));
	const char *verr = NULL;

	if (!(m->voikko = voikkoInit(&verr, "fi", NULL))) {
		errmsg(err, errlen, "cannot open Voikko's Finnish dictionary (voikko-fi): %s",
		       verr ? verr : "unknown error");
		morph_free(&m);
		return NULL;
	}
	m->sv = sb_stemmer_new("swedish", "UTF_8");
	m->en = sb_stemmer_new("english", "UTF_8");
	if (!m->sv || !m->en) {
		errmsg(err, errlen, "cannot open the Snowball stemmers (libstemmer)");
		morph_free(&m);
		return NULL;
	}
	return m;
}

void morph_free(struct morph **mp)
{
	struct morph *m = *mp;

	if (!m)
		return;
	if (m->voikko)
		voikkoTerminate(m->voikko);
	if (m->sv)
		sb_stemmer_delete(m->sv);
	if (m->en)
		sb_stemmer_delete(m->en);
	free(m);
	*mp = NULL;
}

void morph_lower(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 'A' && c <= 'Z') {
			s[i] = (char)(c + 32);
		} else if (c == 0xc3 && i + 1 < len) {
			unsigned char d = (unsigned char)s[i + 1];

			/* U+00C0..U+00DE but U+00D7 (the multiplication sign). */
			if (d >= 0x80 && d <= 0x9e && d != 0x97)
				s[i + 1] = (char)(d + 0x20);
			i++;
		} else if (c == 0xc5 && i + 1 < len) {
			unsigned char d = (unsigned char)s[i + 1];

			/* Š Ž (U+0160, U+017D) */
			if (d == 0xa0 || d == 0xbd)
				s[i + 1] = (char)(d + 1);
			i++;
		}
	}
}

/* The distinct terms of one word while they are gathered. */
struct terms {
	char term[MORPH_TERMS_MAX][MORPH_WORD_MAX];
	size_t len[MORPH_TERMS_MAX];
	size_t n;
	morph_emit_fn emit;
	void *ctx;
};

static void add_term(struct terms *t, const char *s, size_t len, enum morph_kind kind)
{
	if (!len || len >= MORPH_WORD_MAX || t->n == MORPH_TERMS_MAX)
		return;
	memcpy(t->term[t->n], s, len);
	t->term[t->n][len] = '\0';
	morph_lower(t->term[t->n], len);
	for (size_t i = 0; i < t->n; i++)
		if (t->len[i] == len && !memcmp(t->term[i], t->term[t->n], len))
			return;
	t->len[t->n] = len;
	t->emit(t->ctx, t->term[t->n], len, kind);
	t->n++;
}

/* The letters (not bytes) of s. */
static size_t letters(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Copies s[0..n) lower-cased into out when it is a part of three letters
 * or more; returns 1 when it was copied. */
static size_t copy_part(char (*out)[MORPH_WORD_MAX], const char *s, size_t n)
{
	if (!n || n >= MORPH_WORD_MAX || letters(s, n) < 3)
		return 0;
	memcpy(*out, s, n);
	(*out)[n] = '\0';
	morph_lower(*out, n);
	return 1;
}

/*
 * The compound parts of one WORDBASES value, "+vertais(vertainen)+tuki(tuki)
 * +ryhmä(ryhmä)", into parts (at most max): a piece's base form in
 * parentheses when it has one, the piece as written otherwise; a part's
 * own compound (vertais=tuki) gives its halves.  Derivational pieces, whose
 * base starts with '+' ("+us(+us)", "+n"), and parts shorter than three
 * letters are left out.  Returns how many; fewer than two means the word
 * is no compound.
 */
static size_t wordbases_parts(const char *wb, char (*parts)[MORPH_WORD_MAX], size_t max)
{
	size_t n = 0;

	for (const char *p = wb; *p && n < max;) {
		const char *s, *e, *open, *close;
		int depth = 0;

		if (*p != '+') {
			p++;
			continue;
		}
		s = ++p;
		for (e = s; *e && (depth || *e != '+'); e++)
			depth += *e == '(' ? 1 : *e == ')' ? -1 : 0;
		p = e;
		open = memchr(s, '(', (size_t)(e - s));
		if (!open) {
			n += copy_part(&parts[n], s, (size_t)(e - s));
			continue;
		}
		close = memchr(open, ')', (size_t)(e - open));
		if (!close || open[1] == '+')
			continue;
		for (const char *a = open + 1; a < close && n < max;) {
			const char *b = memchr(a, '=', (size_t)(close - a));

			if (!b)
				b = close;
			n += copy_part(&parts[n], a, (size_t)(b - a));
			a = b + 1;
		}
	}
	return n;
}

#define MORPH_PARTS_MAX 8

/* The parts of a compound; of a derived word (masentunut, masennus), the
 * word it derives from (masentaa), which relates the two. */
static void add_parts(struct terms *t, const char *wb)
{
	char parts[MORPH_PARTS_MAX][MORPH_WORD_MAX];
	size_t n = wordbases_parts(wb, parts, MORPH_PARTS_MAX);

	if (n == 1)
		add_term(t, parts[0], strlen(parts[0]), MORPH_BASE);
	if (n < 2)
		return;
	for (size_t i = 0; i < n; i++)
		add_term(t, parts[i], strlen(parts[i]), MORPH_PART);
}

size_t morph_compounds(struct morph *m, const char *word, size_t len, morph_compound_fn fn,
		       void *ctx)
{
	char w[MORPH_WORD_MAX], seen[MORPH_PARTS_MAX][MORPH_PARTS_MAX * MORPH_WORD_MAX + 1];
	struct voikko_mor_analysis **an;
	size_t nseen = 0;

	if (!len || len >= MORPH_WORD_MAX)
		return 0;
	memcpy(w, word, len);
	w[len] = '\0';
	morph_lower(w, len);
	if (!(an = voikkoAnalyzeWordCstr(m->voikko, w)))
		return 0;
	for (size_t i = 0; an[i] && nseen < MORPH_PARTS_MAX; i++) {
		char *wb = voikko_mor_analysis_value_cstr(an[i], "WORDBASES");
		char parts[MORPH_PARTS_MAX][MORPH_WORD_MAX],
			key[MORPH_PARTS_MAX * MORPH_WORD_MAX + 1];
		size_t n = wb ? wordbases_parts(wb, parts, MORPH_PARTS_MAX) : 0, k = 0, j;

		voikko_free_mor_analysis_value_cstr(wb);
		if (n < 2)
			continue;
		key[0] = '\0';
		for (j = 0; j < n; j++)
			k += (size_t)snprintf(key + k, sizeof(key) - k, "%s+", parts[j]);
		for (j = 0; j < nseen && strcmp(seen[j], key); j++)
			;
		if (j < nseen)
			continue;
		memcpy(seen[nseen++], key, k + 1);
		fn(ctx, parts, n);
	}
	voikko_free_mor_analysis(an);
	return nseen;
}

static void add_stem(struct terms *t, struct sb_stemmer *st, const char *w, size_t len)
{
	const sb_symbol *s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)len);

	if (s)
		add_term(t, (const char *)s, (size_t)sb_stemmer_length(st), MORPH_STEM);
}

size_t morph_terms(struct morph *m, const char *word, size_t len, morph_emit_fn emit, void *ctx)
{
	struct terms terms = { .emit = emit, .ctx = ctx }, *t = &terms;
	char w[MORPH_WORD_MAX];
	struct voikko_mor_analysis **an;
	bool finnish = false;

	if (len >= MORPH_WORD_MAX)
		len = MORPH_WORD_MAX - 1;
	memcpy(w, word, len);
	w[len] = '\0';
	morph_lower(w, len);
	add_term(t, w, len, MORPH_SURFACE);
	if (len >= MORPH_WORD_MAX - 1)
		return t->n;
	if ((an = voikkoAnalyzeWordCstr(m->voikko, w))) {
		finnish = an[0] != NULL;
		for (size_t i = 0; an[i]; i++) {
			char *base = voikko_mor_analysis_value_cstr(an[i], "BASEFORM");
			char *wb = voikko_mor_analysis_value_cstr(an[i], "WORDBASES");

			if (base)
				add_term(t, base, strlen(base), MORPH_BASE);
			if (wb)
				add_parts(t, wb);
			voikko_free_mor_analysis_value_cstr(base);
			voikko_free_mor_analysis_value_cstr(wb);
		}
		voikko_free_mor_analysis(an);
	}
	/* A Finnish word's stems would only be noise (and room in the index:
	 * a term at every position); Swedish and English words Voikko does
	 * not know get theirs. */
	if (!finnish) {
		add_stem(t, m->sv, w, len);
		add_stem(t, m->en, w, len);
	}
	return t->n;
}

bool morph_known(struct morph *m, const char *word, size_t len)
{
	char w[MORPH_WORD_MAX];

	if (!len || len >= MORPH_WORD_MAX)
		return false;
	memcpy(w, word, len);
	w[len] = '\0';
	return voikkoSpellCstr(m->voikko, w) == VOIKKO_SPELL_OK;
}

size_t morph_suggest(struct morph *m, const char *word, size_t len, char (*out)[MORPH_WORD_MAX],
		     size_t max)
{
	char w[MORPH_WORD_MAX], **sug;
	size_t n = 0;

	if (!len || len >= MORPH_WORD_MAX)
		return 0;
	memcpy(w, word, len);
	w[len] = '\0';
	if (!(sug = voikkoSuggestCstr(m->voikko, w)))
		return 0;
	for (size_t i = 0; sug[i] && n < max; i++) {
		size_t l = strlen(sug[i]);

		/* A suggestion of two words ("omais hoitaja") is not a term. */
		if (l >= MORPH_WORD_MAX || strchr(sug[i], ' '))
			continue;
		memcpy(out[n], sug[i], l + 1);
		morph_lower(out[n], l);
		n++;
	}
	voikkoFreeCstrArray(sug);
	return n;
}
