/*
 * export_xlsx.h - a report's tables as an Excel workbook (docs/statistics.md
 * section 4, libxlsxwriter): one sheet per table named by its title (at
 * most 31 characters, none of []:*?/\, unique in the workbook), a bold
 * header row of the column labels, numbers as numbers (percent "0.0",
 * decimal "0.00"), a suppressed cell the text "<5", a null cell empty.
 */
#ifndef TJ_EXPORT_XLSX_H
#define TJ_EXPORT_XLSX_H

#include <stddef.h>

#include "report.h"
#include "strbuf.h"

#define EXPORT_XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define EXPORT_XLSX_SHEET_CHARS 31

/*
 * The sheet name of a title into out (outlen >= 4 * EXPORT_XLSX_SHEET_CHARS
 * + 1): the forbidden characters become '-', leading and trailing
 * apostrophes and spaces go, at most EXPORT_XLSX_SHEET_CHARS characters;
 * "Sheet" when nothing is left.  n > 1 appends " (n)" within the limit.
 */
void export_xlsx_sheet_name(const char *title, int n, char *out, size_t outlen);

/*
 * Appends the workbook of r's table 'table' ("" or NULL: every table) to
 * out.  The workbook is written to a temporary file (mkstemp in TMPDIR,
 * else /tmp), which is removed on every path.  0, or -1 with the reason in
 * err (no such table, the file could not be made or read).
 */
int export_xlsx(const struct report *r, const char *table, struct strbuf *out, char *err,
		size_t errlen);

#endif
