/*
 * pagecache.c - the search pages sent, kept by request (see pagecache.h).
 *
 * A hash table of chains over a fixed number of buckets (sized from the
 * byte limit), and a doubly linked list from the most to the least recently
 * used page.  The keys come from outside (a query string), so the hash is
 * keyed: SipHash (libsodium's crypto_shorthash) with a key drawn at start.
 */
#include "pagecache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "xalloc.h"
#include "banned.h"

/* One bucket per this many bytes of the limit (a page is 2-15 KB), and at
 * least MIN_BUCKETS. */
#define BYTES_PER_BUCKET 4096
#define MIN_BUCKETS 256

struct page {
	atomic_uint refs;
	struct page *next;          /* its bucket's chain */
	struct page *newer, *older; /* the recency list */
	uint64_t hash;
	uint64_t tag, instance;
	int32_t total;
	const uint8_t *json;
	size_t len;
	size_t bytes; /* what it counts against the limit */
	void *owner;
	void (*owner_free)(void *);
	size_t klen;
	uint8_t key[];
};

struct pagecache {
	pthread_mutex_t lock;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct page **buckets;
	size_t mask;                  /* buckets - 1 (a power of two) */
	struct page *newest, *oldest; /* the recency list's ends */
	size_t bytes, max_bytes, pages;
	struct {
		uint64_t instance, tag;
		int64_t until_us;
	} heard[PAGECACHE_INSTANCES]; /* the notices' latest word per instance */
	atomic_uint_fast64_t current, unchanged, fetched, evicted;
};

struct pagecache *pagecache_new(size_t max_bytes)
{
	struct pagecache *pc;
	size_t n = MIN_BUCKETS;

	if (!max_bytes || sodium_init() < 0)
		return NULL;
	pc = xcalloc(1, sizeof(*pc));
	if (pthread_mutex_init(&pc->lock, NULL)) {
		free(pc);
		return NULL;
	}
	while (n < max_bytes / BYTES_PER_BUCKET && n < ((size_t)1 << 24))
		n <<= 1;
	pc->buckets = xcalloc(n, sizeof(*pc->buckets));
	pc->mask = n - 1;
	pc->max_bytes = max_bytes;
	randombytes_buf(pc->hkey, sizeof(pc->hkey));
	return pc;
}

static void page_free(struct page *p)
{
	if (p->owner_free)
		p->owner_free(p->owner);
	free(p);
}

void page_unref(void *page)
{
	struct page *p = page;

	if (p && atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
		page_free(p);
}

static void page_ref(struct page *p)
{
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void pagecache_destroy(struct pagecache **pp)
{
	struct pagecache *pc = *pp;
	struct page *p, *older;

	if (!pc)
		return;
	for (p = pc->newest; p; p = older) {
		older = p->older;
		page_unref(p);
	}
	free(pc->buckets);
	pthread_mutex_destroy(&pc->lock);
	free(pc);
	*pp = NULL;
}

static uint64_t hash_of(const struct pagecache *pc, const void *key, size_t klen)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, key, klen, pc->hkey);
	memcpy(&v, h, sizeof(v));
	return v;
}

/* --- the recency list and the table (under the lock) ------------------------ */

static void list_unlink(struct pagecache *pc, struct page *p)
{
	if (p->newer)
		p->newer->older = p->older;
	else
		pc->newest = p->older;
	if (p->older)
		p->older->newer = p->newer;
	else
		pc->oldest = p->newer;
	p->newer = p->older = NULL;
}

static void list_push(struct pagecache *pc, struct page *p)
{
	p->newer = NULL;
	p->older = pc->newest;
	if (pc->newest)
		pc->newest->newer = p;
	else
		pc->oldest = p;
	pc->newest = p;
}

/* The table's slot that points at the page for key (or at the chain's
 * end, NULL, when there is none). */
static struct page **slot_of(struct pagecache *pc, uint64_t hash, const void *key, size_t klen)
{
	struct page **s = &pc->buckets[hash & pc->mask];

	while (*s && !((*s)->hash == hash && (*s)->klen == klen && !memcmp((*s)->key, key, klen)))
		s = &(*s)->next;
	return s;
}

/* Takes the page out of the table and the list and drops the table's
 * reference. */
static void drop(struct pagecache *pc, struct page *p)
{
	struct page **s = slot_of(pc, p->hash, p->key, p->klen);

	*s = p->next;
	p->next = NULL;
	list_unlink(pc, p);
	pc->bytes -= p->bytes;
	pc->pages--;
	page_unref(p);
}

