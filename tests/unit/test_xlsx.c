// units: services/stats/export_xlsx.c services/stats/report.c services/stats/rtable.c services/stats/rlabel.c services/stats/rcalc.c services/stats/hday.c
/*
 * test_xlsx - sheet names of the XLSX export (docs/statistics.md section 4)
 * and a workbook made through its temporary file: a zip ("PK") that leaves
 * no file behind in TMPDIR.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "export_xlsx.h"
#include "report.h"
#include "utf8.h"
#include "banned.h"

static void test_sheet_names(void **state)
{
	char out[4 * EXPORT_XLSX_SHEET_CHARS + 1];

	(void)state;
	export_xlsx_sheet_name("Istunnot ja sivunäytöt kuukausittain", 1, out, sizeof(out));
	assert_string_equal(out, "Istunnot ja sivunäytöt kuukausi");
	assert_int_equal(utf8_chars(out, false), 31);
	export_xlsx_sheet_name("a/b\\c[d]e:f*g?h", 1, out, sizeof(out));
	assert_string_equal(out, "a-b-c-d-e-f-g-h");
	export_xlsx_sheet_name("'Quoted' ", 1, out, sizeof(out));
	assert_string_equal(out, "Quoted");
	export_xlsx_sheet_name("", 1, out, sizeof(out));
	assert_string_equal(out, "Sheet");
	export_xlsx_sheet_name("Istunnot ja sivunäytöt kuukausittain", 2, out, sizeof(out));
	assert_string_equal(out, "Istunnot ja sivunäytöt kuuk (2)");
	assert_int_equal(utf8_chars(out, false), 31);
	/* Nothing of the title may be cut inside a character. */
	export_xlsx_sheet_name("ääääääääääääääääääääääääääääääääääää", 1, out, sizeof(out));
	assert_int_equal(utf8_chars(out, false), 31);
}

static size_t files_in(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_workbook(void **state)
{
	static const char *const cols[] = { "month:month", "sessions:int", "zero_share:percent",
					    NULL };
	char dir[] = "/tmp/test_xlsx.XXXXXX", err[256];
	struct report r;
	struct strbuf out = { 0 };
	struct rtable *t;
	size_t row;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("TMPDIR", dir, 1);
	memset(&r, 0, sizeof(r));
	snprintf(r.lang, sizeof(r.lang), "fi");
	r.funder = true;
	/* Two tables of the same title: the second sheet gets " (2)". */
	for (int i = 0; i < 2; i++) {
		t = report_table(&r, "usage_by_month", cols);
		row = rtable_row(t);
		rtable_text(t, row, 0, "2026-11");
		rtable_count(t, row, 1, 3); /* suppressed: "<5" */
		rtable_derived(t, row, 2, 66.7, true, false);
	}
	assert_int_equal(export_xlsx(&r, "", &out, err, sizeof(err)), 0);
	assert_true(out.len > 100);
	assert_memory_equal(out.p, "PK", 2);
	assert_int_equal(files_in(dir), 0);
	assert_int_equal(export_xlsx(&r, "no_such", &out, err, sizeof(err)), -1);
	assert_int_equal(files_in(dir), 0);
	strbuf_release(&out);
	report_release(&r);
	unsetenv("TMPDIR");
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sheet_names),
		cmocka_unit_test(test_workbook),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
