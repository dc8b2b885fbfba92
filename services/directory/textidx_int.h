/*
 * textidx_int.h - the inside of the text index, shared by textidx.c (the
 * index, its tokenizer and loading), textterms.c (what it knows of the
 * taxonomies) and textquery.c (a query parsed and run); nobody else sees it.
 */
#ifndef TJ_TEXTIDX_INT_H
#define TJ_TEXTIDX_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "morph.h"
#include "textidx.h"

#define NEED_PREFIX "tjn" /* a taxonomy term's token: tjn + the hex of its id */

/* A word seen in the docs; while a full load runs, also its terms (each
 * NUL-terminated, back to back), so a word is analysed once. */
struct word {
	char *w;
	char *terms;
	size_t tlen;
};

/* A Swedish or English word (or its stem) and the Finnish term it
 * translates to, from the crosswalk and the taxonomies' labels. */
struct transl {
	char *form, *fi;
};

/* A form of a word of a taxonomy term's labels or synonyms, and the
 * term's token. */
struct term_form {
	char *form;
	const char *token; /* in terms[] */
};

struct need_ranges {
	char *token;
	char **ranges;
	size_t n;
};

/* What the index knows of the taxonomies: the docs hold only the terms'
 * tokens, so a label or a synonym changed is a new set of these, loaded
 * again without touching a doc. */
struct textidx_terms {
	struct need_ranges *needs;
	size_t nneeds;
	struct transl *transl;
	size_t ntransl;
	char **terms; /* every taxonomy term's token */
	size_t nterms;
	struct term_form *forms; /* sorted by form */
	size_t nforms, formcap;
};

struct textidx {
	atomic_long refs;
	pthread_mutex_t lock;
	sqlite3 *db;
	sqlite3_stmt *ins, *match, *probe, *ids;
	struct morph *m;
	const struct icd10 *icd;
	size_t ndocs;       /* rowids 0 .. ndocs - 1 */
	struct word *vocab; /* open addressing, a power of two */
	size_t vcap, vn;
	bool bulk; /* a full load runs: keep terms with the words */
	bool terms_loaded;
	struct textidx_terms tx;
};

/* The length of the word character at s[i] (ASCII letters and digits, the
 * Latin letters U+00C0-U+024F but × and ÷), or 0 for a separator. */
size_t textidx_word_char(const unsigned char *s, size_t n, size_t i);

/* The next word of s[0..n) at or after *pos: its start and length; false
 * at the end. */
bool textidx_next_word(const char *s, size_t n, size_t *pos, size_t *start, size_t *len);

/* Whether a term is one word (a suggestion or base form may hold a
 * hyphen or a blank, which FTS5 would read as a phrase). */
bool textidx_one_word(const char *term, size_t len);

/* The vocabulary's entry of w (textidx.c), added when new. */
struct word *textidx_vocab_get(struct textidx *t, const char *w, size_t len);

/* textterms.c: loads what the index knows of the taxonomies from db in
 * place of what it knew (the old set stays when a query fails), with the
 * index's lock held; 0 or -1 with err.  And frees such a set. */
int textidx_load_terms(struct textidx *t, PGconn *db, char *err, size_t errlen);
void textidx_terms_free(struct textidx_terms *x);

/* The first translation of a form (t->tx.transl is sorted by form), or
 * t->tx.ntransl when it has none. */
size_t textidx_translations(const struct textidx *t, const char *form, size_t len);

/* Whether the docs (or the taxonomies' labels) have the word. */
bool textidx_in_vocab(const struct textidx *t, const char *w, size_t len);

#endif
