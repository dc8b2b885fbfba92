/*
 * tarjotin-admin - the operator's command (docs/identity.md "Operator
 * command"), talking to PostgreSQL directly:
 *
 *   tarjotin-admin create-admin EMAIL [NAME]
 *       creates (or re-enables) an admin account and prints a one-time
 *       sign-in link for it: the first admin of a real deployment
 *   tarjotin-admin login-link EMAIL
 *       prints a one-time sign-in link for an existing enabled account
 *
 *   tarjotin-admin curve-keypair
 *       prints a new ZeroMQ CURVE key pair, the public key on the first
 *       line and the secret key on the second (64 hex digits each): one per
 *       service
 *       (docs/security.md "Internal traffic"); needs no database
 *
 * Only the link (or the keys) goes to stdout; errors go to stderr.  Exit 0, 1 on failure,
 * 2 on a usage error.  Reads TARJOTIN_DATABASE_URL and TARJOTIN_PUBLIC_URL.
 * Every link it prints is audit-logged as login_link.issued by "operator".
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "../directory/audit.h"
#include "../directory/links.h"
#include "config.h"
#include "email.h"
#include "pg.h"
#include "strbuf.h"
#include "utf8.h"
#include "banned.h"

#define NAME_MAX_BYTES 800 /* 200 characters of up to 4 bytes */

static int usage(void)
{
	fprintf(stderr,
		"usage: tarjotin-admin create-admin EMAIL [NAME]\n"
		"       tarjotin-admin login-link EMAIL\n"
		"       tarjotin-admin curve-keypair\n");
	return 2;
}

/* The address lower-cased into out; -1 with a message when it is not one. */
static int address_of(const char *arg, char *out, size_t outlen)
{
	char err[256];
	size_t n = strlen(arg);

	if (n >= outlen) {
		fprintf(stderr, "tarjotin-admin: the address is too long\n");
		return -1;
	}
	for (size_t i = 0; i <= n; i++)
		out[i] = arg[i] >= 'A' && arg[i] <= 'Z' ? (char)(arg[i] - 'A' + 'a') : arg[i];
	if (email_valid(out, err, sizeof(err))) {
		fprintf(stderr, "tarjotin-admin: '%s' is not an e-mail address: %s\n", out, err);
		return -1;
	}
	return 0;
}

static bool name_valid(const char *name)
{
	long n = strlen(name) > NAME_MAX_BYTES ? -1 : utf8_chars(name, false);

	return n >= 0 && n <= 200;
}

/* Runs one statement; the result, or NULL with the reason printed. */
static PGresult *query(PGconn *db, const char *sql, int n, const char *const *params,
		       ExecStatusType want)
{
	PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);
	char err[256];

	if (PQresultStatus(res) == want)
		return res;
	pg_error(db, res, err, sizeof(err));
	fprintf(stderr, "tarjotin-admin: %s\n", err);
	PQclear(res);
	return NULL;
}

/* Finds (create: makes or re-enables) the account of 'email'; its id into
 * id.  0, or -1 printed. */
static int account_of(PGconn *db, bool create, const char *email, const char *name, char *id,
		      bool *created)
{
	const char *params[2] = { email, name };
	PGresult *res = query(db,
			      "SELECT id::text, role::text, disabled_at IS NOT NULL FROM accounts "
			      "WHERE email = $1 FOR UPDATE",
			      1, params, PGRES_TUPLES_OK);
	int rc = -1;

	*created = false;
	if (!res)
		return -1;
	if (PQntuples(res) == 0) {
		PQclear(res);
		if (!create) {
			fprintf(stderr, "tarjotin-admin: no account has this address\n");
			return -1;
		}
		res = query(db,
			    "INSERT INTO accounts (email, name, role) VALUES ($1, $2, 'admin') "
			    "RETURNING id::text",
			    2, params, PGRES_TUPLES_OK);
		if (!res)
			return -1;
		*created = true;
	} else if (create && strcmp(PQgetvalue(res, 0, 1), "admin")) {
		fprintf(stderr, "tarjotin-admin: the address belongs to a %s account\n",
			PQgetvalue(res, 0, 1));
		goto out;
	} else if (!create && !strcmp(PQgetvalue(res, 0, 2), "t")) {
		fprintf(stderr, "tarjotin-admin: the account is disabled\n");
		goto out;
	} else if (create) {
		PGresult *u;

		params[0] = PQgetvalue(res, 0, 0);
		u = query(db,
			  "UPDATE accounts SET disabled_at = NULL, "
			  "name = CASE WHEN $2 = '' THEN name ELSE $2 END WHERE id = $1::uuid",
			  2, params, PGRES_COMMAND_OK);
		if (!u)
			goto out;
		PQclear(u);
	}
	snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
	rc = 0;
out:
	PQclear(res);
	return rc;
}

