/*
 * migrate.c - see migrate.h.
 */
#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "file.h"
#include "log.h"
#include "migrate.h"
#include "pg.h"
#include "xalloc.h"
#include "banned.h"

#define MIGRATION_MAX_BYTES (64 * 1024 * 1024)
#define MIGRATION_TABLE_MAX 64

/* The tracking table's name goes into SQL text: only our own constants,
 * checked anyway ([a-z_], one optional '.' between two names). */
static bool table_name_ok(const char *t)
{
	size_t n = strlen(t), dots = 0;

	if (n == 0 || n >= MIGRATION_TABLE_MAX || t[0] == '.' || t[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == '.')
			dots++;
		else if (!((t[i] >= 'a' && t[i] <= 'z') || t[i] == '_'))
			return false;
	}
	return dots <= 1;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int applied(PGconn *db, const char *table, const char *version, char *err, size_t errlen)
{
	const char *params[1] = { version };
	char *sql = xasprintf("SELECT 1 FROM %s WHERE version = $1", table);
	PGresult *res = PQexecParams(db, sql, 1, NULL, params, NULL, NULL, 0);
	int rc;

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	} else {
		rc = PQntuples(res) > 0;
	}
	PQclear(res);
	free(sql);
	return rc;
}

static int apply_one(PGconn *db, const char *dir, const char *table, const char *name, char *err,
		     size_t errlen)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *insert = xasprintf("INSERT INTO %s (version) VALUES ($1)", table);
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
	res = PQexecParams(db, insert, 1, NULL, params, NULL, NULL, 0);
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
	free(insert);
	free(path);
	return rc;
}

int migrate_apply(PGconn *db, const char *dir, const char *table, long long lock_key, char *err,
		  size_t errlen)
{
	DIR *d = NULL;
	struct dirent *e;
	char **names = NULL, msg[256], lock[96], unlock[96];
	char *create = NULL;
	size_t n = 0;
	int count = 0, locked = 0;

	if (!table_name_ok(table)) {
		snprintf(err, errlen, "bad migrations table name '%s'", table);
		return -1;
	}
	snprintf(lock, sizeof(lock), "SELECT pg_advisory_lock(%lld)", lock_key);
	snprintf(unlock, sizeof(unlock), "SELECT pg_advisory_unlock(%lld)", lock_key);
	if (pg_exec(db, lock, err, errlen))
		return -1;
	locked = 1;
	create = xasprintf(
		"CREATE TABLE IF NOT EXISTS %s ("
		" version text PRIMARY KEY,"
		" applied_at timestamptz NOT NULL DEFAULT now())",
		table);
	if (pg_exec(db, create, err, errlen)) {
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
		int a = applied(db, table, names[i], err, errlen);

		if (a < 0 || (!a && apply_one(db, dir, table, names[i], err, errlen))) {
			count = -1;
			goto out;
		}
		count += !a;
	}
out:
	if (locked)
		pg_exec(db, unlock, msg, sizeof(msg));
	if (d)
		closedir(d);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(create);
	return count;
}

/* The user named in a conninfo (URL or key=value), malloc'ed; NULL if none. */
static char *conninfo_user(const char *conninfo)
{
	PQconninfoOption *opts = PQconninfoParse(conninfo, NULL), *o;
	char *user = NULL;

	for (o = opts; o && o->keyword; o++)
		if (!strcmp(o->keyword, "user") && o->val && *o->val)
			user = xstrdup(o->val);
	PQconninfoFree(opts);
	return user;
}

int migrate_grant(PGconn *owner, const char *schema, const char *table,
		  const char *runtime_conninfo, char *err, size_t errlen)
{
	char *user = conninfo_user(runtime_conninfo), *role = NULL, *sch = NULL, *sql = NULL;
	int rc = -1;

	if (!user) {
		errmsg(err, errlen, "the service's database URL names no user");
		goto out;
	}
	if (!strcmp(user, PQuser(owner))) {
		rc = 0; /* one role for both: nothing to hand out */
		goto out;
	}
	role = PQescapeIdentifier(owner, user, strlen(user));
	sch = PQescapeIdentifier(owner, schema, strlen(schema));
	if (!role || !sch) {
		errmsg(err, errlen, "cannot quote the role: %s", PQerrorMessage(owner));
		goto out;
	}
	/* 'table' is our own constant ([a-z_.]), checked by migrate_apply's
	 * rules; the role and schema are quoted. */
	sql = xasprintf(
		"BEGIN;"
		"GRANT USAGE ON SCHEMA %s TO %s;"
		"REVOKE CREATE ON SCHEMA %s FROM %s;"
		"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s;"
		"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s;"
		"REVOKE INSERT, UPDATE, DELETE ON %s FROM %s;"
		"COMMIT",
		sch, role, sch, role, sch, role, sch, role, table, role);
	if (pg_exec(owner, sql, err, errlen)) {
		char ignored[128];

		pg_exec(owner, "ROLLBACK", ignored, sizeof(ignored));
		goto out;
	}
	rc = 0;
out:
	PQfreemem(role);
	PQfreemem(sch);
	free(sql);
	free(user);
	return rc;
}
