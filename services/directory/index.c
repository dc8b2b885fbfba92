/*
 * index.c - the in-memory search index (see index.h).
 */
#include "index.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "log.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

#define INDEX_CHANNEL "tarjotin_directory"
#define INDEX_DEBOUNCE_US 50000   /* quiet time after a notification */
#define INDEX_DEBOUNCE_MAX_US 250000 /* ... but never longer than this */
#define INDEX_RETRY_MS 500

static const char *const dim_names[INDEX_NDIMS] = {
	"need", "kind", "target_group", "municipality", "county", "language", "takes_new",
};

const char *index_dim_name(enum index_dim d)
{
	return d < INDEX_NDIMS ? dim_names[d] : "";
}

/* --- a growable string ------------------------------------------------------ */

struct sbuf {
	char *p;
	size_t len, cap;
};

static void __attribute__((noinline)) sbuf_grow(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 32768;

	while (cap < b->len + n + 1)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static inline void sbuf_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sbuf_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sbuf_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		sbuf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* Makes room for n more bytes (and the NUL). */
static inline void sbuf_reserve(struct sbuf *b, size_t n)
{
	if (b->len + n + 1 > b->cap)
		sbuf_grow(b, n);
}

/* A JSON string literal; keys and values here come from our own tables, but
 * are escaped all the same. */
static void sbuf_json_str(struct sbuf *b, const char *s)
{
	size_t n = strcspn(s, "\"\\\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"
			      "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f");

	if (!s[n]) { /* nothing to escape: the common case */
		sbuf_add(b, "\"", 1);
		sbuf_add(b, s, n);
		sbuf_add(b, "\"", 1);
		return;
	}
	sbuf_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sbuf_add(b, e, 2);
		} else if (c < 0x20) {
			sbuf_printf(b, "\\u%04x", c);
		} else {
			sbuf_add(b, s, 1);
		}
	}
	sbuf_add(b, "\"", 1);
}

/* Appends json without the blanks outside its strings (PostgreSQL's
 * json_build_object writes "key" : value). */
static void json_minify(struct sbuf *b, const char *json)
{
	bool in_str = false;
	const char *run = json;

	for (const char *p = json; *p; p++) {
		if (in_str) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == '"')
				in_str = false;
		} else if (*p == '"') {
			in_str = true;
		} else if (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') {
			sbuf_add(b, run, (size_t)(p - run));
			run = p + 1;
		}
	}
	sbuf_add(b, run, strlen(run));
}

/* A minified copy of json (free()); its length in *len. */
static char *minified(const char *json, size_t *len)
{
	struct sbuf b = { 0 };

	json_minify(&b, json);
	*len = b.len;
	return b.p ? b.p : xstrdup("");
}

/* --- bitmaps ------------------------------------------------------------------ */

/* popcount of (a AND b) over the words listed in nz, or over all n words
 * when nz is NULL.  Compiled twice on x86-64 so that CPUs with POPCNT use
 * it (the default build targets the 2003 instruction set). */
#if defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
static uint64_t bits_and_count(const uint64_t *a, const uint64_t *b, const uint32_t *nz,
			       size_t n)
{
	uint64_t c = 0;

	if (nz)
		for (size_t i = 0; i < n; i++)
			c += (uint64_t)__builtin_popcountll(a[nz[i]] & b[nz[i]]);
	else
		for (size_t i = 0; i < n; i++)
			c += (uint64_t)__builtin_popcountll(a[i] & b[i]);
	return c;
}

/* popcount of a over the words listed in nz */
#if defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
static uint64_t bits_count_nz(const uint64_t *a, const uint32_t *nz, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcountll(a[nz[i]]);
	return c;
}

#if defined(__x86_64__) && !defined(__clang__)
__attribute__((target_clones("popcnt", "default")))
#endif
static uint64_t bits_count(const uint64_t *a, size_t n)
{
	uint64_t c = 0;

	for (size_t i = 0; i < n; i++)
		c += (uint64_t)__builtin_popcountll(a[i]);
	return c;
}

/* --- the snapshot ------------------------------------------------------------- */

struct record {
	char id[37];
	char org_id[37];
	char assured[11];           /* YYYY-MM-DD, "" when never verified */
	size_t json_off, json_len;  /* into snap->text */
	size_t name_off, name_len;  /* into snap->names */
};

struct dim {
	size_t n;            /* values */
	char **keys;         /* output order */
	char **keyjson;      /* per value: "key": ready to append, zero-padded */
	uint16_t *keyjson_len;
	size_t keyjson_max;
	uint32_t *sorted;    /* value numbers sorted by key, for lookups */
	uint64_t **bits;     /* per value: nwords words */
	uint32_t *total;     /* per value: popcount of its bitmap */
	const char **taxonomy; /* term dimensions: the term's taxonomy, for messages */
	/* Per record, its values (CSR: record r has val[off[r] .. off[r+1]]),
	 * for counting facets over a few records.  Municipalities and counties
	 * list only what the area names (see enum area). */
	uint32_t *off;
	uint16_t *val;
	size_t nval, capval;
};

/* How a record's area maps to municipalities and counties. */
enum area { AREA_LISTED, AREA_COUNTY, AREA_ALL };

/* The dimensions a visitor clicks through: the ones with count tables. */
#define TABLE_DIMS ((1u << INDEX_NEED) | (1u << INDEX_KIND) | (1u << INDEX_MUNICIPALITY))

/*
 * A count table over two or three dimensions (see snap_tables): the number
 * of records (or of the nationwide ones) that have value v[d] in every
 * dimension d of 'dims', under the coverage rule, at cnt[sum of v[d] *
 * stride[d]].  The municipality axis has ncounties + 1 slots more than
 * there are municipalities: the county-wide and nationwide records counted
 * there while building, then added to every municipality they cover.
 */
struct ftable {
	unsigned dims;                 /* bit d: dimension d is an axis */
	bool nationwide;               /* counts only nationwide (and online) records */
	int axis[3], naxes;            /* the same, in order */
	size_t stride[INDEX_NDIMS];    /* 0 for the other dimensions */
	size_t len;
	uint32_t *cnt;
};

struct index_snap {
	atomic_long refs;
	uint64_t generation;
	size_t n, nwords;
	struct record *rec;
	uint32_t *by_id;     /* record numbers sorted by id */
	char *text;          /* every item's JSON, back to back */
	char *names;         /* every activity's name, back to back (for ordering) */
	struct dim dims[INDEX_NDIMS];
	int32_t *muni_county;  /* municipality value -> county value */
	char *taxonomies_json, *municipalities_json;
	size_t taxonomies_len, municipalities_len;
	uint64_t *all;       /* bits of every record */
	uint8_t *area;       /* per record: enum area */
	int16_t *area_county; /* per record: the county value of AREA_COUNTY */
	struct ftable *tables;
	size_t ntables;
	int8_t table_of[1u << INDEX_NDIMS]; /* a set of dimensions -> tables[i], or -1 */
	/* Dimension d (not need, kind or municipality) -> the table of need,
	 * kind and d over the nationwide records alone, or -1. */
	int8_t nationwide_of[INDEX_NDIMS];
	/* With the tables: per need n and kind k, the records that have
	 * both, in order, at nk_rec[nk_off[i] .. nk_off[i + 1]) where
	 * i = n * kinds + k. */
	uint32_t *nk_off, *nk_rec;
};

struct index {
	pthread_mutex_t lock;
	struct index_snap *cur;
	uint64_t generation;
	const char *conninfo;
	PGconn *listen_db;   /* handed from index_start to the thread */
	pthread_t thread;
	bool started;
	int stop_fd;
};

static void dim_free(struct dim *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->keys[i]);
		free(d->bits[i]);
		if (d->keyjson)
			free(d->keyjson[i]);
	}
	free(d->keyjson);
	free(d->keyjson_len);
	free(d->keys);
	free(d->bits);
	free(d->sorted);
	free(d->total);
	free(d->taxonomy);
	free(d->off);
	free(d->val);
	memset(d, 0, sizeof(*d));
}

static void snap_free(struct index_snap *s)
{
	if (!s)
		return;
	for (int d = 0; d < INDEX_NDIMS; d++)
		dim_free(&s->dims[d]);
	free(s->rec);
	free(s->by_id);
	free(s->text);
	free(s->names);
	free(s->muni_county);
	free(s->taxonomies_json);
	free(s->municipalities_json);
	free(s->all);
	free(s->area);
	free(s->area_county);
	for (size_t i = 0; i < s->ntables; i++)
		free(s->tables[i].cnt);
	free(s->tables);
	free(s->nk_off);
	free(s->nk_rec);
	free(s);
}

/* qsort_r comparators */
static int cmp_dim_keys(const void *a, const void *b, void *arg)
{
	char **keys = arg;

	return strcmp(keys[*(const uint32_t *)a], keys[*(const uint32_t *)b]);
}

static int cmp_rec_ids(const void *a, const void *b, void *arg)
{
	const struct record *rec = arg;

	return strcmp(rec[*(const uint32_t *)a].id, rec[*(const uint32_t *)b].id);
}

static void dim_add(struct dim *d, const char *key, const char *taxonomy)
{
	if (strlen(key) > 64)
		return; /* never: ids, codes and keys are short by their CHECKs */
	d->keys = xrealloc(d->keys, (d->n + 1) * sizeof(*d->keys));
	d->taxonomy = xrealloc(d->taxonomy, (d->n + 1) * sizeof(*d->taxonomy));
	d->keys[d->n] = xstrdup(key);
	d->taxonomy[d->n] = taxonomy;
	d->n++;
}

