#include <stdlib.h>
#include <string.h>

#include "report_cov.h"
#include "rlabel.h"
#include "xalloc.h"
#include "banned.h"

static long long num(const json_t *o, const char *a, const char *b)
{
	const json_t *v = json_object_get(o, a);

	if (b)
		v = json_object_get(v, b);
	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static long long in(const json_t *o, const char *a, const char *b, const char *key)
{
	return num(json_object_get(json_object_get(o, a), b), key, NULL);
}

/* The keys of an object, sorted by the names they show (then the key). */
struct named {
	const char *key, *name;
};

static int cmp_named(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->key, y->key);
}

static struct named *sorted_keys(const struct report *r, const json_t *obj, const char *dict,
				 size_t *n)
{
	struct named *v = xcalloc(json_object_size(obj) + 1, sizeof(*v));
	const char *key;
	json_t *val;

	*n = 0;
	json_object_foreach((json_t *)obj, key, val) {
		v[*n].key = key;
		v[*n].name = rlabel_name(r->labels, dict, key, r->lang);
		(*n)++;
	}
	qsort(v, *n, sizeof(*v), cmp_named);
	return v;
}

static void totals(struct report *r, const json_t *doc)
{
	static const char *const cols[] = { "measure:text", "value:int", NULL };
	static const char *const m[][3] = { { "organizations", "organizations", "total" },
					    { "activities", "activities", "total" },
					    { "activities_nationwide", "activities", "nationwide" },
					    { "activities_online", "activities", "online" } };
	struct rtable *t = report_table(r, "coverage_totals", cols);

	for (size_t i = 0; t && i < 4; i++) {
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, rlabel_word(m[i][0], r->lang));
		rtable_key(t, row, m[i][0]);
		rtable_count(t, row, 1, num(doc, m[i][1], m[i][2]));
	}
}

static void by_frame(struct report *r, const json_t *doc)
{
	static const char *const cols[] = { "frame:text", "organizations:int", NULL };
	const json_t *o = json_object_get(json_object_get(doc, "organizations"), "by_frame");
	struct rtable *t = report_table(r, "coverage_by_frame", cols);
	size_t n;
	struct named *k;

	if (!t)
		return;
	rtable_chart(t, "bar", "frame", "organizations");
	k = sorted_keys(r, o, "frames", &n);
	for (size_t i = 0; i < n; i++) {
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, k[i].name);
		rtable_count(t, row, 1, num(o, k[i].key, NULL));
	}
	free(k);
}

/* One area row: population, organisations, activities and the rates. */
static void area(struct rtable *t, size_t row, size_t c, long long pop, long long orgs,
		 long long acts)
{
	rtable_num(t, row, c, (double)pop);
	rtable_count(t, row, c + 1, orgs);
	rtable_count(t, row, c + 2, acts);
	rtable_derived(t, row, c + 3, rcalc_per_10000(orgs, pop), pop > 0, rtable_hides(t, orgs));
	rtable_derived(t, row, c + 4, rcalc_per_10000(acts, pop), pop > 0, rtable_hides(t, acts));
}

static void by_county(struct report *r, const json_t *doc)
{
	static const char *const cols[] = { "county:text",
					    "population:int",
					    "organizations:int",
					    "activities:int",
					    "organizations_per_10000:decimal",
					    "activities_per_10000:decimal",
					    NULL };
	const json_t *counties = json_object_get(doc, "counties");
	struct rtable *t = report_table(r, "coverage_by_county", cols);
	struct named *k;
	size_t n;

	if (!t)
		return;
	rtable_chart(t, "bar", "county", "organizations_per_10000,activities_per_10000");
	k = sorted_keys(r, counties, "counties", &n);
	for (size_t i = 0; i < n; i++) {
		long long pop = num(counties, k[i].key, "population");
		size_t row;

		if (pop <= 0)
			continue;
		row = rtable_row(t);
		rtable_text(t, row, 0, k[i].name);
		area(t, row, 1, pop, in(doc, "organizations", "by_county", k[i].key),
		     in(doc, "activities", "by_county", k[i].key));
	}
	free(k);
}

