/*
 * textterms.c - what the text index knows of the taxonomies (see
 * textidx_int.h: struct textidx_terms): the forms of the words of every
 * term's labels and synonyms with the term's token, the Swedish and English
 * words that translate to Finnish ones (the taxonomies' labels and the
 * ICD-10 crosswalk), and the needs' ICD-10 ranges, read from PostgreSQL in
 * one go and replaced in one go.
 */
#include "textidx_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "icd10.h"
#include "morph.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

void textidx_terms_free(struct textidx_terms *x)
{
	for (size_t i = 0; i < x->nneeds; i++) {
		for (size_t k = 0; k < x->needs[i].n; k++)
			free(x->needs[i].ranges[k]);
		free(x->needs[i].ranges);
		free(x->needs[i].token);
	}
	free(x->needs);
	for (size_t i = 0; i < x->ntransl; i++) {
		free(x->transl[i].form);
		free(x->transl[i].fi);
	}
	free(x->transl);
	for (size_t i = 0; i < x->nforms; i++)
		free(x->forms[i].form);
	free(x->forms);
	for (size_t i = 0; i < x->nterms; i++)
		free(x->terms[i]);
	free(x->terms);
	memset(x, 0, sizeof(*x));
}

struct add_transl {
	struct textidx *t;
	const char *fi;
	size_t cap;
};

static void transl_form(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct add_transl *a = ctx;
	struct textidx_terms *x = &a->t->tx;

	if (kind != MORPH_SURFACE && kind != MORPH_STEM)
		return;
	if (x->ntransl == a->cap) {
		a->cap = a->cap ? 2 * a->cap : 1024;
		x->transl = xrealloc(x->transl, a->cap * sizeof(*x->transl));
	}
	x->transl[x->ntransl].form = xmalloc(len + 1);
	memcpy(x->transl[x->ntransl].form, term, len);
	x->transl[x->ntransl].form[len] = '\0';
	x->transl[x->ntransl++].fi = xstrdup(a->fi);
}

/* Notes a one-word Swedish or English term and its stems as translating
 * to fi. */
static void add_translation(void *ctx, const char *term, const char *fi)
{
	struct add_transl *a = ctx;
	size_t len = strlen(term);

	if (!textidx_one_word(term, len) || len >= MORPH_WORD_MAX || !strcmp(term, fi))
		return;
	a->fi = fi;
	morph_terms(a->t->m, term, len, transl_form, a);
}

static int cmp_transl(const void *pa, const void *pb)
{
	const struct transl *a = pa, *b = pb;
	int c = strcmp(a->form, b->form);

	return c ? c : strcmp(a->fi, b->fi);
}

static const char sql_labels[] =
	"SELECT l.label_fi, w FROM taxonomy_terms AS l,"
	" unnest(ARRAY[l.label_sv, l.label_en] || l.synonyms_sv || l.synonyms_en) AS w"
	" WHERE l.active";

/* The translations, sorted by form and each once (textidx_translations
 * finds a form's by bisection). */
static int load_translations(struct textidx *t, PGconn *db, char *err, size_t errlen)
{
	PGresult *res = pg_query(db, sql_labels, "the taxonomies' labels", err, errlen);
	struct add_transl a = { .t = t };
	struct textidx_terms *x = &t->tx;
	size_t k = 0;

	if (!res)
		return -1;
	icd10_translations(t->icd, add_translation, &a);
	for (int i = 0; i < PQntuples(res); i++) {
		char w[MORPH_WORD_MAX];
		size_t len = (size_t)PQgetlength(res, i, 1);

		if (len >= MORPH_WORD_MAX)
			continue;
		memcpy(w, PQgetvalue(res, i, 1), len + 1);
		morph_lower(w, len);
		add_translation(&a, w, PQgetvalue(res, i, 0));
	}
	PQclear(res);
	if (x->ntransl)
		qsort(x->transl, x->ntransl, sizeof(*x->transl), cmp_transl);
	for (size_t i = 0; i < x->ntransl; i++) {
		if (k && !cmp_transl(&x->transl[k - 1], &x->transl[i])) {
			free(x->transl[i].form);
			free(x->transl[i].fi);
			continue;
		}
		x->transl[k++] = x->transl[i];
	}
	x->ntransl = k;
	return 0;
}

