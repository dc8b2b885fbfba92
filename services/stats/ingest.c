/*
 * ingest.c - a UsageBatch into counters, visits and contact-request records;
 * see ingest.h and docs/statistics.md section 1 for every field.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "strbuf.h"
#include "uuid.h"
#include "xalloc.h"
#include "banned.h"

#define DAY_S (24LL * 3600)

void ingest_init(struct ingest *g)
{
	memset(g, 0, sizeof(*g));
}

void ingest_release(struct ingest *g)
{
	for (size_t i = 0; i < g->n_counters; i++)
		free(g->counters[i].field);
	for (size_t i = 0; i < g->n_crs; i++)
		free(g->crs[i].record);
	free(g->counters);
	free(g->slots);
	free(g->visits);
	free(g->crs);
	memset(g, 0, sizeof(*g));
}

/* --- checks of the dimensions ------------------------------------------- */

static bool is_lower_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

/* A canonical (lower-case) uuid. */
static bool is_uuid(const char *s)
{
	if (!s || !uuid_valid(s))
		return false;
	for (const char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'F')
			return false;
	return true;
}

/* ^[a-z][a-z0-9-]{0,39}$: a term id or a county key. */
static bool is_term(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* A county key: 1..8 upper-case letters ("PS", "HE"). */
static bool is_county(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 8)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(s[i] >= 'A' && s[i] <= 'Z'))
			return false;
	return true;
}

/* ^[0-9]{3}$: a municipality code. */
static bool is_mun(const char *s)
{
	return strlen(s) == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9';
}

/* A page or a route name: [a-z0-9][a-z0-9_.-]{0,47}. */
static bool is_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 48)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      (i > 0 && (c == '-' || c == '_' || c == '.'))))
			return false;
	}
	return true;
}

/* An event kind of a contact request: [a-z_]{1,40}. */
static bool is_kind(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 40)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '_'))
			return false;
	return true;
}

int ingest_word_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 120)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!((c >= 'a' && c <= 'z') || c >= 0x80))
			return 0;
	}
	return 1;
}

/* "" is fine (not given); anything else must pass ok. */
static bool empty_or(const char *s, bool (*ok)(const char *))
{
	return !s || !*s || ok(s);
}

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* --- accumulation ------------------------------------------------------- */

static uint64_t hash(const char *day, const char *field)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = day; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ '|') * 1099511628211ULL;
	for (const char *p = field; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return h;
}

static void rehash(struct ingest *g)
{
	size_t n = g->n_slots ? g->n_slots * 2 : 64;

	free(g->slots);
	g->slots = xcalloc(n, sizeof(*g->slots));
	g->n_slots = n;
	for (size_t i = 0; i < g->n_counters; i++) {
		size_t s = hash(g->counters[i].day, g->counters[i].field) & (n - 1);

		while (g->slots[s])
			s = (s + 1) & (n - 1);
		g->slots[s] = i + 1;
	}
}

static void count(struct ingest *g, const char *day, const char *field)
{
	size_t s;

	if (g->n_counters * 2 >= g->n_slots)
		rehash(g);
	s = hash(day, field) & (g->n_slots - 1);
	while (g->slots[s]) {
		struct ingest_counter *c = &g->counters[g->slots[s] - 1];

		if (!strcmp(c->day, day) && !strcmp(c->field, field)) {
			c->n++;
			return;
		}
		s = (s + 1) & (g->n_slots - 1);
	}
	if (g->n_counters == g->cap_counters) {
		g->cap_counters = g->cap_counters ? g->cap_counters * 2 : 32;
		g->counters = xrealloc(g->counters, g->cap_counters * sizeof(*g->counters));
	}
	snprintf(g->counters[g->n_counters].day, HDAY_SIZE, "%s", day);
	g->counters[g->n_counters].field = xstrdup(field);
	g->counters[g->n_counters].n = 1;
	g->slots[s] = ++g->n_counters;
}

