/*
 * bucket.h - token buckets in a fixed-size table: the per-IP and
 * per-session request rates (docs/security.md "Abuse limits").
 *
 * Each key (a client address, a session cookie) has a bucket of 'burst'
 * tokens that refills at 'rate' tokens a second; a request takes one.  The
 * table never grows: it is set-associative (a key hashes, with a secret
 * SipHash key made at start, to one set of BUCKET_WAYS slots), and a new key
 * takes the slot of its set's least recently seen bucket.  An evicted key
 * starts again with a full bucket, so under a flood of distinct keys a
 * limit weakens instead of memory growing.  Thread-safe: one lock per set,
 * for the HTTP thread pool.
 */
#ifndef TJ_BUCKET_H
#define TJ_BUCKET_H

#include <stddef.h>
#include <stdint.h>

#define BUCKET_WAYS 8

struct bucket_table;

/*
 * A table of about 'slots' buckets (rounded up to a power of two sets of
 * BUCKET_WAYS), each 'burst' tokens refilling at 'rate' a second.  rate 0
 * turns the limit off (bucket_take always admits).  Returns NULL when a
 * lock cannot be made; free with bucket_destroy.
 */
struct bucket_table *bucket_new(size_t slots, double rate, double burst);

/* Frees the table; accepts NULL and NULLs the pointer. */
void bucket_destroy(struct bucket_table **tp);

/*
 * Takes one token from the bucket of the key (len bytes, any) at now_us
 * (a monotonic clock, microseconds).  Returns 0 when admitted, or the whole
 * seconds (at least 1) until a token is there again.
 */
long bucket_take(struct bucket_table *t, const void *key, size_t len, int64_t now_us);

#endif
