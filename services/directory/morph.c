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

/*
 * The compound parts of a WORDBASES value, "+vertais(vertainen)+tuki(tuki)
 * +ryhmä(ryhmä)": the base form in parentheses when there is one, the part
 * as written otherwise.  A single part is the word itself, not a compound.
 */
static void add_parts(struct terms *t, const char *wb)
{
	const char *p = wb;
	int parts = 0;

	for (const char *q = wb; *q; q++)
		parts += *q == '+';
	if (parts < 2)
		return;
	while ((p = strchr(p, '+'))) {
		const char *s = ++p, *e = s, *open;
		size_t n;

		while (*e && *e != '+')
			e++;
		open = memchr(s, '(', (size_t)(e - s));
		if (open && e > open + 1 && e[-1] == ')') {
			s = open + 1;
			n = (size_t)(e - 1 - s);
		} else {
			n = (size_t)((open ? open : e) - s);
		}
		/* Voikko joins a part's own compound with '=' (vertais=tuki). */
		if (n && !memchr(s, '=', n) && letters(s, n) >= 3)
			add_term(t, s, n, MORPH_PART);
		p = e;
	}
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

	if (len >= MORPH_WORD_MAX)
		len = MORPH_WORD_MAX - 1;
	memcpy(w, word, len);
	w[len] = '\0';
	morph_lower(w, len);
	add_term(t, w, len, MORPH_SURFACE);
	if (len >= MORPH_WORD_MAX - 1)
		return t->n;
	if ((an = voikkoAnalyzeWordCstr(m->voikko, w))) {
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
	add_stem(t, m->sv, w, len);
	add_stem(t, m->en, w, len);
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
