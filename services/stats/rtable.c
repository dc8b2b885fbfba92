#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rtable.h"
#include "xalloc.h"
#include "banned.h"

struct rtable *rtable_new(const char *id, const char *title, bool hide_small)
{
	struct rtable *t = xcalloc(1, sizeof(*t));

	snprintf(t->id, sizeof(t->id), "%s", id);
	t->title = xstrdup(title ? title : id);
	t->hide_small = hide_small;
	return t;
}

void rtable_destroy(struct rtable **tp)
{
	struct rtable *t = *tp;

	if (!t)
		return;
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].text);
	for (size_t c = 0; c < t->ncols; c++)
		free(t->cols[c].label);
	for (size_t r = 0; t->keys && r < t->nrows; r++)
		free(t->keys[r]);
	free(t->keys);
	free(t->cells);
	free(t->title);
	free(t);
	*tp = NULL;
}

int rtable_col(struct rtable *t, const char *id, const char *label, enum rtable_type type)
{
	struct rtable_col *col;

	/* Columns come before rows: a row's width is fixed when it is added. */
	if (t->ncols == RTABLE_MAX_COLS || t->nrows)
		return -1;
	col = &t->cols[t->ncols++];
	snprintf(col->id, sizeof(col->id), "%s", id);
	col->label = xstrdup(label ? label : id);
	col->type = type;
	return 0;
}

void rtable_chart(struct rtable *t, const char *type, const char *x, const char *y)
{
	const char *p = y;

	snprintf(t->chart_type, sizeof(t->chart_type), "%s", type);
	snprintf(t->chart_x, sizeof(t->chart_x), "%s", x);
	t->n_chart_y = 0;
	while (p && *p && t->n_chart_y < 3) {
		size_t n = strcspn(p, ",");

		snprintf(t->chart_y[t->n_chart_y++], RTABLE_ID_SIZE, "%.*s", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
}

size_t rtable_row(struct rtable *t)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->cells = xrealloc(t->cells,
				    t->cap * (t->ncols ? t->ncols : 1) * sizeof(*t->cells));
		t->keys = xrealloc(t->keys, t->cap * sizeof(*t->keys));
	}
	t->keys[t->nrows] = NULL;
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(*t->cells));
	return t->nrows++;
}

void rtable_key(struct rtable *t, size_t r, const char *key)
{
	free(t->keys[r]);
	t->keys[r] = xstrdup(key);
}

struct rtable_cell *rtable_at(const struct rtable *t, size_t r, size_t c)
{
	return &t->cells[r * t->ncols + c];
}

bool rtable_hides(const struct rtable *t, long long n)
{
	return t->hide_small && n >= 1 && n <= 4;
}

static struct rtable_cell *reset(struct rtable *t, size_t r, size_t c)
{
	struct rtable_cell *cell = rtable_at(t, r, c);

	free(cell->text);
	memset(cell, 0, sizeof(*cell));
	return cell;
}

void rtable_text(struct rtable *t, size_t r, size_t c, const char *s)
{
	struct rtable_cell *cell = reset(t, r, c);

	if (s) {
		cell->kind = RTABLE_STRING;
		cell->text = xstrdup(s);
	}
}

void rtable_count(struct rtable *t, size_t r, size_t c, long long n)
{
	struct rtable_cell *cell = reset(t, r, c);

	if (rtable_hides(t, n)) {
		cell->suppressed = true;
		return;
	}
	cell->kind = RTABLE_NUMBER;
	cell->num = (double)n;
}

void rtable_num(struct rtable *t, size_t r, size_t c, double v)
{
	struct rtable_cell *cell = reset(t, r, c);

	cell->kind = RTABLE_NUMBER;
	cell->num = v;
}

void rtable_derived(struct rtable *t, size_t r, size_t c, double v, bool has_value,
		    bool from_hidden)
{
	struct rtable_cell *cell = reset(t, r, c);

	if (from_hidden && t->hide_small) {
		cell->suppressed = true;
		return;
	}
	if (!has_value)
		return;
	cell->kind = RTABLE_NUMBER;
	cell->num = v;
}

