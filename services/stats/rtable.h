/*
 * rtable.h - one table of a report (docs/statistics.md section 4): typed
 * columns, rows of cells (null, a number or a text), the cells suppressed
 * for a funder, and an optional chart.  Suppression happens as a cell is
 * set: a table made for a funder (hide_small) turns every count of 1..4 into
 * null and lists it in 'suppressed', and so every value derived from such a
 * count; 0 stays.  The renderers (JSON here, CSV and XLSX in export_*) only
 * read a table.
 */
#ifndef TJ_RTABLE_H
#define TJ_RTABLE_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

#define RTABLE_MAX_COLS 10
#define RTABLE_ID_SIZE 40
#define RTABLE_NUM_SIZE 40 /* a formatted number and NUL */

enum rtable_type {
	RTABLE_TEXT,
	RTABLE_MONTH,
	RTABLE_DATE,
	RTABLE_INT,
	RTABLE_DECIMAL,
	RTABLE_PERCENT
};

enum rtable_kind { RTABLE_NULL, RTABLE_NUMBER, RTABLE_STRING };

struct rtable_cell {
	enum rtable_kind kind;
	bool suppressed;
	double num;
	char *text; /* RTABLE_STRING: owned */
};

struct rtable_col {
	char id[RTABLE_ID_SIZE];
	char *label; /* owned */
	enum rtable_type type;
};

struct rtable {
	char id[RTABLE_ID_SIZE];
	char *title; /* owned */
	bool hide_small;
	size_t ncols;
	struct rtable_col cols[RTABLE_MAX_COLS];
	struct rtable_cell *cells; /* nrows * ncols */
	char **keys;               /* per row: its id (measure tables), owned; NULL when none */
	size_t nrows, cap;
	char chart_type[16]; /* "" no chart */
	char chart_x[RTABLE_ID_SIZE];
	char chart_y[3][RTABLE_ID_SIZE];
	size_t n_chart_y;
};

/* A new empty table (free with rtable_destroy); hide_small: made for a
 * funder. */
struct rtable *rtable_new(const char *id, const char *title, bool hide_small);

/* Frees t and its cells; NULL is fine; *tp becomes NULL. */
void rtable_destroy(struct rtable **tp);

/* Adds a column (at most RTABLE_MAX_COLS; more are ignored and return -1). */
int rtable_col(struct rtable *t, const char *id, const char *label, enum rtable_type type);

/* The chart drawn from the table: type ("bar", "line"), x the column of the
 * categories, y up to three columns of values separated by commas. */
void rtable_chart(struct rtable *t, const char *type, const char *x, const char *y);

/* Appends a row of nulls; returns its index. */
size_t rtable_row(struct rtable *t);

/* Gives row r the id key (copied): measure/value tables name their rows by
 * it, in the JSON's "keys". */
void rtable_key(struct rtable *t, size_t r, const char *key);

/* The cell of row r, column c (both in range: the caller's invariant). */
struct rtable_cell *rtable_at(const struct rtable *t, size_t r, size_t c);

/* Whether a count n is hidden in this table: hide_small and 1 <= n <= 4. */
bool rtable_hides(const struct rtable *t, long long n);

/* Sets a text cell (copied; NULL: null). */
void rtable_text(struct rtable *t, size_t r, size_t c, const char *s);

/* Sets a count: suppressed when rtable_hides(t, n). */
void rtable_count(struct rtable *t, size_t r, size_t c, long long n);

/* Sets a number that is no count of people (a population): never hidden. */
void rtable_num(struct rtable *t, size_t r, size_t c, double v);

/* Sets a value derived from counts: suppressed (null) when from_hidden, a
 * null without suppression when !has_value (nothing to derive from). */
void rtable_derived(struct rtable *t, size_t r, size_t c, double v, bool has_value,
		    bool from_hidden);

/*
 * Formats a number as its column type wants it into out (RTABLE_NUM_SIZE):
 * int as an integer, percent with one decimal, decimal with up to two
 * (trailing zeros dropped); dec is the decimal separator ('.' or ',').
 */
void rtable_format(enum rtable_type type, double v, char dec, char *out);

/* The JSON name of a column type ("int", "percent", ...). */
const char *rtable_type_name(enum rtable_type type);

/* Appends the table as the JSON object of section 4 to out. */
void rtable_json(const struct rtable *t, struct strbuf *out);

#endif
