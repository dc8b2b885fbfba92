/*
 * tally.h - what stats makes of a batch of usage events: counters per day
 * (UTC), route and status, summed before they go to Redis as HINCRBY on
 * tj:stats:YYYY-MM-DD.
 *
 * An event's time comes from the network: one that is negative, more than
 * TALLY_PAST_MS old or more than TALLY_FUTURE_MS ahead is refused and counted,
 * never used to name a key.
 *
 * A contact request's event (kind CONTACT_REQUEST, from the directory's
 * relay) counts "cr_<kind>" on its day once per event id, however often it
 * is pushed: tally_send runs a script that sets tj:stats:cr:seen:<id> (NX,
 * expiring after TALLY_SEEN_TTL_S) and increments only when it was not set.
 */
#ifndef TJ_TALLY_H
#define TJ_TALLY_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "stats.pb-c.h"

#define TALLY_MAX 256                          /* distinct counters per batch */
#define TALLY_PAST_MS (7LL * 24 * 3600 * 1000) /* oldest event taken */
#define TALLY_FUTURE_MS (24LL * 3600 * 1000)   /* furthest ahead taken (clock skew) */
#define TALLY_DAY_SIZE 11                      /* "YYYY-MM-DD" and NUL */
#define TALLY_SEEN_TTL_S (8L * 24 * 3600)      /* how long an event id is remembered */
#define TALLY_ID_SIZE 37                       /* a uuid and NUL */

struct tally_counter {
	char day[TALLY_DAY_SIZE], field[96];
	long n;
};

/* One contact request event, counted once by its id. */
struct tally_once {
	char day[TALLY_DAY_SIZE], field[48], id[TALLY_ID_SIZE];
};

/* The counters of one batch; embedded (on the stack), no release needed. */
struct tally {
	struct tally_counter c[TALLY_MAX];
	size_t n;
	struct tally_once once[TALLY_MAX]; /* contact request events */
	size_t n_once;
	unsigned long malformed; /* contact request events without a uuid or kind */
	unsigned long refused;   /* events whose at_ms was out of range */
	unsigned long overflow;  /* events dropped because TALLY_MAX was reached */
};

/* Empties t. */
void tally_init(struct tally *t);

/*
 * The UTC day "YYYY-MM-DD" of at_ms into out (outlen >= TALLY_DAY_SIZE);
 * at_ms 0 (not set) means now_ms.  Returns 0, or -1 (out "") when at_ms is
 * negative, older than now_ms - TALLY_PAST_MS or later than
 * now_ms + TALLY_FUTURE_MS, or the day cannot be written.
 */
int tally_day_of(int64_t at_ms, int64_t now_ms, char *out, size_t outlen);

/* Adds the events of b (now_ms: the wall clock) to t: one per route and
 * status, one more "page_views" for a page view; a contact request event
 * (a uuid event_id and a cr_kind of [a-z_]{1,40}) one "cr_<kind>" to count
 * once (t->once; else t->malformed).  Refused events are only counted in
 * t->refused. */
void tally_add_batch(struct tally *t, const Tarjotin__UsageBatch *b, int64_t now_ms);

/*
 * Sends t's counters to Redis as one pipeline of HINCRBY, and the contact
 * request events as the count-once script.  Returns 0, or -1
 * with the reason in err (hiredis' or Redis' own message): the context is
 * then unusable, the caller frees it.
 */
int tally_send(const struct tally *t, redisContext *rc, char *err, size_t errlen);

#endif
