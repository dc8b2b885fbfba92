/*
 * usage.c - see usage.h and docs/statistics.md section 1.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "gateway.h"
#include "guard.h"
#include "qwords.h"
#include "stats.pb-c.h"
#include "usage.h"
#include "websec.h"
#include "xalloc.h"
#include "banned.h"

static struct bridge_event_more *more_of(struct req *r, uint8_t kind)
{
	if (!r->usage)
		r->usage = xcalloc(1, sizeof(*r->usage));
	r->usage_kind = kind;
	return r->usage;
}

static bool is_hex32(const char *s)
{
	if (strlen(s) != 32)
		return false;
	for (int i = 0; i < 32; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* The request's tj_visit, when it has a valid one. */
static bool visit_of(struct req *r, char *out, size_t outlen)
{
	char name[64];

	websec_cookie_name(r->gw->sessions.behind_tls, "tj_visit", name, sizeof(name));
	return !websec_cookie_get(req_header(r, "Cookie"), name, out, outlen) && is_hex32(out);
}

/* [a-z0-9][a-z0-9-]{0,46}: a page named by its file. */
static bool page_ok(const char *s, size_t n)
{
	if (n == 0 || n > 47)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      (i > 0 && s[i] == '-')))
			return false;
	return true;
}

char *usage_page_view(struct req *r, const char *url)
{
	struct bridge_event_more *m;
	const char *base = strrchr(url, '/');
	size_t n;
	char *cookie = NULL;

	base = base ? base + 1 : url;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".html"))
		n -= 5;
	m = more_of(r, TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW);
	if (n == 0 || (n == 5 && !strncmp(base, "index", 5)))
		snprintf(m->page, sizeof(m->page), "index");
	else if (page_ok(base, n))
		snprintf(m->page, sizeof(m->page), "%.*s", (int)n, base);
	else
		snprintf(m->page, sizeof(m->page), "other");
	if (!visit_of(r, m->visit, sizeof(m->visit))) {
		unsigned char b[16];
		char name[64];

		randombytes_buf(b, sizeof(b));
		sodium_bin2hex(m->visit, sizeof(m->visit), b, sizeof(b));
		websec_cookie_name(r->gw->sessions.behind_tls, "tj_visit", name, sizeof(name));
		cookie = websec_set_cookie(name, m->visit, "/", "Lax", true,
					   r->gw->sessions.behind_tls, -1);
	}
	guard_peek_site(r, m->user_site, sizeof(m->user_site));
	return cookie;
}

void usage_search(struct req *r, const char *need, const char *kind, const char *municipality,
		  const char *county, const char *q)
{
	struct bridge_event_more *m;

	if (!(need && *need) && !(kind && *kind) && !(municipality && *municipality) &&
	    !(county && *county) && !(q && *q))
		return;
	m = more_of(r, TARJOTIN__USAGE_EVENT__KIND__SEARCH);
	snprintf(m->need, sizeof(m->need), "%s", need ? need : "");
	snprintf(m->kind_term, sizeof(m->kind_term), "%s", kind ? kind : "");
	snprintf(m->municipality, sizeof(m->municipality), "%s", municipality ? municipality : "");
	snprintf(m->county, sizeof(m->county), "%s", county ? county : "");
	m->has_q = q && *q;
	if (m->has_q)
		m->n_words = qwords_split(q, m->words, USAGE_MAX_WORDS);
	if (!visit_of(r, m->visit, sizeof(m->visit)))
		m->visit[0] = '\0';
	guard_peek_site(r, m->user_site, sizeof(m->user_site));
}

void usage_search_total(struct req *r, int32_t total)
{
	if (!r->usage || r->usage_kind != TARJOTIN__USAGE_EVENT__KIND__SEARCH)
		return;
	r->usage->zero = total == 0;
	if (!r->usage->zero)
		r->usage->n_words = 0; /* words only of searches that found nothing */
}

void usage_detail(struct req *r, const char *activity_id)
{
	struct bridge_event_more *m = more_of(r, TARJOTIN__USAGE_EVENT__KIND__DETAIL_VIEW);

	snprintf(m->activity, sizeof(m->activity), "%s", activity_id);
	guard_peek_site(r, m->user_site, sizeof(m->user_site));
}

static void emit(struct req *r, uint8_t kind, uint64_t latency_us, struct bridge_event_more *m)
{
	struct bridge_event ev = {
		.kind = kind,
		.route = (uint8_t)r->route->metric,
		.status = (uint16_t)r->status,
		.latency_us = latency_us > UINT32_MAX ? UINT32_MAX : (uint32_t)latency_us,
		.at_ms = clock_wall_ms(),
		.more = m,
	};

	bridge_event(r->srv->bridge, &ev);
}

void usage_emit(struct req *r, uint64_t latency_us)
{
	struct bridge_event_more *m = r->usage;
	const char *name = r->srv->routes->names[r->route->metric];
	bool ok = r->status >= 200 && r->status < 300;

	r->usage = NULL;
	if (m && r->usage_kind == TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW) {
		if (r->status == 200 || r->status == 304)
			emit(r, TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW, latency_us, m);
		else
			free(m);
		return;
	}
	emit(r, TARJOTIN__USAGE_EVENT__KIND__API_CALL, latency_us, NULL);
	if (m && r->status == 200 &&
	    (r->usage_kind == TARJOTIN__USAGE_EVENT__KIND__SEARCH ||
	     r->usage_kind == TARJOTIN__USAGE_EVENT__KIND__DETAIL_VIEW))
		emit(r, r->usage_kind, 0, m);
	else
		free(m);
	if (ok && (!strcmp(name, "review_confirm") || !strcmp(name, "editor_activity_confirm")))
		emit(r, TARJOTIN__USAGE_EVENT__KIND__REVIEW_CONFIRMED, 0, NULL);
}
