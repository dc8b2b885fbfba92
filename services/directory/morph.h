/*
 * morph.h - the words of a text as a search indexes and looks them up.
 *
 * Finnish through Voikko: a word's base forms (muistisairaille ->
 * muistisairas) and the base forms of its compound parts
 * (vertaistukiryhmät -> vertaistukiryhmä, vertais, vertainen, tuki,
 * ryhmä), and spelling suggestions for a word Voikko does not know
 * (omaishoitja -> omaishoitaja).  Swedish and English through Snowball's
 * stemmers (anhöriga -> anhör, caregivers -> caregiv).  The terms of one
 * word always include the word itself, lower-cased.
 *
 * A handle is not thread-safe (neither are Voikko's): one per thread.
 */
#ifndef TJ_MORPH_H
#define TJ_MORPH_H

#include <stdbool.h>
#include <stddef.h>

struct morph;

/* The longest word or term handled, in bytes; longer words give only
 * themselves (clipped). */
#define MORPH_WORD_MAX 64

/* Opens Voikko's Finnish dictionary and the Swedish and English stemmers.
 * NULL with a message in err when one is missing. */
struct morph *morph_new(char *err, size_t errlen);
void morph_free(struct morph **mp);

/* The kinds of term morph_terms gives. */
enum morph_kind {
	MORPH_SURFACE, /* the word itself, lower-cased */
	MORPH_BASE,    /* a Finnish base form of the whole word */
	MORPH_PART,    /* a Finnish base form of a compound part */
	MORPH_STEM     /* a Swedish or English stem */
};

typedef void (*morph_emit_fn)(void *ctx, const char *term, size_t len, enum morph_kind kind);

/*
 * Calls emit once for every distinct term of one word (len bytes of UTF-8,
 * no spaces): the surface form first, then base forms, compound parts and
 * stems.  Compound parts shorter than three letters are left out.  Returns
 * the number of terms given.
 */
size_t morph_terms(struct morph *m, const char *word, size_t len, morph_emit_fn emit, void *ctx);

/*
 * Calls fn once for every distinct way Voikko splits the word into
 * compound parts (two or more base forms of three letters or more:
 * muistisairausryhmä -> muisti + sairas + ryhmä, muisti + sairaus +
 * ryhmä); returns how many.
 */
typedef void (*morph_compound_fn)(void *ctx, char (*parts)[MORPH_WORD_MAX], size_t n);
size_t morph_compounds(struct morph *m, const char *word, size_t len, morph_compound_fn fn,
		       void *ctx);

/* True when Voikko accepts the word as correct Finnish. */
bool morph_known(struct morph *m, const char *word, size_t len);

/*
 * Up to max spelling suggestions for the word, each lower-cased into
 * out[i] (MORPH_WORD_MAX bytes); returns how many.  Voikko's suggestions
 * cover one and two edits of a Finnish word.
 */
size_t morph_suggest(struct morph *m, const char *word, size_t len, char (*out)[MORPH_WORD_MAX],
		     size_t max);

/* Lower-cases ASCII and Latin-1 letters of s in place (Å Ä Ö É Ü ...). */
void morph_lower(char *s, size_t len);

#endif
