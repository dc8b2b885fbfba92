/*
 * idx_build.c - a search index snapshot read from PostgreSQL (see
 * idx_build.h).
 */
#include "idx_build.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lz4.h>

#include "idx_bits.h"
#include "idx_tables.h"
#include "idx_text.h"
#include "pg.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

static const char sql_terms[] =
	"SELECT id, taxonomy_id FROM taxonomy_terms ORDER BY taxonomy_id, position, id";
static const char sql_counties[] = "SELECT key FROM counties ORDER BY key";
static const char sql_municipalities[] =
	"SELECT code, county_key FROM municipalities ORDER BY code";
static const char sql_languages[] = "SELECT DISTINCT language FROM activity_languages ORDER BY 1";

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
 * 10 the item's JSON, 11 assured_date, 12 name, 13 unverified).  Hidden
 * activities are left out; unverified ones come after the current ones.  PRE adds CTEs, F limits
 * the aggregates (on x.activity_id), W the activities (on a). */
#define SQL_ACTIVITIES(PRE, F, W)                                                                        \
	"WITH " PRE                                                                                      \
	" n AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids"       \
	"           FROM activity_needs AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"               \
	"           WHERE " F                                                                            \
	" GROUP BY 1),"                                                                                  \
	" k AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids"       \
	"       FROM activity_kinds AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"                   \
	"       WHERE " F                                                                                \
	" GROUP BY 1),"                                                                                  \
	" g AS (SELECT x.activity_id, string_agg(x.term_id, ',' ORDER BY t.position, t.id) AS ids"       \
	"       FROM activity_target_groups AS x JOIN taxonomy_terms AS t ON t.id = x.term_id"           \
	"       WHERE " F                                                                                \
	" GROUP BY 1),"                                                                                  \
	" m AS (SELECT x.activity_id, string_agg(x.municipality_code, ',' ORDER BY x.municipality_code)" \
	"         AS codes,"                                                                             \
	"       CASE WHEN count(DISTINCT mu.county_key) = 1 THEN min(mu.county_key) END AS county"       \
	"       FROM activity_municipalities AS x"                                                       \
	"       JOIN municipalities AS mu ON mu.code = x.municipality_code WHERE " F                     \
	" GROUP BY 1),"                                                                                  \
	" l AS (SELECT x.activity_id, string_agg(x.language, ',' ORDER BY x.language) AS codes"          \
	"       FROM activity_languages AS x WHERE " F                                                   \
	" GROUP BY 1)"                                                                                   \
	" SELECT a.id, a.organization_id, a.area_type, coalesce(a.area_county, ''),"                     \
	"  a.takes_new, coalesce(n.ids, ''), coalesce(k.ids, ''), coalesce(g.ids, ''),"                  \
	"  CASE WHEN a.area_type = 'municipalities' THEN coalesce(m.codes, '') ELSE '' END,"             \
	"  coalesce(l.codes, ''),"                                                                       \
	"  json_build_object('id', a.id, 'name', a.name,"                                                \
	"   'organization', json_build_object('id', o.id, 'name', o.name),"                              \
	"   'summary', a.summary,"                                                                       \
	"   'area', json_build_object('type', a.area_type,"                                              \
	"     'municipalities', CASE WHEN a.area_type = 'municipalities'"                                \
	"                       THEN coalesce(string_to_array(m.codes, ','), '{}') ELSE '{}' END,"       \
	"     'county', CASE a.area_type WHEN 'county' THEN a.area_county"                               \
	"                 WHEN 'municipalities' THEN m.county END),"                                     \
	"   'how_to_join', a.how_to_join, 'takes_new', a.takes_new,"                                     \
	"   'accepts_contact_requests', a.accepts_contact_requests,"                                     \
	"   'assured_date', a.assured_date, 'unverified', a.freshness = 'unverified',"                   \
	"   'needs', coalesce(string_to_array(n.ids, ','), '{}'),"                                       \
	"   'kinds', coalesce(string_to_array(k.ids, ','), '{}'),"                                       \
	"   'target_groups', coalesce(string_to_array(g.ids, ','), '{}'),"                               \
	"   'languages', coalesce(string_to_array(l.codes, ','), '{}'))::text,"                          \
	"  coalesce(a.assured_date::text, ''), a.name, a.freshness = 'unverified'"                       \
	" FROM activities AS a JOIN organizations AS o ON o.id = a.organization_id"                      \
	" LEFT JOIN n ON n.activity_id = a.id LEFT JOIN k ON k.activity_id = a.id"                       \
	" LEFT JOIN g ON g.activity_id = a.id LEFT JOIN m ON m.activity_id = a.id"                       \
	" LEFT JOIN l ON l.activity_id = a.id"                                                           \
	" WHERE a.status = 'published' AND o.status = 'approved' AND a.freshness <> 'hidden' AND " W     \
	" ORDER BY a.freshness = 'unverified', a.assured_date DESC NULLS LAST, a.name COLLATE \"C\", a.id"

