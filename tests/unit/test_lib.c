/* Unit tests for the small shared pieces of lib/: uuids, numbers, files,
 * JSON strings, UTF-8 shortening, log lines, xstrndup, Redis addresses and
 * the health watch. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <poll.h>

#include <cmocka.h>
#include <jansson.h>

#include "file.h"
#include "healthwatch.h"
#include "log.h"
#include "num.h"
#include "redisx.h"
#include "strbuf.h"
#include "utf8.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

static void test_uuid(void **state)
{
	char out[UUID_STR_SIZE];

	(void)state;
	assert_true(uuid_valid("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2b"));
	assert_false(uuid_valid("0B6D4F2E-3C1A-4E5F-9A8B-7C6D5E4F3A2B")); /* ours are lower case */
	assert_false(uuid_valid("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2b0"));
	assert_false(uuid_valid("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2"));
	assert_false(uuid_valid("0b6d4f2e_3c1a-4e5f-9a8b-7c6d5e4f3a2b"));
	assert_false(uuid_valid("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2g"));
	assert_false(uuid_valid(""));
	assert_false(uuid_valid(NULL));
	assert_true(uuid_parse("0B6D4F2E-3C1A-4E5F-9A8B-7C6D5E4F3A2B", 36, out));
	assert_string_equal(out, "0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2b");
	/* the first 36 bytes of a longer text, as a URL path gives them */
	assert_true(uuid_parse("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2b/requeue", 36, NULL));
	assert_false(uuid_parse("0b6d4f2e-3c1a-4e5f-9a8b-7c6d5e4f3a2", 35, out));
	assert_false(uuid_parse("0b6d4f2e-3c1a-4e5f-9a8b\0-7c6d5e4f3a2b", 36, out));
}

static void test_num(void **state)
{
	long v = 7;

	(void)state;
	assert_int_equal(num_parse_long("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(num_parse_long("-3", -5, 5, &v), 0);
	assert_int_equal(v, -3);
	v = 7;
	assert_int_equal(num_parse_long("12abc", 0, 100000, &v), -1);
	assert_int_equal(num_parse_long(" 12", 0, 100, &v), -1);
	assert_int_equal(num_parse_long("+12", 0, 100, &v), -1);
	assert_int_equal(num_parse_long("", 0, 100, &v), -1);
	assert_int_equal(num_parse_long("-", -5, 100, &v), -1);
	assert_int_equal(num_parse_long("101", 0, 100, &v), -1);
	assert_int_equal(num_parse_long("99999999999999999999999", 0, 100, &v), -1);
	assert_int_equal(num_parse_long(NULL, 0, 100, &v), -1);
	assert_int_equal(v, 7); /* untouched on error */
}

static void test_file_read(void **state)
{
	char path[] = "/tmp/tj-test-file-XXXXXX", err[256];
	int fd = mkstemp(path);
	size_t len = 0;
	char *s;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "hello\nworld", 11), 11);
	close(fd);
	s = file_read(path, 100, &len, err, sizeof(err));
	assert_non_null(s);
	assert_int_equal(len, 11);
	assert_string_equal(s, "hello\nworld");
	free(s);
	s = file_read(path, 11, &len, err, sizeof(err));
	assert_non_null(s);
	free(s);
	s = file_read(path, 10, &len, err, sizeof(err)); /* refused, not cut */
	assert_null(s);
	assert_non_null(strstr(err, "too large"));
	unlink(path);
	s = file_read(path, 100, &len, err, sizeof(err));
	assert_null(s);
	assert_non_null(strstr(err, "cannot open"));
}

/* s as one JSON string literal must parse back to want. */
static void assert_json_string(const char *lit, const char *want)
{
	char doc[8192];
	json_error_t e;
	json_t *j;

	snprintf(doc, sizeof(doc), "[%s]", lit);
	j = json_loads(doc, 0, &e);
	if (!j)
		fail_msg("not JSON: %s (%s)", doc, e.text);
	assert_string_equal(json_string_value(json_array_get(j, 0)), want);
	json_decref(j);
}

static void test_json_str(void **state)
{
	struct strbuf b = STRBUF_INIT;

	(void)state;
	strbuf_json_str(&b, "plain");
	assert_string_equal(b.p, "\"plain\"");
	b.len = 0;
	strbuf_json_str(&b, "quote \" back \\ nl \n tab \t ä €");
	assert_json_string(b.p, "quote \" back \\ nl \n tab \t ä €");
	b.len = 0;
	strbuf_json_str(&b, "bad \xff byte and cut \xc3");
	assert_json_string(b.p, "bad \xef\xbf\xbd byte and cut \xef\xbf\xbd");
	/* shortened at a character boundary with a marker */
	b.len = 0;
	strbuf_json_strn(&b, "ääääääääää", 9); /* 20 bytes; room for 3 ä + … */
	assert_json_string(b.p, "äää…");
	b.len = 0;
	strbuf_json_strn(&b, "\"\"\"\"\"\"\"\"\"\"", 10); /* never half an escape */
	assert_json_string(b.p, "\"\"\"…");
	b.len = 0;
	strbuf_json_strn(&b, "fits", 10);
	assert_string_equal(b.p, "\"fits\"");
	b.len = 0;
	strbuf_addf(&b, "%d-%s", 42, "x");
	assert_string_equal(b.p, "42-x");
	strbuf_release(&b);
}

