/*
 * tally.c - see tally.h.
 */
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

void tally_add_batch(struct tally *t, const Tarjotin__UsageBatch *b, int64_t now_ms)
{
	for (size_t i = 0; i < b->n_events; i++) {
		const Tarjotin__UsageEvent *e = b->events[i];
		char day[TALLY_DAY_SIZE], route[64], field[96];

		if (tally_day_of(e->at_ms, now_ms, day, sizeof(day))) {
			t->refused++;
			continue;
		}
		key_safe(e->route, route, sizeof(route));
		snprintf(field, sizeof(field), "%s:%u", route, e->status);
		tally_bump(t, day, field);
		if (e->kind == TARJOTIN__USAGE_EVENT__KIND__PAGE_VIEW)
			tally_bump(t, day, "page_views");
	}
}

int tally_send(const struct tally *t, redisContext *rc, char *err, size_t errlen)
{
	int result = 0;

	err[0] = '\0';
	for (size_t i = 0; i < t->n; i++)
		redisAppendCommand(rc, "HINCRBY tj:stats:%s %s %ld", t->c[i].day, t->c[i].field,
				   t->c[i].n);
	for (size_t i = 0; i < t->n; i++) {
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
