/* Unit tests for lib/simclock.c: the review's clock and its test offset file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "simclock.h"

struct fixture {
	char dir[64];
	char file[96];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_simclock.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->file, sizeof(f->file), "%s/clock-offset", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->file);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void put(const struct fixture *f, const char *text)
{
	char tmp[128];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.new", f->file);
	fp = fopen(tmp, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(rename(tmp, f->file), 0);
}

/* Polls (bounded: 2 s) until the clock's generation differs from 'old'. */
static uint64_t wait_generation(struct simclock *c, uint64_t old)
{
	int64_t until = clock_mono_us() + 2000000;
	uint64_t g;

	while ((g = simclock_generation(c)) == old && clock_mono_us() < until)
		usleep(5000);
	return g;
}

static void test_no_file_is_wall_clock(void **state)
{
	struct simclock *c = simclock_new(NULL);
	int64_t before = clock_wall_ms(), now = simclock_now_ms(c), after = clock_wall_ms();

	(void)state;
	assert_false(simclock_testing(c));
	assert_true(now >= before && now <= after);
	assert_int_equal(simclock_generation(c), 0);
	simclock_destroy(&c);
	assert_null(c);
	c = simclock_new("");
	assert_false(simclock_testing(c));
	simclock_destroy(&c);
}

static void test_missing_file_is_offset_zero(void **state)
{
	struct fixture *f = *state;
	struct simclock *c = simclock_new(f->file);
	int64_t before = clock_wall_ms(), now = simclock_now_ms(c);

	assert_true(simclock_testing(c));
	assert_true(now >= before && now - before < 1000);
	simclock_destroy(&c);
}

static void test_offset_follows_file(void **state)
{
	struct fixture *f = *state;
	struct simclock *c;
	uint64_t g0, g1, g2;
	int64_t d;

	put(f, "0\n");
	c = simclock_new(f->file);
	g0 = simclock_generation(c);
	put(f, "15724800\n"); /* 182 days */
	g1 = wait_generation(c, g0);
	assert_true(g1 != g0);
	d = simclock_now_ms(c) - clock_wall_ms();
	assert_true(d > 15724800LL * 1000 - 1000 && d <= 15724800LL * 1000);

	put(f, "-86400");
	g2 = wait_generation(c, g1);
	assert_true(g2 != g1);
	d = simclock_now_ms(c) - clock_wall_ms();
	assert_true(d > -86400LL * 1000 - 1000 && d <= -86400LL * 1000);
	simclock_destroy(&c);
}

static void test_bad_content_keeps_last_offset(void **state)
{
	struct fixture *f = *state;
	struct simclock *c;
	uint64_t g;
	int64_t until, d;

	put(f, "3600");
	c = simclock_new(f->file);
	d = simclock_now_ms(c) - clock_wall_ms();
	assert_true(d > 3600LL * 1000 - 1000 && d <= 3600LL * 1000);
	g = simclock_generation(c);
	put(f, "1.5 days");
	/* The clock re-reads within 50 ms; look well past that (bounded). */
	until = clock_mono_us() + 200000;
	while (clock_mono_us() < until) {
		d = simclock_now_ms(c) - clock_wall_ms();
		assert_true(d > 3600LL * 1000 - 1000 && d <= 3600LL * 1000);
		usleep(10000);
	}
	assert_int_equal(simclock_generation(c), g);
	put(f, "+5");
	put(f, "7200");
	assert_true(wait_generation(c, g) != g);
	d = simclock_now_ms(c) - clock_wall_ms();
	assert_true(d > 7200LL * 1000 - 1000 && d <= 7200LL * 1000);
	simclock_destroy(&c);
}

static void test_iso(void **state)
{
	struct simclock *c = simclock_new(NULL);
	char buf[32];

	(void)state;
	simclock_iso(c, buf, sizeof(buf));
	assert_int_equal(strlen(buf), 24);
	assert_int_equal(buf[4], '-');
	assert_int_equal(buf[10], 'T');
	assert_int_equal(buf[19], '.');
	assert_int_equal(buf[23], 'Z');
	simclock_destroy(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_file_is_wall_clock),
		cmocka_unit_test_setup_teardown(test_missing_file_is_offset_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offset_follows_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_content_keeps_last_offset, setup,
						teardown),
		cmocka_unit_test(test_iso),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
