/*
 * wdb.h - a worker's PostgreSQL connection as the identity handlers use it:
 * made usable before a call, failures answered, transactions begun and
 * ended.
 */
#ifndef TJ_WDB_H
#define TJ_WDB_H

#include <libpq-fe.h>

#include "directory.h"

/* The worker's usable connection, or NULL with 'reply' set to
 * STATUS_UNAVAILABLE. */
PGconn *wdb_conn(struct worker *w, Tarjotin__Envelope *reply);

/* Answers a failed statement (res may be NULL; not cleared here):
 * UNAVAILABLE when the connection broke or the statement timed out (code
 * "timeout"), else INTERNAL "database error", the server's text logged
 * with 'what' and the call's request id, never answered. */
void wdb_failed(struct worker *w, const PGresult *res, const char *what, Tarjotin__Envelope *reply);

/* BEGIN.  Returns 0, or -1 with 'reply' filled. */
int wdb_begin(struct worker *w, Tarjotin__Envelope *reply);

/* COMMIT.  Returns 0, or -1 with 'reply' filled (the payload, if any, is
 * then freed: nothing was stored). */
int wdb_commit(struct worker *w, Tarjotin__Envelope *reply);

/* ROLLBACK when a transaction is open; errors only logged. */
void wdb_rollback(struct worker *w);

/* Runs 'sql' with n text parameters (NULL: SQL NULL).  Returns the result
 * when its status is 'want' (PQclear it), or NULL with 'reply' filled. */
PGresult *wdb_exec(struct worker *w, const char *sql, int n, const char *const *params,
		   ExecStatusType want, Tarjotin__Envelope *reply);

/* Runs the one-parameter query 'sql' (e.g. "SELECT 1 FROM t WHERE id = $1")
 * with 'value': 1 when it returns a row, 0 when none, -1 with reply filled. */
int wdb_exists(struct worker *w, const char *sql, const char *value, Tarjotin__Envelope *reply);

#endif