static const char sql_activities[] = SQL_ACTIVITIES("", "true", "true");

/* The same for some activities: $1 activity ids, $2 organisation ids
 * (uuid[] literals). */
static const char sql_activities_some[] = SQL_ACTIVITIES(
	"sel AS (SELECT id FROM activities WHERE id = ANY ($1::uuid[])"
	"        OR organization_id = ANY ($2::uuid[])),",
	"x.activity_id IN (SELECT id FROM sel)", "a.id IN (SELECT id FROM sel)");

/* Appends json without the blanks outside its strings (PostgreSQL's
 * json_build_object writes "key" : value). */
static void json_minify(struct strbuf *b, const char *json)
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
			strbuf_add(b, run, (size_t)(p - run));
			run = p + 1;
		}
	}
	strbuf_add(b, run, strlen(run));
}

/* A minified copy of json (free()); its length in *len. */
static char *minified(const char *json, size_t *len)
{
	struct strbuf b = STRBUF_INIT;

	json_minify(&b, json);
	*len = b.len;
	return strbuf_detach(&b);
}

PGresult *idx_build_query_some(PGconn *db, const char *acts, const char *orgs, char *err,
			       size_t errlen)
{
	const char *params[2] = { acts, orgs };
	PGresult *res = PQexecParams(db, sql_activities_some, 2, NULL, params, NULL, NULL, 0);
	char e[256];

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	pg_error(db, res, e, sizeof(e));
	snprintf(err, errlen, "cannot load changed activities: %s", e);
	PQclear(res);
	return NULL;
}

void idx_build_area_bits(struct index_snap *s, size_t r)
{
	struct idx_dim *mun = &s->dims[INDEX_MUNICIPALITY], *cty = &s->dims[INDEX_COUNTY];

	if (s->area[r] == IDX_SNAP_AREA_COUNTY) {
		for (size_t v = 0; v < mun->n; v++)
			if (s->muni_county[v] == s->area_county[r])
				idx_bits_set(mun->bits[v], r);
	} else if (s->area[r] == IDX_SNAP_AREA_ALL) {
		for (size_t v = 0; v < mun->n; v++)
			idx_bits_set(mun->bits[v], r);
		for (size_t c = 0; c < cty->n; c++)
			idx_bits_set(cty->bits[c], r);
	}
}

/* The listed municipalities' counties of record r. */
static void row_counties(struct index_snap *s, const char *list, size_t r)
{
	struct idx_dim *mun = &s->dims[INDEX_MUNICIPALITY], *cty = &s->dims[INDEX_COUNTY];

	while (*list) {
		const char *end = strchr(list, ',');
		size_t len = end ? (size_t)(end - list) : strlen(list);
		long v = idx_dim_find(mun, list, len);

		if (v >= 0 && s->muni_county[v] >= 0 &&
		    !idx_bits_get(cty->bits[s->muni_county[v]], r)) {
			idx_bits_set(cty->bits[s->muni_county[v]], r);
			idx_dim_push(cty, s->muni_county[v]);
		}
		list += len + (end ? 1 : 0);
	}
}

int idx_build_row(struct index_snap *s, PGresult *res, int row, size_t r, struct strbuf *text,
		  struct strbuf *names)
{
	struct idx_dim *cty = &s->dims[INDEX_COUNTY];
	struct idx_snap_record *rec = &s->rec[r];
	const char *area = PQgetvalue(res, row, 2);
	const char *langs = PQgetvalue(res, row, 9);
	int nlangs = *langs ? 1 : 0, tn;
	size_t langs_before;