static void by_municipality(struct report *r, const json_t *doc)
{
	static const char *const cols[] = { "county:text",
					    "municipality:text",
					    "population:int",
					    "organizations:int",
					    "activities:int",
					    "organizations_per_10000:decimal",
					    "activities_per_10000:decimal",
					    NULL };
	const json_t *muns = json_object_get(doc, "municipalities");
	struct rtable *t = report_table(r, "coverage_by_municipality", cols);
	struct named *k;
	size_t n;

	if (!t)
		return;
	k = sorted_keys(r, muns, "municipalities", &n);
	for (size_t i = 0; i < n; i++) {
		const char *county = json_string_value(json_object_get(json_object_get(muns,
										       k[i].key),
								       "county"));
		size_t row = rtable_row(t);

		rtable_text(t, row, 0,
			    county ? rlabel_name(r->labels, "counties", county, r->lang) :
				     rlabel_word("none", r->lang));
		rtable_text(t, row, 1, k[i].name);
		area(t, row, 2, num(muns, k[i].key, "population"),
		     in(doc, "organizations", "by_municipality", k[i].key),
		     in(doc, "activities", "by_municipality", k[i].key));
	}
	free(k);
}

static void by_term(struct report *r, const json_t *doc, const char *id, const char *col,
		    const char *field)
{
	const char *const cols[] = { col, "activities:int", NULL };
	const json_t *o = json_object_get(json_object_get(doc, "activities"), field);
	struct rtable *t = report_table(r, id, cols);
	struct named *k;
	size_t n;

	if (!t)
		return;
	rtable_chart(t, "bar", !strcmp(field, "by_need") ? "need" : "kind", "activities");
	k = sorted_keys(r, o, "terms", &n);
	for (size_t i = 0; i < n; i++) {
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, k[i].name);
		rtable_count(t, row, 1, num(o, k[i].key, NULL));
	}
	free(k);
}

static int over_time(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month", "organizations:int", "activities:int",
					    NULL };
	static const char sql[] =
		"SELECT DISTINCT ON (to_char(day, 'YYYY-MM')) to_char(day, 'YYYY-MM'),"
		" doc->'organizations'->>'total', doc->'activities'->>'total' FROM stats.coverage"
		" WHERE day BETWEEN $1 AND $2 ORDER BY to_char(day, 'YYYY-MM'), day DESC";
	const char *params[] = { r->from, r->to };
	struct rtable *t = report_table(r, "coverage_over_time", cols);
	PGresult *res;

	if (!t)
		return 0;
	rtable_chart(t, "line", "month", "organizations,activities");
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, PQgetvalue(res, i, 0));
		rtable_count(t, row, 1, report_ll(res, i, 1));
		rtable_count(t, row, 2, report_ll(res, i, 2));
	}
	PQclear(res);
	return 0;
}

int report_coverage(struct report *r, char *err, size_t errlen)
{
	const json_t *doc = r->snapshot;

	totals(r, doc);
	by_frame(r, doc);
	by_county(r, doc);
	by_municipality(r, doc);
	by_term(r, doc, "coverage_by_need", "need:text", "by_need");
	by_term(r, doc, "coverage_by_kind", "kind:text", "by_kind");
	return over_time(r, err, errlen);
}

static void fresh_row(struct rtable *t, const char *name, const json_t *f)
{
	size_t row = rtable_row(t);
	long long pub = num(f, "published", NULL), ver = num(f, "verified_6m", NULL);

	rtable_text(t, row, 0, name);
	rtable_count(t, row, 1, pub);
	rtable_count(t, row, 2, ver);
	rtable_derived(t, row, 3, rcalc_share(ver, pub), pub > 0,
		       rtable_hides(t, pub) || rtable_hides(t, ver));
}

int report_freshness(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "county:text", "published:int", "verified_6m:int",
					    "verified_share:percent", NULL };
	const json_t *fr = json_object_get(r->snapshot, "freshness");
	struct rtable *t = report_table(r, "freshness_by_county", cols);
	struct named *k;
	size_t n;

	(void)err;
	(void)errlen;
	if (!t)
		return 0;
	rtable_chart(t, "bar", "county", "verified_share");
	k = sorted_keys(r, fr, "counties", &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(k[i].key, "nationwide"))
			fresh_row(t, k[i].name, json_object_get(fr, k[i].key));
	free(k);
	if (json_object_get(fr, "nationwide"))
		fresh_row(t, rlabel_word("nationwide", r->lang), json_object_get(fr, "nationwide"));
	return 0;
}
