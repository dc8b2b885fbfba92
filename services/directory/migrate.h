/*
 * migrate.h - versioned SQL migrations.
 *
 * Every *.sql file of the migrations folder is one version, named by its file
 * name and applied in name order, each inside its own transaction together
 * with its row in schema_migrations.  A session advisory lock serialises
 * directory instances that start at the same moment: the second waits, then
 * finds nothing left to do.
 */
#ifndef TJ_MIGRATE_H
#define TJ_MIGRATE_H

#include <stddef.h>

#include <libpq-fe.h>

/*
 * Applies what is missing.  Returns the number applied (>= 0), or -1 with
 * the failing file and the server's message in err; a failed migration
 * leaves no trace (its transaction is rolled back).
 */
int migrate_apply(PGconn *db, const char *dir, char *err, size_t errlen);

#endif
