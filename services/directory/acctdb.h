/*
 * acctdb.h - what the account calls (accounts.c, editors.c) share: the
 * account's JSON as the admin API shows it, checking and setting an
 * editor's organisations, and making an account.  All on the worker's
 * connection, inside the caller's transaction.
 */
#ifndef TJ_ACCTDB_H
#define TJ_ACCTDB_H

#include <jansson.h>

#include "directory.h"

/* The SQL of an account's JSON (below), for a row 'a' of accounts joined
 * with its user site 's' (LEFT JOIN user_sites s ON s.id = a.user_site_id). */
#define ACCTDB_JSON_SQL                                                                   \
	"json_build_object('id', a.id, 'email', a.email, 'name', a.name, "                \
	"'role', a.role, 'lang', a.lang, 'user_site', CASE WHEN s.id IS NULL THEN NULL "  \
	"ELSE json_build_object('id', s.id, 'name', s.name) END, "                        \
	"'organizations', coalesce((SELECT json_agg(json_build_object('id', o.id, "       \
	"'name', o.name) ORDER BY o.name, o.id) FROM account_organizations ao "           \
	"JOIN organizations o ON o.id = ao.organization_id WHERE ao.account_id = a.id), " \
	"'[]'::json), 'disabled', a.disabled_at IS NOT NULL, "                            \
	"'created_at', a.created_at, 'last_signin_at', a.last_signin_at)"

/*
 * The account 'id' as {"id","email","name","role","lang","user_site":
 * {"id","name"}|null,"organizations":[{"id","name"}],"disabled","created_at",
 * "last_signin_at"}; malloc'ed (free()), or NULL with reply filled
 * (NOT_FOUND when there is no such account).
 */
char *acctdb_json(struct worker *w, const char *id, Tarjotin__Envelope *reply);

/*
 * Checks that 'ids' (a JSON value from a body) is an array of at most 50
 * canonical uuids of existing organisations.  Its compact text into *text
 * (free()).  0, or -1 with reply set to BAD_REQUEST field organization_ids.
 */
int acctdb_orgs_check(struct worker *w, const json_t *ids, char **text, Tarjotin__Envelope *reply);

/* Makes account 'id's organisations exactly those of the JSON array text
 * 'ids'.  Returns 1 when that changed them, 0 when not, -1 (reply filled). */
int acctdb_orgs_set(struct worker *w, const char *id, const char *ids, Tarjotin__Envelope *reply);

/* Whether user site 'id' exists: 0, or -1 with reply set to BAD_REQUEST
 * field user_site_id (or a database error). */
int acctdb_site_check(struct worker *w, const char *id, Tarjotin__Envelope *reply);

/*
 * Makes an account; its id into id (37 bytes).  site_id NULL unless a
 * professional.  0; 1 when the address has an account already (id then
 * holds it and *role its role, 16 bytes); -1 with reply filled.
 */
int acctdb_create(struct worker *w, const char *email, const char *name, const char *role,
		  const char *site_id, const char *lang, char *id, char *role_out,
		  Tarjotin__Envelope *reply);

#endif