static void test_utf8_clip(void **state)
{
	char dst[12];

	(void)state;
	assert_int_equal(utf8_clip(dst, sizeof(dst), "short"), 5);
	assert_string_equal(dst, "short");
	/* 11 bytes of room: "ääää" is 8, then "…" (3) */
	utf8_clip(dst, sizeof(dst), "äääääääää");
	assert_string_equal(dst, "ääää…");
	assert_true(utf8_chars(dst, false) > 0);
	utf8_clip(dst, sizeof(dst), "a\xffz");
	assert_string_equal(dst, "a\xef\xbf\xbdz");
	utf8_clip(dst, sizeof(dst), "0123456789abcdef");
	assert_string_equal(dst, "01234567…");
	utf8_clip(dst, sizeof(dst), "0123456789a"); /* exactly fits */
	assert_string_equal(dst, "0123456789a");
}

/* Runs log_event with stderr sent to a file and returns the line. */
static char *logged(const char *value)
{
	char path[] = "/tmp/tj-test-log-XXXXXX", err[64];
	int fd = mkstemp(path), saved = dup(2);
	char *s;

	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, 2);
	log_event(LOG_ERROR, "test event", "value", value, "other", "x", NULL);
	dup2(saved, 2);
	close(saved);
	close(fd);
	s = file_read(path, 1 << 20, NULL, err, sizeof(err));
	unlink(path);
	assert_non_null(s);
	return s;
}

static void test_log_line_stays_json(void **state)
{
	char *big = xmalloc(20001), *line;
	json_error_t e;
	json_t *j;

	(void)state;
	log_init("test", "unit");
	/* 10,000 two-byte characters and quotes that need escaping */
	for (int i = 0; i < 20000; i += 2) {
		big[i] = i % 10 ? (char)0xc3 : '"';
		big[i + 1] = i % 10 ? (char)0xa4 : '"';
	}
	big[20000] = '\0';
	line = logged(big);
	assert_true(strlen(line) <= 4096);
	assert_int_equal(line[strlen(line) - 1], '\n');
	j = json_loads(line, 0, &e);
	if (!j)
		fail_msg("log line is not JSON: %s", e.text);
	assert_string_equal(json_string_value(json_object_get(j, "other")), "x");
	assert_non_null(strstr(json_string_value(json_object_get(j, "value")), "…"));
	json_decref(j);
	free(line);
	free(big);
}

static void test_xstrndup_short(void **state)
{
	char *short_heap = xstrdup("ab"), *s;

	(void)state;
	/* n larger than the string: must stop at its NUL (AddressSanitizer
	 * reports the read past the 3-byte allocation otherwise). */
	s = xstrndup(short_heap, 64);
	assert_string_equal(s, "ab");
	free(s);
	s = xstrndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	free(short_heap);
}

static void test_redis_addr(void **state)
{
	char err[256];

	(void)state;
	assert_null(redisx_connect("127.0.0.1:12abc", 100, err, sizeof(err)));
	assert_non_null(strstr(err, "bad redis port"));
	assert_null(redisx_connect("127.0.0.1:", 100, err, sizeof(err)));
	assert_null(redisx_connect("127.0.0.1:70000", 100, err, sizeof(err)));
	assert_null(redisx_connect("localhost", 100, err, sizeof(err)));
}

struct probe {
	int checks, resets;
	bool healthy;
};

static int probe_check(void *ctx, char *err, size_t errlen)
{
	struct probe *p = ctx;

	p->checks++;
	if (!p->healthy)
		snprintf(err, errlen, "refused");
	return p->healthy ? 0 : -1;
}

static void probe_reset(void *ctx)
{
	((struct probe *)ctx)->resets++;
}

static void test_healthwatch(void **state)
{
	struct probe p = { .healthy = false };
	struct healthwatch hw;
	char err[128];
	int waited = 0;

	(void)state;
	healthwatch_init(&hw, "probe", 10000, probe_check, probe_reset, &p);
	assert_true(healthwatch_ok(&hw));
	assert_int_equal(healthwatch_start(&hw, err, sizeof(err)), 0);
	while (healthwatch_checked_ms(&hw) == 0 && waited++ < 2000)
		poll(NULL, 0, 1);
	assert_true(healthwatch_checked_ms(&hw) > 0);
	assert_false(healthwatch_ok(&hw));
	assert_int_equal(healthwatch_outages(&hw), 1); /* the first check failed */
	/* a 10 s interval, yet release returns at once: the thread is woken */
	healthwatch_release(&hw);
	assert_int_equal(p.checks, 1);
	assert_true(p.resets >= 2); /* after the failed check, and at release */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uuid),           cmocka_unit_test(test_num),
		cmocka_unit_test(test_file_read),      cmocka_unit_test(test_json_str),
		cmocka_unit_test(test_utf8_clip),      cmocka_unit_test(test_log_line_stays_json),
		cmocka_unit_test(test_xstrndup_short), cmocka_unit_test(test_redis_addr),
		cmocka_unit_test(test_healthwatch),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
