#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

void pg_error(PGconn *db, const PGresult *res, char *err, size_t errlen)
{
	const char *msg = res ? PQresultErrorMessage(res) : "";
	size_t n;

	if (!*msg && db)
		msg = PQerrorMessage(db);
	if (!*msg)
		msg = "unknown database error";
	n = strcspn(msg, "\n");
	snprintf(err, errlen, "%.*s", (int)n, msg);
}

bool pg_timed_out(const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	return state && !strcmp(state, "57014");
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message; /* NOTICEs ("relation exists, skipping") are not errors */
}

PGconn *pg_connect(const char *conninfo, char *err, size_t errlen)
{
	const char *keys[] = { "dbname", "connect_timeout", "application_name", "options", NULL };
	char timeout[16], options[64];
	const char *vals[5];
	PGconn *db;

	snprintf(timeout, sizeof(timeout), "%ld",
		 config_int("TARJOTIN_DB_CONNECT_TIMEOUT_S", 2, 1, 600));
	snprintf(options, sizeof(options), "-c statement_timeout=%ld",
		 config_int("TARJOTIN_DB_STATEMENT_TIMEOUT_MS", 30000, 0, 86400000));
	vals[0] = conninfo;
	vals[1] = timeout;
	vals[2] = "tarjotin";
	vals[3] = options;
	vals[4] = NULL;
	/* expand_dbname: conninfo may be a URI or key=value string, and the
	 * keys after it only fill what it leaves unset. */
	db = PQconnectdbParams(keys, vals, 1);
	if (!db) {
		snprintf(err, errlen, "cannot allocate a database connection");
		return NULL;
	}
	if (PQstatus(db) != CONNECTION_OK) {
		pg_error(db, NULL, err, errlen);
		PQfinish(db);
		return NULL;
	}
	PQsetNoticeProcessor(db, quiet_notices, NULL);
	return db;
}

int pg_ensure(PGconn **db, const char *conninfo, char *err, size_t errlen)
{
	if (*db && PQstatus(*db) == CONNECTION_OK)
		return 0;
	if (*db) {
		PQfinish(*db);
		*db = NULL;
	}
	*db = pg_connect(conninfo, err, errlen);
	return *db ? 0 : -1;
}

PGresult *pg_query(PGconn *db, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	char e[256];

	if (PQresultStatus(res) == PGRES_TUPLES_OK)
		return res;
	pg_error(db, res, e, sizeof(e));
	snprintf(err, errlen, "cannot load %s: %s", what, e);
	PQclear(res);
	return NULL;
}

int pg_exec(PGconn *db, const char *sql, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}
