/*
 * session_info.h - what a session carries (identity.proto SessionInfo):
 * the principal of an account and its account_json, read from the database
 * at sign-in.
 */
#ifndef TJ_SESSION_INFO_H
#define TJ_SESSION_INFO_H

#include <stdbool.h>
#include <stddef.h>

#include <libpq-fe.h>

#include "identity.pb-c.h"

struct session_info {
	Tarjotin__SessionInfo info; /* info.principal points at 'principal' */
	Tarjotin__Principal principal;
	bool disabled;
	PGresult *res;   /* the strings point into it */
	char **orgs;     /* principal.organization_ids */
	char *orgs_text; /* what orgs point into */
};

/*
 * Reads account 'account_id' into si (which session_info_release frees,
 * also after an error).  Returns 0, 1 when there is no such account, or -1
 * with err.  The principal's session stays empty (the gateway fills it).
 */
int session_info_load(PGconn *db, const char *account_id, struct session_info *si, char *err,
		      size_t errlen);
void session_info_release(struct session_info *si);

/* The Role of a role name ("professional", "editor", "admin"); ANONYMOUS
 * for anything else. */
Tarjotin__Role session_info_role(const char *name);

#endif
