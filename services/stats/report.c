#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "report.h"
#include "rlabel.h"
#include "banned.h"

void report_release(struct report *r)
{
	for (size_t i = 0; i < r->ntables; i++)
		rtable_destroy(&r->tables[i]);
	r->ntables = 0;
}

static enum rtable_type type_of(const char *s)
{
	if (!strcmp(s, "month"))
		return RTABLE_MONTH;
	if (!strcmp(s, "date"))
		return RTABLE_DATE;
	if (!strcmp(s, "int"))
		return RTABLE_INT;
	if (!strcmp(s, "decimal"))
		return RTABLE_DECIMAL;
	if (!strcmp(s, "percent"))
		return RTABLE_PERCENT;
	return RTABLE_TEXT;
}

struct rtable *report_table(struct report *r, const char *id, const char *const *cols)
{
	struct rtable *t;

	if (r->ntables == REPORT_MAX_TABLES)
		return NULL;
	t = rtable_new(id, rlabel_word(id, r->lang), r->funder);
	for (size_t i = 0; cols[i]; i++) {
		char cid[RTABLE_ID_SIZE];
		const char *colon = strchr(cols[i], ':');
		size_t n = colon ? (size_t)(colon - cols[i]) : strlen(cols[i]);

		if (n >= sizeof(cid))
			n = sizeof(cid) - 1;
		memcpy(cid, cols[i], n);
		cid[n] = '\0';
		rtable_col(t, cid, rlabel_word(cid, r->lang), type_of(colon ? colon + 1 : "text"));
	}
	r->tables[r->ntables++] = t;
	return t;
}

struct rtable *report_find(const struct report *r, const char *id)
{
	for (size_t i = 0; i < r->ntables; i++)
		if (!strcmp(r->tables[i]->id, id))
			return r->tables[i];
	return NULL;
}

void report_json(const struct report *r, const char *table, struct strbuf *out)
{
	strbuf_adds(out, "{\"report\":");
	strbuf_json_str(out, r->name);
	strbuf_adds(out, ",\"from\":");
	strbuf_json_str(out, r->from);
	strbuf_adds(out, ",\"to\":");
	strbuf_json_str(out, r->to);
	strbuf_adds(out, ",\"lang\":");
	strbuf_json_str(out, r->lang);
	strbuf_addf(out, ",\"role\":\"%s\",\"suppress_below\":%d", r->funder ? "funder" : "admin",
		    r->funder ? 5 : 0);
	strbuf_adds(out, ",\"generated_at\":");
	strbuf_json_str(out, r->generated_at);
	strbuf_adds(out, ",\"coverage_taken_at\":");
	if (r->coverage_taken_at[0])
		strbuf_json_str(out, r->coverage_taken_at);
	else
		strbuf_adds(out, "null");
	strbuf_addf(out, ",\"coverage_stale\":%s", r->coverage_stale ? "true" : "false");
	strbuf_adds(out, ",\"tables\":[");
	for (size_t i = 0, n = 0; i < r->ntables; i++) {
		if (table && *table && strcmp(table, r->tables[i]->id))
			continue;
		if (n++)
			strbuf_adds(out, ",");
		rtable_json(r->tables[i], out);
	}
	strbuf_adds(out, "]}");
}

PGresult *report_query(const struct report *r, const char *sql, int n, const char *const *params,
		       char *err, size_t errlen)
{
	PGresult *res = PQexecParams(r->db, sql, n, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(r->db, res, err, errlen);
		PQclear(res);
		return NULL;
	}
	return res;
}

long long report_ll(const PGresult *res, int row, int col)
{
	const char *s = PQgetvalue(res, row, col);

	return s && *s ? strtoll(s, NULL, 10) : 0;
}
