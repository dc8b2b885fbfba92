/* Unit tests for the directory's search index that need no PostgreSQL: the
 * loader's start when the process has no file descriptor left, a dimension
 * released before it was sealed (a build that failed half way), and a
 * dimension's lookups. */
// units: services/directory/index.c services/directory/idx_bits.c services/directory/idx_dim.c
// units: services/directory/idx_snap.c services/directory/idx_tables.c
// units: services/directory/idx_build.c services/directory/idx_refresh.c
// units: services/directory/idx_plan.c services/directory/idx_render.c services/directory/idx_text.c
// units: services/directory/textidx.c services/directory/textterms.c services/directory/textquery.c services/directory/morph.c
// units: services/directory/icd10.c
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmocka.h>

#include "idx_dim.h"
#include "index.h"

/* No PostgreSQL listens here: port 1 refuses at once. */
#define NOWHERE "host=127.0.0.1 port=1 connect_timeout=1"

/* The lowest free descriptor, as a limit under which no new one opens. */
static rlim_t lowest_free_fd(void)
{
	int fd = dup(0);

	assert_true(fd >= 0);
	close(fd);
	return (rlim_t)fd;
}

static void test_start_without_descriptors_fails_and_destroy_returns(void **state)
{
	struct rlimit saved, low;
	struct index *ix;
	int rc;

	(void)state;
	/* A hang in index_destroy (waiting on a thread nothing can wake)
	 * becomes a failure, not a stuck test run. */
	alarm(10);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &saved), 0);
	low = saved;
	low.rlim_cur = lowest_free_fd();
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &low), 0);
	ix = index_new(NOWHERE, NULL);
	rc = index_start(ix);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &saved), 0);
	assert_int_equal(rc, -1);
	assert_null(index_acquire(ix));
	index_destroy(&ix);
	assert_null(ix);
	index_destroy(&ix); /* NULL is fine */
	alarm(0);
}

static void test_start_and_destroy_without_database(void **state)
{
	struct index *ix = index_new(NOWHERE, NULL);

	(void)state;
	alarm(10);
	/* No database: the loader starts all the same and retries. */
	assert_int_equal(index_start(ix), 0);
	assert_null(index_acquire(ix));
	index_destroy(&ix);
	assert_null(ix);
	alarm(0);
}

static void test_unsealed_dimension_releases(void **state)
{
	struct idx_dim d = { 0 };

	(void)state;
	idx_dim_add(&d, "memory", "need");
	idx_dim_add(&d, "mental-health", "need");
	idx_dim_release(&d); /* before idx_dim_seal: no bitmaps yet */
	assert_int_equal(d.n, 0);
	assert_null(d.keys);
}

static void test_dimension_lookup(void **state)
{
	struct idx_dim d = { 0 };

	(void)state;
	idx_dim_add(&d, "kind", NULL);
	idx_dim_add(&d, "need", NULL);
	idx_dim_add(&d, "area", NULL);
	idx_dim_seal(&d, 1);
	assert_int_equal(idx_dim_find(&d, "need", 4), 1);
	assert_int_equal(idx_dim_find(&d, "area,kind", 4), 2);
	assert_int_equal(idx_dim_find(&d, "nee", 3), -1);
	assert_int_equal(idx_dim_find(&d, "needs", 5), -1);
	assert_string_equal(d.keyjson[0], "\"kind\":");
	idx_dim_set_list(&d, "need,nothing,area", 5);
	assert_int_equal(d.nval, 2);
	assert_true(d.bits[1][0] & (1u << 5));
	assert_true(d.bits[2][0] & (1u << 5));
	assert_false(d.bits[0][0] & (1u << 5));
	idx_dim_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start_without_descriptors_fails_and_destroy_returns),
		cmocka_unit_test(test_start_and_destroy_without_database),
		cmocka_unit_test(test_unsealed_dimension_releases),
		cmocka_unit_test(test_dimension_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