static void countf(struct ingest *g, const char *day, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void countf(struct ingest *g, const char *day, const char *fmt, ...)
{
	char field[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(field, sizeof(field), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(field))
		count(g, day, field);
}

static void visit(struct ingest *g, const char *day, const char *site, const char *v)
{
	struct ingest_visit *x;

	if (g->n_visits == g->cap_visits) {
		g->cap_visits = g->cap_visits ? g->cap_visits * 2 : 16;
		g->visits = xrealloc(g->visits, g->cap_visits * sizeof(*g->visits));
	}
	x = &g->visits[g->n_visits++];
	snprintf(x->day, sizeof(x->day), "%s", day);
	snprintf(x->site, sizeof(x->site), "%s", site);
	snprintf(x->visit, sizeof(x->visit), "%s", v);
}

/* Remembers day among the batch's days; false when there are too many. */
static bool day_seen(struct ingest *g, const char *day)
{
	int64_t end_ms;

	for (size_t i = 0; i < g->n_days; i++)
		if (!strcmp(g->days[i].day, day))
			return true;
	if (g->n_days == sizeof(g->days) / sizeof(g->days[0]) || hday_end_ms(day, &end_ms))
		return false;
	snprintf(g->days[g->n_days].day, HDAY_SIZE, "%s", day);
	g->days[g->n_days++].expire_at_s = end_ms / 1000 + INGEST_KEEP_DAYS * DAY_S;
	return true;
}

static void json_terms(struct strbuf *b, char *const *v, size_t n)
{
	strbuf_adds(b, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			strbuf_adds(b, ",");
		strbuf_json_str(b, v[i]);
	}
	strbuf_adds(b, "]");
}

static bool terms_ok(char *const *v, size_t n)
{
	if (n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_term(v[i]))
			return false;
	return true;
}

/* --- the kinds of event ------------------------------------------------- */

static bool add_cr(struct ingest *g, const Tarjotin__UsageEvent *e, const char *day)
{
	struct ingest_cr *c;
	struct strbuf b = STRBUF_INIT;

	if (!is_uuid(e->event_id) || !e->cr_kind || !is_kind(e->cr_kind) ||
	    !empty_or(e->activity_id, is_uuid) || !empty_or(e->organization_id, is_uuid) ||
	    !empty_or(e->user_site_id, is_uuid) || !empty_or(e->county, is_county) ||
	    !terms_ok(e->kinds, e->n_kinds) || !terms_ok(e->needs, e->n_needs))
		return false;
	strbuf_adds(&b, "{\"id\":");
	strbuf_json_str(&b, e->event_id);
	strbuf_adds(&b, ",\"kind\":");
	strbuf_json_str(&b, e->cr_kind);
	strbuf_addf(&b, ",\"at_ms\":%lld,\"day\":\"%s\",\"county\":", (long long)e->at_ms, day);
	strbuf_json_str(&b, e->county ? e->county : "");
	strbuf_adds(&b, ",\"kinds\":");
	json_terms(&b, e->kinds, e->n_kinds);
	strbuf_adds(&b, ",\"needs\":");
	json_terms(&b, e->needs, e->n_needs);
	strbuf_adds(&b, ",\"user_site\":");
	strbuf_json_str(&b, e->user_site_id ? e->user_site_id : "");
	strbuf_adds(&b, ",\"organization\":");
	strbuf_json_str(&b, e->organization_id ? e->organization_id : "");
	strbuf_adds(&b, ",\"activity\":");
	strbuf_json_str(&b, e->activity_id ? e->activity_id : "");
	strbuf_addf(&b, ",\"days\":%d,\"reaction_minutes\":%d}", e->days,
		    e->reaction_minutes < 0 ? -1 : e->reaction_minutes);
	if (g->n_crs == g->cap_crs) {
		g->cap_crs = g->cap_crs ? g->cap_crs * 2 : 8;
		g->crs = xrealloc(g->crs, g->cap_crs * sizeof(*g->crs));
	}
	c = &g->crs[g->n_crs++];
	snprintf(c->day, sizeof(c->day), "%s", day);
	snprintf(c->id, sizeof(c->id), "%s", e->event_id);
	snprintf(c->field, sizeof(c->field), "cr|%s", e->cr_kind);
	c->record = strbuf_detach(&b);
	return true;
}

static bool add_search(struct ingest *g, const Tarjotin__UsageEvent *e, const char *day)
{
	const char *need = e->need ? e->need : "", *kind = e->kind_term ? e->kind_term : "";
	const char *mun = e->municipality ? e->municipality : "";

	if (!empty_or(need, is_term) || !empty_or(kind, is_term) || !empty_or(mun, is_mun) ||
	    !empty_or(e->county, is_county) || !empty_or(e->user_site_id, is_uuid) ||
	    e->n_words > 5)
		return false;
	for (size_t i = 0; i < e->n_words; i++)
		if (!ingest_word_ok(e->words[i]))
			return false;
	count(g, day, "search|all");
	countf(g, day, "search|site|%s", or_dash(e->user_site_id));
	if (*need)
		countf(g, day, "search_need|%s", need);
	if (*kind)
		countf(g, day, "search_kind|%s", kind);
	if (*mun)
		countf(g, day, "search_mun|%s", mun);
	if (e->has_q)
		count(g, day, "search_q");
	if (e->zero) {
		countf(g, day, "zero|%s|%s|%s", or_dash(need), or_dash(kind), or_dash(mun));
		for (size_t i = 0; i < e->n_words; i++)
			countf(g, day, "zword|%s", e->words[i]);
	}
	return true;
}

static bool add_page(struct ingest *g, const Tarjotin__UsageEvent *e, const char *day)
{
	const char *page = e->page && *e->page ? e->page : "index";

	if (!is_name(page) || !empty_or(e->user_site_id, is_uuid) ||
	    (e->visit && *e->visit && !is_lower_hex(e->visit, 32)))
		return false;
	countf(g, day, "pv|%s|%s", page, or_dash(e->user_site_id));
	if (e->visit && *e->visit) {
		visit(g, day, or_dash(e->user_site_id), e->visit);
		visit(g, day, "all", e->visit);
	}
	return true;
}

static bool add_event(struct ingest *g, const Tarjotin__UsageEvent *e, const char *day)
{
	switch (e->kind) {
	case TARJOTIN__USAGE_EVENT__KIND__API_CALL:
		if (!e->route || !is_name(e->route) || e->status > 999)
			return false;
		countf(g, day, "api|%s|%u", e->route, e->status);
		return true;
	case TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW:
		return add_page(g, e, day);
	case TARJOTIN__USAGE_EVENT__KIND__SEARCH:
		return add_search(g, e, day);
	case TARJOTIN__USAGE_EVENT__KIND__DETAIL_VIEW:
		if (!is_uuid(e->activity_id) || !empty_or(e->user_site_id, is_uuid))
			return false;
		count(g, day, "detail|all");
		countf(g, day, "detail|%s", e->activity_id);
		return true;
	case TARJOTIN__USAGE_EVENT__KIND__REVIEW_CONFIRMED:
		count(g, day, "review|confirmed");
		return true;
	case TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST:
		return add_cr(g, e, day);
	default:
		return false;
	}
}

size_t ingest_batch(struct ingest *g, const Tarjotin__UsageBatch *b, int64_t now_ms)
{
	const char *src = b->source_id ? b->source_id : "";

	if ((*src && (!is_lower_hex(src, 32) || b->seq == 0)) || b->n_events > INGEST_MAX_EVENTS) {
		g->malformed += b->n_events;
		return 0;
	}
	snprintf(g->source_id, sizeof(g->source_id), "%s", src);
	g->seq = b->seq;
	for (size_t i = 0; i < b->n_events; i++) {
		const Tarjotin__UsageEvent *e = b->events[i];
		int64_t at = e->at_ms ? e->at_ms : now_ms;
		char day[HDAY_SIZE];

		if (at < 0 || at < now_ms - INGEST_PAST_MS || at > now_ms + INGEST_FUTURE_MS ||
		    hday_of(at, day, sizeof(day))) {
			g->refused++;
			continue;
		}
		if (!day_seen(g, day) || !add_event(g, e, day)) {
			g->malformed++;
			continue;
		}
		g->events++;
	}
	return g->events;
}
