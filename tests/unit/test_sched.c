// units: services/directory/sched.c
/* Unit tests for services/directory/sched.c: the scheduler loop's timing
 * (first round, the interval, the test clock's wake-up, a prompt stop),
 * without a database (a job without a lock). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock.h"
#include "sched.h"
#include "simclock.h"

struct fixture {
	char dir[64];
	char file[96];
	struct simclock *clock;
	atomic_int rounds;
	atomic_bool db_seen; /* a round got a connection (it must not, without a lock) */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/test_sched.XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->file, sizeof(f->file), "%s/clock-offset", f->dir);
	f->clock = simclock_new(f->file);
	atomic_init(&f->rounds, 0);
	atomic_init(&f->db_seen, false);
	*state = f;
	return f->clock ? 0 : -1;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	simclock_destroy(&f->clock);
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

static void count_round(struct sched *s, PGconn *db, void *arg)
{
	struct fixture *f = arg;

	(void)s;
	if (db)
		atomic_store(&f->db_seen, true);
	atomic_fetch_add(&f->rounds, 1);
}

/* Polls (every 5 ms, at most 'bound_ms') until 'want' rounds ran; the
 * milliseconds it took, or -1. */
static int64_t wait_rounds(struct fixture *f, int want, int64_t bound_ms)
{
	int64_t t0 = clock_mono_us();

	while (atomic_load(&f->rounds) < want) {
		if (clock_mono_us() - t0 > bound_ms * 1000)
			return -1;
		usleep(5000);
	}
	return (clock_mono_us() - t0) / 1000;
}

static struct sched_job job_of(struct fixture *f, int first_ms, int settle_ms, int every_s)
{
	return (struct sched_job){ .name = "test",
				   .clock = f->clock,
				   .first_ms = first_ms,
				   .settle_ms = settle_ms,
				   .every_s = every_s,
				   .round = count_round,
				   .arg = f };
}

/* The first round after first_ms, not before; the settle round after
 * settle_ms; then nothing for the interval. */
static void test_first_and_settle(void **state)
{
	struct fixture *f = *state;
	struct sched_job job = job_of(f, 300, 300, 3600);
	int64_t t0 = clock_mono_us(), ms;
	struct sched *s = sched_start(&job);

	assert_non_null(s);
	assert_true(wait_rounds(f, 1, 5000) >= 0);
	ms = (clock_mono_us() - t0) / 1000;
	assert_true(ms >= 290);
	assert_true(wait_rounds(f, 2, 5000) >= 0);
	ms = (clock_mono_us() - t0) / 1000;
	assert_true(ms >= 590);
	assert_int_equal(wait_rounds(f, 3, 400), -1); /* the hour has not passed */
	sched_stop(&s);
	assert_null(s);
	assert_false(atomic_load(&f->db_seen));
}

/* A change of the test clock's offset wakes the loop for a round at once
 * (the contract says within 100 ms; bounded generously for a loaded
 * machine), every change again. */
static void test_clock_change_wakes(void **state)
{
	struct fixture *f = *state;
	struct sched_job job = job_of(f, 50, 0, 3600);
	struct sched *s;

	put(f, "0\n");
	s = sched_start(&job);
	assert_non_null(s);
	assert_true(wait_rounds(f, 1, 5000) >= 0);
	for (int i = 1; i <= 3; i++) {
		char text[16];
		int64_t ms;

		snprintf(text, sizeof(text), "%d\n", i * 86400);
		put(f, text);
		ms = wait_rounds(f, 1 + i, 2000);
		assert_true(ms >= 0);
		assert_true(ms < 1000);
	}
	sched_stop(&s);
}

/* Stopping interrupts the wait at once, and sched_stop accepts NULL. */
static void test_stop_at_once(void **state)
{
	struct fixture *f = *state;
	struct sched_job job = job_of(f, 3600 * 1000, 0, 3600);
	struct sched *s = sched_start(&job);
	int64_t t0;

	assert_non_null(s);
	t0 = clock_mono_us();
	sched_stop(&s);
	assert_true(clock_mono_us() - t0 < 1500 * 1000);
	assert_int_equal(atomic_load(&f->rounds), 0);
	sched_stop(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_and_settle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_change_wakes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_at_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
