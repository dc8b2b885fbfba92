/*
 * migrate.h - versioned SQL migrations, for every service that owns a
 * schema (the directory: public.schema_migrations; stats:
 * stats.schema_migrations).
 *
 * Every *.sql file of the migrations folder is one version, named by its file
 * name and applied in name order, each inside its own transaction together
 * with its row in the tracking table.  A session advisory lock (one key per
 * service) serialises instances that start at the same moment: the second
 * waits, then finds nothing left to do.
 */
#ifndef TJ_MIGRATE_H
#define TJ_MIGRATE_H

#include <stddef.h>

#include <libpq-fe.h>

/* The advisory lock keys: any constants will do, as long as every instance
 * of one service uses the same one and two services differ. */
#define MIGRATE_LOCK_DIRECTORY 7305192047110001LL
#define MIGRATE_LOCK_STATS 7305192047110002LL

/*
 * Applies what is missing from dir, tracked in table ("schema_migrations" or
 * "<schema>.schema_migrations": [a-z_] and at most one '.'; the schema must
 * exist), under the advisory lock lock_key.  Returns the number applied
 * (>= 0), or -1 with the failing file and the server's message in err; a
 * failed migration leaves no trace (its transaction is rolled back).
 */
int migrate_apply(PGconn *db, const char *dir, const char *table, long long lock_key, char *err,
		  size_t errlen);

/*
 * Least privilege (docs/security.md "Stores"): the owner's connection 'owner'
 * (which ran the migrations) grants the role of 'runtime_conninfo' what a
 * running service needs in 'schema' and no more: USAGE on the schema,
 * SELECT/INSERT/UPDATE/DELETE on its tables, USAGE/SELECT/UPDATE on its
 * sequences, only SELECT on the tracking table 'table'; never CREATE.  Run
 * after every migration, so new tables are covered.  Nothing to do (0) when
 * both connections are the same role.  Returns 0, or -1 with a message.
 */
int migrate_grant(PGconn *owner, const char *schema, const char *table,
		  const char *runtime_conninfo, char *err, size_t errlen);

#endif
