/*
 * textidx.h - the free-text index of the published activities, in memory.
 *
 * An SQLite FTS5 table in a private in-memory database, one row (a "doc")
 * per activity text, with five weighted columns: name, summary, terms (the
 * labels and synonyms of the activity's needs, kinds and target groups),
 * place (organisation and area) and body (for whom, description, how to
 * join, schedule, accessibility, cost).  Its tokenizer gives every word's
 * morphology (morph.h: Finnish base forms and compound parts, Swedish and
 * English stems) as terms at the same position, so a query term matches
 * any form.  A query is parsed here into an FTS5 expression: per word its
 * forms, or all of its compound parts; a typo's spelling suggestions; an
 * ICD-10 code's condition terms (icd10.h) and the needs whose ranges hold
 * it.  Ranking is FTS5's BM25 over the weighted columns, doubled for a doc
 * that has the query's own words (textquery.c: LITERAL_BOOST).
 *
 * Docs are only ever added: a changed activity gets a new doc and its old
 * one is left unreferenced (the snapshot's record names its current doc),
 * so snapshots of different ages share one index.  Reference-counted; every
 * call locks (one SQLite connection and one Voikko handle inside).
 */
#ifndef TJ_TEXTIDX_H
#define TJ_TEXTIDX_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "icd10.h"

struct textidx;

#define TEXTIDX_NO_DOC UINT32_MAX

/* A new, empty index with one reference; crosswalk may be NULL and must
 * outlive the index.  NULL with err (SQLite, Voikko). */
struct textidx *textidx_new(const struct icd10 *crosswalk, char *err, size_t errlen);

/* The crosswalk the index was made with. */
const struct icd10 *textidx_crosswalk(const struct textidx *t);

void textidx_ref(struct textidx *t);
/* Drops a reference (frees the index with the last); NULLs *tp. */
void textidx_unref(struct textidx **tp);

/*
 * Inside the caller's transaction on db: adds a doc for every published
 * activity (acts and orgs NULL), or for those among the activities 'acts'
 * and of the organisations 'orgs' (uuid[] literals), and on the first load
 * the needs' ICD-10 ranges.  fn is told each activity id and its new doc.
 * 0, or -1 with err.
 */
int textidx_load(struct textidx *t, PGconn *db, const char *acts, const char *orgs,
		 void (*fn)(void *ctx, const char *id, uint32_t doc), void *ctx, char *err,
		 size_t errlen);

/*
 * Inside the caller's transaction on db: what the index knows of the
 * taxonomies (the words of their labels and synonyms, the translations,
 * the needs' ICD-10 ranges) loaded again, for a term's words changed; the
 * docs hold the terms' tokens, so none changes.  0, or -1 with err (the
 * index then keeps what it knew).
 */
int textidx_reload_terms(struct textidx *t, PGconn *db, char *err, size_t errlen);

/* What the process's text indexes take in SQLite (all of them: the live
 * one, and one being built), in bytes. */
size_t textidx_memory(void);

/* What the index's vocabulary (its words, for typos) takes outside
 * SQLite, in bytes, with malloc's overhead estimated; and how many words. */
size_t textidx_vocab_bytes(struct textidx *t, size_t *words);

/* The number of docs added so far (live and replaced). */
size_t textidx_docs(struct textidx *t);

struct textidx_hit {
	uint32_t doc;
	double score; /* higher is better */
};

/*
 * The docs matching the query q, in no order, into *hits (free());
 * returns how many.  All of the query's words must match (in any of
 * their forms); when that gives nothing for several words, any of them.
 * Nothing for a query without words.
 */
size_t textidx_search(struct textidx *t, const char *q, struct textidx_hit **hits);

#endif
