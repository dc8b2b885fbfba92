// units: services/gateway/static.c
/*
 * Unit tests for the gateway's web files: which Accept-Encoding values take
 * gzip (RFC 9110 q-values), and loading a folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "static.h"

static void test_gzip_taken(void **state)
{
	static const char *const yes[] = {
		"gzip",
		"GZIP",
		"x-gzip",
		"deflate, gzip",
		"gzip;q=0.5",
		"gzip; q=1",
		"gzip;Q=0.001",
		"br;q=1.0, gzip;q=0.8, *;q=0.1",
		"*",
		"*;q=0.2, identity;q=0.1",
		"gzip;q=1.000",
		" gzip , br",
		"identity, gzip;level=9",
		"gzip;q=0, gzip;q=0.5",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!static_accepts_gzip(yes[i]))
			fail_msg("'%s' should take gzip", yes[i]);
}

static void test_gzip_refused(void **state)
{
	static const char *const no[] = {
		"",
		"identity",
		"br",
		"deflate, br",
		"gzip;q=0",
		"gzip; q=0",
		"GZIP;Q=0.0",
		"gzip;q=0.000",
		"gzip;q=0, *",
		"*;q=0",
		"*;q=0, identity",
		"br, gzip;q=0.000",
		"gzipx",
		"xgzip",
		"gzip-2",
		"notgzip;q=1",
		"gzip;q=",
		"gzip;q=2",
		"gzip;q=0.0001",
		"gzip;q=abc",
		"gzip;q=1.5",
		"gzip;q=-1",
	};

	(void)state;
	assert_false(static_accepts_gzip(NULL));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (static_accepts_gzip(no[i]))
			fail_msg("'%s' should not take gzip", no[i]);
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Regular files are served, dot files and symbolic links are not. */
static void test_load_folder(void **state)
{
	char dir[] = "/tmp/tj-static-XXXXXX", sub[600], err[256], cmd[700];
	struct static_files *s;
	size_t bytes = 0;

	(void)state;
	assert_int_equal(sodium_init() < 0, 0);
	assert_non_null(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/css", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	put(dir, "index.html", "<!doctype html><title>t</title>");
	put(dir, ".secret", "not served");
	put(dir, "css/site.css", "body{}");
	snprintf(sub, sizeof(sub), "%s/link.html", dir);
	assert_int_equal(symlink("/etc/passwd", sub), 0);
	s = static_load(dir, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(static_count(s, &bytes), 2);
	assert_int_equal(bytes, strlen("<!doctype html><title>t</title>") + strlen("body{}"));
	static_destroy(&s);
	assert_null(s);
	static_destroy(&s); /* NULL is fine */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	assert_null(static_load("/nonexistent/tj-web", err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/tj-web"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_taken),
		cmocka_unit_test(test_gzip_refused),
		cmocka_unit_test(test_load_folder),
	};

	alarm(60);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
