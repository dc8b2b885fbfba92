/*
 * gwfake.c - see gwfake.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "services/gateway/guard.h"
#include "services/gateway/oidc.h"
#include "services/gateway/ratelimit.h"
#include "services/gateway/session.h"
#include "services/gateway/usage.h"
#include "tests/fuzz/gwfake.h"
#include "xalloc.h"
#include "banned.h"

/* The one request of the running input (libFuzzer runs one at a time). */
static struct gwfake *current;

void gwfake_init(struct gwfake *f, const char *body, size_t body_len)
{
	memset(f, 0, sizeof(*f));
	f->srv.rpc_timeout_ms = 1000;
	f->req.gw = &f->gw;
	f->req.srv = &f->srv;
	f->req.conn = (struct MHD_Connection *)f;
	f->req.state = REQ_BODY;
	if (body) {
		f->req.body = xmalloc(body_len + 1);
		memcpy(f->req.body, body, body_len);
		f->req.body[body_len] = '\0';
		f->req.body_len = body_len;
	}
	current = f;
}

void gwfake_add(struct gwfake *f, enum MHD_ValueKind kind, const char *key, const char *value)
{
	if (f->n_values == GWFAKE_MAX_VALUES)
		return;
	f->values[f->n_values].kind = kind;
	f->values[f->n_values].key = xstrdup(key);
	f->values[f->n_values].value = value ? xstrdup(value) : NULL;
	f->n_values++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes s[0..n) into a new string (a %00 ends it, as it would end the
 * C string libmicrohttpd hands on). */
static char *unescape(const char *s, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
			   hexval(s[i + 2]) >= 0) {
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

void gwfake_add_query(struct gwfake *f, const char *query)
{
	const char *p = query;

	while (*p) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		char *k = unescape(p, eq ? (size_t)(eq - p) : n);
		char *v = eq ? unescape(eq + 1, n - (size_t)(eq - p) - 1) : NULL;

		if (*k)
			gwfake_add(f, MHD_GET_ARGUMENT_KIND, k, v);
		free(k);
		free(v);
		p += n;
		if (*p == '&')
			p++;
	}
}

void gwfake_release(struct gwfake *f)
{
	struct req *r = &f->req;

	free(r->usage);
	if (r->call.reply)
		tarjotin__envelope__free_unpacked(r->call.reply, NULL);
	free(r->call.payload.data);
	free(r->body);
	free(r->scratch);
	if (r->principal)
		free(r->principal->account_json);
	free(r->principal);
	for (size_t i = 0; i < r->n_headers; i++)
		free(r->headers[i][0]), free(r->headers[i][1]);
	for (size_t i = 0; i < f->n_values; i++)
		free(f->values[i].key), free(f->values[i].value);
	current = NULL;
}

/* --- libmicrohttpd's connection, as the harness binary defines it -------- */

/* libmicrohttpd's: the first value of that kind and name (headers case-insensitively), or NULL. */
const char *MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					const char *key)
{
	struct gwfake *f = (struct gwfake *)connection;

	for (size_t i = 0; f && key && i < f->n_values; i++)
		if ((f->values[i].kind & kind) &&
		    (kind == MHD_HEADER_KIND ? !strcasecmp(f->values[i].key, key) :
					       !strcmp(f->values[i].key, key)))
			return f->values[i].value;
	return NULL;
}

/* libmicrohttpd's: calls iterator on each value of the kind until it says no; returns how many. */
int MHD_get_connection_values(struct MHD_Connection *connection, enum MHD_ValueKind kind,
			      MHD_KeyValueIterator iterator, void *iterator_cls)
{
	struct gwfake *f = (struct gwfake *)connection;
	int n = 0;

	for (size_t i = 0; f && i < f->n_values; i++) {
		if (!(f->values[i].kind & kind))
			continue;
		n++;
		if (iterator && iterator(iterator_cls, f->values[i].kind, f->values[i].key,
					 f->values[i].value) != MHD_YES)
			break;
	}
	return n;
}