	for (const char *c = langs; *c; c++)
		nlangs += *c == ',';
	snprintf(rec->id, sizeof(rec->id), "%s", PQgetvalue(res, row, IDX_BUILD_COL_ID));
	rec->doc = TEXTIDX_NO_DOC;
	snprintf(rec->org_id, sizeof(rec->org_id), "%s", PQgetvalue(res, row, 1));
	snprintf(rec->assured, sizeof(rec->assured), "%s",
		 PQgetvalue(res, row, IDX_BUILD_COL_ASSURED));
	rec->unverified = !strcmp(PQgetvalue(res, row, IDX_BUILD_COL_UNVERIFIED), "t");
	rec->name_off = names->len;
	rec->name_len = (size_t)PQgetlength(res, row, IDX_BUILD_COL_NAME);
	strbuf_add(names, PQgetvalue(res, row, IDX_BUILD_COL_NAME), rec->name_len);
	rec->json_off = text->len;
	json_minify(text, PQgetvalue(res, row, 10));
	rec->json_len = text->len - rec->json_off;
	rec->json_clen = 0; /* idx_build_finish compresses it */
	idx_bits_set(s->all, r);
	for (int d = 0; d < INDEX_NDIMS; d++)
		s->dims[d].off[r] = (uint32_t)s->dims[d].nval;
	tn = !strcmp(PQgetvalue(res, row, 4), "t") ? 0 : 1;
	idx_bits_set(s->dims[INDEX_TAKES_NEW].bits[tn], r);
	idx_dim_push(&s->dims[INDEX_TAKES_NEW], tn);
	idx_dim_set_list(&s->dims[INDEX_NEED], PQgetvalue(res, row, 5), r);
	idx_dim_set_list(&s->dims[INDEX_KIND], PQgetvalue(res, row, 6), r);
	idx_dim_set_list(&s->dims[INDEX_TARGET_GROUP], PQgetvalue(res, row, 7), r);
	langs_before = s->dims[INDEX_LANGUAGE].nval;
	idx_dim_set_list(&s->dims[INDEX_LANGUAGE], langs, r);
	if (!strcmp(area, "municipalities")) {
		idx_dim_set_list(&s->dims[INDEX_MUNICIPALITY], PQgetvalue(res, row, 8), r);
		row_counties(s, PQgetvalue(res, row, 8), r);
		s->area[r] = IDX_SNAP_AREA_LISTED;
	} else if (!strcmp(area, "county")) {
		const char *ck = PQgetvalue(res, row, 3);
		long c = idx_dim_find(cty, ck, strlen(ck));

		/* An unknown county: nowhere. */
		s->area[r] = c >= 0 ? IDX_SNAP_AREA_COUNTY : IDX_SNAP_AREA_LISTED;
		s->area_county[r] = (int16_t)c;
		if (c >= 0) {
			idx_bits_set(cty->bits[c], r);
			idx_dim_push(cty, c);
		}
	} else { /* nationwide, online */
		s->area[r] = IDX_SNAP_AREA_ALL;
	}
	idx_build_area_bits(s, r);
	return nlangs - (int)(s->dims[INDEX_LANGUAGE].nval - langs_before);
}

/* qsort_r comparator of record numbers by id */
static int cmp_rec_ids(const void *a, const void *b, void *arg)
{
	const struct idx_snap_record *rec = arg;

	return strcmp(rec[*(const uint32_t *)a].id, rec[*(const uint32_t *)b].id);
}

#define ITEMS_DICT_MAX 65536 /* LZ4's window */
#define ITEMS_DICT_ITEMS 100 /* items taken: about as many as fill it */

/* The LZ4 dictionary of a full build: whole items taken evenly across the
 * records, up to LZ4's 64 KB window.  Items share their keys, the
 * organisations' and places' names and the phrases of their texts, so a
 * dictionary of them takes a third or less of an item's bytes away. */
static void make_dictionary(struct index_snap *s, const struct strbuf *text)
{
	struct strbuf d = STRBUF_INIT;
	size_t step = s->n / ITEMS_DICT_ITEMS > 1 ? s->n / ITEMS_DICT_ITEMS : 1;

	for (size_t r = 0; r < s->n; r += step) {
		const struct idx_snap_record *rec = &s->rec[r];

		if (d.len + rec->json_len > ITEMS_DICT_MAX)
			break;
		strbuf_add(&d, text->p + rec->json_off, rec->json_len);
	}
	s->dictlen = d.len;
	s->dict = d.len ? strbuf_detach(&d) : xcalloc(1, 1);
	strbuf_release(&d);
}

/* s->text: every record's item as an LZ4 block with s->dict, from text,
 * where the new ones are plain JSON (json_clen 0) and those a refresh
 * copied are blocks already.  Each block stands alone with the dictionary:
 * the dictionary's state is loaded once and copied for every item. */