/* Sorts the lookup table and allocates the bitmaps. */
static void dim_seal(struct dim *d, size_t nwords)
{
	d->sorted = xcalloc(d->n ? d->n : 1, sizeof(*d->sorted));
	d->bits = xcalloc(d->n ? d->n : 1, sizeof(*d->bits));
	d->total = xcalloc(d->n ? d->n : 1, sizeof(*d->total));
	d->keyjson = xcalloc(d->n ? d->n : 1, sizeof(*d->keyjson));
	d->keyjson_len = xcalloc(d->n ? d->n : 1, sizeof(*d->keyjson_len));
	for (size_t i = 0; i < d->n; i++) {
		struct sbuf k = { 0 };

		d->sorted[i] = (uint32_t)i;
		d->bits[i] = xcalloc(nwords ? nwords : 1, sizeof(uint64_t));
		sbuf_json_str(&k, d->keys[i]);
		sbuf_add(&k, ":", 1);
		/* Zero-padded to whole 8-byte words, which render_counts copies. */
		d->keyjson[i] = xcalloc((k.len + 8) / 8, 8);
		memcpy(d->keyjson[i], k.p, k.len);
		d->keyjson_len[i] = (uint16_t)k.len; /* at most 64 * 6 + 3 */
		if (k.len > d->keyjson_max)
			d->keyjson_max = k.len;
		free(k.p);
	}
	qsort_r(d->sorted, d->n, sizeof(*d->sorted), cmp_dim_keys, d->keys);
}

