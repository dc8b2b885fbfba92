#include <string.h>

#include "report_usage.h"
#include "rlabel.h"
#include "banned.h"

/* The professional view (docs/statistics.md section 4): the pages a
 * professional uses to find and send; an activity's detail is part of index. */
#define PRO_PAGES "'{index,request,my-requests}'::text[]"

static int find_month(const PGresult *res, const char *month)
{
	for (int i = 0; i < PQntuples(res); i++)
		if (!strcmp(PQgetvalue(res, i, 0), month))
			return i;
	return -1;
}

static int by_month(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month", "sessions:int", "page_views:int", NULL };
	static const char sql[] =
		"WITH p AS (SELECT to_char(day, 'YYYY-MM') AS month, sum(n) AS n FROM stats.daily"
		"   WHERE metric = 'pv' AND day BETWEEN $1 AND $2 AND d1 = ANY (" PRO_PAGES
		")"
		"   GROUP BY 1),"
		" s AS (SELECT to_char(day, 'YYYY-MM') AS month, sum(n) AS n FROM stats.sessions"
		"   WHERE site = 'all' AND day BETWEEN $1 AND $2 GROUP BY 1)"
		" SELECT month, coalesce(s.n, 0), coalesce(p.n, 0) FROM p FULL JOIN s USING (month)";
	const char *params[] = { r->from, r->to };
	char months[RCALC_MAX_MONTHS][RCALC_MONTH_SIZE];
	size_t nm = rcalc_months(r->from, r->to, months, RCALC_MAX_MONTHS);
	struct rtable *t = report_table(r, "usage_by_month", cols);
	PGresult *res;

	if (!t)
		return 0;
	rtable_chart(t, "bar", "month", "sessions,page_views");
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (size_t i = 0; i < nm; i++) {
		size_t row = rtable_row(t);
		int k = find_month(res, months[i]);

		rtable_text(t, row, 0, months[i]);
		rtable_count(t, row, 1, k < 0 ? 0 : report_ll(res, k, 1));
		rtable_count(t, row, 2, k < 0 ? 0 : report_ll(res, k, 2));
	}
	PQclear(res);
	return 0;
}

static int by_site(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month", "user_site:text", "sessions:int",
					    "page_views:int", NULL };
	static const char sql[] =
		"WITH p AS (SELECT to_char(day, 'YYYY-MM') AS month, d2 AS site, sum(n) AS n"
		"   FROM stats.daily WHERE metric = 'pv' AND day BETWEEN $1 AND $2"
		"   AND d1 = ANY (" PRO_PAGES
		") GROUP BY 1, 2),"
		" s AS (SELECT to_char(day, 'YYYY-MM') AS month, site, sum(n) AS n FROM stats.sessions"
		"   WHERE site <> 'all' AND day BETWEEN $1 AND $2 GROUP BY 1, 2)"
		" SELECT month, site, coalesce(s.n, 0), coalesce(p.n, 0)"
		" FROM p FULL JOIN s USING (month, site) ORDER BY 1, 2";
	const char *params[] = { r->from, r->to };
	struct rtable *t = report_table(r, "usage_by_site", cols);
	PGresult *res;

	if (!t)
		return 0;
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		size_t row = rtable_row(t);
		const char *site = PQgetvalue(res, i, 1);

		rtable_text(t, row, 0, PQgetvalue(res, i, 0));
		rtable_text(t, row, 1,
			    !strcmp(site, "-") || !*site ?
				    rlabel_word("not_signed_in", r->lang) :
				    rlabel_name(r->labels, "user_sites", site, r->lang));
		rtable_count(t, row, 2, report_ll(res, i, 2));
		rtable_count(t, row, 3, report_ll(res, i, 3));
	}
	PQclear(res);
	return 0;
}

static int searches(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month", "searches:int", "zero_results:int",
					    "zero_share:percent", NULL };
	static const char sql[] =
		"SELECT to_char(day, 'YYYY-MM'), coalesce(sum(n) FILTER (WHERE metric = 'search'), 0),"
		" coalesce(sum(n) FILTER (WHERE metric = 'zero'), 0) FROM stats.daily"
		" WHERE ((metric = 'search' AND d1 = 'all') OR metric = 'zero')"
		" AND day BETWEEN $1 AND $2 GROUP BY 1";
	const char *params[] = { r->from, r->to };
	char months[RCALC_MAX_MONTHS][RCALC_MONTH_SIZE];
	size_t nm = rcalc_months(r->from, r->to, months, RCALC_MAX_MONTHS);
	struct rtable *t = report_table(r, "searches_by_month", cols);
	PGresult *res;

	if (!t)
		return 0;
	rtable_chart(t, "bar", "month", "searches,zero_results");
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (size_t i = 0; i < nm; i++) {
		size_t row = rtable_row(t);
		int k = find_month(res, months[i]);
		long long all = k < 0 ? 0 : report_ll(res, k, 1);
		long long zero = k < 0 ? 0 : report_ll(res, k, 2);

		rtable_text(t, row, 0, months[i]);
		rtable_count(t, row, 1, all);
		rtable_count(t, row, 2, zero);
		rtable_derived(t, row, 3, rcalc_share(zero, all), all > 0,
			       rtable_hides(t, all) || rtable_hides(t, zero));
	}
	PQclear(res);
	return 0;
}

int report_usage(struct report *r, char *err, size_t errlen)
{
	if (by_month(r, err, errlen) || by_site(r, err, errlen) || searches(r, err, errlen))
		return -1;
	return 0;
}