static void compress_items(struct index_snap *s, struct strbuf *text)
{
	struct strbuf out = STRBUF_INIT;
	LZ4_stream_t *dict = LZ4_createStream(), *work = LZ4_createStream();

	if (!s->dict)
		make_dictionary(s, text);
	LZ4_loadDict(dict, s->dict, (int)s->dictlen);
	strbuf_reserve(&out, text->len / 2 + 64);
	for (size_t r = 0; r < s->n; r++) {
		struct idx_snap_record *rec = &s->rec[r];
		const char *src = text->p + rec->json_off;
		size_t off = out.len;
		int n;

		if (rec->json_clen) {
			strbuf_add(&out, src, rec->json_clen);
			rec->json_off = off;
			continue;
		}
		strbuf_reserve(&out, (size_t)LZ4_compressBound((int)rec->json_len));
		memcpy(work, dict, sizeof(*work));
		n = LZ4_compress_fast_continue(work, src, out.p + off, (int)rec->json_len,
					       LZ4_compressBound((int)rec->json_len), 1);
		if (n <= 0)
			abort(); /* into LZ4_compressBound's room it cannot fail */
		out.len += (size_t)n;
		out.p[out.len] = '\0';
		rec->json_off = off;
		rec->json_clen = (uint32_t)n;
	}
	LZ4_freeStream(dict);
	LZ4_freeStream(work);
	strbuf_release(text);
	s->text = strbuf_detach(&out);
}

void idx_build_finish(struct index_snap *s, struct strbuf *text, struct strbuf *names)
{
	for (int d = 0; d < INDEX_NDIMS; d++) {
		s->dims[d].off[s->n] = (uint32_t)s->dims[d].nval;
		for (size_t v = 0; v < s->dims[d].n; v++)
			s->dims[d].total[v] = (uint32_t)idx_bits_count(s->dims[d].bits[v],
								       s->nwords);
	}
	idx_tables_build(s);
	s->by_id = xcalloc(s->n ? s->n : 1, sizeof(*s->by_id));
	for (size_t r = 0; r < s->n; r++)
		s->by_id[r] = (uint32_t)r;
	qsort_r(s->by_id, s->n, sizeof(*s->by_id), cmp_rec_ids, s->rec);
	compress_items(s, text);
	s->names = strbuf_detach(names);
}

/* The reference data: terms, counties, languages, the two documents and
 * the municipalities.  0 or -1 with err. */
