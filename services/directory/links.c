/*
 * links.c - see links.h.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "links.h"
#include "mailq.h"
#include "pg.h"
#include "strbuf.h"
#include "xalloc.h"
#include "banned.h"

char *links_public_url(const char *url, char *err, size_t errlen)
{
	const char *host;
	size_t n = strlen(url);

	if (!strncmp(url, "https://", 8))
		host = url + 8;
	else if (!strncmp(url, "http://", 7))
		host = url + 7;
	else
		goto bad;
	while (n > (size_t)(host - url) && url[n - 1] == '/')
		n--;
	if (n > LINKS_PUBLIC_URL_MAX || n == (size_t)(host - url) || *host == '/')
		goto bad;
	for (const char *c = host; c < url + n; c++)
		if (!isalnum((unsigned char)*c) && !strchr(".-:[]/_~%", *c))
			goto bad;
	return xstrndup(url, n);
bad:
	snprintf(err, errlen,
		 "'%.*s' is not a URL like https://tarjotin.example.org (http or https, a host, "
		 "at most %d characters)",
		 60, url, LINKS_PUBLIC_URL_MAX);
	return NULL;
}

bool links_token_valid(const char *token)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_";

	return token && strlen(token) == LINKS_TOKEN_LEN &&
	       strspn(token, alphabet) == LINKS_TOKEN_LEN;
}

void links_hash(const char *token, uint8_t out[LINKS_HASH_LEN])
{
	crypto_hash_sha256(out, (const unsigned char *)token, strlen(token));
}

void links_new_token(char token[LINKS_TOKEN_LEN + 1], uint8_t hash[LINKS_HASH_LEN])
{
	uint8_t raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, LINKS_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	links_hash(token, hash);
}

char *links_issue(PGconn *db, const char *public_url, const char *email, const char *account_id,
		  const char *user_site_id, const char *return_path, char *err, size_t errlen)
{
	uint8_t hash[LINKS_HASH_LEN];
	char token[LINKS_TOKEN_LEN + 1], minutes[8];
	const char *params[6];
	int lengths[6] = { LINKS_HASH_LEN, 0, 0, 0, 0, 0 };
	int formats[6] = { 1, 0, 0, 0, 0, 0 };
	PGresult *res;
	char *url = NULL;

	links_new_token(token, hash);
	snprintf(minutes, sizeof(minutes), "%d", LINKS_VALID_MINUTES);
	params[0] = (const char *)hash;
	params[1] = email;
	params[2] = account_id && *account_id ? account_id : NULL;
	params[3] = user_site_id && *user_site_id ? user_site_id : NULL;
	params[4] = return_path && *return_path ? return_path : "/";
	params[5] = minutes;
	res = PQexecParams(db,
			   "INSERT INTO login_links (token_hash, email, account_id, user_site_id, "
			   "return_path, expires_at) VALUES ($1, $2, $3::uuid, $4::uuid, $5, "
			   "now() + make_interval(mins => $6::int))",
			   6, NULL, params, lengths, formats, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		pg_error(db, res, err, errlen);
	else
		url = xasprintf("%s/link.html#%s", public_url, token);
	PQclear(res);
	sodium_memzero(token, sizeof(token));
	return url;
}

int links_mail(PGconn *db, const struct seal_key *key, const char *email, const char *lang,
	       const char *url, char *err, size_t errlen)
{
	struct strbuf vars = STRBUF_INIT;
	int rc;

	strbuf_adds(&vars, "{\"login_url\":");
	strbuf_json_str(&vars, url);
	strbuf_addf(&vars, ",\"valid_minutes\":\"%d\"}", LINKS_VALID_MINUTES);
	rc = mailq_email(db, key, email, lang, "login_link", vars.p, true, err, errlen);
	sodium_memzero(vars.p, vars.len);
	strbuf_release(&vars);
	return rc;
}
