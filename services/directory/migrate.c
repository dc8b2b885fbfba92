#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "log.h"
#include "migrate.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

#define MIGRATION_MAX_BYTES (64 * 1024 * 1024)
/* Any constant will do, as long as every instance uses the same one. */
#define MIGRATION_LOCK "7305192047110001"

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int applied(PGconn *db, const char *version, char *err, size_t errlen)
{
	const char *params[1] = { version };
	PGresult *res = PQexecParams(db, "SELECT 1 FROM schema_migrations WHERE version = $1", 1,
				     NULL, params, NULL, NULL, 0);
	int rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	} else {
		rc = PQntuples(res) > 0;
	}
	PQclear(res);
	return rc;
}

static int apply_one(PGconn *db, const char *dir, const char *name, char *err, size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *sql = file_read(path, MIGRATION_MAX_BYTES, NULL, err, errlen);
	const char *params[1] = { name };
	PGresult *res = NULL;
	char msg[512];
	int rc = -1;

	if (!sql)
		goto out;
	if (pg_exec(db, "BEGIN", err, errlen))
		goto out;
	if (pg_exec(db, sql, msg, sizeof(msg))) {
		snprintf(err, errlen, "migration '%s' failed: %s", name, msg);
		goto rollback;
	}
	res = PQexecParams(db, "INSERT INTO schema_migrations (version) VALUES ($1)", 1, NULL,
			   params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		goto rollback;
	}
	if (pg_exec(db, "COMMIT", err, errlen))
		goto out;
	log_info("migration applied", "version", name, NULL);
	rc = 0;
	goto out;
rollback:
	pg_exec(db, "ROLLBACK", msg, sizeof(msg));
out:
	PQclear(res);
	free(sql);
	free(path);
	return rc;
}

int migrate_apply(PGconn *db, const char *dir, char *err, size_t errlen)
{
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL, msg[256];
	size_t n = 0;
	int count = 0, locked = 0;

	if (pg_exec(db, "SELECT pg_advisory_lock(" MIGRATION_LOCK ")", err, errlen))
		return -1;
	locked = 1;
	if (pg_exec(db,
		    "CREATE TABLE IF NOT EXISTS schema_migrations ("
		    " version text PRIMARY KEY,"
		    " applied_at timestamptz NOT NULL DEFAULT now())",
		    err, errlen)) {
		count = -1;
		goto out;
	}
	d = opendir(dir);
	if (!d) {
		snprintf(err, errlen, "cannot open migrations folder '%s': %s", dir,
			 strerror(errno));
		count = -1;
		goto out;
	}
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".sql") && e->d_name[0] != '.') {
			names = xrealloc(names, (n + 1) * sizeof(*names));
			names[n++] = xstrdup(e->d_name);
		}
	}
	qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		int a = applied(db, names[i], err, errlen);

		if (a < 0 || (!a && apply_one(db, dir, names[i], err, errlen))) {
			count = -1;
			goto out;
		}
		count += !a;
	}
out:
	if (locked)
		pg_exec(db, "SELECT pg_advisory_unlock(" MIGRATION_LOCK ")", msg, sizeof(msg));
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return count;
}
