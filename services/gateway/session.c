/*
 * session.c - see session.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "errmsg.h"
#include "num.h"
#include "session.h"
#include "strbuf.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define KEY_MAX 128

int session_config_init(struct session_config *sc, const char **bad_var, char *err, size_t errlen)
{
	memset(sc, 0, sizeof(*sc));
	sc->idle_s = config_int("TARJOTIN_SESSION_IDLE_MIN", 30, 1, 1440) * 60;
	sc->max_s = config_int("TARJOTIN_SESSION_MAX_HOURS", 10, 1, 720) * 3600;
	sc->behind_tls = config_bool("TARJOTIN_BEHIND_TLS", false);
	websec_cookie_name(sc->behind_tls, "tj_session", sc->cookie, sizeof(sc->cookie));
	websec_cookie_name(sc->behind_tls, "tj_csrf", sc->csrf_cookie, sizeof(sc->csrf_cookie));
	if (sc->idle_s > sc->max_s) {
		*bad_var = "TARJOTIN_SESSION_IDLE_MIN";
		return errmsg(err, errlen, "at most TARJOTIN_SESSION_MAX_HOURS");
	}
	return 0;
}

static void fill_ids(struct req_principal *p, const char *hash)
{
	snprintf(p->hash, sizeof(p->hash), "%s", hash);
	memcpy(p->session, hash, 16);
	p->session[16] = '\0';
}

/* Copies the principal's organisations, comma-joined, into b. */
static void orgs_join(struct strbuf *b, const Tarjotin__Principal *pr)
{
	for (size_t i = 0; i < pr->n_organization_ids; i++) {
		if (i)
			strbuf_adds(b, ",");
		strbuf_adds(b, pr->organization_ids[i]);
	}
}

/* Splits "a,b" into p's organisations; uuids only. */
static void orgs_split(struct req_principal *p, const char *s)
{
	p->n_orgs = 0;
	while (*s && p->n_orgs < REQ_MAX_ORGS) {
		size_t n = strcspn(s, ",");

		if (uuid_parse(s, n, p->org_ids[p->n_orgs]))
			p->n_orgs++;
		s += n;
		if (*s == ',')
			s++;
	}
}

static int reply_ok(redisContext *c, redisReply *rep)
{
	int rc = rep && rep->type != REDIS_REPLY_ERROR ? 0 : -1;

	if (rep)
		freeReplyObject(rep);
	else if (!c->err)
		c->err = REDIS_ERR_OTHER;
	return rc;
}

int session_create(redisContext *c, const struct session_config *sc,
		   const Tarjotin__SessionInfo *info, char id[WEBSEC_TOKEN_SIZE],
		   struct req_principal *p, char *err, size_t errlen)
{
	const Tarjotin__Principal *pr = info->principal;
	struct strbuf orgs = STRBUF_INIT;
	char hash[65], key[KEY_MAX], akey[KEY_MAX], role[8], now[24];
	int rc = -1;

	if (!pr || !pr->account_id || !uuid_valid(pr->account_id))
		return errmsg(err, errlen, "the sign-in answer has no account");
	websec_random_token(id);
	websec_sha256_hex(id, strlen(id), hash);
	memset(p, 0, sizeof(*p));
	fill_ids(p, hash);
	websec_random_token(p->csrf);
	p->role = pr->role;
	snprintf(p->account_id, sizeof(p->account_id), "%s", pr->account_id);
	if (pr->user_site_id && uuid_valid(pr->user_site_id))
		snprintf(p->user_site_id, sizeof(p->user_site_id), "%s", pr->user_site_id);
	orgs_join(&orgs, pr);
	orgs_split(p, orgs.p ? orgs.p : "");
	p->account_json = xmalloc(info->account_json.len + 1);
	memcpy(p->account_json, info->account_json.data, info->account_json.len);
	p->account_json[info->account_json.len] = '\0';
	snprintf(key, sizeof(key), "tj:sess:%s", hash);
	snprintf(akey, sizeof(akey), "tj:sess:acct:%s", p->account_id);
	snprintf(role, sizeof(role), "%d", p->role);
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	redisAppendCommand(c,
			   "HSET %s account_id %s role %s user_site_id %s orgs %s account %b "
			   "csrf %s created %s seen %s",
			   key, p->account_id, role, p->user_site_id, orgs.p ? orgs.p : "",
			   info->account_json.data, info->account_json.len, p->csrf, now, now);
	redisAppendCommand(c, "EXPIRE %s %ld", key, sc->idle_s);
	redisAppendCommand(c, "SADD %s %s", akey, hash);
	redisAppendCommand(c, "EXPIRE %s %ld", akey, sc->max_s);
	rc = 0;
	for (int i = 0; i < 4; i++) {
		redisReply *rep = NULL;

		if (redisGetReply(c, (void **)&rep) != REDIS_OK) {
			rc = -1;
			break;
		}
		if (reply_ok(c, rep))
			rc = -1;
	}
	if (rc) {
		errmsg(err, errlen, "redis refused the session: %s", c->errstr);
		free(p->account_json); /* the caller gets nothing to free on failure */
		p->account_json = NULL;
	}
	strbuf_release(&orgs);
	return rc;
}

