/*
 * reports.h - notify's status reports (tj:notify:status entries: job_id,
 * status sent|failed|dead, attempts, error, provider_id, at_ms) applied to
 * the notifications table.
 *
 * A batch is one transaction, each report in its own savepoint: a report
 * that is malformed, or that PostgreSQL refuses for its values (an error text
 * that is no UTF-8), is logged and set aside - copied with its entry id and
 * the reason to the set-aside stream (tj:notify:status:bad, about the last
 * 1000 kept) - and acknowledged with the others, so it never holds back the
 * reports after it.
 */
#ifndef TJ_REPORTS_H
#define TJ_REPORTS_H

#include <hiredis/hiredis.h>
#include <libpq-fe.h>

/* Where the reports come from (strings not owned). */
struct reports_target {
	const char *status_stream, *bad_stream, *group;
};

/*
 * Applies the entries 'ents' ([id, fields] pairs, as XREADGROUP or
 * XAUTOCLAIM return them), sets bad ones aside and acknowledges and deletes
 * them all.  Returns 0; -1 when PostgreSQL failed (nothing applied, nothing
 * acknowledged: the entries stay pending); -2 when Redis failed after the
 * commit (applying again is harmless).  The caller drops the failed
 * connection.
 */
int reports_apply(const struct reports_target *t, PGconn *db, redisContext *rc,
		  const redisReply *ents);

#endif