static int run(PGconn *db, const char *public_url, bool create, const char *email, const char *name)
{
	struct audit_actor operator= { .role = "operator", .hint = "tarjotin-admin" };
	char id[37], err[256], hint[300];
	char *url = NULL;
	bool created;
	struct strbuf detail = STRBUF_INIT;
	int rc = 1;

	if (pg_exec(db, "BEGIN", err, sizeof(err))) {
		fprintf(stderr, "tarjotin-admin: %s\n", err);
		return 1;
	}
	if (account_of(db, create, email, name, id, &created))
		goto out;
	url = links_issue(db, public_url, email, id, NULL, "/", err, sizeof(err));
	if (!url) {
		fprintf(stderr, "tarjotin-admin: %s\n", err);
		goto out;
	}
	audit_hint(email, hint, sizeof(hint));
	strbuf_adds(&detail, "{\"hint\":");
	strbuf_json_str(&detail, hint);
	strbuf_addf(&detail, ",\"created\":%s}", created ? "true" : "false");
	if (audit_write_as(db, &operator, "login_link.issued", "account", id, detail.p, err,
			   sizeof(err)) ||
	    pg_exec(db, "COMMIT", err, sizeof(err))) {
		fprintf(stderr, "tarjotin-admin: %s\n", err);
		goto out;
	}
	printf("%s\n", url);
	rc = fflush(stdout) ? 1 : 0;
out:
	if (rc)
		pg_exec(db, "ROLLBACK", err, sizeof(err));
	strbuf_release(&detail);
	if (url) {
		sodium_memzero(url, strlen(url));
		free(url);
	}
	return rc;
}

/* Prints a new CURVE key pair: public, then secret. */
static int curve_keypair(void)
{
	unsigned char pub[crypto_box_PUBLICKEYBYTES], sec[crypto_box_SECRETKEYBYTES];
	char hex_pub[2 * sizeof(pub) + 1], hex_sec[2 * sizeof(sec) + 1];

	/* CURVE's keys are Curve25519's, which crypto_box uses too. */
	if (sodium_init() < 0 || crypto_box_keypair(pub, sec)) {
		fprintf(stderr, "tarjotin-admin: cannot make a key pair\n");
		return 1;
	}
	printf("%s\n%s\n", sodium_bin2hex(hex_pub, sizeof(hex_pub), pub, sizeof(pub)),
	       sodium_bin2hex(hex_sec, sizeof(hex_sec), sec, sizeof(sec)));
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(hex_sec, sizeof(hex_sec));
	return fflush(stdout) ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *conninfo, *name = "";
	char *public_url;
	char email[EMAIL_MAX_LEN + 2], err[512];
	bool create;
	PGconn *db;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "curve-keypair"))
		return curve_keypair();
	if (argc < 3)
		return usage();
	create = !strcmp(argv[1], "create-admin");
	if ((!create && strcmp(argv[1], "login-link")) || argc > (create ? 4 : 3))
		return usage();
	if (create && argc == 4)
		name = argv[3];
	if (!name_valid(name)) {
		fprintf(stderr,
			"tarjotin-admin: the name must be at most 200 characters of text\n");
		return 2;
	}
	if (address_of(argv[2], email, sizeof(email)))
		return 2;
	conninfo = config_str("TARJOTIN_DATABASE_URL",
			      "postgresql://tarjotin@127.0.0.1:5432/tarjotin");
	public_url = links_public_url(config_str("TARJOTIN_PUBLIC_URL", LINKS_PUBLIC_URL_DEFAULT),
				      err, sizeof(err));
	if (!public_url) {
		fprintf(stderr, "tarjotin-admin: TARJOTIN_PUBLIC_URL: %s\n", err);
		return 1;
	}
	db = sodium_init() < 0 ? NULL : pg_connect(conninfo, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "tarjotin-admin: %s\n", err);
		free(public_url);
		return 1;
	}
	rc = run(db, public_url, create, email, name);
	PQfinish(db);
	free(public_url);
	return rc;
}
