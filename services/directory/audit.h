/*
 * audit.h - writing the audit log (docs/identity.md "Audit log"), inside the
 * caller's transaction, and its retention purge.
 *
 * A row says who (account, role, a masked hint, the session hash), did what
 * (action), to which record (target type and id), with a JSON detail that
 * holds no personal data beyond masked hints.  The table is append-only
 * (migration 0030); only audit_purge deletes, and only old rows.
 */
#ifndef TJ_AUDIT_H
#define TJ_AUDIT_H

#include <stddef.h>

#include <libpq-fe.h>

#include "identity.pb-c.h"

/* Who acted, spelled out (for sign-ins and the operator command, where the
 * actor is not the call's principal).  NULL or "" fields are stored empty. */
struct audit_actor {
	const char *account_id; /* uuid or NULL */
	const char *role;       /* "anonymous" ... "service", "operator" */
	const char *hint;       /* masked e-mail or a service name */
	const char *session;    /* the principal's session hash */
};

/*
 * Appends one row by 'actor' on 'db', in whatever transaction the caller
 * has open.  detail_json: a JSON object or NULL ("{}").  Returns 0, or -1
 * with the server's reason in err (the caller rolls back).
 */
int audit_write_as(PGconn *db, const struct audit_actor *actor, const char *action,
		   const char *target_type, const char *target_id, const char *detail_json,
		   char *err, size_t errlen);

/*
 * The same by the call's principal 'p' (NULL: anonymous).  The hint is the
 * masked e-mail of p's account (looked up), or a service's name.
 */
int audit_write(PGconn *db, const Tarjotin__Principal *p, const char *action,
		const char *target_type, const char *target_id, const char *detail_json, char *err,
		size_t errlen);

/* The masked form of 'email' into hint (room for strlen(email) + 4);
 * "" when it is not an address. */
void audit_hint(const char *email, char *hint, size_t hintlen);

/*
 * Deletes audit rows older than 'days' days and login links 7 days past
 * their expiry, in one transaction of its own on 'db' (which must have
 * none open).  *audit_rows and *link_rows get the counts.  Returns 0, or -1
 * with err.
 */
int audit_purge(PGconn *db, long days, long *audit_rows, long *link_rows, char *err, size_t errlen);

#endif
