#include <stdio.h>
#include <string.h>

#include "report_gaps.h"
#include "rlabel.h"
#include "banned.h"

/* A dimension of the gap map: "-" (or "") is one not chosen. */
static bool chosen(const char *v)
{
	return *v && strcmp(v, "-");
}

static int gaps(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "municipality:text", "county:text",  "need:text",
					    "kind:text",         "searches:int", NULL };
	static const char sql[] =
		"SELECT d1, d2, d3, sum(n) AS s FROM stats.daily"
		" WHERE metric = 'zero' AND day BETWEEN $1 AND $2"
		" GROUP BY 1, 2, 3 ORDER BY s DESC, 1, 2, 3 LIMIT $3";
	char limit[16];
	const char *params[] = { r->from, r->to, limit };
	const char *none = rlabel_word("none", r->lang);
	struct rtable *t = report_table(r, "gaps", cols);
	PGresult *res;

	if (!t)
		return 0;
	snprintf(limit, sizeof(limit), "%d", REPORT_GAPS_ROWS);
	if (!(res = report_query(r, sql, 3, params, err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		size_t row = rtable_row(t);
		const char *need = PQgetvalue(res, i, 0), *kind = PQgetvalue(res, i, 1);
		const char *mun = PQgetvalue(res, i, 2), *county = NULL;

		if (chosen(mun)) {
			const json_t *m = json_object_get(json_object_get(r->labels,
									  "municipalities"),
							  mun);

			county = json_string_value(json_object_get(m, "county"));
		}
		rtable_text(t, row, 0,
			    chosen(mun) ? rlabel_name(r->labels, "municipalities", mun, r->lang) :
					  none);
		rtable_text(t, row, 1,
			    county ? rlabel_name(r->labels, "counties", county, r->lang) : none);
		rtable_text(t, row, 2,
			    chosen(need) ? rlabel_name(r->labels, "terms", need, r->lang) : none);
		rtable_text(t, row, 3,
			    chosen(kind) ? rlabel_name(r->labels, "terms", kind, r->lang) : none);
		rtable_count(t, row, 4, report_ll(res, i, 3));
	}
	PQclear(res);
	return 0;
}

static int words(struct report *r, char *err, size_t errlen)
{
	static const char *const cols[] = { "word:text", "searches:int", NULL };
	static const char sql[] =
		"SELECT d1, sum(n) AS s FROM stats.daily"
		" WHERE metric = 'zword' AND day BETWEEN $1 AND $2"
		" GROUP BY 1 HAVING sum(n) >= $3 ORDER BY s DESC, 1 LIMIT $4";
	char min[16], limit[16];
	const char *params[] = { r->from, r->to, min, limit };
	struct rtable *t = report_table(r, "gap_words", cols);
	PGresult *res;

	if (!t)
		return 0;
	snprintf(min, sizeof(min), "%d", REPORT_WORD_MIN);
	snprintf(limit, sizeof(limit), "%d", REPORT_GAP_WORDS);
	if (!(res = report_query(r, sql, 4, params, err, errlen)))
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		size_t row = rtable_row(t);

		rtable_text(t, row, 0, PQgetvalue(res, i, 0));
		rtable_count(t, row, 1, report_ll(res, i, 1));
	}
	PQclear(res);
	return 0;
}

int report_gaps(struct report *r, char *err, size_t errlen)
{
	if (gaps(r, err, errlen) || words(r, err, errlen))
		return -1;
	return 0;
}
