/*
 * idx_refresh.c - a snapshot refreshed from a few changed activities (see
 * idx_refresh.h).
 */
#include "idx_refresh.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "idx_bits.h"
#include "idx_build.h"
#include "idx_text.h"
#include "pg.h"
#include "strbuf.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define CHANGES_MAX 2000

void idx_refresh_release(struct idx_refresh *c)
{
	for (size_t i = 0; i < c->nacts; i++)
		free(c->acts[i]);
	for (size_t i = 0; i < c->norgs; i++)
		free(c->orgs[i]);
	free(c->acts);
	free(c->orgs);
	memset(c, 0, sizeof(*c));
}

void idx_refresh_note(struct idx_refresh *c, const char *payload)
{
	json_t *j = json_loads(payload, 0, NULL);
	const char *entity = j ? json_string_value(json_object_get(j, "entity")) : NULL;
	const char *id = j ? json_string_value(json_object_get(j, "id")) : NULL;
	char ***list = NULL;
	size_t *n = NULL;

	if (entity && id && *id && !strcmp(entity, "taxonomy_term")) {
		c->terms = true; /* labels, synonyms: cheap if no term came or moved */
		json_decref(j);
		return;
	}
	if (entity && uuid_valid(id) && !strcmp(entity, "activity")) {
		list = &c->acts;
		n = &c->nacts;
	} else if (entity && uuid_valid(id) && !strcmp(entity, "organization")) {
		list = &c->orgs;
		n = &c->norgs;
	}
	if (!list || c->nacts + c->norgs >= CHANGES_MAX) {
		c->full = true; /* a term, a place, a bulk change: everything */
	} else {
		*list = xrealloc(*list, (*n + 1) * sizeof(**list));
		(*list)[(*n)++] = xstrdup(id);
	}
	json_decref(j);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorts a list and drops duplicates. */
static void sort_unique(char **list, size_t *n)
{
	size_t k = 0;

	if (!*n)
		return;
	qsort(list, *n, sizeof(*list), cmp_str);
	for (size_t i = 0; i < *n; i++) {
		if (k && !strcmp(list[k - 1], list[i])) {
			free(list[i]);
			continue;
		}
		list[k++] = list[i];
	}
	*n = k;
}

static bool in_sorted(char **list, size_t n, const char *key)
{
	return n && bsearch(&key, list, n, sizeof(*list), cmp_str) != NULL;
}

/* A uuid[] literal of the list: "{a,b}" (free()). */
static char *uuid_array(char **list, size_t n)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_add(&b, "{", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_add(&b, ",", 1);
		strbuf_adds(&b, list[i]);
	}
	strbuf_add(&b, "}", 1);
	return strbuf_detach(&b);
}

struct entry {                        /* one record of a refreshed snapshot, before sorting */
	const struct index_snap *old; /* NULL: row 'idx' of the result */
	uint32_t idx;
	const char *assured, *name, *id;
	size_t name_len;
	bool unverified;
};

/* The snapshot order: current before unverified, then assured_date
 * descending (never verified last), name (bytes, as COLLATE "C"), id. */
