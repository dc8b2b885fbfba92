/*
 * tally.c - see tally.h.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tally.h"
#include "banned.h"

/* Route names become part of Redis keys: keep only [a-z0-9_]. */
static void key_safe(const char *in, char *out, size_t outlen)
{
	size_t j = 0;

	for (size_t i = 0; in[i] && j + 1 < outlen; i++) {
		char c = in[i];

		out[j++] = ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') ? c : '_';
	}
	out[j] = '\0';
}

void tally_init(struct tally *t)
{
	memset(t, 0, sizeof(*t));
}

int tally_day_of(int64_t at_ms, int64_t now_ms, char *out, size_t outlen)
{
	struct tm tm;
	time_t secs;

	if (outlen)
		out[0] = '\0';
	if (outlen < TALLY_DAY_SIZE)
		return -1;
	if (at_ms == 0)
		at_ms = now_ms;
	if (at_ms < 0 || at_ms < now_ms - TALLY_PAST_MS || at_ms > now_ms + TALLY_FUTURE_MS)
		return -1;
	secs = (time_t)(at_ms / 1000);
	if (!gmtime_r(&secs, &tm) || strftime(out, outlen, "%Y-%m-%d", &tm) != TALLY_DAY_SIZE - 1) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static void tally_bump(struct tally *t, const char *day, const char *field)
{
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->c[i].field, field) && !strcmp(t->c[i].day, day)) {
			t->c[i].n++;
			return;
		}
	if (t->n == TALLY_MAX) {
		t->overflow++; /* cannot happen with our few routes; never grow unbounded */
		return;
	}
	snprintf(t->c[t->n].day, sizeof(t->c[t->n].day), "%s", day);
	snprintf(t->c[t->n].field, sizeof(t->c[t->n].field), "%s", field);
	t->c[t->n++].n = 1;
}

/* Whether s is a uuid's text (lower-case hex and dashes, 36 characters). */
static bool is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' :
			   !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return s[36] == '\0';
}

/* Whether s is an event kind: [a-z_]{1,40}. */
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

/* A contact request event into t->once (counted by its id, once). */
static void add_once(struct tally *t, const Tarjotin__UsageEvent *e, const char *day)
{
	struct tally_once *o;

	if (!e->event_id || !e->cr_kind || !is_uuid(e->event_id) || !is_kind(e->cr_kind)) {
		t->malformed++;
		return;
	}
	if (t->n_once == TALLY_MAX) {
		t->overflow++;
		return;
	}
	o = &t->once[t->n_once++];
	snprintf(o->day, sizeof(o->day), "%s", day);
	snprintf(o->field, sizeof(o->field), "cr_%s", e->cr_kind);
	snprintf(o->id, sizeof(o->id), "%s", e->event_id);
}

void tally_add_batch(struct tally *t, const Tarjotin__UsageBatch *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_events; i++) {
		const Tarjotin__UsageEvent *e = b->events[i];
		char day[TALLY_DAY_SIZE], route[64], field[96];

		if (tally_day_of(e->at_ms, now_ms, day, sizeof(day))) {
			t->refused++;
			continue;
		}
		if (e->kind == TARJOTIN__USAGE_EVENT__KIND__CONTACT_REQUEST) {
			add_once(t, e, day);
			continue;
		}
		key_safe(e->route, route, sizeof(route));
		snprintf(field, sizeof(field), "%s:%u", route, e->status);
		tally_bump(t, day, field);
		if (e->kind == TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW)
			tally_bump(t, day, "page_views");
	}
}

/* KEYS[1] the event's seen key, KEYS[2] the day's hash; ARGV[1] the field,
 * ARGV[2] the seen key's lifetime (s). */
#define COUNT_ONCE                                                      \
	"if redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2]) then " \
	"return redis.call('HINCRBY', KEYS[2], ARGV[1], 1) end return 0"

int tally_send(const struct tally *t, redisContext *rc, char *err, size_t errlen)
{
	int result = 0;
	char ttl[24];

	err[0] = '\0';
	snprintf(ttl, sizeof(ttl), "%ld", TALLY_SEEN_TTL_S);
	for (size_t i = 0; i < t->n; i++)
		redisAppendCommand(rc, "HINCRBY tj:stats:%s %s %ld", t->c[i].day, t->c[i].field,
				   t->c[i].n);
	for (size_t i = 0; i < t->n_once; i++)
		redisAppendCommand(rc, "EVAL %s 2 tj:stats:cr:seen:%s tj:stats:%s %s %s",
				   COUNT_ONCE, t->once[i].id, t->once[i].day, t->once[i].field,
				   ttl);
	for (size_t i = 0; i < t->n + t->n_once; i++) {
		redisReply *r = NULL;

		if (redisGetReply(rc, (void **)&r) != REDIS_OK || !r) {
			snprintf(err, errlen, "%s",
				 rc->errstr[0] ? rc->errstr : "no reply from redis");
			return -1;
		}
		if (r->type == REDIS_REPLY_ERROR && !result) {
			snprintf(err, errlen, "%s", r->str);
			result = -1;
		}
		freeReplyObject(r);
	}
	return result;
}
