#include <string.h>

#include "export_csv.h"
#include "banned.h"

void export_csv_field(struct strbuf *out, const char *s)
{
	if (!strpbrk(s, ";\"\r\n")) {
		strbuf_adds(out, s);
		return;
	}
	strbuf_adds(out, "\"");
	for (; *s; s++) {
		if (*s == '"')
			strbuf_adds(out, "\"");
		strbuf_add(out, s, 1);
	}
	strbuf_adds(out, "\"");
}

static void one_table(const struct rtable *t, struct strbuf *out)
{
	char num[RTABLE_NUM_SIZE];

	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			strbuf_adds(out, ";");
		export_csv_field(out, t->cols[c].label);
	}
	strbuf_adds(out, "\r\n");
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const struct rtable_cell *cell = rtable_at(t, r, c);

			if (c)
				strbuf_adds(out, ";");
			if (cell->suppressed) {
				strbuf_adds(out, "<5");
			} else if (cell->kind == RTABLE_STRING) {
				export_csv_field(out, cell->text);
			} else if (cell->kind == RTABLE_NUMBER) {
				rtable_format(t->cols[c].type, cell->num, ',', num);
				strbuf_adds(out, num);
			}
		}
		strbuf_adds(out, "\r\n");
	}
}

int export_csv(const struct report *r, const char *table, struct strbuf *out)
{
	strbuf_adds(out, "\xEF\xBB\xBF");
	if (table && *table) {
		const struct rtable *t = report_find(r, table);

		if (!t)
			return -1;
		one_table(t, out);
		return 0;
	}
	for (size_t i = 0; i < r->ntables; i++) {
		export_csv_field(out, r->tables[i]->title);
		strbuf_adds(out, "\r\n");
		one_table(r->tables[i], out);
		strbuf_adds(out, "\r\n");
	}
	return 0;
}
