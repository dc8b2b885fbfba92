// units: services/gateway/pagecache.c
/*
 * Unit tests for the gateway's kept search pages (pagecache.h): a page is
 * found by its request's bytes only, a new page replaces the old one, the
 * byte limit holds by dropping the least recently used, a page dropped
 * while a response still holds it lives until that reference goes, and a
 * page without a tag or larger than the limit is answered but not kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pagecache.h"

static int freed; /* owners freed so far */

static void owner_free(void *owner)
{
	freed++;
	free(owner);
}

/* A page of 'len' bytes of 'c' for key, tag as given, kept if it fits;
 * returns it with the caller's reference. */
static struct page *put(struct pagecache *pc, const char *key, size_t len, char c, uint64_t tag)
{
	uint8_t *json = malloc(len);

	assert_non_null(json);
	memset(json, c, len);
	return pagecache_put(pc, key, strlen(key), json, len, 7, tag, 77, json, owner_free);
}

/* A get that ignores whether a notice holds the page. */
static struct page *get(struct pagecache *pc, const char *key, size_t klen)
{
	bool current;

	return pagecache_get(pc, key, klen, 0, &current);
}

static void test_found_by_key(void **state)
{
	struct pagecache *pc = pagecache_new(1 << 20);
	struct page *p, *q;
	const uint8_t *json;
	size_t len;

	(void)state;
	freed = 0;
	assert_non_null(pc);
	assert_null(get(pc, "need=memory", 11));
	page_unref(put(pc, "need=memory", 100, 'a', 42));
	p = get(pc, "need=memory", 11);
	assert_non_null(p);
	json = page_json(p, &len);
	assert_int_equal(len, 100);
	assert_int_equal(json[0], 'a');
	assert_int_equal(page_tag(p), 42);
	assert_int_equal(page_total(p), 7);
	/* Another key, even a prefix of it, is not the same page. */
	assert_null(get(pc, "need=memor", 10));
	assert_null(get(pc, "need=memorz", 11));
	/* A new page for the key replaces it; the old one lives while held. */
	page_unref(put(pc, "need=memory", 50, 'b', 43));
	assert_int_equal(freed, 0);
	q = get(pc, "need=memory", 11);
	assert_int_equal(page_tag(q), 43);
	page_json(q, &len);
	assert_int_equal(len, 50);
	page_unref(p);
	assert_int_equal(freed, 1);
	page_unref(q);
	pagecache_destroy(&pc);
	assert_null(pc);
	assert_int_equal(freed, 2);
}

static void test_bounded_lru(void **state)
{
	struct pagecache *pc = pagecache_new(64 * 1024);
	struct pagecache_stats st;
	struct page *held;
	char key[32];

	(void)state;
	freed = 0;
	/* 10 KB pages: six fit in 64 KB, with their keys and headers. */
	for (int i = 0; i < 6; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		page_unref(put(pc, key, 10000, 'x', 1));
	}
	pagecache_get_stats(pc, &st);
	assert_int_equal(st.pages, 6);
	assert_int_equal(st.evicted, 0);
	assert_true(st.bytes <= 64 * 1024);
	/* k0 is used again: k1 is now the least recently used, and goes
	 * first; a response still sending it keeps it alive. */
	page_unref(get(pc, "k0", 2));
	held = get(pc, "k1", 2);
	page_unref(get(pc, "k0", 2));
	page_unref(get(pc, "k2", 2));
	page_unref(get(pc, "k3", 2));
	page_unref(get(pc, "k4", 2));
	page_unref(get(pc, "k5", 2));
	page_unref(put(pc, "k6", 10000, 'y', 1));
	pagecache_get_stats(pc, &st);
	assert_int_equal(st.evicted, 1);
	assert_int_equal(st.pages, 6);
	assert_true(st.bytes <= 64 * 1024);
	assert_null(get(pc, "k1", 2));
	assert_int_equal(freed, 0);
	assert_int_equal(page_json(held, &(size_t){ 0 })[9999], 'x');
	page_unref(held);
	assert_int_equal(freed, 1);
	for (int i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "many%d", i);
		page_unref(put(pc, key, 3000, 'z', 9));
	}
	pagecache_get_stats(pc, &st);
	assert_true(st.bytes <= 64 * 1024);
	assert_true(st.pages >= 15);
	assert_int_equal(st.fetched, 1007);
	pagecache_destroy(&pc);
	assert_int_equal(freed, 1007);
}

static void test_not_kept(void **state)
{
	struct pagecache *pc = pagecache_new(8192);
	struct page *p;
	size_t len;

	(void)state;
	freed = 0;
	/* Larger than the whole cache: answered, not kept. */
	p = put(pc, "big", 9000, 'b', 5);
	assert_int_equal(page_json(p, &len)[8999], 'b');
	page_unref(p);
	assert_int_equal(freed, 1);
	assert_null(get(pc, "big", 3));
	/* No tag (an older directory): not kept. */
	page_unref(put(pc, "old", 10, 'o', 0));
	assert_null(get(pc, "old", 3));
	assert_int_equal(freed, 2);
	pagecache_destroy(&pc);
	/* No cache at all (TARJOTIN_GATEWAY_PAGE_CACHE_MB=0): every call
	 * still answers. */
	assert_null(pagecache_new(0));
	assert_null(get(NULL, "k", 1));
	p = put(NULL, "k", 10, 'n', 3);
	assert_int_equal(page_json(p, &len)[0], 'n');
	page_unref(p);
	pagecache_note_unchanged(NULL);
	assert_int_equal(freed, 3);
}

static void test_notices(void **state)
{
	struct pagecache *pc = pagecache_new(1 << 20);
	struct pagecache_stats st;
	bool current;

	(void)state;
	page_unref(put(pc, "q=muisti", 100, 'm', 42)); /* instance 77, tag 42 */
	/* Nothing heard of instance 77 yet: not current. */
	page_unref(pagecache_get(pc, "q=muisti", 8, 1000, &current));
	assert_false(current);
	/* Its notice holds tag 42 until 2000 us. */
	pagecache_heard(pc, 77, 42, 2000);
	page_unref(pagecache_get(pc, "q=muisti", 8, 1999, &current));
	assert_true(current);
	/* The lease ended. */
	page_unref(pagecache_get(pc, "q=muisti", 8, 2000, &current));
	assert_false(current);
	/* Another instance's notice of the same tag says nothing of it. */
	pagecache_heard(pc, 78, 42, 9000);
	page_unref(pagecache_get(pc, "q=muisti", 8, 3000, &current));
	assert_false(current);
	/* A new snapshot at 77: the page's tag no longer holds. */
	pagecache_heard(pc, 77, 43, 9000);
	page_unref(pagecache_get(pc, "q=muisti", 8, 3000, &current));
	assert_false(current);
	pagecache_heard(pc, 77, 42, 9000);
	page_unref(pagecache_get(pc, "q=muisti", 8, 3000, &current));
	assert_true(current);
	/* Many instances: the table keeps the newest leases, 77's among them. */
	for (uint64_t i = 1000; i < 1000 + 2 * PAGECACHE_INSTANCES; i++)
		pagecache_heard(pc, i, 1, 100 + (int64_t)i);
	pagecache_heard(pc, 77, 42, 9000);
	page_unref(pagecache_get(pc, "q=muisti", 8, 3000, &current));
	assert_true(current);
	pagecache_get_stats(pc, &st);
	assert_int_equal(st.current, 3);
	pagecache_destroy(&pc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_found_by_key),
		cmocka_unit_test(test_bounded_lru),
		cmocka_unit_test(test_not_kept),
		cmocka_unit_test(test_notices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
