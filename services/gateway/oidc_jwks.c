/*
 * oidc_jwks.c - JWKS parsing and key choice (oidc_jwks.h).
 */
#include "oidc_jwks.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "banned.h"
#include "errmsg.h"
#include "xalloc.h"

struct jwks_key {
	char *kid; /* NULL when the key has none */
	char *alg; /* NULL when the key does not say */
	cjose_jwk_t *jwk;
};

struct oidc_jwks {
	struct jwks_key keys[OIDC_JWKS_MAX_KEYS];
	size_t n;
};

static const char *str_member(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The key types we verify with: RSA, and EC on P-256. */
static int usable_type(json_t *k)
{
	const char *kty = str_member(k, "kty");
	const char *crv = str_member(k, "crv");

	if (!kty)
		return 0;
	if (strcmp(kty, "RSA") == 0)
		return 1;
	return strcmp(kty, "EC") == 0 && crv && strcmp(crv, "P-256") == 0;
}

/*
 * True when every member cjose base64url-decodes is absent or base64url
 * text (RFC 7515: no padding) it can decode: libcjose 0.6 asserts,
 * aborting the gateway, on a length that leaves a single character over
 * (length % 4 == 1), so such a key from a provider's JWKS is refused here
 * first.
 */
static int b64url_members_ok(json_t *k)
{
	static const char *const names[] = { "n", "e", "d", "p", "q", "dp", "dq", "qi", "x", "y" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *v = json_object_get(k, names[i]);
		size_t n;

		if (!v)
			continue;
		if (!json_is_string(v))
			return 0;
		n = json_string_length(v);
		if (n % 4 == 1 || strspn(json_string_value(v),
					 "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
					 "abcdefghijklmnopqrstuvwxyz0123456789-_") != n)
			return 0;
	}
	return 1;
}

static int add_key(struct oidc_jwks *j, json_t *k)
{
	const char *use = str_member(k, "use");
	const char *kid = str_member(k, "kid");
	const char *alg = str_member(k, "alg");
	cjose_err cerr;
	cjose_jwk_t *jwk;
	char *text;

	if (!json_is_object(k) || (use && strcmp(use, "sig") != 0) || !usable_type(k) ||
	    !b64url_members_ok(k))
		return -1;
	text = json_dumps(k, JSON_COMPACT);
	if (!text)
		return -1;
	jwk = cjose_jwk_import(text, strlen(text), &cerr);
	free(text);
	if (!jwk)
		return -1;
	j->keys[j->n].kid = kid ? xstrdup(kid) : NULL;
	j->keys[j->n].alg = alg ? xstrdup(alg) : NULL;
	j->keys[j->n].jwk = jwk;
	j->n++;
	return 0;
}

struct oidc_jwks *oidc_jwks_parse(const char *json, size_t len, char *err, size_t errlen)
{
	struct oidc_jwks *j = NULL;
	json_t *doc, *keys, *k;
	size_t i;

	doc = json_loadb(json, len, JSON_REJECT_DUPLICATES, NULL);
	keys = json_object_get(doc, "keys");
	if (!json_is_array(keys)) {
		errmsg(err, errlen, "not a jwks");
		goto out;
	}
	j = xcalloc(1, sizeof *j);
	json_array_foreach(keys, i, k) {
		if (j->n == OIDC_JWKS_MAX_KEYS)
			break;
		add_key(j, k); /* a key we cannot use is skipped */
	}
	if (j->n == 0) {
		oidc_jwks_destroy(&j);
		errmsg(err, errlen, "no usable key in the jwks");
	}
out:
	json_decref(doc);
	return j;
}

void oidc_jwks_destroy(struct oidc_jwks **jp)
{
	struct oidc_jwks *j = *jp;

	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++) {
		free(j->keys[i].kid);
		free(j->keys[i].alg);
		cjose_jwk_release(j->keys[i].jwk);
	}
	free(j);
	*jp = NULL;
}

size_t oidc_jwks_count(const struct oidc_jwks *j)
{
	return j ? j->n : 0;
}

static int fits(const struct jwks_key *k, const char *alg)
{
	cjose_jwk_kty_t kty = cjose_jwk_get_kty(k->jwk, NULL);

	if (k->alg && strcmp(k->alg, alg) != 0)
		return 0;
	if (strcmp(alg, "ES256") == 0)
		return kty == CJOSE_JWK_KTY_EC;
	return kty == CJOSE_JWK_KTY_RSA; /* RS256, PS256 */
}

cjose_jwk_t *oidc_jwks_find(const struct oidc_jwks *j, const char *alg, const char *kid)
{
	const struct jwks_key *found = NULL;
	size_t n_fit = 0;

	if (!j)
		return NULL;
	for (size_t i = 0; i < j->n; i++) {
		const struct jwks_key *k = &j->keys[i];
		if (!fits(k, alg))
			continue;
		if (kid) {
			if (k->kid && strcmp(k->kid, kid) == 0) {
				found = k;
				break;
			}
		} else {
			found = k;
			n_fit++;
		}
	}
	if (!found || (!kid && n_fit != 1))
		return NULL;
	return cjose_jwk_retain(found->jwk, NULL);
}
