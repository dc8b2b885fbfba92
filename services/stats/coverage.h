/*
 * coverage.h - the directory's coverage document for the reports
 * (docs/statistics.md section 5): pulled from the directory with
 * MSG_STATS_COVERAGE on a DEALER (TARJOTIN_DIRECTORY_ENDPOINTS, as the
 * service "stats") when the latest stored one is older than
 * TARJOTIN_STATS_COVERAGE_MAX_AGE_S, stored in stats.coverage (one row per
 * Helsinki day, the last wins), and read back from there: the latest one
 * (names) and the one at the end of a report's period (figures).
 * Used by the report thread only (its socket is that thread's).
 */
#ifndef TJ_COVERAGE_H
#define TJ_COVERAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <libpq-fe.h>

struct coverage;

/* The documents one report uses. */
struct coverage_docs {
	json_t *latest;    /* the newest stored document (NULL: none at all) */
	json_t *snapshot;  /* the one of the last day <= 'to', else the oldest (NULL: none) */
	char taken_at[40]; /* the snapshot's taken_at, "YYYY-MM-DDTHH:MM:SSZ" ("" none) */
	bool stale;        /* a fresh one was due but the directory did not answer */
};

/*
 * Reads the configuration (TARJOTIN_DIRECTORY_ENDPOINTS,
 * TARJOTIN_STATS_COVERAGE_MAX_AGE_S 0..86400, default 900); the socket is
 * made at the first pull, in zctx (borrowed).  NULL with the reason in err
 * when the configuration is invalid.  Free with coverage_destroy.
 */
struct zcurve;
/* (curve: stats' CURVE keys, zcurve.h; the DEALER is a client of the directory.) */
struct coverage *coverage_new(void *zctx, const struct zcurve *curve, char *err, size_t errlen);

/* Closes the socket and frees c; NULL is fine; *cp becomes NULL. */
void coverage_destroy(struct coverage **cp);

/*
 * Fills out (zeroed first) for a report ending at the day 'to': pulls a
 * fresh document first when the latest stored one is older than the
 * maximum age (a directory that does not answer within about a second
 * leaves out->stale set).  Returns 0, or -1 with the reason in err when
 * the database fails.  Release out with coverage_docs_release.
 */
int coverage_get(struct coverage *c, PGconn *db, const char *to, struct coverage_docs *out,
		 char *err, size_t errlen);

/*
 * Once a day: when stats.coverage has no row of today (Helsinki), pulls and
 * stores one; checks at most every COVERAGE_TICK_MS (at the first call, then
 * after each interval; db NULL: only the next check is moved on).  Failures
 * are logged and retried at the next check.
 */
#define COVERAGE_TICK_MS (10 * 60 * 1000)
void coverage_tick(struct coverage *c, PGconn *db, int64_t now_ms);

/* Whether coverage_tick would check now (to connect to the database only
 * then). */
bool coverage_tick_due(const struct coverage *c, int64_t now_ms);

/* Drops the documents of d (json_decref); d can be filled again. */
void coverage_docs_release(struct coverage_docs *d);

#endif