static int build_reference(struct index_snap *s, PGconn *db, char *err, size_t errlen)
{
	PGresult *res;

	if (!(res = pg_query(db, sql_terms, "taxonomy terms", err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		const char *tax = PQgetvalue(res, i, 1);
		enum index_dim d = !strcmp(tax, "need")         ? INDEX_NEED :
				   !strcmp(tax, "kind")         ? INDEX_KIND :
				   !strcmp(tax, "target_group") ? INDEX_TARGET_GROUP :
								  INDEX_NDIMS;

		if (d != INDEX_NDIMS)
			idx_dim_add(&s->dims[d], PQgetvalue(res, i, 0), idx_dim_name(d));
	}
	PQclear(res);
	if (!(res = pg_query(db, sql_counties, "counties", err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		idx_dim_add(&s->dims[INDEX_COUNTY], PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	if (!(res = pg_query(db, sql_languages, "languages", err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		idx_dim_add(&s->dims[INDEX_LANGUAGE], PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	idx_dim_add(&s->dims[INDEX_TAKES_NEW], "true", NULL);
	idx_dim_add(&s->dims[INDEX_TAKES_NEW], "false", NULL);

	if (idx_build_taxonomies(s, db, err, errlen))
		return -1;
	if (!(res = pg_query(db, sql_municipalities_json, "municipalities", err, errlen)))
		return -1;
	s->municipalities_json = minified(PQgetvalue(res, 0, 0), &s->municipalities_len);
	PQclear(res);

	/* Municipalities last: their counties must be known. */
	if (!(res = pg_query(db, sql_municipalities, "municipalities", err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		idx_dim_add(&s->dims[INDEX_MUNICIPALITY], PQgetvalue(res, i, 0), NULL);
	PQclear(res);
	return 0;
}

int idx_build_taxonomies(struct index_snap *s, PGconn *db, char *err, size_t errlen)
{
	PGresult *res = pg_query(db, sql_taxonomies_json, "taxonomies", err, errlen);

	if (!res)
		return -1;
	free(s->taxonomies_json);
	s->taxonomies_json = minified(PQgetvalue(res, 0, 0), &s->taxonomies_len);
	PQclear(res);
	return 0;
}

int idx_build_terms_same(const struct index_snap *o, PGconn *db, char *err, size_t errlen)
{
	PGresult *res = pg_query(db, sql_terms, "taxonomy terms", err, errlen);
	size_t seen[INDEX_NDIMS] = { 0 };
	int same = 1;

	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res) && same; i++) {
		const char *tax = PQgetvalue(res, i, 1);
		enum index_dim d = !strcmp(tax, "need")         ? INDEX_NEED :
				   !strcmp(tax, "kind")         ? INDEX_KIND :
				   !strcmp(tax, "target_group") ? INDEX_TARGET_GROUP :
								  INDEX_NDIMS;

		if (d == INDEX_NDIMS)
			continue;
		same = seen[d] < o->dims[d].n &&
		       !strcmp(o->dims[d].keys[seen[d]], PQgetvalue(res, i, 0));
		seen[d]++;
	}
	for (int d = INDEX_NEED; d <= INDEX_TARGET_GROUP && same; d++)
		same = seen[d] == o->dims[d].n;
	PQclear(res);
	return same;
}

/* The county of each municipality (a second pass over the small
 * municipalities result is cheaper than keeping it).  0 or -1 with err. */
static int build_muni_counties(struct index_snap *s, PGconn *db, char *err, size_t errlen)
{
	struct idx_dim *mun = &s->dims[INDEX_MUNICIPALITY];
	PGresult *res = pg_query(db, sql_municipalities, "municipalities", err, errlen);

	if (!res)
		return -1;
	s->muni_county = xcalloc(mun->n ? mun->n : 1, sizeof(*s->muni_county));
	for (int i = 0; i < PQntuples(res) && (size_t)i < mun->n; i++) {
		const char *ck = PQgetvalue(res, i, 1);

		s->muni_county[i] = (int32_t)idx_dim_find(&s->dims[INDEX_COUNTY], ck, strlen(ck));
	}
	PQclear(res);
	return 0;
}

struct index_snap *idx_build_snap(PGconn *db, const struct icd10 *crosswalk, char *err,
				  size_t errlen)
{
	struct index_snap *s = idx_snap_new();
	PGresult *res = NULL;
	struct strbuf text = STRBUF_INIT, names = STRBUF_INIT;
	int ok = 0;

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
	if (build_reference(s, db, err, errlen))
		goto out;
	if (!(res = pg_query(db, sql_activities, "activities", err, errlen)))
		goto out;
	s->n = (size_t)PQntuples(res);
	s->nwords = (s->n + 63) / 64;
	for (int d = 0; d < INDEX_NDIMS; d++) {
		if (s->dims[d].n > UINT16_MAX || (d == INDEX_COUNTY && s->dims[d].n > 255)) {
			snprintf(err, errlen, "too many %s values", idx_dim_name(d));
			goto out;
		}
		idx_dim_seal(&s->dims[d], s->nwords);
		s->dims[d].off = xcalloc(s->n + 1, sizeof(uint32_t));
	}
	s->area = xcalloc(s->n ? s->n : 1, 1);
	s->area_county = xcalloc(s->n ? s->n : 1, sizeof(*s->area_county));
	if (build_muni_counties(s, db, err, errlen))
		goto out;
	s->rec = xcalloc(s->n ? s->n : 1, sizeof(*s->rec));
	s->all = xcalloc(s->nwords ? s->nwords : 1, sizeof(uint64_t));
	for (size_t r = 0; r < s->n; r++)
		idx_build_row(s, res, (int)r, r, &text, &names);
	PQclear(res);
	res = NULL;
	idx_build_finish(s, &text, &names);
	if (idx_text_build(s, db, crosswalk, err, errlen))
		goto out;
	if (pg_exec(db, "COMMIT", err, errlen))
		goto out;
	ok = 1;
out:
	PQclear(res);
	strbuf_release(&text);
	strbuf_release(&names);
	if (!ok) {
		if (PQtransactionStatus(db) != PQTRANS_IDLE) {
			PGresult *rb = PQexec(db, "ROLLBACK");
			PQclear(rb);
		}
		idx_snap_destroy(&s);
	}
	return s;
}