/* The value number of key in d, or -1. */
static long dim_find(const struct dim *d, const char *key, size_t keylen)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const char *k = d->keys[d->sorted[mid]];
		int c = strncmp(k, key, keylen);

		if (c == 0 && k[keylen])
			c = 1;
		if (c == 0)
			return (long)d->sorted[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Appends value v to the current record's list in d. */
static void dim_push(struct dim *d, long v)
{
	if (d->nval == d->capval) {
		d->capval = d->capval ? 2 * d->capval : 1024;
		d->val = xrealloc(d->val, d->capval * sizeof(*d->val));
	}
	d->val[d->nval++] = (uint16_t)v;
}

static inline void bit_set(uint64_t *bits, size_t i)
{
	bits[i >> 6] |= UINT64_C(1) << (i & 63);
}

static inline bool bit_get(const uint64_t *bits, size_t i)
{
	return (bits[i >> 6] >> (i & 63)) & 1;
}

/* Sets record r's bit for every value of the comma-separated list. */
static void dim_set_list(struct dim *d, const char *list, size_t r)
{
	while (*list) {
		const char *end = strchr(list, ',');
		size_t n = end ? (size_t)(end - list) : strlen(list);
		long v = dim_find(d, list, n);

		if (v >= 0) {
			bit_set(d->bits[v], r);
			dim_push(d, v);
		}
		list += n + (end ? 1 : 0);
	}
}

/* --- building from PostgreSQL ---------------------------------------------- */

static const char sql_terms[] =
	"SELECT id, taxonomy_id FROM taxonomy_terms ORDER BY taxonomy_id, position, id";
static const char sql_counties[] = "SELECT key FROM counties ORDER BY key";
static const char sql_municipalities[] =
	"SELECT code, county_key FROM municipalities ORDER BY code";
static const char sql_languages[] =
	"SELECT DISTINCT language FROM activity_languages ORDER BY 1";

static const char sql_taxonomies_json[] =
	"WITH t AS ("
	" SELECT taxonomy_id, position, id,"
	"  json_build_object('id', id,"
	"   'label', json_build_object('fi', label_fi, 'sv', label_sv, 'en', label_en),"
	"   'synonyms', json_build_object('fi', synonyms_fi, 'sv', synonyms_sv, 'en', synonyms_en))"
	"   AS plain,"
	"  json_build_object('id', id,"
	"   'label', json_build_object('fi', label_fi, 'sv', label_sv, 'en', label_en),"
	"   'synonyms', json_build_object('fi', synonyms_fi, 'sv', synonyms_sv, 'en', synonyms_en),"
	"   'icd10', icd10) AS need"
	" FROM taxonomy_terms WHERE active)"
	" SELECT json_build_object("
	"  'needs', coalesce((SELECT json_agg(need ORDER BY position, id) FROM t"
	"                     WHERE taxonomy_id = 'need'), '[]'),"
	"  'kinds', coalesce((SELECT json_agg(plain ORDER BY position, id) FROM t"
	"                     WHERE taxonomy_id = 'kind'), '[]'),"
	"  'target_groups', coalesce((SELECT json_agg(plain ORDER BY position, id) FROM t"
	"                     WHERE taxonomy_id = 'target_group'), '[]'))::text";

static const char sql_municipalities_json[] =
	"SELECT json_build_object("
	" 'municipalities', coalesce((SELECT json_agg(json_build_object('code', code,"
	"    'name', name_fi, 'name_sv', coalesce(name_sv, name_fi), 'county', county_key)"
	"    ORDER BY code) FROM municipalities), '[]'),"
	" 'counties', coalesce((SELECT json_agg(json_build_object('key', key,"
	"    'name', json_build_object('fi', name_fi, 'sv', name_sv, 'en', name_en))"
	"    ORDER BY key) FROM counties), '[]'))::text";

/* Every searchable activity with its facet values and its search item
 * (columns: 0 id, 1 organisation, 2 area type, 3 area county, 4 takes new,
 * 5 needs, 6 kinds, 7 target groups, 8 municipalities, 9 languages,
 * 10 the item's JSON, 11 assured_date, 12 name).  PRE adds CTEs, F limits
 * the aggregates (on x.activity_id), W the activities (on a). */
#define SQL_ACTIVITIES(PRE, F, W) \
	"WITH " PRE " n AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids" \
	"           FROM activity_needs AS x JOIN taxonomy_terms AS t ON t.id = x.term_id" \
	"           WHERE " F " GROUP BY 1)," \
	" k AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids" \
	"       FROM activity_kinds AS x JOIN taxonomy_terms AS t ON t.id = x.term_id" \
	"       WHERE " F " GROUP BY 1)," \
	" g AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids" \
	"       FROM activity_target_groups AS x JOIN taxonomy_terms AS t ON t.id = x.term_id" \
	"       WHERE " F " GROUP BY 1)," \
	" m AS (SELECT x.activity_id, string_agg(x.municipality_code, ',' ORDER BY x.municipality_code)" \
	"         AS codes," \
	"       CASE WHEN count(DISTINCT mu.county_key) = 1 THEN min(mu.county_key) END AS county" \
	"       FROM activity_municipalities AS x" \
	"       JOIN municipalities AS mu ON mu.code = x.municipality_code WHERE " F " GROUP BY 1)," \
	" l AS (SELECT x.activity_id, string_agg(x.language, ',' ORDER BY x.language) AS codes" \
	"       FROM activity_languages AS x WHERE " F " GROUP BY 1)" \
	" SELECT a.id, a.organization_id, a.area_type, coalesce(a.area_county, '')," \
	"  a.takes_new, coalesce(n.ids, ''), coalesce(k.ids, ''), coalesce(g.ids, '')," \
	"  CASE WHEN a.area_type = 'municipalities' THEN coalesce(m.codes, '') ELSE '' END," \
	"  coalesce(l.codes, '')," \
	"  json_build_object('id', a.id, 'name', a.name," \
	"   'organization', json_build_object('id', o.id, 'name', o.name)," \
	"   'summary', a.summary," \
	"   'area', json_build_object('type', a.area_type," \
	"     'municipalities', CASE WHEN a.area_type = 'municipalities'" \
	"                       THEN coalesce(string_to_array(m.codes, ','), '{}') ELSE '{}' END," \
	"     'county', CASE a.area_type WHEN 'county' THEN a.area_county" \
	"                 WHEN 'municipalities' THEN m.county END)," \
	"   'how_to_join', a.how_to_join, 'takes_new', a.takes_new," \
	"   'assured_date', a.assured_date," \
	"   'needs', coalesce(string_to_array(n.ids, ','), '{}')," \
	"   'kinds', coalesce(string_to_array(k.ids, ','), '{}')," \
	"   'target_groups', coalesce(string_to_array(g.ids, ','), '{}')," \
	"   'languages', coalesce(string_to_array(l.codes, ','), '{}'))::text," \
	"  coalesce(a.assured_date::text, ''), a.name" \
	" FROM activities AS a JOIN organizations AS o ON o.id = a.organization_id" \
	" LEFT JOIN n ON n.activity_id = a.id LEFT JOIN k ON k.activity_id = a.id" \
	" LEFT JOIN g ON g.activity_id = a.id LEFT JOIN m ON m.activity_id = a.id" \
	" LEFT JOIN l ON l.activity_id = a.id" \
	" WHERE a.status = 'published' AND o.status = 'approved' AND " W \
	" ORDER BY a.assured_date DESC NULLS LAST, a.name COLLATE \"C\", a.id"

static const char sql_activities[] = SQL_ACTIVITIES("", "true", "true");

/* The same for some activities: $1 activity ids, $2 organisation ids
 * (uuid[] literals). */
static const char sql_activities_some[] = SQL_ACTIVITIES(
	"sel AS (SELECT id FROM activities WHERE id = ANY ($1::uuid[])"
	"        OR organization_id = ANY ($2::uuid[])),",
	"x.activity_id IN (SELECT id FROM sel)", "a.id IN (SELECT id FROM sel)");

/* Runs a query expecting rows; NULL with err on failure. */
static PGresult *query(PGconn *db, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	char e[256];

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	pg_error(db, res, e, sizeof(e));
	snprintf(err, errlen, "cannot load %s: %s", what, e);
	PQclear(res);
	return NULL;
}

/* Expands an area to the municipality and county bitmaps of record r
 * (the listed municipalities and their counties are set by the caller). */
static void snap_area_bits(struct index_snap *s, size_t r)
{
	struct dim *mun = &s->dims[INDEX_MUNICIPALITY], *cty = &s->dims[INDEX_COUNTY];

	if (s->area[r] == AREA_COUNTY) {
		for (size_t v = 0; v < mun->n; v++)
			if (s->muni_county[v] == s->area_county[r])
				bit_set(mun->bits[v], r);
	} else if (s->area[r] == AREA_ALL) {
		for (size_t v = 0; v < mun->n; v++)
			bit_set(mun->bits[v], r);
		for (size_t c = 0; c < cty->n; c++)
			bit_set(cty->bits[c], r);
	}
}

/* Makes row 'row' of a SQL_ACTIVITIES result record r.  Returns the
 * number of language codes the snapshot does not know (an incremental
 * refresh then rebuilds instead). */
static int snap_row(struct index_snap *s, PGresult *res, int row, size_t r, struct sbuf *text,
		    struct sbuf *names)
{
	struct dim *mun = &s->dims[INDEX_MUNICIPALITY], *cty = &s->dims[INDEX_COUNTY];
	struct record *rec = &s->rec[r];
	const char *area = PQgetvalue(res, row, 2);
	const char *json = PQgetvalue(res, row, 10);
	size_t langs_before;
	const char *langs = PQgetvalue(res, row, 9);
	int nlangs = *langs ? 1 : 0;

	for (const char *c = langs; *c; c++)
		nlangs += *c == ',';
	snprintf(rec->id, sizeof(rec->id), "%s", PQgetvalue(res, row, 0));
	snprintf(rec->org_id, sizeof(rec->org_id), "%s", PQgetvalue(res, row, 1));
	snprintf(rec->assured, sizeof(rec->assured), "%s", PQgetvalue(res, row, 11));
	rec->name_off = names->len;
	rec->name_len = (size_t)PQgetlength(res, row, 12);
	sbuf_add(names, PQgetvalue(res, row, 12), rec->name_len);
	rec->json_off = text->len;
	json_minify(text, json);
	rec->json_len = text->len - rec->json_off;
	bit_set(s->all, r);
	for (int d = 0; d < INDEX_NDIMS; d++)
		s->dims[d].off[r] = (uint32_t)s->dims[d].nval;
	{
		int tn = !strcmp(PQgetvalue(res, row, 4), "t") ? 0 : 1;

		bit_set(s->dims[INDEX_TAKES_NEW].bits[tn], r);
		dim_push(&s->dims[INDEX_TAKES_NEW], tn);
	}
	dim_set_list(&s->dims[INDEX_NEED], PQgetvalue(res, row, 5), r);
	dim_set_list(&s->dims[INDEX_KIND], PQgetvalue(res, row, 6), r);
	dim_set_list(&s->dims[INDEX_TARGET_GROUP], PQgetvalue(res, row, 7), r);
	langs_before = s->dims[INDEX_LANGUAGE].nval;
	dim_set_list(&s->dims[INDEX_LANGUAGE], langs, r);
	if (!strcmp(area, "municipalities")) {
		const char *list = PQgetvalue(res, row, 8);

		dim_set_list(mun, list, r);
		while (*list) {
			const char *end = strchr(list, ',');
			size_t len = end ? (size_t)(end - list) : strlen(list);
			long v = dim_find(mun, list, len);

			if (v >= 0 && s->muni_county[v] >= 0 &&
			    !bit_get(cty->bits[s->muni_county[v]], r)) {
				bit_set(cty->bits[s->muni_county[v]], r);
				dim_push(cty, s->muni_county[v]);
			}
			list += len + (end ? 1 : 0);
		}
		s->area[r] = AREA_LISTED;
	} else if (!strcmp(area, "county")) {
		const char *ck = PQgetvalue(res, row, 3);
		long c = dim_find(cty, ck, strlen(ck));

		s->area[r] = c >= 0 ? AREA_COUNTY : AREA_LISTED; /* unknown county: nowhere */
		s->area_county[r] = (int16_t)c;
		if (c >= 0) {
			bit_set(cty->bits[c], r);
			dim_push(cty, c);
		}
	} else { /* nationwide, online */
		s->area[r] = AREA_ALL;
	}
	snap_area_bits(s, r);
	return nlangs - (int)(s->dims[INDEX_LANGUAGE].nval - langs_before);
}

/* Makes record 'or' of the older snapshot o record r of s (same values). */
static void snap_copy(struct index_snap *s, const struct index_snap *o, size_t or, size_t r,
		      struct sbuf *text, struct sbuf *names)
{
	struct record *rec = &s->rec[r];
	const struct record *orec = &o->rec[or];

	*rec = *orec;
	rec->json_off = text->len;
	sbuf_add(text, o->text + orec->json_off, orec->json_len);
	rec->name_off = names->len;
	sbuf_add(names, o->names + orec->name_off, orec->name_len);
	bit_set(s->all, r);
	s->area[r] = o->area[or];
	s->area_county[r] = o->area_county[or];
	for (int d = 0; d < INDEX_NDIMS; d++) {
		struct dim *dm = &s->dims[d];
		const struct dim *od = &o->dims[d];

		dm->off[r] = (uint32_t)dm->nval;
		for (uint32_t k = od->off[or]; k < od->off[or + 1]; k++) {
			bit_set(dm->bits[od->val[k]], r);
			dim_push(dm, od->val[k]);
		}
	}
	snap_area_bits(s, r);
}

/* The sets of dimensions with a count table: what a search filtered by
 * need, kind and municipality (any of them) needs for its total and its
 * facets, one dimension counted under the others.  Two or three
 * dimensions, at most one of them not need, kind or municipality: all
 * three and a fourth would take 4 bytes x 26 x 12 x 308 x 34 (13 MB),
 * and a search by all three finds few enough records to count them. */
static bool table_wanted(unsigned dims)
{
	int n = __builtin_popcount(dims), inner = __builtin_popcount(dims & TABLE_DIMS);

	return (n == 2 || n == 3) && inner + 1 >= n;
}

/* Sets t up as a table over the dimensions in dims, all zeros. */
static void table_init(const struct index_snap *s, struct ftable *t, unsigned dims,
		       bool nationwide)
{
	size_t len = 1;

	t->dims = dims;
	t->nationwide = nationwide;
	for (int d = 0; d < INDEX_NDIMS; d++)
		if (dims & (1u << d))
			t->axis[t->naxes++] = d;
	for (int d = INDEX_NDIMS - 1; d >= 0; d--) {
		if (!(dims & (1u << d)))
			continue;
		t->stride[d] = len;
		len *= d == INDEX_MUNICIPALITY ?
			       s->dims[d].n + s->dims[INDEX_COUNTY].n + 1 : s->dims[d].n;
	}
	t->len = len;
	t->cnt = xcalloc(len ? len : 1, sizeof(*t->cnt));
}

/* Adds 1 for every combination of the record's values on t's axes, whose
 * lists are v[d][0 .. nv[d]). */
static void table_add(struct ftable *t, const uint16_t *const *v, const size_t *nv)
{
	static const uint16_t none = 0;
	const int *ax = t->axis;
	const uint16_t *l0 = v[ax[0]], *l1 = v[ax[1]], *l2 = t->naxes == 3 ? v[ax[2]] : &none;
	size_t n0 = nv[ax[0]], n1 = nv[ax[1]], n2 = t->naxes == 3 ? nv[ax[2]] : 1;
	size_t s0 = t->stride[ax[0]], s1 = t->stride[ax[1]];
	size_t s2 = t->naxes == 3 ? t->stride[ax[2]] : 0;

	for (size_t i = 0; i < n0; i++)
		for (size_t j = 0; j < n1; j++) {
			uint32_t *c = t->cnt + l0[i] * s0 + l1[j] * s1;

			for (size_t m = 0; m < n2; m++)
				c[l2[m] * s2]++;
		}
}

/* The records of every need and kind pair (see nk_off): a search by need,
 * kind and municipality checks the municipality's bit of those instead of
 * ANDing three bitmaps of 782 words at national scale. */
static void snap_pairs(struct index_snap *s)
{
	const struct dim *need = &s->dims[INDEX_NEED], *kind = &s->dims[INDEX_KIND];
	size_t npairs = need->n * kind->n, *at;

	s->nk_off = xcalloc(npairs + 1, sizeof(*s->nk_off));
	for (size_t r = 0; r < s->n; r++)
		for (uint32_t i = need->off[r]; i < need->off[r + 1]; i++)
			for (uint32_t j = kind->off[r]; j < kind->off[r + 1]; j++)
				s->nk_off[need->val[i] * kind->n + kind->val[j] + 1]++;
	for (size_t i = 0; i < npairs; i++)
		s->nk_off[i + 1] += s->nk_off[i];
	s->nk_rec = xcalloc(s->nk_off[npairs] ? s->nk_off[npairs] : 1, sizeof(*s->nk_rec));
	at = xcalloc(npairs ? npairs : 1, sizeof(*at));
	for (size_t i = 0; i < npairs; i++)
		at[i] = s->nk_off[i];
	for (size_t r = 0; r < s->n; r++)
		for (uint32_t i = need->off[r]; i < need->off[r + 1]; i++)
			for (uint32_t j = kind->off[r]; j < kind->off[r + 1]; j++)
				s->nk_rec[at[need->val[i] * kind->n + kind->val[j]]++] =
					(uint32_t)r;
	free(at);
}

/* Adds the county-wide and nationwide slots of t's municipality axis to
 * every municipality they cover. */
static void table_fold(const struct index_snap *s, struct ftable *t)
{
	size_t nm = s->dims[INDEX_MUNICIPALITY].n, ncty = s->dims[INDEX_COUNTY].n;
	size_t inner = t->stride[INDEX_MUNICIPALITY], outer = inner * (nm + ncty + 1);

	for (size_t o = 0; o < t->len; o += outer) {
		uint32_t *base = t->cnt + o;
		const uint32_t *all = base + (nm + ncty) * inner;

		for (size_t m = 0; m < nm; m++) {
			int32_t c = s->muni_county[m];
			uint32_t *row = base + m * inner;
			const uint32_t *cty =
				c >= 0 && (size_t)c < ncty ? base + (nm + (size_t)c) * inner : NULL;

			for (size_t i = 0; i < inner; i++)
				row[i] += all[i] + (cty ? cty[i] : 0);
		}
	}
}

/*
 * Counts the records of every combination of need, kind and municipality
 * values, and of one or two of those with every value of another
 * dimension, so that a search that filters by no more than need, kind and
 * municipality looks its total and facets up: at national scale counting
 * them over the records and bitmaps took 40 to 90 microseconds a search.
 * A search by all three counts the other four facets over its records,
 * the nationwide ones (most of them) from tables of their own, and finds
 * its records in the need and kind pair's list (snap_pairs).  All of it
 * 2.8 MB and some 15 ms at national scale (26 needs, 12 kinds, 308
 * municipalities, 50,000 activities).  Without tables (more municipalities
 * and counties than 16-bit slots can number) every search takes the
 * general path.
 */
static void snap_tables(struct index_snap *s)
{
	size_t nm = s->dims[INDEX_MUNICIPALITY].n, ncty = s->dims[INDEX_COUNTY].n;
	uint16_t counties[256];
	size_t want = 0;

	memset(s->table_of, -1, sizeof(s->table_of));
	memset(s->nationwide_of, -1, sizeof(s->nationwide_of));
	if (nm + ncty + 1 > UINT16_MAX || ncty > sizeof(counties) / sizeof(counties[0]))
		return;
	for (size_t c = 0; c < ncty; c++)
		counties[c] = (uint16_t)c;
	for (unsigned dims = 1; dims < 1u << INDEX_NDIMS; dims++)
		want += table_wanted(dims);
	s->tables = xcalloc(want + INDEX_NDIMS, sizeof(*s->tables));
	for (unsigned dims = 1; dims < 1u << INDEX_NDIMS; dims++) {
		if (!table_wanted(dims))
			continue;
		table_init(s, &s->tables[s->ntables], dims, false);
		s->table_of[dims] = (int8_t)s->ntables++;
	}
	for (int d = 0; d < INDEX_NDIMS; d++) {
		if (TABLE_DIMS & (1u << d))
			continue;
		table_init(s, &s->tables[s->ntables],
			   (1u << INDEX_NEED) | (1u << INDEX_KIND) | (1u << d), true);
		s->nationwide_of[d] = (int8_t)s->ntables++;
	}
	for (size_t r = 0; r < s->n; r++) {
		const uint16_t *v[INDEX_NDIMS];
		size_t nv[INDEX_NDIMS];
		uint16_t where;

		for (int d = 0; d < INDEX_NDIMS; d++) {
			nv[d] = s->dims[d].off[r + 1] - s->dims[d].off[r];
			v[d] = nv[d] ? s->dims[d].val + s->dims[d].off[r] : counties;
		}
		/* The coverage rule, as in count_records and snap_area_bits. */
		if (s->area[r] == AREA_COUNTY) {
			int16_t c = s->area_county[r];

			where = (uint16_t)(nm + (size_t)(c >= 0 ? c : 0));
			v[INDEX_MUNICIPALITY] = &where;
			nv[INDEX_MUNICIPALITY] = c >= 0 && (size_t)c < ncty;
		} else if (s->area[r] == AREA_ALL) {
			where = (uint16_t)(nm + ncty);
			v[INDEX_MUNICIPALITY] = &where;
			nv[INDEX_MUNICIPALITY] = 1;
			v[INDEX_COUNTY] = counties;
			nv[INDEX_COUNTY] = ncty;
		}
		for (size_t i = 0; i < s->ntables; i++)
			if (!s->tables[i].nationwide || s->area[r] == AREA_ALL)
				table_add(&s->tables[i], v, nv);
	}
	for (size_t i = 0; i < s->ntables; i++)
		if (s->tables[i].dims & (1u << INDEX_MUNICIPALITY))
			table_fold(s, &s->tables[i]);
	snap_pairs(s);
}

/* The end of every build: totals, count tables, the id lookup, the arenas. */
static void snap_finish(struct index_snap *s, struct sbuf *text, struct sbuf *names)
{
	for (int d = 0; d < INDEX_NDIMS; d++) {
		s->dims[d].off[s->n] = (uint32_t)s->dims[d].nval;
		for (size_t v = 0; v < s->dims[d].n; v++)
			s->dims[d].total[v] = (uint32_t)bits_count(s->dims[d].bits[v], s->nwords);
	}
	snap_tables(s);
	s->by_id = xcalloc(s->n ? s->n : 1, sizeof(*s->by_id));
	for (size_t r = 0; r < s->n; r++)
		s->by_id[r] = (uint32_t)r;
	qsort_r(s->by_id, s->n, sizeof(*s->by_id), cmp_rec_ids, s->rec);
	s->text = text->p ? text->p : xstrdup("");
	s->names = names->p ? names->p : xstrdup("");
	text->p = names->p = NULL;
}

static struct index_snap *snap_build(PGconn *db, char *err, size_t errlen)
{
	struct index_snap *s = xcalloc(1, sizeof(*s));
	PGresult *res = NULL;
	struct sbuf text = { 0 }, names = { 0 };
	struct dim *mun = &s->dims[INDEX_MUNICIPALITY], *cty = &s->dims[INDEX_COUNTY];
	int ok = 0;

	atomic_init(&s->refs, 1);
	/* One snapshot of the database for all the queries. */
	if (pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen))
		goto out;
	/* Whole-table aggregates: hash joins are right whatever the planner's
	 * statistics say (right after a bulk load they still describe the old
	 * data), and parallel workers would build every hash table again. */
	if (pg_exec(db, "SET LOCAL enable_nestloop = off", err, errlen) ||
	    pg_exec(db, "SET LOCAL max_parallel_workers_per_gather = 0", err, errlen) ||
	    pg_exec(db, "SET LOCAL work_mem = '64MB'", err, errlen))
		goto out;

	if (!(res = query(db, sql_terms, "taxonomy terms", err, errlen)))
		goto out;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *tax = PQgetvalue(res, i, 1);
		enum index_dim d = !strcmp(tax, "need") ? INDEX_NEED :
				   !strcmp(tax, "kind") ? INDEX_KIND :
				   !strcmp(tax, "target_group") ? INDEX_TARGET_GROUP : INDEX_NDIMS;

		if (d != INDEX_NDIMS)
			dim_add(&s->dims[d], PQgetvalue(res, i, 0), dim_names[d]);
	}
	PQclear(res);
	if (!(res = query(db, sql_counties, "counties", err, errlen)))
		goto out;
	for (int i = 0; i < PQntuples(res); i++)
		dim_add(cty, PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	if (!(res = query(db, sql_languages, "languages", err, errlen)))
		goto out;
	for (int i = 0; i < PQntuples(res); i++)
		dim_add(&s->dims[INDEX_LANGUAGE], PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	dim_add(&s->dims[INDEX_TAKES_NEW], "true", NULL);
	dim_add(&s->dims[INDEX_TAKES_NEW], "false", NULL);

	if (!(res = query(db, sql_taxonomies_json, "taxonomies", err, errlen)))
		goto out;
	s->taxonomies_json = minified(PQgetvalue(res, 0, 0), &s->taxonomies_len);
	PQclear(res);
	if (!(res = query(db, sql_municipalities_json, "municipalities", err, errlen)))
		goto out;
	s->municipalities_json = minified(PQgetvalue(res, 0, 0), &s->municipalities_len);
	PQclear(res);

	/* Municipalities last: their counties must be known. */
	if (!(res = query(db, sql_municipalities, "municipalities", err, errlen)))
		goto out;
	for (int i = 0; i < PQntuples(res); i++)
		dim_add(mun, PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	res = NULL;

	if (!(res = query(db, sql_activities, "activities", err, errlen)))
		goto out;
	s->n = (size_t)PQntuples(res);
	s->nwords = (s->n + 63) / 64;
	for (int d = 0; d < INDEX_NDIMS; d++) {
		if (s->dims[d].n > UINT16_MAX || (d == INDEX_COUNTY && s->dims[d].n > 255)) {
			snprintf(err, errlen, "too many %s values", dim_names[d]);
			goto out;
		}
		dim_seal(&s->dims[d], s->nwords);
		s->dims[d].off = xcalloc(s->n + 1, sizeof(uint32_t));
	}
	s->area = xcalloc(s->n ? s->n : 1, 1);
	s->area_county = xcalloc(s->n ? s->n : 1, sizeof(*s->area_county));

	/* The county of each municipality (a second pass over the small
	 * municipalities result is cheaper than keeping it). */
	{
		PGresult *mres = query(db, sql_municipalities, "municipalities", err, errlen);

		if (!mres)
			goto out;
		s->muni_county = xcalloc(mun->n ? mun->n : 1, sizeof(*s->muni_county));
		for (int i = 0; i < PQntuples(mres) && (size_t)i < mun->n; i++) {
			const char *ck = PQgetvalue(mres, i, 1);

			s->muni_county[i] = (int32_t)dim_find(cty, ck, strlen(ck));
		}
		PQclear(mres);
	}

	s->rec = xcalloc(s->n ? s->n : 1, sizeof(*s->rec));
	s->all = xcalloc(s->nwords ? s->nwords : 1, sizeof(uint64_t));
	for (size_t r = 0; r < s->n; r++)
		snap_row(s, res, (int)r, r, &text, &names);
	PQclear(res);
	res = NULL;
	pg_exec(db, "COMMIT", err, errlen);
	snap_finish(s, &text, &names);
	ok = 1;
out:
	PQclear(res);
	free(text.p);
	free(names.p);
	if (!ok) {
		if (PQtransactionStatus(db) != PQTRANS_IDLE) {
			PGresult *rb = PQexec(db, "ROLLBACK");
			PQclear(rb);
		}
		snap_free(s);
		return NULL;
	}
	return s;
}

/* --- incremental refresh ---------------------------------------------------- */

struct entry {            /* one record of a refreshed snapshot, before sorting */
	const struct index_snap *old; /* NULL: row 'idx' of the result */
	uint32_t idx;
	const char *assured, *name, *id;
	size_t name_len;
};

/* The snapshot order: assured_date descending (never verified last), name
 * (bytes, as COLLATE "C"), id. */
static int cmp_entries(const void *pa, const void *pb)
{
	const struct entry *a = pa, *b = pb;
	int c;

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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool in_sorted(char **list, size_t n, const char *key)
{
	return n && bsearch(&key, list, n, sizeof(*list), cmp_str) != NULL;
}

/* A uuid[] literal of the list: "{a,b}" (free()). */
static char *uuid_array(char **list, size_t n)
{
	struct sbuf b = { 0 };

	sbuf_add(&b, "{", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sbuf_add(&b, ",", 1);
		sbuf_add(&b, list[i], strlen(list[i]));
	}
	sbuf_add(&b, "}", 1);
	return b.p;
}

/*
 * A new snapshot from o with the activities in acts and the activities of
 * the organisations in orgs read again (both lists sorted).  Reference
 * data (terms, places, languages) must not have changed: NULL (with err)
 * when a row names a language o does not know, or on a database error.
 */
static struct index_snap *snap_refresh(const struct index_snap *o, PGconn *db, char **acts,
				       size_t nacts, char **orgs, size_t norgs, char *err,
				       size_t errlen)
{
	struct index_snap *s = xcalloc(1, sizeof(*s));
	struct sbuf text = { 0 }, names = { 0 };
	struct entry *e = NULL;
	PGresult *res = NULL;
	const char *params[2] = { NULL, NULL };
	size_t n = 0, nrows;
	int ok = 0;

	atomic_init(&s->refs, 1);
	params[0] = uuid_array(acts, nacts);
	params[1] = uuid_array(orgs, norgs);
	if (pg_exec(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", err, errlen))
		goto out;
	res = PQexecParams(db, sql_activities_some, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		char e2[256];

		pg_error(db, res, e2, sizeof(e2));
		snprintf(err, errlen, "cannot load changed activities: %s", e2);
		goto out;
	}
	nrows = (size_t)PQntuples(res);

	/* Unchanged records and the changed rows, in snapshot order. */
	e = xcalloc(o->n + nrows + 1, sizeof(*e));
	for (size_t r = 0; r < o->n; r++) {
		const struct record *rec = &o->rec[r];

		if (in_sorted(acts, nacts, rec->id) || in_sorted(orgs, norgs, rec->org_id))
			continue;
		e[n++] = (struct entry){ o, (uint32_t)r, rec->assured, o->names + rec->name_off,
					 rec->id, rec->name_len };
	}
	for (size_t i = 0; i < nrows; i++)
		e[n++] = (struct entry){ NULL, (uint32_t)i, PQgetvalue(res, (int)i, 11),
					 PQgetvalue(res, (int)i, 12), PQgetvalue(res, (int)i, 0),
					 (size_t)PQgetlength(res, (int)i, 12) };
	qsort(e, n, sizeof(*e), cmp_entries);

	/* The same reference data as o. */
	s->n = n;
	s->nwords = (n + 63) / 64;
	for (int d = 0; d < INDEX_NDIMS; d++) {
		for (size_t v = 0; v < o->dims[d].n; v++)
			dim_add(&s->dims[d], o->dims[d].keys[v], o->dims[d].taxonomy[v]);
		dim_seal(&s->dims[d], s->nwords);
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
	for (size_t r = 0; r < n; r++) {
		if (e[r].old) {
			snap_copy(s, o, e[r].idx, r, &text, &names);
		} else if (snap_row(s, res, (int)e[r].idx, r, &text, &names)) {
			snprintf(err, errlen, "a changed activity uses a new language");
			goto out;
		}
	}
	snap_finish(s, &text, &names);
	ok = 1;
out:
	PQclear(res);
	if (PQtransactionStatus(db) != PQTRANS_IDLE) {
		PGresult *end = PQexec(db, "COMMIT");
		PQclear(end);
	}
	free((char *)params[0]);
	free((char *)params[1]);
	free(e);
	free(text.p);
	free(names.p);
	if (!ok) {
		snap_free(s);
		return NULL;
	}
	return s;
}

/* --- the holder ------------------------------------------------------------ */

struct index *index_new(const char *conninfo)
{
	struct index *ix = xcalloc(1, sizeof(*ix));

	pthread_mutex_init(&ix->lock, NULL);
	ix->conninfo = conninfo;
	ix->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	return ix;
}

struct index_snap *index_acquire(struct index *ix)
{
	struct index_snap *s;

	pthread_mutex_lock(&ix->lock);
	s = ix->cur;
	if (s)
		atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&ix->lock);
	return s;
}

void index_release(struct index_snap **sp)
{
	struct index_snap *s = *sp;

	*sp = NULL;
	if (s && atomic_fetch_sub(&s->refs, 1) == 1)
		snap_free(s);
}

/* Makes s current and logs it; 'how' says what kind of build it was. */
static void index_swap(struct index *ix, struct index_snap *s, int64_t t0, const char *how)
{
	struct index_snap *old;
	char n[24], ms[24], gen[24];

	pthread_mutex_lock(&ix->lock);
	s->generation = ++ix->generation;
	old = ix->cur;
	ix->cur = s;
	pthread_mutex_unlock(&ix->lock);
	index_release(&old);
	snprintf(n, sizeof(n), "%zu", s->n);
	snprintf(ms, sizeof(ms), "%.1f", (double)(clock_mono_us() - t0) / 1000.0);
	snprintf(gen, sizeof(gen), "%llu", (unsigned long long)s->generation);
	log_info("search index built", "activities", n, "ms", ms, "generation", gen, "how", how,
		 NULL);
}

int index_rebuild(struct index *ix, PGconn *db, char *err, size_t errlen)
{
	int64_t t0 = clock_mono_us();
	struct index_snap *s = snap_build(db, err, errlen);

	if (!s)
		return -1;
	index_swap(ix, s, t0, "full");
	return 0;
}

/* What the notifications since the last build ask to reload. */
struct changes {
	bool full;            /* reference data, a bulk change, too many ids */
	char **acts, **orgs;  /* activity and organisation ids */
	size_t nacts, norgs;
};

#define CHANGES_MAX 2000

static void changes_clear(struct changes *c)
{
	for (size_t i = 0; i < c->nacts; i++)
		free(c->acts[i]);
	for (size_t i = 0; i < c->norgs; i++)
		free(c->orgs[i]);
	free(c->acts);
	free(c->orgs);
	memset(c, 0, sizeof(*c));
}

static bool uuid_text(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++)
		if (!(i == 8 || i == 13 || i == 18 || i == 23 ? s[i] == '-' :
		      (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* Notes one notification (0004_notify.sql: {"entity": ..., "id": ...}). */
static void changes_add(struct changes *c, const char *payload)
{
	json_t *j = json_loads(payload, 0, NULL);
	const char *entity = j ? json_string_value(json_object_get(j, "entity")) : NULL;
	const char *id = j ? json_string_value(json_object_get(j, "id")) : NULL;
	char ***list = NULL;
	size_t *n = NULL;

	if (entity && id && uuid_text(id) && !strcmp(entity, "activity")) {
		list = &c->acts;
		n = &c->nacts;
	} else if (entity && id && uuid_text(id) && !strcmp(entity, "organization")) {
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

/* Applies the changes: a refresh of the changed activities when that is
 * enough, else a full build.  0 or -1 with err. */
static int index_apply(struct index *ix, PGconn *db, struct changes *c, char *err, size_t errlen)
{
	int64_t t0 = clock_mono_us();
	struct index_snap *old = c->full ? NULL : index_acquire(ix), *s = NULL;

	if (old) {
		sort_unique(c->acts, &c->nacts);
		sort_unique(c->orgs, &c->norgs);
		s = snap_refresh(old, db, c->acts, c->nacts, c->orgs, c->norgs, err, errlen);
		index_release(&old);
		if (s) {
			index_swap(ix, s, t0, "changes");
			return 0;
		}
		log_info("search index refresh fell back to a full build", "reason", err, NULL);
	}
	return index_rebuild(ix, db, err, errlen);
}

size_t index_snap_count(const struct index_snap *s)
{
	return s->n;
}

uint64_t index_snap_generation(const struct index_snap *s)
{
	return s->generation;
}

/* Connects (or checks) the loader's connection and LISTENs.  0 or -1. */
static int listen_connect(struct index *ix, PGconn **db, char *err, size_t errlen)
{
	if (*db && PQstatus(*db) == CONNECTION_OK)
		return 0;
	if (pg_ensure(db, ix->conninfo, err, errlen))
		return -1;
	return pg_exec(*db, "LISTEN " INDEX_CHANNEL, err, errlen);
}

/* Reads what the server sent into c; returns how many notifications came,
 * or -1 when the connection broke. */
static int drain_notifications(PGconn *db, struct changes *c)
{
	PGnotify *nt;
	int n = 0;

	if (!PQconsumeInput(db))
		return -1;
	while ((nt = PQnotifies(db)) != NULL) {
		n++;
		changes_add(c, nt->extra);
		PQfreemem(nt);
	}
	return n;
}

static void *loader_main(void *arg)
{
	struct index *ix = arg;
	PGconn *db = ix->listen_db;
	char err[512];
	bool need_build = ix->cur == NULL, was_down = false;
	int64_t build_at = 0, first_at = 0;
	struct changes ch = { .full = need_build };

	ix->listen_db = NULL;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = ix->stop_fd, .events = POLLIN },
					 { .fd = -1, .events = POLLIN } };
		int timeout = -1, got;
		int64_t now;

		if (listen_connect(ix, &db, err, sizeof(err))) {
			if (!was_down)
				log_warn("search index cannot listen", "error", err, NULL);
			was_down = true;
			if (poll(pfd, 1, INDEX_RETRY_MS) > 0)
				break;
			continue;
		}
		if (was_down) {
			/* Changes made while we were away sent no notification to us. */
			log_info("search index listening again", NULL);
			was_down = false;
			need_build = true;
			ch.full = true;
			build_at = first_at = 0;
		}
		got = drain_notifications(db, &ch);
		if (got < 0) {
			PQfinish(db);
			db = NULL;
			continue;
		}
		now = clock_mono_us();
		if (got > 0) {
			if (!need_build) {
				need_build = true;
				first_at = now;
			}
			build_at = now + INDEX_DEBOUNCE_US;
			if (build_at > first_at + INDEX_DEBOUNCE_MAX_US)
				build_at = first_at + INDEX_DEBOUNCE_MAX_US;
		}
		if (need_build && now >= build_at) {
			int rc = index_apply(ix, db, &ch, err, sizeof(err));

			changes_clear(&ch);
			if (rc) {
				ch.full = true;
				log_warn("search index not rebuilt", "error", err, NULL);
				if (PQstatus(db) != CONNECTION_OK) {
					PQfinish(db);
					db = NULL;
				}
				build_at = now + INDEX_RETRY_MS * 1000;
				first_at = build_at;
			} else {
				need_build = false;
			}
			continue; /* notifications may have arrived during the build */
		}
		if (need_build)
			timeout = (int)((build_at - now + 999) / 1000);
		pfd[1].fd = PQsocket(db);
		if (poll(pfd, 2, timeout) < 0 && errno != EINTR)
			break;
		if (pfd[0].revents & POLLIN)
			break;
	}
	changes_clear(&ch);
	if (db)
		PQfinish(db);
	return NULL;
}

int index_start(struct index *ix)
{
	char err[512];
	PGconn *db = NULL;

	if (listen_connect(ix, &db, err, sizeof(err)) == 0) {
		if (index_rebuild(ix, db, err, sizeof(err)))
			log_warn("search index not built", "error", err, NULL);
	} else {
		log_warn("search index cannot listen", "error", err, NULL);
	}
	ix->listen_db = db;
	if (pthread_create(&ix->thread, NULL, loader_main, ix)) {
		if (db)
			PQfinish(db);
		ix->listen_db = NULL;
		return -1;
	}
	ix->started = true;
	return 0;
}

void index_destroy(struct index **ixp)
{
	struct index *ix = *ixp;
	uint64_t one = 1;

	if (!ix)
		return;
	*ixp = NULL;
	if (ix->started) {
		if (write(ix->stop_fd, &one, sizeof(one)) < 0)
			log_warn("cannot stop the index loader", "error", strerror(errno), NULL);
		pthread_join(ix->thread, NULL);
	}
	index_release(&ix->cur);
	if (ix->stop_fd >= 0)
		close(ix->stop_fd);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}

/* --- queries ------------------------------------------------------------------ */

int index_check(const struct index_snap *s, const struct index_query *q, const char **field,
		char *err, size_t errlen)
{
	for (int d = 0; d < INDEX_NDIMS; d++) {
		const char *v = q->value[d];

		if (!v || d == INDEX_LANGUAGE || d == INDEX_TAKES_NEW)
			continue;
		if (dim_find(&s->dims[d], v, strlen(v)) >= 0)
			continue;
		*field = dim_names[d];
		if (d == INDEX_MUNICIPALITY)
			snprintf(err, errlen, "unknown municipality code '%s'", v);
		else if (d == INDEX_COUNTY)
			snprintf(err, errlen, "unknown county '%s'", v);
		else
			snprintf(err, errlen, "unknown %s term '%s'", dim_names[d], v);
		return -1;
	}
	return 0;
}

long index_find(const struct index_snap *s, const char *id)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->rec[s->by_id[mid]].id, id);

		if (c == 0)
			return (long)s->by_id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The bitmaps a search ANDs: one per active filter, and the free-text
 * result.  filter[d] is NULL where dimension d is not filtered. */
struct plan {
	const uint64_t *filter[INDEX_NDIMS];
	const uint64_t *text;     /* free-text hits, or NULL */
	int32_t value[INDEX_NDIMS]; /* the filters' value numbers, -1 where none */
	bool tables;              /* counts come from the count tables (snap_tables) */
};

/* out = AND of every bitmap in the plan except dimension 'skip' (-1: none),
 * and of 'override' for dimension 'odim' when odim >= 0.  True when out
 * is the whole set (no bitmap applied). */
static bool plan_and(const struct index_snap *s, const struct plan *p, int skip, int odim,
		     const uint64_t *override, uint64_t *out)
{
	bool first = true;

	for (int d = -1; d < INDEX_NDIMS; d++) {
		const uint64_t *b = d < 0 ? p->text : (d == odim ? override : p->filter[d]);

		if (!b || (d >= 0 && d == skip))
			continue;
		if (first)
			memcpy(out, b, s->nwords * sizeof(uint64_t));
		else
			for (size_t i = 0; i < s->nwords; i++)
				out[i] &= b[i];
		first = false;
	}
	if (first)
		memcpy(out, s->all, s->nwords * sizeof(uint64_t));
	return first;
}

/* Word w of the AND of the bitmaps src[0..n). */
static inline uint64_t and_word(const uint64_t *const *src, size_t n, size_t w)
{
	uint64_t x = src[0][w];

	for (size_t i = 1; i < n; i++)
		x &= src[i][w];
	return x;
}

/* The bitmaps of the plan (text and filters), in src; how many. */
static size_t plan_bitmaps(const struct plan *p, const uint64_t **src)
{
	size_t n = 0;

	if (p->text)
		src[n++] = p->text;
	for (int d = 0; d < INDEX_NDIMS; d++)
		if (p->filter[d])
			src[n++] = p->filter[d];
	return n;
}

/* full = plan_and(s, p, -1, -1, NULL, full), and its non-zero words listed
 * in nz; returns how many, and in *is_all whether no bitmap applied. */
static size_t plan_full(const struct index_snap *s, const struct plan *p, uint64_t *full,
			uint32_t *nz, bool *is_all)
{
	const uint64_t *src[INDEX_NDIMS + 1];
	size_t n = plan_bitmaps(p, src), k = 0;

	*is_all = n == 0;
	if (!n)
		src[n++] = s->all;
	/* The common cases as loops of their own: no loop over the bitmaps
	 * for every word. */
	if (n == 1)
		memcpy(full, src[0], s->nwords * sizeof(uint64_t));
	else if (n == 2)
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = src[0][w] & src[1][w];
	else if (n == 3)
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = src[0][w] & src[1][w] & src[2][w];
	else
		for (size_t w = 0; w < s->nwords; w++)
			full[w] = and_word(src, n, w);
	for (size_t w = 0; w < s->nwords; w++) {
		nz[k] = (uint32_t)w; /* kept only when the word is not zero: no branch */
		k += full[w] != 0;
	}
	return k;
}

/* The records that pass a plan by need, kind and municipality, in order:
 * those of the need and kind pair that cover the municipality.  *out is
 * malloc'ed (free()); returns how many. */
static size_t plan_records(const struct index_snap *s, const struct plan *p, uint32_t **out)
{
	size_t pair = (size_t)p->value[INDEX_NEED] * s->dims[INDEX_KIND].n +
		      (size_t)p->value[INDEX_KIND];
	const uint32_t *list = s->nk_rec + s->nk_off[pair];
	size_t n = s->nk_off[pair + 1] - s->nk_off[pair], k = 0;
	const uint64_t *mun = p->filter[INDEX_MUNICIPALITY];
	uint32_t *rec = xmalloc((n ? n : 1) * sizeof(*rec));

	for (size_t i = 0; i < n; i++) {
		rec[k] = list[i];
		k += bit_get(mun, list[i]); /* kept only when covered: no branch */
	}
	*out = rec;
	return k;
}

/* popcount of a bitmap over the whole snapshot */
static uint64_t plan_total(const struct index_snap *s, const uint64_t *bits)
{
	return bits_count(bits, s->nwords);
}

/*
 * The counts of dimension d's values over the records that pass the
 * plan's filters except d's own and dimension 'skip' (-1: none), from the
 * count tables: value v's count is row[v * *stride].  NULL when the plan
 * does not use the tables or no table has that set of dimensions (a
 * search by need, kind and municipality, for another dimension).
 */
static const uint32_t *table_row(const struct index_snap *s, const struct plan *p, int d,
				 int skip, size_t *stride)
{
	unsigned dims = 1u << d;
	const struct ftable *t;
	size_t off = 0;

	if (!p->tables)
		return NULL;
	for (int x = 0; x < INDEX_NDIMS; x++)
		if (p->value[x] >= 0 && x != d && x != skip)
			dims |= 1u << x;
	if (dims == 1u << d) {
		*stride = 1;
		return s->dims[d].total;
	}
	if (s->table_of[dims] < 0)
		return NULL;
	t = &s->tables[s->table_of[dims]];
	for (int x = 0; x < INDEX_NDIMS; x++)
		if (x != d && (dims & (1u << x)))
			off += (size_t)p->value[x] * t->stride[x];
	*stride = t->stride[d];
	return t->cnt + off;
}

/* The number of records that pass the plan's filters except dimension
 * 'skip' (-1: none) and, when odim >= 0, have value ov of dimension odim
 * (one the plan does not filter).  A table lookup when the plan uses the
 * tables, else a count of the bitmaps ANDed into scratch. */
static uint64_t plan_count(const struct index_snap *s, const struct plan *p, int skip, int odim,
			   long ov, uint64_t *scratch)
{
	if (p->tables) {
		const uint32_t *row;
		size_t stride;
		int d = odim;
		long v = ov;

		/* Without odim, count along one of the filters. */
		for (int x = 0; x < INDEX_NDIMS && d < 0; x++)
			if (p->value[x] >= 0 && x != skip) {
				d = x;
				v = p->value[x];
			}
		if (d < 0)
			return s->n;
		row = table_row(s, p, d, skip, &stride);
		assert(row); /* table_wanted covers every set a plan with tables asks for */
		return row[(size_t)v * stride];
	}
	plan_and(s, p, skip, odim, odim >= 0 ? s->dims[odim].bits[ov] : NULL, scratch);
	return plan_total(s, scratch);
}

/* Counts per value of one dimension, the county-wide and nationwide
 * records apart for municipality and county (see tally_end). */
struct tally {
	uint32_t *cnt;        /* dims[d].n zeros to begin with */
	uint32_t chits[256];  /* municipality: county-wide records by county */
	uint32_t all;         /* municipality, county: the nationwide ones */
};

/* Counts the records rec[0..n) in t for dimension d. */
static void tally_add(const struct index_snap *s, int d, const uint32_t *rec, size_t n,
		      struct tally *t)
{
	const struct dim *dm = &s->dims[d];

	for (size_t i = 0; i < n; i++) {
		size_t r = rec[i];

		if (d == INDEX_MUNICIPALITY && s->area[r] != AREA_LISTED) {
			if (s->area[r] == AREA_ALL)
				t->all++;
			else if (s->area_county[r] >= 0 && s->area_county[r] < 256)
				t->chits[s->area_county[r]]++;
			continue;
		}
		if (d == INDEX_COUNTY && s->area[r] == AREA_ALL) {
			t->all++;
			continue;
		}
		for (uint32_t k = dm->off[r]; k < dm->off[r + 1]; k++)
			t->cnt[dm->val[k]]++;
	}
}

/* Adds the county-wide and nationwide records to the values they cover. */
static void tally_end(const struct index_snap *s, int d, struct tally *t)
{
	const struct dim *dm = &s->dims[d];
	const struct dim *cty = &s->dims[INDEX_COUNTY];

	if (d == INDEX_MUNICIPALITY) {
		for (size_t v = 0; v < dm->n; v++) {
			int32_t c = s->muni_county[v];

			t->cnt[v] += t->all +
				     (c >= 0 && c < 256 && (size_t)c < cty->n ? t->chits[c] : 0);
		}
	} else if (d == INDEX_COUNTY) {
		for (size_t v = 0; v < dm->n; v++)
			t->cnt[v] += t->all;
	}
}

/* cnt[v] += the records in mask that have value v of dimension d, walking
 * the records (cheap when mask holds few).  cnt has dims[d].n zeros. */
static void count_records(const struct index_snap *s, int d, const uint64_t *mask,
			  const uint32_t *nz, size_t nnz, uint32_t *cnt)
{
	struct tally t = { .cnt = cnt };

	for (size_t i = 0; i < nnz; i++) {
		uint64_t word = mask[nz[i]];
		uint32_t rec[64];
		size_t n = 0;

		while (word) {
			rec[n++] = nz[i] * 64 + (uint32_t)__builtin_ctzll(word);
			word &= word - 1;
		}
		tally_add(s, d, rec, n, &t);
	}
	tally_end(s, d, &t);
}

/* Writes "dim":{"key":count,...} for dimension d, value v's count being
 * cnt[v * stride]; values counted zero are left out. */
static void render_counts(struct sbuf *b, const struct index_snap *s, int d, const uint32_t *cnt,
			  size_t stride)
{
	const struct dim *dm = &s->dims[d];
	/* In locals: the stores through p could change anything else. */
	char *const *key = dm->keyjson;
	const uint16_t *keylen = dm->keyjson_len;
	size_t n = dm->n;
	char *p, *start;

	sbuf_json_str(b, dim_names[d]);
	sbuf_add(b, ":{", 2);
	/* Room for every value at once (and the last key's padding), then
	 * plain stores: at 308 municipalities this loop is a good part of a
	 * search. */
	sbuf_reserve(b, n * (1 + dm->keyjson_max + 10) + 8 + 1);
	p = start = b->p + b->len;
	for (size_t v = 0; v < n; v++) {
		uint32_t c = cnt[v * stride], t;
		size_t nd = 1;

		if (!c)
			continue;
		if (p != start)
			*p++ = ',';
		/* Whole words: the bytes past the key are written over next. */
		for (size_t o = 0; o < keylen[v]; o += 8)
			memcpy(p + o, key[v] + o, 8);
		p += keylen[v];
		/* The digits straight into place: copied from a small
		 * array, they waited for the bytes just stored there. */
		for (t = c; t >= 10; t /= 10)
			nd++;
		p += nd;
		for (size_t i = 1; i <= nd; i++, c /= 10)
			p[-(ptrdiff_t)i] = (char)('0' + c % 10);
	}
	*p++ = '}';
	*p = '\0';
	b->len = (size_t)(p - b->p);
}

/* Writes the facet of one dimension under 'mask', whose non-zero words
 * are nz[0..nnz). */
static void render_facet(struct sbuf *b, const struct index_snap *s, int d, const uint64_t *mask,
			 bool mask_is_all, const uint32_t *nz, size_t nnz)
{
	const struct dim *dm = &s->dims[d];
	uint32_t small[512];
	uint32_t *cnt = dm->n <= 512 ? small : xmalloc(dm->n * sizeof(*cnt));
	bool sparse = nnz * 2 < s->nwords;
	size_t k = 0, live = 0;

	memset(cnt, 0, dm->n * sizeof(*cnt));
	if (mask_is_all) {
		memcpy(cnt, dm->total, dm->n * sizeof(*cnt));
	} else {
		/* Walk the records or AND the bitmaps, whichever is less work. */
		k = (size_t)bits_count_nz(mask, nz, nnz);
		for (size_t v = 0; v < dm->n; v++)
			live += dm->total[v] != 0;
		if (k * 4 < live * (sparse ? nnz : s->nwords))
			count_records(s, d, mask, nz, nnz, cnt);
		else
			for (size_t v = 0; v < dm->n; v++)
				if (dm->total[v])
					cnt[v] = (uint32_t)bits_and_count(mask, dm->bits[v],
									  sparse ? nz : NULL,
									  sparse ? nnz : s->nwords);
	}
	render_counts(b, s, d, cnt, 1);
	if (cnt != small)
		free(cnt);
}

/* Writes the facet of dimension d for a search by need, kind and
 * municipality: the nationwide records from their table, the others
 * rec[0..n) counted (most of a search's records are nationwide, and each
 * of them counted took a few cache misses). */
static void render_facet_list(struct sbuf *b, const struct index_snap *s, const struct plan *p,
			      int d, const uint32_t *rec, size_t n)
{
	const struct dim *dm = &s->dims[d];
	const struct ftable *nt;
	uint32_t small[512];
	struct tally t = { .cnt = dm->n <= 512 ? small : xmalloc(dm->n * sizeof(uint32_t)) };

	assert(s->nationwide_of[d] >= 0); /* snap_tables makes one for every such d */
	nt = &s->tables[s->nationwide_of[d]];
	memcpy(t.cnt,
	       nt->cnt + (size_t)p->value[INDEX_NEED] * nt->stride[INDEX_NEED] +
		       (size_t)p->value[INDEX_KIND] * nt->stride[INDEX_KIND],
	       dm->n * sizeof(uint32_t));
	tally_add(s, d, rec, n, &t);
	tally_end(s, d, &t);
	render_counts(b, s, d, t.cnt, 1);
	if (t.cnt != small)
		free(t.cnt);
}

/* Writes the facets: from the tables where they have them, else for a
 * search by need, kind and municipality from the nationwide tables and
 * the other records rec[0..nrec), else under 'full' (nz[0..nnz_full) its
 * non-zero words) or, for a filtered dimension, under the other filters
 * ANDed into scratch (nz has room for twice nwords). */
static void render_facets(struct sbuf *b, const struct index_snap *s, const struct plan *p,
			  const uint32_t *rec, size_t nrec, const uint64_t *full, bool full_is_all,
			  uint64_t *scratch, uint32_t *nz, size_t nnz_full)
{
	sbuf_add(b, "\"facets\":{", 10);
	for (int d = 0; d < INDEX_NDIMS; d++) {
		const uint64_t *mask = full;
		const uint32_t *row;
		bool all = full_is_all;
		size_t nnz = nnz_full, stride;
		uint32_t *z = nz;

		if (d)
			sbuf_add(b, ",", 1);
		if ((row = table_row(s, p, d, -1, &stride))) {
			render_counts(b, s, d, row, stride);
			continue;
		}
		if (p->tables) {
			render_facet_list(b, s, p, d, rec, nrec);
			continue;
		}
		if (p->filter[d]) {
			/* Disjunctive: this dimension counts under the others. */
			all = plan_and(s, p, d, -1, NULL, scratch);
			mask = scratch;
			z = nz + s->nwords;
			nnz = 0;
			for (size_t i = 0; i < s->nwords; i++)
				if (mask[i])
					z[nnz++] = (uint32_t)i;
		}
		render_facet(b, s, d, mask, all, z, nnz);
	}
	sbuf_add(b, "}", 1);
}

/* When a search finds nothing: the first broader search that finds
 * something, as {"drop": dim, "total": n} (for municipality -> county also
 * "county": key), or null. */
static void render_broader(struct sbuf *b, const struct index_snap *s, const struct plan *p,
			   uint64_t *scratch)
{
	static const int order[] = { INDEX_KIND, INDEX_TARGET_GROUP, INDEX_LANGUAGE,
				     INDEX_TAKES_NEW, INDEX_MUNICIPALITY, INDEX_COUNTY };

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int d = order[i];
		uint64_t n;

		if (!p->filter[d])
			continue;
		if (d == INDEX_MUNICIPALITY) {
			/* The municipality's whole county, unless a county filter
			 * already says which. */
			long m = p->value[d];
			int32_t c = m >= 0 ? s->muni_county[m] : -1;

			if (c >= 0 && !p->filter[INDEX_COUNTY]) {
				n = plan_count(s, p, d, INDEX_COUNTY, c, scratch);
				if (n) {
					sbuf_add(b, "\"broader\":{\"drop\":\"municipality\",\"county\":", 42);
					sbuf_json_str(b, s->dims[INDEX_COUNTY].keys[c]);
					sbuf_printf(b, ",\"total\":%llu}", (unsigned long long)n);
					return;
				}
			}
		}
		n = plan_count(s, p, d, -1, 0, scratch);
		if (n) {
			sbuf_add(b, "\"broader\":{\"drop\":", 18);
			sbuf_json_str(b, dim_names[d]);
			sbuf_printf(b, ",\"total\":%llu}", (unsigned long long)n);
			return;
		}
	}
	sbuf_add(b, "\"broader\":null", 14);
}

static void render_item(struct sbuf *b, const struct index_snap *s, size_t r, bool comma)
{
	if (comma)
		sbuf_add(b, ",", 1);
	sbuf_add(b, s->text + s->rec[r].json_off, s->rec[r].json_len);
}

/* A page's items, written in batches (see page_flush). */
struct page {
	uint32_t rec[64];
	size_t n;
	bool comma;
};

/* Writes the items collected so far.  A page's records and their texts
 * lie anywhere in tens of megabytes: asking for all of them before
 * copying any lets the cache misses overlap instead of queueing. */
static void page_flush(struct sbuf *b, const struct index_snap *s, struct page *pg)
{
	for (size_t i = 0; i < pg->n; i++)
		__builtin_prefetch(&s->rec[pg->rec[i]].json_off);
	for (size_t i = 0; i < pg->n; i++)
		__builtin_prefetch(s->text + s->rec[pg->rec[i]].json_off);
	for (size_t i = 0; i < pg->n; i++) {
		render_item(b, s, pg->rec[i], pg->comma);
		pg->comma = true;
	}
	pg->n = 0;
}

static void page_add(struct sbuf *b, const struct index_snap *s, struct page *pg, size_t r)
{
	pg->rec[pg->n++] = (uint32_t)r;
	if (pg->n == sizeof(pg->rec) / sizeof(pg->rec[0]))
		page_flush(b, s, pg);
}

/* Writes the items skip .. skip + per_page - 1 of the records that pass,
 * in snapshot order: those of 'full', or without it those that pass the
 * plan's filters (words ANDed only as far as the page needs). */
static void render_page(struct sbuf *b, const struct index_snap *s, const struct plan *p,
			const uint64_t *full, uint64_t skip, uint64_t per_page)
{
	const uint64_t *src[INDEX_NDIMS + 1];
	size_t nsrc = 0, w = 0;
	uint64_t seen = 0, shown = 0;
	struct page pg = { .n = 0 };

	if (full)
		src[nsrc++] = full;
	else
		nsrc = plan_bitmaps(p, src);
	if (!nsrc)
		src[nsrc++] = s->all;
	/* Skip whole words to the page's first hit. */
	for (; w < s->nwords; w++) {
		uint64_t c = (uint64_t)__builtin_popcountll(and_word(src, nsrc, w));

		if (seen + c > skip)
			break;
		seen += c;
	}
	for (; w < s->nwords && shown < per_page; w++) {
		uint64_t word = and_word(src, nsrc, w);

		while (word && shown < per_page) {
			size_t r = w * 64 + (size_t)__builtin_ctzll(word);

			word &= word - 1;
			if (seen++ < skip)
				continue;
			page_add(b, s, &pg, r);
			shown++;
		}
	}
	page_flush(b, s, &pg);
}

char *index_search(const struct index_snap *s, const struct index_query *q,
		   const uint32_t *ranked, size_t nranked, size_t *len)
{
	/* Only need, kind and municipality, known values, no free text: the
	 * tables have the total and the facets (the ones of the other
	 * dimensions unless all three filter). */
	struct plan p = { .tables = !ranked && s->ntables };
	struct sbuf b = { 0 };
	size_t words = s->nwords ? s->nwords : 1, nnz = 0;
	uint64_t *full = NULL, *scratch = NULL, *text = NULL, *zero = NULL;
	uint32_t *nz = NULL, *rec = NULL;
	size_t nrec = 0;
	uint64_t total, skip;
	bool full_is_all = false;
	int nfilters = 0;

	for (int d = 0; d < INDEX_NDIMS; d++) {
		const char *v = q->value[d];
		long k;

		p.value[d] = -1;
		if (!v)
			continue;
		nfilters++;
		k = dim_find(&s->dims[d], v, strlen(v));
		if (k >= 0) {
			p.filter[d] = s->dims[d].bits[k];
			p.value[d] = (int32_t)k;
		} else {
			/* An unchecked value (a language nobody uses): nothing. */
			if (!zero)
				zero = xcalloc(words, sizeof(uint64_t));
			p.filter[d] = zero;
		}
		if (k < 0 || !(TABLE_DIMS & (1u << d)))
			p.tables = false;
	}
	if (ranked) {
		text = xcalloc(words, sizeof(uint64_t));
		for (size_t i = 0; i < nranked; i++)
			if (ranked[i] < s->n)
				bit_set(text, ranked[i]);
		p.text = text;
	}
	/* The records that pass: as a list when all three of need, kind and
	 * municipality filter (four facets are counted over them), not at all
	 * with fewer (the tables know everything but the page, which
	 * render_page finds in the filters' own words), else as a bitmap. */
	if (p.tables && nfilters == 3) {
		nrec = plan_records(s, &p, &rec);
	} else if (!p.tables) {
		full = xmalloc(words * sizeof(uint64_t));
		nz = xmalloc(2 * words * sizeof(uint32_t));
		scratch = xmalloc(words * sizeof(uint64_t));
		nnz = plan_full(s, &p, full, nz, &full_is_all);
	}
	if (p.tables)
		total = plan_count(s, &p, -1, -1, 0, NULL);
	else
		total = full_is_all ? s->n : plan_total(s, full);

	sbuf_printf(&b, "{\"total\":%llu,\"page\":%d,\"per_page\":%d,\"items\":[",
		    (unsigned long long)total, q->page, q->per_page);
	skip = (uint64_t)(q->page - 1) * (uint64_t)q->per_page;
	if (skip < total) {
		if (ranked) {
			uint64_t seen = 0, shown = 0;
			struct page pg = { .n = 0 };

			for (size_t i = 0; i < nranked && shown < (uint64_t)q->per_page; i++) {
				if (ranked[i] >= s->n || !bit_get(full, ranked[i]))
					continue;
				if (seen++ < skip)
					continue;
				page_add(&b, s, &pg, ranked[i]);
				shown++;
			}
			page_flush(&b, s, &pg);
		} else if (rec) {
			struct page pg = { .n = 0 };

			for (uint64_t i = skip; i < nrec && i < skip + (uint64_t)q->per_page; i++)
				page_add(&b, s, &pg, rec[i]);
			page_flush(&b, s, &pg);
		} else {
			render_page(&b, s, &p, full, skip, (uint64_t)q->per_page);
		}
	}
	sbuf_add(&b, "],", 2);
	if (rec) {
		/* The page is written: keep the records the nationwide tables
		 * do not count. */
		size_t k = 0;

		for (size_t i = 0; i < nrec; i++) {
			rec[k] = rec[i];
			k += s->area[rec[i]] != AREA_ALL;
		}
		nrec = k;
	}
	render_facets(&b, s, &p, rec, nrec, full, full_is_all, scratch, nz, nnz);
	sbuf_add(&b, ",", 1);
	if (total)
		sbuf_add(&b, "\"broader\":null", 14);
	else
		render_broader(&b, s, &p, scratch);
	sbuf_add(&b, "}", 1);
	free(full);
	free(scratch);
	free(text);
	free(zero);
	free(nz);
	free(rec);
	*len = b.len;
	return b.p;
}

const char *index_taxonomies_json(const struct index_snap *s, size_t *len)
{
	*len = s->taxonomies_len;
	return s->taxonomies_json;
}

const char *index_municipalities_json(const struct index_snap *s, size_t *len)
{
	*len = s->municipalities_len;
	return s->municipalities_json;
}

char *index_organization_items(const struct index_snap *s, const char *org_id, size_t *len)
{
	struct sbuf b = { 0 };
	bool comma = false;

	sbuf_add(&b, "[", 1);
	for (size_t r = 0; r < s->n; r++) {
		if (strcmp(s->rec[r].org_id, org_id))
			continue;
		render_item(&b, s, r, comma);
		comma = true;
	}
	sbuf_add(&b, "]", 1);
	*len = b.len;
	return b.p;
}
