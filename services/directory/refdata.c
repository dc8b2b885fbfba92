/*
 * refdata.c - loading the municipalities CSV (see refdata.h).
 */
#include "refdata.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

#define REFDATA_CHUNK 65536

static const char refdata_sql_begin[] = "BEGIN";

static const char refdata_sql_temp[] =
	"CREATE TEMP TABLE refdata_municipalities ("
	" code text, name_fi text, county_key text, county_fi text,"
	" county_sv text, county_en text, population_2025 integer"
	") ON COMMIT DROP";

/* HEADER MATCH (PostgreSQL 15) refuses a file whose header names other
 * columns, so a reordered or foreign CSV fails loudly instead of loading
 * names into the wrong columns. */
static const char refdata_sql_copy[] =
	"COPY refdata_municipalities FROM STDIN"
	" WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')";

static const char refdata_sql_check[] =
	"SELECT count(*),"
	" count(*) FILTER (WHERE code IS NULL OR code !~ '^[0-9]{3}$'"
	"   OR coalesce(name_fi, '') = '' OR county_key IS NULL"
	"   OR coalesce(county_fi, '') = '' OR coalesce(county_sv, '') = ''"
	"   OR coalesce(county_en, '') = ''),"
	" min(code) FILTER (WHERE code IS NULL OR code !~ '^[0-9]{3}$'"
	"   OR coalesce(name_fi, '') = '' OR county_key IS NULL"
	"   OR coalesce(county_fi, '') = '' OR coalesce(county_sv, '') = ''"
	"   OR coalesce(county_en, '') = '')"
	" FROM refdata_municipalities";

static const char refdata_sql_counties[] =
	"INSERT INTO counties AS c (key, name_fi, name_sv, name_en)"
	" SELECT DISTINCT ON (county_key) county_key, county_fi, county_sv, county_en"
	" FROM refdata_municipalities ORDER BY county_key, code"
	" ON CONFLICT (key) DO UPDATE"
	" SET name_fi = EXCLUDED.name_fi, name_sv = EXCLUDED.name_sv,"
	"     name_en = EXCLUDED.name_en"
	" WHERE (c.name_fi, c.name_sv, c.name_en)"
	"       IS DISTINCT FROM (EXCLUDED.name_fi, EXCLUDED.name_sv, EXCLUDED.name_en)";

static const char refdata_sql_municipalities[] =
	"INSERT INTO municipalities AS m (code, name_fi, name_sv, county_key, population)"
	" SELECT r.code, r.name_fi, s.name_sv, r.county_key, r.population_2025"
	" FROM refdata_municipalities AS r"
	" LEFT JOIN municipality_names_sv AS s ON s.code = r.code"
	" ON CONFLICT (code) DO UPDATE"
	" SET name_fi = EXCLUDED.name_fi, name_sv = EXCLUDED.name_sv,"
	"     county_key = EXCLUDED.county_key, population = EXCLUDED.population"
	" WHERE (m.name_fi, m.name_sv, m.county_key, m.population)"
	"       IS DISTINCT FROM (EXCLUDED.name_fi, EXCLUDED.name_sv,"
	"                         EXCLUDED.county_key, EXCLUDED.population)";

static const char refdata_sql_commit[] = "COMMIT";
static const char refdata_sql_rollback[] = "ROLLBACK";

/* Puts "what: the server's primary message" into err. */
static void refdata_server_error(PGconn *db, const PGresult *res, const char *what, char *err,
				 size_t errlen)
{
	const char *msg = NULL;
	size_t n;

	if (res != NULL)
		msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	if (msg == NULL || *msg == '\0')
		msg = PQerrorMessage(db);
	if (msg == NULL || *msg == '\0')
		msg = "unknown error";
	snprintf(err, errlen, "%s: %s", what, msg);
	/* libpq's connection messages end in a newline; ours do not. */
	n = strlen(err);
	while (n > 0 && (err[n - 1] == '\n' || err[n - 1] == '\r'))
		err[--n] = '\0';
}

/* Runs sql and expects 'want' (PGRES_COMMAND_OK, PGRES_TUPLES_OK, ...).
 * Returns 0, or -1 with err. */
