/*
 * wdb.c - see wdb.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "log.h"
#include "pg.h"
#include "wdb.h"
#include "banned.h"

PGconn *wdb_conn(struct worker *w, Tarjotin__Envelope *reply)
{
	char err[256];

	if (pg_ensure(&w->db, w->dir->conninfo, err, sizeof(err))) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "the database is unavailable");
		return NULL;
	}
	return w->db;
}

void wdb_failed(struct worker *w, const PGresult *res, const char *what, Tarjotin__Envelope *reply)
{
	char err[256], id[17];

	pg_error(w->db, res, err, sizeof(err));
	snprintf(id, sizeof(id), "%016llx", (unsigned long long)w->request_id);
	if (!w->db || PQstatus(w->db) != CONNECTION_OK) {
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "unavailable", NULL,
			       "the database is unavailable");
	} else if (pg_timed_out(res)) {
		/* statement_timeout (TARJOTIN_DB_STATEMENT_TIMEOUT_MS): busy, not broken. */
		log_warn("query timed out", "what", what, "request_id", id, NULL);
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAVAILABLE, "timeout", NULL,
			       "the database did not answer in time, try again");
	} else {
		/* The server's text (SQL, names) only here, never to the client. */
		log_error("query failed", "what", what, "request_id", id, "error", err, NULL);
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_INTERNAL, "internal", NULL,
			       "database error");
	}
}

static int simple(struct worker *w, const char *sql, Tarjotin__Envelope *reply)
{
	PGresult *res = PQexec(w->db, sql);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		wdb_failed(w, res, sql, reply);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int wdb_begin(struct worker *w, Tarjotin__Envelope *reply)
{
	if (!wdb_conn(w, reply))
		return -1;
	return simple(w, "BEGIN", reply);
}

int wdb_commit(struct worker *w, Tarjotin__Envelope *reply)
{
	if (simple(w, "COMMIT", reply) == 0)
		return 0;
	free(reply->payload.data);
	reply->payload.data = NULL;
	reply->payload.len = 0;
	return -1;
}

void wdb_rollback(struct worker *w)
{
	PGresult *res;

	if (!w->db || PQtransactionStatus(w->db) == PQTRANS_IDLE)
		return;
	res = PQexec(w->db, "ROLLBACK");
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		log_warn("rollback failed", "error", PQerrorMessage(w->db), NULL);
	PQclear(res);
}

PGresult *wdb_exec(struct worker *w, const char *sql, int n, const char *const *params,
		   ExecStatusType want, Tarjotin__Envelope *reply)
{
	PGresult *res;

	if (!wdb_conn(w, reply))
		return NULL;
	res = PQexecParams(w->db, sql, n, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != want) {
		wdb_failed(w, res, "query", reply); /* many handlers: the request id says which */
		PQclear(res);
		return NULL;
	}
	return res;
}

int wdb_exists(struct worker *w, const char *sql, const char *value, Tarjotin__Envelope *reply)
{
	const char *params[1] = { value };
	PGresult *res = wdb_exec(w, sql, 1, params, PGRES_TUPLES_OK, reply);
	int rc;

	if (!res)
		return -1;
	rc = PQntuples(res) > 0;
	PQclear(res);
	return rc;
}
