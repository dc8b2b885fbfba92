/*
 * admit.c - see admit.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admit.h"
#include "bucket.h"
#include "clock.h"
#include "gateway.h"
#include "websec.h"
#include "xalloc.h"
#include "banned.h"

struct admit {
	struct bucket_table *ip, *session;
	const char *cookie;
};

struct admit *admit_new(const struct admit_config *c)
{
	struct admit *a = xcalloc(1, sizeof(*a));

	a->cookie = c->cookie;
	a->ip = bucket_new(c->slots, c->ip_rate, c->ip_burst);
	a->session = bucket_new(c->slots, c->session_rate, c->session_burst);
	if (!a->ip || !a->session)
		admit_destroy(&a);
	return a;
}

void admit_destroy(struct admit **ap)
{
	struct admit *a = *ap;

	if (!a)
		return;
	bucket_destroy(&a->ip);
	bucket_destroy(&a->session);
	free(a);
	*ap = NULL;
}

static unsigned too_many(struct req *r, long wait, const char *who)
{
	char ra[24];

	snprintf(ra, sizeof(ra), "%ld", wait);
	req_add_header(r, "Retry-After", ra);
	r->throttled = true;
	return req_reply_error(r, 429, "too_many_requests", NULL,
			       "too many requests from this %s, try again in %ld s", who, wait);
}

unsigned admit_request(struct req *r)
{
	struct admit *a = r->gw->admit;
	char ip[64], id[WEBSEC_TOKEN_SIZE + 1];
	int64_t now = clock_mono_us();
	long wait;

	if (!a)
		return 0;
	req_client_ip(r, ip, sizeof(ip));
	if ((wait = bucket_take(a->ip, ip, strlen(ip), now)))
		return too_many(r, wait, "address");
	/* Any cookie of a session's shape counts, looked up or not: nothing
	 * has touched Redis yet. */
	if (!websec_cookie_get(req_header(r, "Cookie"), a->cookie, id, sizeof(id)) &&
	    websec_token_ok(id) && (wait = bucket_take(a->session, id, strlen(id), now)))
		return too_many(r, wait, "session");
	return 0;
}
