/*
 * audit.c - see audit.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "mask.h"
#include "pg.h"
#include "uuid.h"
#include "banned.h"

#define HINT_MAX 300

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

int audit_write_as(PGconn *db, const struct audit_actor *actor, const char *action,
		   const char *target_type, const char *target_id, const char *detail_json,
		   char *err, size_t errlen)
{
	const char *params[8] = { uuid_valid(or_empty(actor->account_id)) ? actor->account_id :
									    NULL,
				  or_empty(actor->role),
				  or_empty(actor->hint),
				  or_empty(actor->session),
				  action,
				  or_empty(target_type),
				  or_empty(target_id),
				  detail_json && *detail_json ? detail_json : "{}" };
	PGresult *res =
		PQexecParams(db,
			     "INSERT INTO audit_log (actor_account, actor_role, actor_hint, "
			     "session, action, target_type, target_id, detail) "
			     "VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8::jsonb)",
			     8, NULL, params, NULL, NULL, 0);
	int rc = 0;

	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

void audit_hint(const char *email, char *hint, size_t hintlen)
{
	if (mask_recipient("email", email, hint, hintlen))
		hint[0] = '\0';
}

/* The masked e-mail of account 'id' into hint ("" when there is none). */
static int account_hint(PGconn *db, const char *id, char *hint, size_t hintlen, char *err,
			size_t errlen)
{
	const char *params[1] = { id };
	PGresult *res = PQexecParams(db, "SELECT email FROM accounts WHERE id = $1::uuid", 1, NULL,
				     params, NULL, NULL, 0);
	int rc = 0;

	hint[0] = '\0';
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_error(db, res, err, errlen);
		rc = -1;
	} else if (PQntuples(res) == 1 && strlen(PQgetvalue(res, 0, 0)) + 4 < hintlen) {
		audit_hint(PQgetvalue(res, 0, 0), hint, hintlen);
	}
	PQclear(res);
	return rc;
}

int audit_write(PGconn *db, const Tarjotin__Principal *p, const char *action,
		const char *target_type, const char *target_id, const char *detail_json, char *err,
		size_t errlen)
{
	struct audit_actor a = { .role = "anonymous" };
	char hint[HINT_MAX] = "";

	if (p && p->role != TARJOTIN__ROLE__ROLE_ANONYMOUS) {
		a.session = p->session;
		if (p->role == TARJOTIN__ROLE__ROLE_SERVICE) {
			a.role = "service";
			snprintf(hint, sizeof(hint), "%s", p->account_id);
		} else if (uuid_valid(p->account_id)) {
			a.role = p->role == TARJOTIN__ROLE__ROLE_ADMIN  ? "admin" :
				 p->role == TARJOTIN__ROLE__ROLE_EDITOR ? "editor" :
				 p->role == TARJOTIN__ROLE__ROLE_FUNDER ? "funder" :
									  "professional";
			a.account_id = p->account_id;
			if (account_hint(db, p->account_id, hint, sizeof(hint), err, errlen))
				return -1;
		}
	}
	a.hint = hint;
	return audit_write_as(db, &a, action, target_type, target_id, detail_json, err, errlen);
}

int audit_purge(PGconn *db, long days, long *audit_rows, long *link_rows, char *err, size_t errlen)
{
	char d[24];
	const char *params[1] = { d };
	PGresult *res = NULL;
	int rc = -1;

	*audit_rows = *link_rows = 0;
	snprintf(d, sizeof(d), "%ld", days);
	if (pg_exec(db, "BEGIN", err, errlen))
		return -1;
	/* The one transaction the append-only trigger lets delete. */
	if (pg_exec(db, "SET LOCAL tarjotin.audit_purge = 'on'", err, errlen))
		goto out;
	res = PQexecParams(
		db, "DELETE FROM audit_log WHERE at < now() - make_interval(days => $1::int)", 1,
		NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		goto out;
	}
	*audit_rows = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	res = PQexec(db, "DELETE FROM login_links WHERE expires_at < now() - interval '7 days'");
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_error(db, res, err, errlen);
		goto out;
	}
	*link_rows = strtol(PQcmdTuples(res), NULL, 10);
	if (pg_exec(db, "COMMIT", err, errlen))
		goto out;
	rc = 0;
out:
	PQclear(res);
	if (rc) {
		char msg[128];

		pg_exec(db, "ROLLBACK", msg, sizeof(msg));
	}
	return rc;
}
