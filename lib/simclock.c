/*
 * simclock.c - see simclock.h.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"
#include "file.h"
#include "log.h"
#include "num.h"
#include "simclock.h"
#include "xalloc.h"
#include "banned.h"

#define SIMCLOCK_RECHECK_US 50000
#define SIMCLOCK_FILE_MAX 64
#define SIMCLOCK_OFFSET_MAX 3200000000L /* about a hundred years either way */

struct simclock {
	char *file; /* NULL: no test clock */
	pthread_mutex_t lock;
	int64_t offset_s;
	uint64_t generation;
	int64_t checked_us; /* clock_mono_us of the last stat */
	bool seen;          /* the file existed at the last stat */
	struct stat last;   /* what it was then */
	bool complained;    /* a bad content was logged */
};

struct simclock *simclock_new(const char *file)
{
	struct simclock *c = xcalloc(1, sizeof(*c));

	if (file && *file)
		c->file = xstrdup(file);
	if (pthread_mutex_init(&c->lock, NULL)) {
		free(c->file);
		free(c);
		return NULL;
	}
	c->checked_us = INT64_MIN;
	return c;
}

void simclock_destroy(struct simclock **cp)
{
	struct simclock *c = *cp;

	if (!c)
		return;
	pthread_mutex_destroy(&c->lock);
	free(c->file);
	free(c);
	*cp = NULL;
}

bool simclock_testing(const struct simclock *c)
{
	return c && c->file;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Reads the offset from the file into c (lock held). */
static void read_offset(struct simclock *c)
{
	char err[256];
	char *text = file_read(c->file, SIMCLOCK_FILE_MAX, NULL, err, sizeof(err));
	size_t n;
	long v;

	if (!text) {
		if (!c->complained)
			log_warn("test clock file unreadable", "error", err, NULL);
		c->complained = true;
		return;
	}
	n = strlen(text);
	while (n > 0 && strchr(" \t\r\n", text[n - 1]))
		text[--n] = '\0';
	if (num_parse_long(text, -SIMCLOCK_OFFSET_MAX, SIMCLOCK_OFFSET_MAX, &v)) {
		if (!c->complained)
			log_warn("test clock file holds no offset in seconds; keeping the last one",
				 "file", c->file, NULL);
		c->complained = true;
	} else {
		c->complained = false;
		if (v != c->offset_s) {
			c->offset_s = v;
			c->generation++;
		}
	}
	free(text);
}

/* Re-stats the file when the last look is older than 50 ms (lock held). */
static void recheck(struct simclock *c)
{
	struct stat st;
	int64_t now = clock_mono_us();

	if (!c->file || (c->checked_us != INT64_MIN && now - c->checked_us < SIMCLOCK_RECHECK_US))
		return;
	c->checked_us = now;
	if (stat(c->file, &st)) {
		c->seen = false; /* gone or not yet there: the last offset stays */
		return;
	}
	if (c->seen && same_file(&st, &c->last))
		return;
	c->seen = true;
	c->last = st;
	read_offset(c);
}

int64_t simclock_now_ms(struct simclock *c)
{
	int64_t offset;

	if (!c || !c->file)
		return clock_wall_ms();
	pthread_mutex_lock(&c->lock);
	recheck(c);
	offset = c->offset_s;
	pthread_mutex_unlock(&c->lock);
	return clock_wall_ms() + offset * 1000;
}

uint64_t simclock_generation(struct simclock *c)
{
	uint64_t g;

	if (!c || !c->file)
		return 0;
	pthread_mutex_lock(&c->lock);
	recheck(c);
	g = c->generation;
	pthread_mutex_unlock(&c->lock);
	return g;
}

void simclock_iso(struct simclock *c, char *buf, size_t len)
{
	int64_t ms = simclock_now_ms(c);
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;

	if (ms < 0 || !gmtime_r(&secs, &tm)) {
		snprintf(buf, len, "1970-01-01T00:00:00.000Z");
		return;
	}
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}