/* --- the calls ---------------------------------------------------------------- */

struct page *pagecache_get(struct pagecache *pc, const void *key, size_t klen, int64_t now_us,
			   bool *current)
{
	struct page *p;
	uint64_t hash;

	*current = false;
	if (!pc)
		return NULL;
	hash = hash_of(pc, key, klen);
	pthread_mutex_lock(&pc->lock);
	p = *slot_of(pc, hash, key, klen);
	if (p) {
		page_ref(p);
		list_unlink(pc, p);
		list_push(pc, p);
		for (size_t i = 0; i < PAGECACHE_INSTANCES; i++)
			if (pc->heard[i].instance == p->instance) {
				*current = pc->heard[i].tag == p->tag &&
					   now_us < pc->heard[i].until_us;
				break;
			}
	}
	pthread_mutex_unlock(&pc->lock);
	if (*current)
		atomic_fetch_add_explicit(&pc->current, 1, memory_order_relaxed);
	return p;
}

void pagecache_heard(struct pagecache *pc, uint64_t instance, uint64_t tag, int64_t until_us)
{
	size_t slot = 0;

	if (!pc || !instance)
		return;
	pthread_mutex_lock(&pc->lock);
	for (size_t i = 0; i < PAGECACHE_INSTANCES; i++) {
		if (pc->heard[i].instance == instance) {
			slot = i;
			break;
		}
		if (pc->heard[i].until_us < pc->heard[slot].until_us)
			slot = i; /* else the one whose lease ended first */
	}
	pc->heard[slot].instance = instance;
	pc->heard[slot].tag = tag;
	pc->heard[slot].until_us = until_us;
	pthread_mutex_unlock(&pc->lock);
}

struct page *pagecache_put(struct pagecache *pc, const void *key, size_t klen, const uint8_t *json,
			   size_t len, int32_t total, uint64_t tag, uint64_t instance, void *owner,
			   void (*owner_free)(void *))
{
	struct page *p = xmalloc(sizeof(*p) + klen), *old;

	memset(p, 0, sizeof(*p));
	atomic_init(&p->refs, 1);
	memcpy(p->key, key, klen);
	p->klen = klen;
	p->json = json;
	p->len = len;
	p->total = total;
	p->tag = tag;
	p->instance = instance;
	p->owner = owner;
	p->owner_free = owner_free;
	p->bytes = sizeof(*p) + klen + len;
	if (!pc)
		return p;
	atomic_fetch_add_explicit(&pc->fetched, 1, memory_order_relaxed);
	if (!tag || p->bytes > pc->max_bytes)
		return p;
	p->hash = hash_of(pc, key, klen);
	pthread_mutex_lock(&pc->lock);
	if ((old = *slot_of(pc, p->hash, key, klen)))
		drop(pc, old);
	while (pc->oldest && pc->bytes + p->bytes > pc->max_bytes) {
		drop(pc, pc->oldest);
		atomic_fetch_add_explicit(&pc->evicted, 1, memory_order_relaxed);
	}
	*slot_of(pc, p->hash, key, klen) = p;
	list_push(pc, p);
	pc->bytes += p->bytes;
	pc->pages++;
	page_ref(p); /* the table's */
	pthread_mutex_unlock(&pc->lock);
	return p;
}

void pagecache_note_unchanged(struct pagecache *pc)
{
	if (pc)
		atomic_fetch_add_explicit(&pc->unchanged, 1, memory_order_relaxed);
}

void pagecache_get_stats(struct pagecache *pc, struct pagecache_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (!pc)
		return;
	out->current = atomic_load_explicit(&pc->current, memory_order_relaxed);
	out->unchanged = atomic_load_explicit(&pc->unchanged, memory_order_relaxed);
	out->fetched = atomic_load_explicit(&pc->fetched, memory_order_relaxed);
	out->evicted = atomic_load_explicit(&pc->evicted, memory_order_relaxed);
	pthread_mutex_lock(&pc->lock);
	out->pages = pc->pages;
	out->bytes = pc->bytes;
	pthread_mutex_unlock(&pc->lock);
	out->max_bytes = pc->max_bytes;
}

const uint8_t *page_json(const struct page *p, size_t *len)
{
	*len = p->len;
	return p->json;
}

int32_t page_total(const struct page *p)
{
	return p->total;
}

uint64_t page_tag(const struct page *p)
{
	return p->tag;
}