static int cmp_entries(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

	if (a->unverified != b->unverified)
		return a->unverified ? 1 : -1;
	if (!*a->assured != !*b->assured)
		return *a->assured ? -1 : 1;
	if ((c = strcmp(b->assured, a->assured)))
		return c;
	c = memcmp(a->name, b->name, a->name_len < b->name_len ? a->name_len : b->name_len);
	if (c)
		return c;
	if (a->name_len != b->name_len)
		return a->name_len < b->name_len ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Makes record 'or' of the older snapshot o record r of s (same values). */
static void copy_record(struct index_snap *s, const struct index_snap *o, size_t or, size_t r,
			struct strbuf *text, struct strbuf *names)
{
	struct idx_snap_record *rec = &s->rec[r];
	const struct idx_snap_record *orec = &o->rec[or];

	*rec = *orec;
	rec->json_off = text->len;
	strbuf_add(text, o->text + orec->json_off, orec->json_clen); /* o's dictionary's block */
	rec->name_off = names->len;
	strbuf_add(names, o->names + orec->name_off, orec->name_len);
	idx_bits_set(s->all, r);
	s->area[r] = o->area[or];
	s->area_county[r] = o->area_county[or];
	for (int d = 0; d < INDEX_NDIMS; d++) {
		struct idx_dim *dm = &s->dims[d];
		const struct idx_dim *od = &o->dims[d];

		dm->off[r] = (uint32_t)dm->nval;
		for (uint32_t k = od->off[or]; k < od->off[or + 1]; k++) {
			idx_bits_set(dm->bits[od->val[k]], r);
			idx_dim_push(dm, od->val[k]);
		}
	}
	idx_build_area_bits(s, r);
}

/* Gives s o's reference data and room for n records. */
static void copy_reference(struct index_snap *s, const struct index_snap *o, size_t n)
{
	s->n = n;
	s->nwords = (n + 63) / 64;
	for (int d = 0; d < INDEX_NDIMS; d++) {
		for (size_t v = 0; v < o->dims[d].n; v++)
			idx_dim_add(&s->dims[d], o->dims[d].keys[v], o->dims[d].taxonomy[v]);
		idx_dim_seal(&s->dims[d], s->nwords);
		s->dims[d].off = xcalloc(n + 1, sizeof(uint32_t));
	}
	s->muni_county = xcalloc(o->dims[INDEX_MUNICIPALITY].n + 1, sizeof(*s->muni_county));
	memcpy(s->muni_county, o->muni_county,
	       o->dims[INDEX_MUNICIPALITY].n * sizeof(*s->muni_county));
	s->taxonomies_json = xstrdup(o->taxonomies_json);
	s->taxonomies_len = o->taxonomies_len;
	s->municipalities_json = xstrdup(o->municipalities_json);
	s->municipalities_len = o->municipalities_len;
	s->area = xcalloc(n ? n : 1, 1);
	s->area_county = xcalloc(n ? n : 1, sizeof(*s->area_county));
	s->rec = xcalloc(n ? n : 1, sizeof(*s->rec));
	s->all = xcalloc(s->nwords ? s->nwords : 1, sizeof(uint64_t));
	/* The records copied keep their blocks, so the dictionary too. */
	s->dict = xmalloc(o->dictlen ? o->dictlen : 1);
	memcpy(s->dict, o->dict, o->dictlen);
	s->dictlen = o->dictlen;
}

struct index_snap *idx_refresh_snap(const struct index_snap *o, PGconn *db, struct idx_refresh *c,
				    char *err, size_t errlen)
{
	struct index_snap *s = idx_snap_new();
	struct strbuf text = STRBUF_INIT, names = STRBUF_INIT;
	struct entry *e = NULL;
	PGresult *res = NULL;
	char *acts = NULL, *orgs = NULL;
	size_t n = 0, nrows;
	int ok = 0;

	sort_unique(c->acts, &c->nacts);
	sort_unique(c->orgs, &c->norgs);
	acts = uuid_array(c->acts, c->nacts);
	orgs = uuid_array(c->orgs, c->norgs);
	if (pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen))
		goto out;
	if (c->terms) {
		int same = idx_build_terms_same(o, db, err, errlen);

		if (same <= 0) {
			if (same == 0)
				snprintf(err, errlen, "a taxonomy term was added or moved");
			goto out;
		}
	}
	if (!(res = idx_build_query_some(db, acts, orgs, err, errlen)))
		goto out;
	nrows = (size_t)PQntuples(res);

	/* Unchanged records and the changed rows, in snapshot order. */
	e = xcalloc(o->n + nrows + 1, sizeof(*e));
	for (size_t r = 0; r < o->n; r++) {
		const struct idx_snap_record *rec = &o->rec[r];

		if (in_sorted(c->acts, c->nacts, rec->id) ||
		    in_sorted(c->orgs, c->norgs, rec->org_id))
			continue;
		e[n++] = (struct entry){
			o,       (uint32_t)r,   rec->assured,   o->names + rec->name_off,
			rec->id, rec->name_len, rec->unverified
		};
	}
	for (size_t i = 0; i < nrows; i++)
		e[n++] = (struct entry){ NULL,
					 (uint32_t)i,
					 PQgetvalue(res, (int)i, IDX_BUILD_COL_ASSURED),
					 PQgetvalue(res, (int)i, IDX_BUILD_COL_NAME),
					 PQgetvalue(res, (int)i, IDX_BUILD_COL_ID),
					 (size_t)PQgetlength(res, (int)i, IDX_BUILD_COL_NAME),
					 !strcmp(PQgetvalue(res, (int)i, IDX_BUILD_COL_UNVERIFIED),
						 "t") };
	qsort(e, n, sizeof(*e), cmp_entries);

	copy_reference(s, o, n);
	for (size_t r = 0; r < n; r++) {
		if (e[r].old) {
			copy_record(s, o, e[r].idx, r, &text, &names);
		} else if (idx_build_row(s, res, (int)e[r].idx, r, &text, &names)) {
			snprintf(err, errlen, "a changed activity uses a new language");
			goto out;
		}
	}
	if (c->terms && idx_build_taxonomies(s, db, err, errlen))
		goto out;
	idx_build_finish(s, &text, &names);
	if (idx_text_refresh(s, o, db, acts, orgs, c->terms, err, errlen))
		goto out;
	ok = 1;
out:
	PQclear(res);
	if (PQtransactionStatus(db) != PQTRANS_IDLE) {
		char e2[256]; /* the first error is the one to tell */

		if (pg_exec(db, "COMMIT", ok ? err : e2, ok ? errlen : sizeof(e2)))
			ok = 0;
	}
	free(acts);
	free(orgs);
	free(e);
	strbuf_release(&text);
	strbuf_release(&names);
	if (!ok)
		idx_snap_destroy(&s);
	return s;
}
