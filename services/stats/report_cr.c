#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report_cr.h"
#include "rlabel.h"
#include "xalloc.h"
#include "banned.h"

static const char *const cr_kinds[] = { "sent",     "opened",    "contacted", "unreachable",
					"declined", "withdrawn", "expired" };
#define N_KINDS (sizeof(cr_kinds) / sizeof(cr_kinds[0]))

static int by_month(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month",
					    "sent:int",
					    "opened:int",
					    "contacted:int",
					    "unreachable:int",
					    "declined:int",
					    "withdrawn:int",
					    "expired:int",
					    "reached_share:percent",
					    NULL };
	static const char sql[] =
		"SELECT to_char(day, 'YYYY-MM'), kind, count(*) FROM stats.cr_events"
		" WHERE day BETWEEN $1 AND $2 GROUP BY 1, 2";
	const char *params[] = { r->from, r->to };
	char months[RCALC_MAX_MONTHS][RCALC_MONTH_SIZE];
	size_t nm = rcalc_months(r->from, r->to, months, RCALC_MAX_MONTHS);
	struct rtable *t = report_table(r, "cr_by_month", cols);
	PGresult *res;

	if (!t)
		return 0;
	rtable_chart(t, "bar", "month", "sent,contacted");
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (size_t i = 0; i < nm; i++) {
		size_t row = rtable_row(t);
		long long n[N_KINDS] = { 0 };

		for (int k = 0; k < PQntuples(res); k++) {
			if (strcmp(PQgetvalue(res, k, 0), months[i]))
				continue;
			for (size_t j = 0; j < N_KINDS; j++)
				if (!strcmp(PQgetvalue(res, k, 1), cr_kinds[j]))
					n[j] = report_ll(res, k, 2);
		}
		rtable_text(t, row, 0, months[i]);
		for (size_t j = 0; j < N_KINDS; j++)
			rtable_count(t, row, 1 + j, n[j]);
		rtable_derived(t, row, 8, rcalc_share(n[2], n[0]), n[0] > 0,
			       rtable_hides(t, n[0]) || rtable_hides(t, n[2]));
	}
	PQclear(res);
	return 0;
}

static int by_county_kind(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "month:month", "county:text", "kind:text", "sent:int",
					    NULL };
	static const char sql[] =
		"SELECT to_char(e.day, 'YYYY-MM'), e.county, k, count(*) FROM stats.cr_events e,"
		" unnest(CASE WHEN e.kinds = '{}' THEN '{\"\"}'::text[] ELSE e.kinds END) AS k"
		" WHERE e.day BETWEEN $1 AND $2 AND e.kind = 'sent' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3";
	const char *params[] = { r->from, r->to };
	const char *none = rlabel_word("none", r->lang);
	struct rtable *t = report_table(r, "cr_by_county_kind", cols);
	PGresult *res;

	if (!t)
		return 0;
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		size_t row = rtable_row(t);
		const char *county = PQgetvalue(res, i, 1), *kind = PQgetvalue(res, i, 2);

		rtable_text(t, row, 0, PQgetvalue(res, i, 0));
		rtable_text(t, row, 1,
			    *county ? rlabel_name(r->labels, "counties", county, r->lang) : none);
		rtable_text(t, row, 2,
			    *kind ? rlabel_name(r->labels, "terms", kind, r->lang) : none);
		rtable_count(t, row, 3, report_ll(res, i, 3));
	}
	PQclear(res);
	return 0;
}

static void measure(struct rtable *t, const char *lang, const char *id, size_t n, double v,
		    bool has_value)
{
	size_t row = rtable_row(t);

	rtable_text(t, row, 0, rlabel_word(id, lang));
	rtable_key(t, row, id);
	/* A median or p90 of fewer than 5 reactions would tell about them. */
	rtable_derived(t, row, 1, v, has_value, rtable_hides(t, (long long)n));
}

static int reaction(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "measure:text", "value:decimal", NULL };
	static const char sql[] =
		"SELECT reaction_minutes, days FROM stats.cr_events"
		" WHERE day BETWEEN $1 AND $2 AND reaction_minutes >= 0";
	const char *params[] = { r->from, r->to };
	struct rtable *t = report_table(r, "cr_reaction", cols);
	long *minutes = NULL, *days = NULL;
	size_t n, nd = 0;
	PGresult *res;

	if (!t)
		return 0;
	if (!(res = report_query(r, sql, 2, params, err, errlen)))
		return -1;
	n = (size_t)PQntuples(res);
	minutes = xcalloc(n + 1, sizeof(*minutes));
	days = xcalloc(n + 1, sizeof(*days));
	for (size_t i = 0; i < n; i++) {
		long d = (long)report_ll(res, (int)i, 1);

		minutes[i] = (long)report_ll(res, (int)i, 0);
		if (d >= 0)
			days[nd++] = d;
	}
	PQclear(res);
	rcalc_sort(minutes, n);
	rcalc_sort(days, nd);
	{
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, rlabel_word("first_reactions", r->lang));
		rtable_key(t, row, "first_reactions");
		rtable_count(t, row, 1, (long long)n);
	}
	measure(t, r->lang, "median_hours", n,
		n ? round(rcalc_rank(minutes, n, 50) / 6.0) / 10.0 : 0, n > 0);
	measure(t, r->lang, "p90_hours", n, n ? round(rcalc_rank(minutes, n, 90) / 6.0) / 10.0 : 0,
		n > 0);
	measure(t, r->lang, "median_working_days", nd, nd ? (double)rcalc_rank(days, nd, 50) : 0,
		nd > 0);
	measure(t, r->lang, "p90_working_days", nd, nd ? (double)rcalc_rank(days, nd, 90) : 0,
		nd > 0);
	free(minutes);
	free(days);
	return 0;
}

int report_cr(struct report *r, char *err, size_t errlen)
{
	if (by_month(r, err, errlen) || by_county_kind(r, err, errlen) || reaction(r, err, errlen))
		return -1;
	return 0;
}
