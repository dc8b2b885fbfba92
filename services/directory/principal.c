/*
 * principal.c - see principal.h.
 */
#include <stdlib.h>
#include <string.h>

#include "authz.h"
#include "principal.h"
#include "strbuf.h"
#include "wdb.h"
#include "xalloc.h"
#include "banned.h"

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The principal's organisations, sorted, joined by commas (strbuf_release). */
static void orgs_of(const Tarjotin__Principal *p, struct strbuf *b)
{
	char **ids = p->n_organization_ids ? xmalloc(p->n_organization_ids * sizeof(*ids)) : NULL;

	for (size_t i = 0; i < p->n_organization_ids; i++)
		ids[i] = p->organization_ids[i];
	if (ids)
		qsort(ids, p->n_organization_ids, sizeof(*ids), cmp_str);
	strbuf_adds(b, "");
	for (size_t i = 0; i < p->n_organization_ids; i++) {
		if (i)
			strbuf_adds(b, ",");
		strbuf_adds(b, ids[i]);
	}
	free(ids);
}

static bool needs_account(Tarjotin__MsgType type)
{
	enum authz_rule rule;

	if (type == TARJOTIN__MSG_TYPE__MSG_AUDIT_WRITE || authz_rule_of(type, &rule))
		return false;
	return rule == AUTHZ_SIGNED_IN || rule == AUTHZ_ADMIN || rule == AUTHZ_ADMIN_OR_EDITOR;
}

int principal_current(struct worker *w, Tarjotin__MsgType type, const Tarjotin__Principal *p,
		      Tarjotin__Envelope *reply)
{
	const char *params[1];
	struct strbuf orgs = STRBUF_INIT;
	PGresult *res;
	int rc = -1;

	if (!p || !needs_account(type))
		return 0;
	params[0] = p->account_id;
	res = wdb_exec(
		w,
		"SELECT role::text, disabled_at IS NOT NULL, coalesce(user_site_id::text, ''), "
		"coalesce((SELECT string_agg(organization_id::text, ',' "
		"ORDER BY organization_id::text) FROM account_organizations "
		"WHERE account_id = a.id), '') FROM accounts a WHERE id = $1::uuid",
		1, params, PGRES_TUPLES_OK, reply);
	if (!res)
		return -1;
	orgs_of(p, &orgs);
	if (PQntuples(res) != 1 || !strcmp(PQgetvalue(res, 0, 1), "t"))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAUTHORIZED, "session_ended", NULL,
			       "the account is disabled or gone: sign in again");
	else if (strcmp(PQgetvalue(res, 0, 0), authz_role_name(p)) ||
		 strcmp(PQgetvalue(res, 0, 2), p->user_site_id) ||
		 strcmp(PQgetvalue(res, 0, 3), orgs.p ? orgs.p : ""))
		reply_set_code(reply, TARJOTIN__STATUS__STATUS_UNAUTHORIZED, "session_stale", NULL,
			       "the account has changed since it signed in: sign in again");
	else
		rc = 0;
	strbuf_release(&orgs);
	PQclear(res);
	return rc;
}
