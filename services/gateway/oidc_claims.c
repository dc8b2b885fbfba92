/*
 * oidc_claims.c - ID token claim checks (oidc_claims.h).
 */
#include "oidc_claims.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"
#include "email.h"
#include "errmsg.h"
#include "log.h"
#include "xalloc.h"

#define SUBJECT_MAX 255
#define NAME_MAX_BYTES 512
#define GROUP_MAX_BYTES 256

static const char *str_claim(json_t *c, const char *name)
{
	json_t *v = json_object_get(c, name);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

static int audience_ok(json_t *c, const char *client_id)
{
	json_t *aud = json_object_get(c, "aud"), *v;
	const char *azp;
	int found = 0;
	size_t i;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), client_id) == 0;
	if (!json_is_array(aud))
		return 0;
	json_array_foreach(aud, i, v) {
		if (json_is_string(v) && strcmp(json_string_value(v), client_id) == 0)
			found = 1;
	}
	if (!found)
		return 0;
	if (json_array_size(aud) == 1)
		return 1;
	azp = str_claim(c, "azp");
	return azp && strcmp(azp, client_id) == 0;
}

/* A NumericDate (RFC 7519): a JSON number of seconds. */
static int numeric_date(json_t *c, const char *name, int64_t *out)
{
	json_t *v = json_object_get(c, name);

	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v) && json_real_value(v) > -9e15 && json_real_value(v) < 9e15) {
		*out = (int64_t)json_real_value(v);
		return 0;
	}
	return -1;
}

/* email_verified is refused only when it says false (a boolean, or the
 * string some providers send). */
static int email_unverified(json_t *c)
{
	json_t *v = json_object_get(c, "email_verified");

	if (json_is_false(v))
		return 1;
	return json_is_string(v) && strcmp(json_string_value(v), "false") == 0;
}

static void take_groups(json_t *c, const char *claim, struct oidc_identity *id)
{
	json_t *g = json_object_get(c, claim), *v;
	size_t i, skipped = 0;

	if (json_is_string(g)) {
		if (strlen(json_string_value(g)) <= GROUP_MAX_BYTES)
			id->groups[id->n_groups++] = xstrdup(json_string_value(g));
		return;
	}
	if (!json_is_array(g))
		return;
	json_array_foreach(g, i, v) {
		if (!json_is_string(v) || strlen(json_string_value(v)) > GROUP_MAX_BYTES ||
		    id->n_groups == OIDC_MAX_GROUPS) {
			skipped++;
			continue;
		}
		id->groups[id->n_groups++] = xstrdup(json_string_value(v));
	}
	if (skipped)
		log_warn("oidc groups skipped", "reason", "not a string, too long or too many",
			 NULL);
}

int oidc_claims_check(json_t *c, const struct oidc_claims_want *w, struct oidc_identity *id,
		      char *err, size_t errlen)
{
	const char *iss = str_claim(c, "iss"), *sub = str_claim(c, "sub");
	const char *nonce = str_claim(c, "nonce"), *email = str_claim(c, "email");
	const char *name = str_claim(c, "name");
	int64_t exp, iat;
	char *lower = NULL;

	if (!json_is_object(c))
		return errmsg(err, errlen, "malformed");
	if (!iss || strcmp(iss, w->issuer) != 0)
		return errmsg(err, errlen, "issuer");
	if (!audience_ok(c, w->client_id))
		return errmsg(err, errlen, "audience");
	if (numeric_date(c, "exp", &exp) < 0 || exp <= w->now - OIDC_CLAIMS_SKEW)
		return errmsg(err, errlen, "expired");
	if (numeric_date(c, "iat", &iat) < 0 || iat >= w->now + OIDC_CLAIMS_SKEW)
		return errmsg(err, errlen, "issued in the future");
	if (!nonce || !w->nonce || strcmp(nonce, w->nonce) != 0)
		return errmsg(err, errlen, "nonce");
	if (!sub || !*sub || strlen(sub) > SUBJECT_MAX)
		return errmsg(err, errlen, "subject");
	if (email_unverified(c))
		return errmsg(err, errlen, "email not verified");
	if (email) {
		lower = xstrdup(email);
		for (char *p = lower; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (email_valid(lower, NULL, 0) < 0) {
			free(lower);
			return errmsg(err, errlen, "email");
		}
	}
	memset(id, 0, sizeof *id);
	id->issuer = xstrdup(iss);
	id->subject = xstrdup(sub);
	id->email = lower;
	id->name = name && strlen(name) <= NAME_MAX_BYTES ? xstrdup(name) : NULL;
	take_groups(c, w->groups_claim, id);
	return 0;
}