void rtable_format(enum rtable_type type, double v, char dec, char *out)
{
	char *p;

	if (!isfinite(v))
		v = 0;
	switch (type) {
	case RTABLE_PERCENT:
		snprintf(out, RTABLE_NUM_SIZE, "%.1f", v);
		break;
	case RTABLE_DECIMAL:
		snprintf(out, RTABLE_NUM_SIZE, "%.2f", v);
		p = strchr(out, '.');
		if (p) {
			size_t n = strlen(out);

			while (n > 0 && out[n - 1] == '0')
				out[--n] = '\0';
			if (n > 0 && out[n - 1] == '.')
				out[--n] = '\0';
		}
		break;
	default:
		snprintf(out, RTABLE_NUM_SIZE, "%.0f", v);
		break;
	}
	/* "-0" of a tiny negative rounding is 0. */
	if (!strcmp(out, "-0") || !strcmp(out, "-0.0"))
		memmove(out, out + 1, strlen(out));
	p = strchr(out, '.');
	if (p)
		*p = dec;
}

const char *rtable_type_name(enum rtable_type type)
{
	static const char *const names[] = { "text", "month", "date", "int", "decimal", "percent" };

	return type <= RTABLE_PERCENT ? names[type] : "text";
}

void rtable_json(const struct rtable *t, struct strbuf *out)
{
	char num[RTABLE_NUM_SIZE];
	bool first = true, any_key = false;

	strbuf_adds(out, "{\"id\":");
	strbuf_json_str(out, t->id);
	strbuf_adds(out, ",\"title\":");
	strbuf_json_str(out, t->title);
	strbuf_adds(out, ",\"columns\":[");
	for (size_t c = 0; c < t->ncols; c++) {
		strbuf_adds(out, c ? ",{\"id\":" : "{\"id\":");
		strbuf_json_str(out, t->cols[c].id);
		strbuf_adds(out, ",\"label\":");
		strbuf_json_str(out, t->cols[c].label);
		strbuf_addf(out, ",\"type\":\"%s\"}", rtable_type_name(t->cols[c].type));
	}
	strbuf_adds(out, "],\"rows\":[");
	for (size_t r = 0; r < t->nrows; r++) {
		strbuf_adds(out, r ? ",[" : "[");
		for (size_t c = 0; c < t->ncols; c++) {
			const struct rtable_cell *cell = rtable_at(t, r, c);

			if (c)
				strbuf_adds(out, ",");
			if (cell->kind == RTABLE_STRING) {
				strbuf_json_str(out, cell->text);
			} else if (cell->kind == RTABLE_NUMBER) {
				rtable_format(t->cols[c].type, cell->num, '.', num);
				strbuf_adds(out, num);
			} else {
				strbuf_adds(out, "null");
			}
		}
		strbuf_adds(out, "]");
	}
	strbuf_adds(out, "],\"suppressed\":[");
	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < t->ncols; c++)
			if (rtable_at(t, r, c)->suppressed) {
				strbuf_addf(out, "%s[%zu,%zu]", first ? "" : ",", r, c);
				first = false;
			}
	strbuf_adds(out, "]");
	for (size_t r = 0; r < t->nrows; r++)
		any_key = any_key || t->keys[r];
	if (any_key) { /* every row listed, null for one without */
		strbuf_adds(out, ",\"keys\":[");
		for (size_t r = 0; r < t->nrows; r++) {
			if (r)
				strbuf_adds(out, ",");
			if (t->keys[r])
				strbuf_json_str(out, t->keys[r]);
			else
				strbuf_adds(out, "null");
		}
		strbuf_adds(out, "]");
	}
	if (t->chart_type[0]) {
		strbuf_adds(out, ",\"chart\":{\"type\":");
		strbuf_json_str(out, t->chart_type);
		strbuf_adds(out, ",\"x\":");
		strbuf_json_str(out, t->chart_x);
		strbuf_adds(out, ",\"y\":[");
		for (size_t i = 0; i < t->n_chart_y; i++) {
			if (i)
				strbuf_adds(out, ",");
			strbuf_json_str(out, t->chart_y[i]);
		}
		strbuf_adds(out, "]}");
	}
	strbuf_adds(out, "}");
}
