/*
 * pg.h - PostgreSQL connections the way our services use them.
 *
 * libpq's rule that bites: every PGresult must be PQclear'ed, also on error
 * paths.  A connection that went bad (the server restarted) is reset by
 * pg_ensure() before its next use, so a service rides out a database
 * restart without being restarted itself.
 */
#ifndef TJ_PG_H
#define TJ_PG_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

/*
 * Connects; returns the connection or NULL with the reason in err.  The
 * connect timeout comes from TARJOTIN_DB_CONNECT_TIMEOUT_S (default 2), the
 * session's statement_timeout from TARJOTIN_DB_STATEMENT_TIMEOUT_MS
 * (default 30000; 0: none), so that no statement runs for ever (an
 * "options" in conninfo takes precedence).  Free with PQfinish().
 */
PGconn *pg_connect(const char *conninfo, char *err, size_t errlen);

/*
 * Makes *db usable: connects when NULL, resets when the connection went bad.
 * Returns 0 when usable, -1 (with err) when the server cannot be reached.
 */
int pg_ensure(PGconn **db, const char *conninfo, char *err, size_t errlen);

/* Runs a query; its rows (PQclear them), or NULL with "cannot load WHAT:
 * the server's message" in err. */
PGresult *pg_query(PGconn *db, const char *sql, const char *what, char *err, size_t errlen);

/* Runs a command without results; 0, or -1 with the server's message. */
int pg_exec(PGconn *db, const char *sql, char *err, size_t errlen);

/* True when the statement of res was cancelled (SQLSTATE 57014:
 * statement_timeout, or a cancel request). */
bool pg_timed_out(const PGresult *res);

/* Copies the first line of the connection's or result's error into err. */
void pg_error(PGconn *db, const PGresult *res, char *err, size_t errlen);

#endif
