/*
 * oidc_config.c - providers from the environment (oidc_config.h).
 */
#include "oidc_config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"
#include "config.h"
#include "errmsg.h"
#include "strbuf.h"
#include "xalloc.h"

#define VALUE_MAX 512 /* client id, secret, name, scopes, claim */

static int key_valid(const char *k, size_t len)
{
	if (len < 1 || len > OIDC_KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (!(islower((unsigned char)k[i]) || isdigit((unsigned char)k[i]) || k[i] == '-'))
			return 0;
	}
	return 1;
}

/* Printable ASCII, no spaces in a URL; what may go into a request. */
static int printable(const char *s, int spaces)
{
	for (; *s; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || (!spaces && *s == ' '))
			return 0;
	}
	return 1;
}

/* http(s)://host[:port][/path], no fragment, no user; a query only when
 * 'query' (endpoints may have one, an issuer may not). */
int oidc_config_url_valid(const char *u, int query)
{
	const char *host;

	if (!u || strlen(u) > OIDC_CONFIG_URL_MAX || !printable(u, 0))
		return 0;
	if (strncmp(u, "https://", 8) == 0)
		host = u + 8;
	else if (strncmp(u, "http://", 7) == 0)
		host = u + 7;
	else
		return 0;
	if (*host == '\0' || *host == '/' || *host == ':')
		return 0;
	return strpbrk(u, query ? "#@" : "?#@") == NULL;
}

/* The name of the variable TARJOTIN_OIDC_<KEY>_<what>. */
static void var_name(char *buf, size_t len, const char *key, const char *what)
{
	struct strbuf b = STRBUF_INIT;

	strbuf_adds(&b, "TARJOTIN_OIDC_");
	for (const char *k = key; *k; k++)
		strbuf_addf(&b, "%c", *k == '-' ? '_' : toupper((unsigned char)*k));
	strbuf_addf(&b, "_%s", what);
	snprintf(buf, len, "%s", b.p);
	strbuf_release(&b);
}

/* The variable named in a refusal outlives the refused object. */
static _Thread_local char bad_var_buf[96];

static int refuse(const char **bad_var, const char *var, char *err, size_t errlen,
		  const char *reason)
{
	snprintf(bad_var_buf, sizeof bad_var_buf, "%s", var);
	if (bad_var)
		*bad_var = bad_var_buf;
	return errmsg(err, errlen, "%s", reason);
}

static int provider_config(struct oidc_provider_config *p, const char **bad_var, char *err,
			   size_t errlen)
{
	static const char *const what[] = { "ISSUER", "CLIENT_ID", "CLIENT_SECRET",
					    "NAME",   "SCOPES",    "GROUPS_CLAIM" };
	const char *key = p->key;
	const char *v[6];
	char var[96];

	for (size_t i = 0; i < 6; i++) {
		var_name(var, sizeof var, key, what[i]);
		/* The client secret is a secret: a weak one ends the process. */
		v[i] = i == 2 ? config_secret(var) : config_str(var, NULL);
		if (v[i] && (strlen(v[i]) > (i == 0 ? OIDC_CONFIG_URL_MAX : VALUE_MAX) ||
			     !printable(v[i], 1)))
			return refuse(bad_var, var, err, errlen, "too long or not printable ascii");
	}
	var_name(var, sizeof var, key, "ISSUER");
	if (!oidc_config_url_valid(v[0], 0))
		return refuse(bad_var, var, err, errlen, "not an http(s) url");
	var_name(var, sizeof var, key, "CLIENT_ID");
	if (!v[1] || !*v[1])
		return refuse(bad_var, var, err, errlen, "not set");
	var_name(var, sizeof var, key, "CLIENT_SECRET");
	if (!v[2] || !*v[2])
		return refuse(bad_var, var, err, errlen, "not set");
	var_name(var, sizeof var, key, "SCOPES");
	if (v[4] && !strstr(v[4], "openid"))
		return refuse(bad_var, var, err, errlen, "must hold openid");
	p->issuer = v[0];
	p->client_id = v[1];
	p->client_secret = v[2];
	p->name = v[3] && *v[3] ? v[3] : p->key;
	p->scopes = v[4] && *v[4] ? v[4] : "openid email profile";
	p->groups_claim = v[5] && *v[5] ? v[5] : "groups";
	return 0;
}

static int add_provider(struct oidc_config *c, const char *k, size_t len, const char **bad_var,
			char *err, size_t errlen)
{
	struct oidc_provider_config *p;

	if (!key_valid(k, len))
		return refuse(bad_var, "TARJOTIN_OIDC_PROVIDERS", err, errlen,
			      "a key is not [a-z0-9-]{1,32}");
	for (size_t i = 0; i < c->n; i++) {
		if (strlen(c->keys[i]) == len && memcmp(c->keys[i], k, len) == 0)
			return refuse(bad_var, "TARJOTIN_OIDC_PROVIDERS", err, errlen,
				      "a key is named twice");
	}
	if (c->n == OIDC_MAX_PROVIDERS)
		return refuse(bad_var, "TARJOTIN_OIDC_PROVIDERS", err, errlen,
			      "more than 16 providers");
	p = &c->p[c->n];
	c->keys[c->n] = xstrndup(k, len);
	p->key = c->keys[c->n];
	c->n++;
	return provider_config(p, bad_var, err, errlen);
}

int oidc_config_load(struct oidc_config *c, const char *redirect_uri, const char **bad_var,
		     char *err, size_t errlen)
{
	const char *s = config_str("TARJOTIN_OIDC_PROVIDERS", "");

	memset(c, 0, sizeof *c);
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		const char *k = s;
		/* Spaces around a key are allowed: "a, b". */
		while (len && *k == ' ')
			k++, len--;
		while (len && k[len - 1] == ' ')
			len--;
		if (len && add_provider(c, k, len, bad_var, err, errlen) < 0)
			goto fail;
		if (!end)
			break;
		s = end + 1;
	}
	if (c->n && (!redirect_uri || !oidc_config_url_valid(redirect_uri, 0))) {
		refuse(bad_var, "TARJOTIN_PUBLIC_URL", err, errlen, "not an http(s) url");
		goto fail;
	}
	return 0;
fail:
	oidc_config_release(c);
	return -1;
}

void oidc_config_release(struct oidc_config *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->keys[i]);
	memset(c, 0, sizeof *c);
}