size_t textidx_translations(const struct textidx *t, const char *form, size_t len)
{
	const struct textidx_terms *x = &t->tx;
	size_t lo = 0, hi = x->ntransl;
	char key[MORPH_WORD_MAX];

	if (len >= MORPH_WORD_MAX)
		return x->ntransl;
	memcpy(key, form, len);
	key[len] = '\0';
	while (lo < hi) { /* the first form >= key */
		size_t mid = (lo + hi) / 2;

		if (strcmp(x->transl[mid].form, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->ntransl && !strcmp(x->transl[lo].form, key) ? lo : x->ntransl;
}

static const char sql_term_words[] =
	"SELECT '" NEED_PREFIX
	"' || encode(convert_to(id, 'UTF8'), 'hex'),"
	" concat_ws(' ', label_fi, label_sv, label_en, array_to_string(synonyms_fi, ' '),"
	" array_to_string(synonyms_sv, ' '), array_to_string(synonyms_en, ' '))"
	" FROM taxonomy_terms WHERE active";

static void term_form(void *ctx, const char *term, size_t len, enum morph_kind kind)
{
	struct textidx_terms *x = ctx;
	struct term_form *f;

	(void)kind;
	if (len < 3)
		return;
	if (x->nforms == x->formcap) {
		x->formcap = x->formcap ? 2 * x->formcap : 1024;
		x->forms = xrealloc(x->forms, x->formcap * sizeof(*x->forms));
	}
	f = &x->forms[x->nforms++];
	f->form = xmalloc(len + 1);
	memcpy(f->form, term, len);
	f->form[len] = '\0';
	f->token = x->terms[x->nterms - 1];
}

static int cmp_forms(const void *pa, const void *pb)
{
	const struct term_form *a = pa, *b = pb;
	int c = strcmp(a->form, b->form);

	return c ? c : strcmp(a->token, b->token);
}

/* Every form of every word of the active terms' labels and synonyms. */
static int load_term_forms(struct textidx *t, PGconn *db, char *err, size_t errlen)
{
	PGresult *res = pg_query(db, sql_term_words, "the taxonomies' words", err, errlen);
	struct textidx_terms *x = &t->tx;
	int n;

	if (!res)
		return -1;
	n = PQntuples(res);
	x->terms = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*x->terms));
	for (int i = 0; i < n; i++) {
		const char *text = PQgetvalue(res, i, 1);
		size_t tl = strlen(text), pos = 0, start, len;

		x->terms[x->nterms++] = xstrdup(PQgetvalue(res, i, 0));
		while (textidx_next_word(text, tl, &pos, &start, &len)) {
			char w[MORPH_WORD_MAX];

			if (len < 3 || len >= MORPH_WORD_MAX)
				continue;
			morph_terms(t->m, text + start, len, term_form, x);
			memcpy(w, text + start, len);
			morph_lower(w, len);
			textidx_vocab_get(t, w, len); /* a near word for typos */
		}
	}
	PQclear(res);
	if (x->nforms)
		qsort(x->forms, x->nforms, sizeof(*x->forms), cmp_forms);
	return 0;
}

static const char sql_needs[] = "SELECT '" NEED_PREFIX
				"' || encode(convert_to(id, 'UTF8'), 'hex'),"
				" array_to_string(icd10, ',') FROM taxonomy_terms"
				" WHERE taxonomy_id = 'need' AND active AND icd10 <> '{}'";

static int load_needs(struct textidx *t, PGconn *db, char *err, size_t errlen)
{
	PGresult *res = pg_query(db, sql_needs, "the needs' ICD-10 ranges", err, errlen);
	struct textidx_terms *x = &t->tx;
	int n;

	if (!res)
		return -1;
	n = PQntuples(res);
	x->needs = xcalloc(n > 0 ? (size_t)n : 1, sizeof(*x->needs));
	for (int i = 0; i < n; i++) {
		struct need_ranges *nr = &x->needs[x->nneeds++];
		char *list = xstrdup(PQgetvalue(res, i, 1)), *save = NULL;

		nr->token = xstrdup(PQgetvalue(res, i, 0));
		for (char *r = strtok_r(list, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
			nr->ranges = xrealloc(nr->ranges, (nr->n + 1) * sizeof(*nr->ranges));
			nr->ranges[nr->n++] = xstrdup(r);
		}
		free(list);
	}
	PQclear(res);
	return 0;
}

int textidx_load_terms(struct textidx *t, PGconn *db, char *err, size_t errlen)
{
	struct textidx_terms old = t->tx;

	memset(&t->tx, 0, sizeof(t->tx));
	if (load_needs(t, db, err, errlen) || load_translations(t, db, err, errlen) ||
	    load_term_forms(t, db, err, errlen)) {
		textidx_terms_free(&t->tx);
		t->tx = old;
		return -1;
	}
	textidx_terms_free(&old);
	t->terms_loaded = true;
	return 0;
}

int textidx_reload_terms(struct textidx *t, PGconn *db, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&t->lock);
	rc = textidx_load_terms(t, db, err, errlen);
	pthread_mutex_unlock(&t->lock);
	return rc;
}
