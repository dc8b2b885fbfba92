/*
 * export_xlsx.c - see export_xlsx.h.  libxlsxwriter's rules that bite:
 * workbook_close() writes the file and frees the workbook (also when it
 * fails), and worksheet names are checked by workbook_add_worksheet, which
 * answers NULL for a bad or repeated one.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "export_xlsx.h"
#include "file.h"
#include "utf8.h"
#include "banned.h"

#define XLSX_MAX_BYTES (64 * 1024 * 1024)
#define XLSX_MAX_TRIES 100

void export_xlsx_sheet_name(const char *title, int n, char *out, size_t outlen)
{
	const unsigned char *s = (const unsigned char *)title;
	char suffix[16] = "";
	size_t len = 0, chars = 0, keep, last = 0;

	if (n > 1)
		snprintf(suffix, sizeof(suffix), " (%d)", n);
	keep = EXPORT_XLSX_SHEET_CHARS - strlen(suffix);
	while (*s == '\'' || *s == ' ')
		s++;
	while (*s && chars < keep) {
		uint32_t cp;
		size_t k = utf8_decode(s, &cp);

		if (!k) { /* not UTF-8: skip the byte */
			s++;
			continue;
		}
		if (len + k + 1 > outlen)
			break;
		if (k == 1 && (cp < 0x20 || strchr("[]:*?/\\", (int)cp)))
			out[len++] = '-';
		else
			memcpy(out + len, s, k), len += k;
		chars++;
		s += k;
		if (out[len - 1] != '\'' && out[len - 1] != ' ')
			last = len;
	}
	len = last; /* no trailing apostrophe or space */
	if (!len)
		len = (size_t)snprintf(out, outlen, "Sheet");
	out[len < outlen ? len : outlen - 1] = '\0';
	if (*suffix && strlen(out) + strlen(suffix) < outlen)
		memcpy(out + strlen(out), suffix, strlen(suffix) + 1);
}

struct formats {
	lxw_format *bold, *percent, *decimal;
};

static void write_table(lxw_worksheet *ws, const struct rtable *t, const struct formats *f)
{
	for (size_t c = 0; c < t->ncols; c++)
		worksheet_write_string(ws, 0, (lxw_col_t)c, t->cols[c].label, f->bold);
	for (size_t r = 0; r < t->nrows; r++) {
		lxw_row_t row = (lxw_row_t)(r + 1);

		for (size_t c = 0; c < t->ncols; c++) {
			const struct rtable_cell *cell = rtable_at(t, r, c);
			lxw_col_t col = (lxw_col_t)c;

			if (cell->suppressed)
				worksheet_write_string(ws, row, col, "<5", NULL);
			else if (cell->kind == RTABLE_STRING)
				worksheet_write_string(ws, row, col, cell->text, NULL);
			else if (cell->kind == RTABLE_NUMBER)
				worksheet_write_number(ws, row, col, cell->num,
						       t->cols[c].type == RTABLE_PERCENT ?
							       f->percent :
						       t->cols[c].type == RTABLE_DECIMAL ?
							       f->decimal :
							       NULL);
		}
	}
}

/* Adds the sheet of t under the first free name of its title. */
static int add_sheet(lxw_workbook *wb, const struct rtable *t, const struct formats *f)
{
	char name[4 * EXPORT_XLSX_SHEET_CHARS + 1];

	for (int n = 1; n <= XLSX_MAX_TRIES; n++) {
		lxw_worksheet *ws;

		export_xlsx_sheet_name(t->title, n, name, sizeof(name));
		if (workbook_validate_sheet_name(wb, name) != LXW_NO_ERROR)
			continue;
		if (!(ws = workbook_add_worksheet(wb, name)))
			return -1;
		write_table(ws, t, f);
		return 0;
	}
	return -1;
}

static int fill(lxw_workbook *wb, const struct report *r, const char *table)
{
	struct formats f = { workbook_add_format(wb), workbook_add_format(wb),
			     workbook_add_format(wb) };
	size_t made = 0;

	if (!f.bold || !f.percent || !f.decimal)
		return -1;
	format_set_bold(f.bold);
	format_set_num_format(f.percent, "0.0");
	format_set_num_format(f.decimal, "0.00");
	for (size_t i = 0; i < r->ntables; i++) {
		if (table && *table && strcmp(table, r->tables[i]->id))
			continue;
		if (add_sheet(wb, r->tables[i], &f))
			return -1;
		made++;
	}
	/* A workbook needs a sheet: a report without tables gets an empty one. */
	return made || workbook_add_worksheet(wb, NULL) ? 0 : -1;
}

int export_xlsx(const struct report *r, const char *table, struct strbuf *out, char *err,
		size_t errlen)
{
	const char *dir = getenv("TMPDIR");
	lxw_workbook_options opt = { 0 };
	lxw_workbook *wb = NULL;
	char path[512], *data = NULL;
	size_t len = 0;
	int fd, ret = -1;
	lxw_error e;

	if (table && *table && !report_find(r, table)) {
		snprintf(err, errlen, "no table \"%s\" in the report", table);
		return -1;
	}
	if (!dir || !*dir || strlen(dir) > 400)
		dir = "/tmp";
	snprintf(path, sizeof(path), "%s/tarjotin-xlsx-XXXXXX", dir);
	if ((fd = mkstemp(path)) < 0) {
		snprintf(err, errlen, "cannot make a temporary file in '%s': %s", dir,
			 strerror(errno));
		return -1;
	}
	close(fd);
	opt.tmpdir = (char *)dir;
	if (!(wb = workbook_new_opt(path, &opt))) {
		snprintf(err, errlen, "cannot start the workbook");
		goto out;
	}
	if (fill(wb, r, table)) {
		snprintf(err, errlen, "cannot add a sheet to the workbook");
		workbook_close(wb); /* frees it; the file is removed below */
		goto out;
	}
	if ((e = workbook_close(wb)) != LXW_NO_ERROR) {
		snprintf(err, errlen, "cannot write the workbook: %s", lxw_strerror(e));
		goto out;
	}
	if (!(data = file_read(path, XLSX_MAX_BYTES, &len, err, errlen)))
		goto out;
	strbuf_add(out, data, len);
	ret = 0;
out:
	unlink(path);
	free(data);
	return ret;
}
