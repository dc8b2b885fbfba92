/*
 * icd10.c - the ICD-10 crosswalk (see icd10.h).
 */
#include "icd10.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "xalloc.h"
#include "banned.h"

struct icd10_entry {
	char lo[8], hi[8]; /* a code: lo == hi; a range: its categories */
	bool range;
	char **terms;       /* every language's terms, in the file's order */
	size_t nterms, nfi; /* the first nfi are Finnish */
};

struct icd10 {
	struct icd10_entry *e;
	size_t n;
};

bool icd10_code(const char *w, size_t len, char out[8])
{
	size_t k = 0;

	if (len < 3 || len > 7 || !isalpha((unsigned char)w[0]) || !isdigit((unsigned char)w[1]) ||
	    !isdigit((unsigned char)w[2]))
		return false;
	out[k++] = (char)toupper((unsigned char)w[0]);
	out[k++] = w[1];
	out[k++] = w[2];
	if (len > 3) {
		size_t i = 3;

		if (w[i] == '.')
			i++;
		if (i == len || len - i > 3)
			return false;
		out[k++] = '.';
		for (; i < len; i++) {
			if (!isalnum((unsigned char)w[i]))
				return false;
			out[k++] = (char)toupper((unsigned char)w[i]);
		}
	}
	out[k] = '\0';
	return true;
}

bool icd10_in_range(const char *code, const char *range)
{
	char cat[4], lo[4], hi[4];
	const char *dash = strchr(range, '-');

	snprintf(cat, sizeof(cat), "%.3s", code);
	snprintf(lo, sizeof(lo), "%.3s", range);
	snprintf(hi, sizeof(hi), "%.3s", dash ? dash + 1 : range);
	return strcmp(cat, lo) >= 0 && strcmp(cat, hi) <= 0;
}

static void entry_release(struct icd10_entry *e)
{
	for (size_t i = 0; i < e->nterms; i++)
		free(e->terms[i]);
	free(e->terms);
}

void icd10_destroy(struct icd10 **cp)
{
	struct icd10 *c = *cp;

	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		entry_release(&c->e[i]);
	free(c->e);
	free(c);
	*cp = NULL;
}

/* Parses "F32", "F32.1" or "F30-F39" into e; -1 when it is none. */
static int parse_code(const char *s, struct icd10_entry *e)
{
	const char *dash = strchr(s, '-');

	if (dash) {
		if (!icd10_code(s, (size_t)(dash - s), e->lo) ||
		    !icd10_code(dash + 1, strlen(dash + 1), e->hi) || strlen(e->lo) != 3 ||
		    strlen(e->hi) != 3 || strcmp(e->lo, e->hi) > 0)
			return -1;
		e->range = true;
		return 0;
	}
	if (!icd10_code(s, strlen(s), e->lo))
		return -1;
	memcpy(e->hi, e->lo, sizeof(e->hi));
	return 0;
}

/* Splits a |-separated column into e's terms. */
static void add_terms(struct icd10_entry *e, char *col)
{
	for (char *t = col, *bar; t; t = bar) {
		if ((bar = strchr(t, '|')))
			*bar++ = '\0';
		while (*t == ' ')
			t++;
		if (!*t)
			continue;
		e->terms = xrealloc(e->terms, (e->nterms + 1) * sizeof(*e->terms));
		e->terms[e->nterms++] = xstrdup(t);
	}
}

struct icd10 *icd10_load(const char *path, char *err, size_t errlen)
{
	struct icd10 *c = xcalloc(1, sizeof(*c));
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t lineno = 0, cap = 0;

	if (!f) {
		errmsg(err, errlen, "cannot open the ICD-10 crosswalk \"%s\": %s", path,
		       strerror(errno));
		icd10_destroy(&c);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		struct icd10_entry e = { 0 };
		char *col[4], *p = line;
		size_t ncol = 0;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!*line || *line == '#')
			continue;
		for (; ncol < 4 && p; ncol++) {
			col[ncol] = p;
			if ((p = strchr(p, '\t')))
				*p++ = '\0';
		}
		if (ncol != 4 || p || parse_code(col[0], &e)) {
			errmsg(err, errlen, "the ICD-10 crosswalk \"%s\" line %zu is malformed",
			       path, lineno);
			fclose(f);
			icd10_destroy(&c);
			return NULL;
		}
		for (int i = 1; i < 4; i++) {
			add_terms(&e, col[i]);
			if (i == 1)
				e.nfi = e.nterms;
		}
		if (c->n == cap) {
			cap = cap ? cap * 2 : 256;
			c->e = xrealloc(c->e, cap * sizeof(*c->e));
		}
		c->e[c->n++] = e;
	}
	fclose(f);
	return c;
}

/* Range width in categories (same letter assumed; a letter apart counts big). */
static long width(const struct icd10_entry *e)
{
	return (long)(e->hi[0] - e->lo[0]) * 100 + atoi(e->hi + 1) - atoi(e->lo + 1);
}

static size_t emit_all(const struct icd10_entry *e, void (*fn)(void *, const char *), void *ctx)
{
	for (size_t i = 0; i < e->nterms; i++)
		fn(ctx, e->terms[i]);
	return e->nterms;
}

size_t icd10_terms(const struct icd10 *c, const char *code, void (*fn)(void *ctx, const char *term),
		   void *ctx)
{
	const struct icd10_entry *best = NULL;
	char cat[4];
	size_t n = 0;

	if (!c)
		return 0;
	snprintf(cat, sizeof(cat), "%.3s", code);
	for (size_t i = 0; i < c->n; i++) {
		const struct icd10_entry *e = &c->e[i];

		if (e->range) {
			if (strcmp(cat, e->lo) >= 0 && strcmp(cat, e->hi) <= 0 &&
			    (!best || width(e) < width(best)))
				best = e;
		} else if (!strcmp(e->lo, code) || (strlen(code) > 3 && !strcmp(e->lo, cat))) {
			n += emit_all(e, fn, ctx);
		}
	}
	if (!n && best)
		n = emit_all(best, fn, ctx);
	return n;
}

size_t icd10_range_terms(const struct icd10 *c, const char *lo, const char *hi,
			 void (*fn)(void *ctx, const char *term), void *ctx)
{
	size_t n = 0;

	if (!c)
		return 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->e[i].range && !strcmp(c->e[i].lo, lo) && !strcmp(c->e[i].hi, hi))
			n += emit_all(&c->e[i], fn, ctx);
	if (n)
		return n;
	/* No entry for the range itself: those of the codes inside it. */
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->e[i].lo, lo) >= 0 && strcmp(c->e[i].hi, hi) <= 0 &&
		    strlen(c->e[i].lo) == 3)
			n += emit_all(&c->e[i], fn, ctx);
	return n;
}

bool icd10_overlaps(const char *lo, const char *hi, const char *range)
{
	char rlo[4], rhi[4];
	const char *dash = strchr(range, '-');

	snprintf(rlo, sizeof(rlo), "%.3s", range);
	snprintf(rhi, sizeof(rhi), "%.3s", dash ? dash + 1 : range);
	return strcmp(rlo, hi) <= 0 && strcmp(rhi, lo) >= 0;
}

void icd10_translations(const struct icd10 *c,
			void (*fn)(void *ctx, const char *term, const char *fi), void *ctx)
{
	for (size_t i = 0; c && i < c->n; i++)
		for (size_t k = c->e[i].nfi; k < c->e[i].nterms; k++)
			for (size_t j = 0; j < c->e[i].nfi; j++)
				fn(ctx, c->e[i].terms[k], c->e[i].terms[j]);
}
