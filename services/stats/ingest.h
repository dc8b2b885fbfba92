/*
 * ingest.h - what stats makes of one UsageBatch (docs/statistics.md section
 * 1): the day counters of tj:stats:<Helsinki day>, the visits to add to the
 * day's HyperLogLogs and the contact-request records, checked field by
 * field, before count.c applies them in Redis.
 *
 * Pure: no I/O, so a unit test drives it with hand-made batches.  Every
 * dimension that names a hash field is checked (term ids, municipality
 * codes, uuids, pages, routes, words); an event with a bad one is dropped
 * and counted in malformed, never half-counted.  An event whose at_ms is
 * negative, older than INGEST_PAST_MS or more than INGEST_FUTURE_MS ahead is
 * counted in refused.
 */
#ifndef TJ_INGEST_H
#define TJ_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "hday.h"
#include "stats.pb-c.h"

#define INGEST_PAST_MS (7LL * 24 * 3600 * 1000) /* oldest event taken */
#define INGEST_FUTURE_MS (24LL * 3600 * 1000)   /* furthest ahead taken (clock skew) */
#define INGEST_MAX_EVENTS 4096                  /* events of one batch; more: all refused */
#define INGEST_KEEP_DAYS 10                     /* a day's keys live this long after it */

/* One counter: HINCRBY tj:stats:<day> <field> <n>. */
struct ingest_counter {
	char day[HDAY_SIZE];
	char *field;
	long n;
};

/* One visit for PFADD tj:stats:hll:<day>:<site>. */
struct ingest_visit {
	char day[HDAY_SIZE];
	char site[40]; /* a user site uuid, "-" or "all" */
	char visit[33];
};

/* One contact-request event, applied once by its id. */
struct ingest_cr {
	char day[HDAY_SIZE];
	char id[37];
	char field[48]; /* "cr|<kind>" */
	char *record;   /* JSON for tj:stats:cr:pending (section 2) */
};

/* A day the batch touches, with the instant its keys expire (s). */
struct ingest_day {
	char day[HDAY_SIZE];
	int64_t expire_at_s;
};

/* One batch made ready to count; embedded, ingest_init / ingest_release. */
struct ingest {
	char source_id[33]; /* "" for the directory's batches */
	uint64_t seq;
	struct ingest_counter *counters;
	size_t n_counters, cap_counters;
	size_t *slots, n_slots; /* open addressing over counters (index + 1) */
	struct ingest_visit *visits;
	size_t n_visits, cap_visits;
	struct ingest_cr *crs;
	size_t n_crs, cap_crs;
	struct ingest_day days[16];
	size_t n_days;
	unsigned long events;    /* events taken */
	unsigned long malformed; /* events with a bad field, and a batch with a bad source_id */
	unsigned long refused;   /* events with an impossible time */
};

void ingest_init(struct ingest *g);
void ingest_release(struct ingest *g);

/*
 * Adds the events of b (now_ms: the wall clock) to g, which must be fresh
 * (ingest_init).  A gateway batch (source_id of 32 lower-case hex, seq >= 1)
 * keeps its id in g for the dedupe; a batch with any other non-empty
 * source_id, or more than INGEST_MAX_EVENTS events, is refused whole (every
 * event in malformed).  Returns the number of events that will count.
 */
size_t ingest_batch(struct ingest *g, const Tarjotin__UsageBatch *b, int64_t now_ms);

/* Whether s is a free-text word as the gateway sends it: 1..120 bytes of
 * lower-case ASCII letters or bytes >= 0x80 (UTF-8 letters), nothing else. */
int ingest_word_ok(const char *s);

#endif
