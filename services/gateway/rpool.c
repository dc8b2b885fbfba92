/*
 * rpool.c - see rpool.h.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "redisx.h"
#include "rpool.h"
#include "xalloc.h"
#include "banned.h"

struct rpool_slot {
	redisContext *c;  /* NULL until connected, and after an error */
	uint64_t outages; /* the watch's count when c was connected */
	bool used;
};

struct rpool {
	const char *addr;
	int timeout_ms;
	unsigned size;
	const struct healthwatch *watch;
	pthread_mutex_t lock;
	pthread_cond_t freed;
	struct rpool_slot *slots;
};

struct rpool *rpool_new(const char *addr, unsigned size, int timeout_ms,
			const struct healthwatch *watch)
{
	struct rpool *p = xcalloc(1, sizeof(*p));
	pthread_condattr_t ca;
	int e;

	p->addr = addr;
	p->watch = watch;
	p->size = size ? size : 1;
	p->timeout_ms = timeout_ms;
	p->slots = xcalloc(p->size, sizeof(*p->slots));
	if (pthread_condattr_init(&ca))
		goto fail;
	e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	if (!e)
		e = pthread_cond_init(&p->freed, &ca);
	pthread_condattr_destroy(&ca);
	if (e)
		goto fail;
	if (pthread_mutex_init(&p->lock, NULL)) {
		pthread_cond_destroy(&p->freed);
		goto fail;
	}
	return p;
fail:
	free(p->slots);
	free(p);
	return NULL;
}

void rpool_destroy(struct rpool **pp)
{
	struct rpool *p = pp ? *pp : NULL;

	if (!p)
		return;
	for (unsigned i = 0; i < p->size; i++)
		if (p->slots[i].c)
			redisFree(p->slots[i].c);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->freed);
	free(p->slots);
	free(p);
	*pp = NULL;
}

redisContext *rpool_acquire(struct rpool *p, int wait_ms, char *err, size_t errlen)
{
	struct timespec until = clock_after_ms(CLOCK_MONOTONIC, wait_ms);
	struct rpool_slot *s = NULL;
	uint64_t outages;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		for (unsigned i = 0; i < p->size && !s; i++)
			if (!p->slots[i].used)
				s = &p->slots[i];
		if (s || pthread_cond_timedwait(&p->freed, &p->lock, &until) == ETIMEDOUT)
			break;
	}
	if (s)
		s->used = true;
	pthread_mutex_unlock(&p->lock);
	if (!s) {
		snprintf(err, errlen, "no redis connection came free within %d ms", wait_ms);
		return NULL;
	}
	/* Connecting outside the lock: the slot is ours. */
	outages = p->watch ? healthwatch_outages(p->watch) : 0;
	if (s->c && s->outages != outages) {
		redisFree(s->c);
		s->c = NULL;
	}
	if (!s->c) {
		s->c = redisx_connect(p->addr, p->timeout_ms, err, errlen);
		s->outages = outages;
	}
	if (!s->c) {
		pthread_mutex_lock(&p->lock);
		s->used = false;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		return NULL;
	}
	return s->c;
}

void rpool_release(struct rpool *p, redisContext **cp)
{
	redisContext *c = *cp;

	if (!c)
		return;
	*cp = NULL;
	pthread_mutex_lock(&p->lock);
	for (unsigned i = 0; i < p->size; i++) {
		if (p->slots[i].c != c)
			continue;
		if (c->err) {
			/* hiredis: a context that failed once is unusable. */
			redisFree(c);
			p->slots[i].c = NULL;
		}
		p->slots[i].used = false;
		pthread_cond_signal(&p->freed);
		break;
	}
	pthread_mutex_unlock(&p->lock);
}
