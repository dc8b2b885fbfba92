/*
 * export_csv.h - a report's tables as CSV (docs/statistics.md section 4):
 * UTF-8 with a byte-order mark, ';' between fields, CRLF line ends, a field
 * holding ';', '"' or a line end quoted ('"' doubled), decimals with a
 * comma, a suppressed cell "<5"; one table, or every table each preceded by
 * its title line and followed by an empty line.
 */
#ifndef TJ_EXPORT_CSV_H
#define TJ_EXPORT_CSV_H

#include "report.h"
#include "strbuf.h"

/* Appends one CSV field (quoted when it must be) to out. */
void export_csv_field(struct strbuf *out, const char *s);

/* Appends the CSV of r's table 'table' ("" or NULL: every table) to out;
 * 0, or -1 when there is no such table. */
int export_csv(const struct report *r, const char *table, struct strbuf *out);

#endif