/* libmicrohttpd's: notes the status; the caller still destroys its reference. */
enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status_code,
				   struct MHD_Response *response)
{
	struct gwfake *f = (struct gwfake *)connection;

	if (!response)
		return MHD_NO;
	if (f)
		f->queued = status_code;
	return MHD_YES;
}

/* libmicrohttpd's: nothing to suspend on a fake connection. */
void MHD_suspend_connection(struct MHD_Connection *connection)
{
	(void)connection;
}

/* libmicrohttpd's: nothing to resume. */
void MHD_resume_connection(struct MHD_Connection *connection)
{
	(void)connection;
}

/* --- the gateway's ways out, answered as by an idle stack ---------------- */

/* The bridge's: notes the call's type; its payload stays in r->call for the harness. */
void bridge_submit(struct bridge *b, struct bridge_call *call)
{
	(void)b;
	if (current)
		current->forwarded_type = (int)call->type;
}

/* guard.c's: Redis is down, so the route answers 503 (queued here). */
redisContext *guard_redis(struct req *r, unsigned *status)
{
	*status = guard_unavailable(r);
	return NULL;
}

/* guard.c's: nothing to give back. */
void guard_redis_done(struct req *r, redisContext **cp)
{
	(void)r;
	*cp = NULL;
}

/* guard.c's: no sessions to end. */
void guard_end_sessions(struct req *r, char *const *ids, size_t n)
{
	(void)r;
	(void)ids;
	(void)n;
}

/* guard.c's: queues the 503 and returns it. */
unsigned guard_unavailable(struct req *r)
{
	return req_reply_error(r, 503, "unavailable", NULL, "try again");
}

/* oidc.c's: no provider is configured. */
const struct oidc_provider_config *oidc_find(const struct oidc *o, const char *key)
{
	(void)o;
	(void)key;
	return NULL;
}

/* ratelimit.c's: never over the limit. */
int ratelimit_hit(redisContext *c, const char *name, long limit, long window_s, int64_t now,
		  long *retry_after)
{
	(void)c;
	(void)name;
	(void)limit;
	(void)window_s;
	(void)now;
	*retry_after = 0;
	return 0;
}

/* usage.c's: no usage events are kept. */
void usage_search(struct req *r, const char *need, const char *kind, const char *municipality,
		  const char *county, const char *q)
{
	(void)r;
	(void)need;
	(void)kind;
	(void)municipality;
	(void)county;
	(void)q;
}

/* usage.c's: as usage_search. */
void usage_search_total(struct req *r, int32_t total)
{
	(void)r;
	(void)total;
}

/* usage.c's: as usage_search. */
void usage_detail(struct req *r, const char *activity_id)
{
	(void)r;
	(void)activity_id;
}

/* oidc.c's: no providers. */
size_t oidc_count(const struct oidc *o)
{
	(void)o;
	return 0;
}

/* oidc.c's: none to give. */
const struct oidc_provider_config *oidc_provider(const struct oidc *o, size_t i)
{
	(void)o;
	(void)i;
	return NULL;
}

/* Sessions live in Redis, which guard_redis never hands out here. */
int session_create(redisContext *c, const struct session_config *sc,
		   const Tarjotin__SessionInfo *info, char id[WEBSEC_TOKEN_SIZE],
		   struct req_principal *p, char *err, size_t errlen)
{
	(void)c;
	(void)sc;
	(void)info;
	(void)p;
	id[0] = '\0';
	snprintf(err, errlen, "no redis");
	return -1;
}

/* session.c's: fails (no Redis). */
int session_end(redisContext *c, const char *hash, const char *account_id)
{
	(void)c;
	(void)hash;
	(void)account_id;
	return -1;
}

/* session.c's: fails (no Redis). */
int session_end_account(redisContext *c, const char *account_id)
{
	(void)c;
	(void)account_id;
	return -1;
}
