/*
 * pagecache.h - the search pages this gateway has sent, kept with the tag of
 * the directory's snapshot that rendered them (proto/search.proto), so that
 * the same search asked again costs the directory a comparison of tags and
 * the link a reply of a few bytes, not a 12-15 KB page.
 *
 * A page is sent again only when the directory instance that rendered it
 * says that its tag is still the tag of its current snapshot: in a reply
 * ("unchanged", to a request that carried the tag), or in a snapshot notice
 * whose lease has not ended (proto/search.proto SnapshotNotice; the
 * directory sends one at once when its snapshot changes, and every 50 ms
 * besides).  The cache never decides on its own that a page is fresh, so
 * it cannot send an answer that instance would no longer give, beyond the
 * few milliseconds a notice takes to arrive.  Only public answers go in
 * (the search API's: the same for everyone who asks).
 *
 * Bounded by bytes; the least recently used pages go first.  Pages are
 * reference-counted: one evicted or replaced while a response still sends it
 * lives until that response is done.  Thread-safe.
 */
#ifndef TJ_PAGECACHE_H
#define TJ_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pagecache;
struct page;

struct pagecache_stats {
	uint64_t current;   /* pages sent again on a notice, without asking */
	uint64_t unchanged; /* pages sent again on the directory's "unchanged" */
	uint64_t fetched;   /* pages the directory sent in full (none kept, or a new tag) */
	uint64_t evicted;   /* pages dropped for room */
	uint64_t pages;     /* held now */
	uint64_t bytes;     /* held now, keys included */
	uint64_t max_bytes;
};

/* A cache of at most max_bytes; NULL when max_bytes is 0 (no cache) or its
 * lock cannot be made.  Free with pagecache_destroy. */
struct pagecache *pagecache_new(size_t max_bytes);

/* Frees the cache and drops its references; pages still referenced live
 * on until their last page_unref.  Accepts NULL and NULLs *pp. */
void pagecache_destroy(struct pagecache **pp);

/* The page kept for 'key' (the request's own bytes), with a reference
 * taken, or NULL; *current says whether a notice whose lease lasts past
 * now_us (clock_mono_us) holds its tag, and counts it.  Accepts pc NULL. */
struct page *pagecache_get(struct pagecache *pc, const void *key, size_t klen, int64_t now_us,
			   bool *current);

/* A snapshot notice: the directory instance 'instance' has 'tag' until
 * until_us (clock_mono_us).  Keeps the latest of PAGECACHE_INSTANCES
 * instances. */
#define PAGECACHE_INSTANCES 32
void pagecache_heard(struct pagecache *pc, uint64_t instance, uint64_t tag, int64_t until_us);

/*
 * A new page for 'key': json[0..len) (owned by 'owner', freed with
 * owner_free(owner) when the page goes), its search total, the tag of the
 * snapshot that rendered it and the directory instance it came from.  It replaces the page kept for the key and
 * is kept when it fits (pc not NULL, tag not 0).  Returns it with a
 * reference for the caller, in every case.
 */
struct page *pagecache_put(struct pagecache *pc, const void *key, size_t klen, const uint8_t *json,
			   size_t len, int32_t total, uint64_t tag, uint64_t instance, void *owner,
			   void (*owner_free)(void *));

/* Counts a page sent again on "unchanged" (pagecache_stats.unchanged). */
void pagecache_note_unchanged(struct pagecache *pc);

void pagecache_get_stats(struct pagecache *pc, struct pagecache_stats *out);

/* Drops a reference (taken by get or put); the last one frees the page.
 * The signature is libmicrohttpd's free callback's.  Accepts NULL. */
void page_unref(void *page);

const uint8_t *page_json(const struct page *p, size_t *len);
int32_t page_total(const struct page *p);
uint64_t page_tag(const struct page *p);

#endif
