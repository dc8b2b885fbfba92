/*
 * report.h - one report being made: what was asked (period, language, who),
 * the connection and coverage documents it reads, and the tables made so
 * far; and the report's JSON document (docs/statistics.md section 4).
 * The report_* builders add tables; export_csv and export_xlsx render them.
 */
#ifndef TJ_REPORT_H
#define TJ_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>
#include <libpq-fe.h>

#include "rcalc.h"
#include "rtable.h"
#include "strbuf.h"

#define REPORT_MAX_TABLES 24

struct report {
	/* What was asked, set by the caller before building. */
	char name[24];
	char from[RCALC_DAY_SIZE], to[RCALC_DAY_SIZE];
	char lang[4];
	bool funder;                /* suppress counts of 1..4 */
	PGconn *db;                 /* borrowed */
	json_t *labels;             /* the latest coverage document (borrowed; may be NULL) */
	json_t *snapshot;           /* the coverage document at 'to' (borrowed; may be NULL) */
	char coverage_taken_at[40]; /* "" when no coverage document was used */
	bool coverage_stale;        /* the directory did not answer: an older one was used */
	char generated_at[32];
	/* What was made. */
	struct rtable *tables[REPORT_MAX_TABLES];
	size_t ntables;
};

/* Frees the tables; the borrowed parts stay the caller's. */
void report_release(struct report *r);

/* A new table of r, titled in r->lang and suppressing for a funder; columns
 * are given as "id:type" pairs in cols (NULL-terminated), labelled in
 * r->lang.  NULL when r already holds REPORT_MAX_TABLES. */
struct rtable *report_table(struct report *r, const char *id, const char *const *cols);

/* The table named id, or NULL. */
struct rtable *report_find(const struct report *r, const char *id);

/* Appends the JSON document of r to out: every table, or only the one
 * named table ("" or NULL: every one). */
void report_json(const struct report *r, const char *table, struct strbuf *out);

/*
 * Runs a query with text parameters (n of them); returns the result with
 * PGRES_TUPLES_OK, or NULL with the reason in err.  PQclear the result.
 */
PGresult *report_query(const struct report *r, const char *sql, int n, const char *const *params,
		       char *err, size_t errlen);

/* The integer of a result's cell ("" or NULL: 0). */
long long report_ll(const PGresult *res, int row, int col);

#endif