static int refdata_exec(PGconn *db, const char *sql, ExecStatusType want, const char *what,
			char *err, size_t errlen)
{
	PGresult *res = PQexec(db, sql);
	int rc = 0;

	if (PQresultStatus(res) != want) {
		refdata_server_error(db, res, what, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

/* Streams the file into the COPY that db is in, ends the COPY and reads its
 * result.  Returns 0, or -1 with err; the COPY is over either way. */
static int refdata_copy_file(PGconn *db, FILE *f, const char *csv_path, char *err, size_t errlen)
{
	char buf[REFDATA_CHUNK];
	const char *abort_reason = NULL;
	PGresult *res = NULL;
	size_t n;
	int rc = 0;

	for (;;) {
		n = fread(buf, 1, sizeof buf, f);
		if (n > 0 && PQputCopyData(db, buf, (int)n) != 1) {
			refdata_server_error(db, NULL, "cannot send municipalities", err, errlen);
			rc = -1;
			break;
		}
		if (n < sizeof buf) {
			if (ferror(f)) {
				snprintf(err, errlen, "cannot read '%s': %s", csv_path,
					 strerror(errno));
				abort_reason = "read error";
				rc = -1;
			}
			break;
		}
	}
	if (PQputCopyEnd(db, abort_reason) != 1 && rc == 0) {
		refdata_server_error(db, NULL, "cannot end copy of municipalities", err, errlen);
		rc = -1;
	}
	/* Every result must be read and cleared before the connection is usable
	 * again; the first error is the one worth reporting. */
	while ((res = PQgetResult(db)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && rc == 0) {
			refdata_server_error(db, res, "cannot copy municipalities", err, errlen);
			rc = -1;
		}
		PQclear(res);
	}
	return rc;
}

/* Checks the loaded rows: some, and none with a missing or malformed
 * field.  Returns 0, or -1 with err naming the first bad code. */
static int refdata_check_rows(PGconn *db, const char *csv_path, char *err, size_t errlen)
{
	PGresult *res = PQexec(db, refdata_sql_check);
	int rc = -1;

	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		refdata_server_error(db, res, "cannot check municipalities", err, errlen);
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
		snprintf(err, errlen, "no municipalities in '%s'", csv_path);
		goto out;
	}
	if (strcmp(PQgetvalue(res, 0, 1), "0") != 0) {
		snprintf(err, errlen,
			 "bad rows in '%s': %s with a missing or malformed field (first code '%s')",
			 csv_path, PQgetvalue(res, 0, 1),
			 PQgetisnull(res, 0, 2) ? "(none)" : PQgetvalue(res, 0, 2));
		goto out;
	}
	rc = 0;
out:
	PQclear(res);
	return rc;
}

int refdata_load_municipalities(PGconn *db, const char *csv_path, char *err, size_t errlen)
{
	FILE *f = NULL;
	PGresult *res = NULL;
	int in_tx = 0;
	int rc = -1;

	if (db == NULL || csv_path == NULL) {
		snprintf(err, errlen, "no database connection or no file name");
		return -1;
	}
	if (PQstatus(db) != CONNECTION_OK) {
		refdata_server_error(db, NULL, "database connection not usable", err, errlen);
		return -1;
	}
	if (PQtransactionStatus(db) != PQTRANS_IDLE) {
		snprintf(err, errlen, "database connection is not idle");
		return -1;
	}
	f = fopen(csv_path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", csv_path, strerror(errno));
		goto out;
	}

	if (refdata_exec(db, refdata_sql_begin, PGRES_COMMAND_OK, "cannot begin", err, errlen) < 0)
		goto out;
	in_tx = 1;
	if (refdata_exec(db, refdata_sql_temp, PGRES_COMMAND_OK, "cannot create temporary table",
			 err, errlen) < 0)
		goto out;

	res = PQexec(db, refdata_sql_copy);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		refdata_server_error(db, res, "cannot start copy of municipalities", err, errlen);
		goto out;
	}
	PQclear(res);
	res = NULL;
	if (refdata_copy_file(db, f, csv_path, err, errlen) < 0)
		goto out;

	if (refdata_check_rows(db, csv_path, err, errlen) < 0)
		goto out;
	if (refdata_exec(db, refdata_sql_counties, PGRES_COMMAND_OK, "cannot upsert counties", err,
			 errlen) < 0)
		goto out;
	if (refdata_exec(db, refdata_sql_municipalities, PGRES_COMMAND_OK,
			 "cannot upsert municipalities", err, errlen) < 0)
		goto out;
	if (refdata_exec(db, refdata_sql_commit, PGRES_COMMAND_OK, "cannot commit municipalities",
			 err, errlen) < 0)
		goto out;
	in_tx = 0;
	rc = 0;
out:
	PQclear(res);
	if (in_tx) {
		/* Keep the first error; a failed rollback leaves the connection for
		 * pg_ensure() to reset. */
		res = PQexec(db, refdata_sql_rollback);
		PQclear(res);
	}
	if (f != NULL)
		fclose(f);
	return rc;
}