/* The value of a field in an HGETALL reply, or NULL. */
static const char *hfield(const redisReply *h, const char *name, size_t *len)
{
	for (size_t i = 0; i + 1 < h->elements; i += 2)
		if (h->element[i]->type == REDIS_REPLY_STRING &&
		    !strcmp(h->element[i]->str, name) &&
		    h->element[i + 1]->type == REDIS_REPLY_STRING) {
			if (len)
				*len = h->element[i + 1]->len;
			return h->element[i + 1]->str;
		}
	return NULL;
}

int session_lookup(redisContext *c, const struct session_config *sc, const char *id,
		   struct req_principal *p, char *err, size_t errlen)
{
	char hash[65], key[KEY_MAX], now[24];
	const char *aid, *role, *site, *orgs, *csrf, *created, *acct;
	redisReply *h;
	size_t alen = 0;
	long r, cr;
	int rc = 0;

	if (!websec_token_ok(id))
		return 0;
	websec_sha256_hex(id, strlen(id), hash);
	snprintf(key, sizeof(key), "tj:sess:%s", hash);
	h = redisCommand(c, "HGETALL %s", key);
	if (!h || h->type != REDIS_REPLY_ARRAY) {
		reply_ok(c, h);
		return errmsg(err, errlen, "redis: %s", c->err ? c->errstr : "bad HGETALL reply");
	}
	aid = hfield(h, "account_id", NULL);
	role = hfield(h, "role", NULL);
	site = hfield(h, "user_site_id", NULL);
	orgs = hfield(h, "orgs", NULL);
	csrf = hfield(h, "csrf", NULL);
	created = hfield(h, "created", NULL);
	acct = hfield(h, "account", &alen);
	if (!aid || !role || !csrf || !created ||
	    num_parse_long(role, 0, TARJOTIN__ROLE__ROLE_FUNDER, &r) ||
	    num_parse_long(created, 0, INT64_MAX / 2, &cr))
		goto out; /* none, or not ours: not found */
	if (cr + sc->max_s <= (long)time(NULL)) {
		char a[REQ_ACCOUNT_ID_MAX];

		snprintf(a, sizeof(a), "%s", aid);
		freeReplyObject(h);
		h = NULL;
		return session_end(c, hash, a) ? errmsg(err, errlen, "redis: %s", c->errstr) : 0;
	}
	memset(p, 0, sizeof(*p));
	fill_ids(p, hash);
	p->role = (int)r;
	snprintf(p->account_id, sizeof(p->account_id), "%s", aid);
	if (site && uuid_valid(site))
		snprintf(p->user_site_id, sizeof(p->user_site_id), "%s", site);
	orgs_split(p, orgs ? orgs : "");
	snprintf(p->csrf, sizeof(p->csrf), "%s", csrf);
	if (acct) {
		p->account_json = xmalloc(alen + 1);
		memcpy(p->account_json, acct, alen);
		p->account_json[alen] = '\0';
	}
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	redisAppendCommand(c, "EXPIRE %s %ld", key, sc->idle_s);
	redisAppendCommand(c, "HSET %s seen %s", key, now);
	rc = 1;
	for (int i = 0; i < 2; i++) {
		redisReply *rep = NULL;

		if (redisGetReply(c, (void **)&rep) != REDIS_OK || reply_ok(c, rep)) {
			free(p->account_json);
			p->account_json = NULL;
			rc = errmsg(err, errlen, "redis: %s", c->errstr);
			break;
		}
	}
out:
	if (h)
		freeReplyObject(h);
	return rc;
}

int session_end(redisContext *c, const char *hash, const char *account_id)
{
	char key[KEY_MAX];
	int rc;

	snprintf(key, sizeof(key), "tj:sess:%s", hash);
	rc = reply_ok(c, redisCommand(c, "DEL %s", key));
	if (!rc && account_id && *account_id) {
		snprintf(key, sizeof(key), "tj:sess:acct:%s", account_id);
		rc = reply_ok(c, redisCommand(c, "SREM %s %s", key, hash));
	}
	return rc;
}

int session_end_account(redisContext *c, const char *account_id)
{
	char akey[KEY_MAX], key[KEY_MAX];
	redisReply *m;
	int rc = 0;

	snprintf(akey, sizeof(akey), "tj:sess:acct:%s", account_id);
	m = redisCommand(c, "SMEMBERS %s", akey);
	if (!m || m->type != REDIS_REPLY_ARRAY) {
		reply_ok(c, m);
		return -1;
	}
	for (size_t i = 0; i < m->elements && !rc; i++) {
		if (m->element[i]->type != REDIS_REPLY_STRING || m->element[i]->len != 64)
			continue;
		snprintf(key, sizeof(key), "tj:sess:%s", m->element[i]->str);
		rc = reply_ok(c, redisCommand(c, "DEL %s", key));
	}
	freeReplyObject(m);
	if (!rc)
		rc = reply_ok(c, redisCommand(c, "DEL %s", akey));
	return rc;
}
