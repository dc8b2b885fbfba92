/*
 * bucket.c - see bucket.h.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bucket.h"
#include "xalloc.h"
#include "banned.h"

struct slot {
	uint64_t key; /* the key's hash; 0: free */
	double tokens;
	int64_t seen_us; /* last refill */
};

struct set {
	pthread_mutex_t lock;
	struct slot slot[BUCKET_WAYS];
};

struct bucket_table {
	struct set *sets;
	size_t nsets; /* a power of two */
	size_t made;  /* locks made, for destroy */
	double rate, burst;
	unsigned char hashkey[crypto_shorthash_KEYBYTES];
};

struct bucket_table *bucket_new(size_t slots, double rate, double burst)
{
	struct bucket_table *t = xcalloc(1, sizeof(*t));

	t->nsets = 1;
	while (t->nsets * BUCKET_WAYS < slots)
		t->nsets <<= 1;
	t->rate = rate;
	t->burst = burst < 1 ? 1 : burst;
	randombytes_buf(t->hashkey, sizeof(t->hashkey));
	t->sets = xcalloc(t->nsets, sizeof(*t->sets));
	for (; t->made < t->nsets; t->made++)
		if (pthread_mutex_init(&t->sets[t->made].lock, NULL)) {
			bucket_destroy(&t);
			return NULL;
		}
	return t;
}

void bucket_destroy(struct bucket_table **tp)
{
	struct bucket_table *t = *tp;

	if (!t)
		return;
	for (size_t i = 0; i < t->made; i++)
		pthread_mutex_destroy(&t->sets[i].lock);
	free(t->sets);
	free(t);
	*tp = NULL;
}

/* The slot of h in set s: its own, else a free one, else the least
 * recently seen (reset to a full bucket). */
static struct slot *find(struct bucket_table *t, struct set *s, uint64_t h, int64_t now_us)
{
	struct slot *victim = &s->slot[0];

	for (size_t i = 0; i < BUCKET_WAYS; i++) {
		struct slot *sl = &s->slot[i];

		if (sl->key == h)
			return sl;
		if (victim->key && (!sl->key || sl->seen_us < victim->seen_us))
			victim = sl;
	}
	victim->key = h;
	victim->tokens = t->burst;
	victim->seen_us = now_us;
	return victim;
}

long bucket_take(struct bucket_table *t, const void *key, size_t len, int64_t now_us)
{
	unsigned char out[crypto_shorthash_BYTES];
	struct set *s;
	struct slot *sl;
	uint64_t h;
	long wait = 0;

	if (!t || t->rate <= 0)
		return 0;
	crypto_shorthash(out, key, len, t->hashkey);
	memcpy(&h, out, sizeof(h));
	h |= 1; /* never 0, the free mark */
	s = &t->sets[(h >> 1) & (t->nsets - 1)];
	pthread_mutex_lock(&s->lock);
	sl = find(t, s, h, now_us);
	if (now_us > sl->seen_us) {
		sl->tokens += (double)(now_us - sl->seen_us) * t->rate / 1e6;
		if (sl->tokens > t->burst)
			sl->tokens = t->burst;
		sl->seen_us = now_us;
	}
	if (sl->tokens >= 1)
		sl->tokens -= 1;
	else
		wait = (long)ceil((1 - sl->tokens) / t->rate); /* at least 1 */
	pthread_mutex_unlock(&s->lock);
	return wait;
}
