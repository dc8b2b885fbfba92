/*
 * oidc_config.h - the relying party's providers from the environment
 * (TARJOTIN_OIDC_PROVIDERS and TARJOTIN_OIDC_<KEY>_*, docs/identity.md),
 * validated at start, and the URL check the relying party also applies to
 * what a discovery document says.
 */
#ifndef TJ_OIDC_CONFIG_H
#define TJ_OIDC_CONFIG_H

#include <stddef.h>

#include "oidc.h"

#define OIDC_CONFIG_URL_MAX 1024

/* The providers, in the order of TARJOTIN_OIDC_PROVIDERS. */
struct oidc_config {
	size_t n;
	struct oidc_provider_config p[OIDC_MAX_PROVIDERS];
	char *keys[OIDC_MAX_PROVIDERS]; /* p[i].key points here */
};

/*
 * Reads and validates the providers (key [a-z0-9-]{1,32}, none twice, at
 * most OIDC_MAX_PROVIDERS; issuer an http(s) URL without query; client id
 * and secret set; printable ASCII values) and, when there is one, the
 * redirect URI.  Returns 0, or -1 with *bad_var naming the variable (a
 * per-thread buffer valid until the thread's next call) and the reason in
 * err; *c is then empty.  oidc_config_release frees.
 */
int oidc_config_load(struct oidc_config *c, const char *redirect_uri, const char **bad_var,
		     char *err, size_t errlen);
void oidc_config_release(struct oidc_config *c);

/* Whether u is http(s)://host[:port][/path], printable, without user or
 * fragment, at most OIDC_CONFIG_URL_MAX bytes, and without a query unless
 * 'query' allows one. */
int oidc_config_url_valid(const char *u, int query);

#endif
