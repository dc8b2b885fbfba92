/*
 * dlrrule.c - see dlrrule.h.
 */
#include <string.h>

#include "config.h"
#include "dlrrule.h"
#include "banned.h"

void dlrrule_window_init(struct dlrrule_window *w)
{
	w->max_age_s = config_int("TARJOTIN_DLR_MAX_AGE_S", DLRRULE_MAX_AGE_S, 60, 30 * 86400);
	w->max_future_s = config_int("TARJOTIN_DLR_MAX_FUTURE_S", DLRRULE_MAX_FUTURE_S, 0, 3600);
}

const char *dlrrule_time_refusal(const struct dlrrule_window *w, int64_t now_s, int64_t report_s)
{
	if (report_s <= 0)
		return "no_time";
	if (report_s < now_s && now_s - report_s > w->max_age_s)
		return "stale";
	if (report_s > now_s && report_s - now_s > w->max_future_s)
		return "future";
	return NULL;
}

bool dlrrule_message_in_window(const struct dlrrule_window *w, int64_t age_s)
{
	return age_s <= w->max_age_s;
}

bool dlrrule_changes(const char *current, const char *next)
{
	static const char *const open[] = { "queued", "sent", "failed", "delivered", NULL };
	bool known = false;

	if (!current || !next || (strcmp(next, "delivered") && strcmp(next, "failed")))
		return false;
	for (int i = 0; open[i]; i++)
		known = known || !strcmp(current, open[i]);
	if (!known || !strcmp(current, next))
		return false;
	return !(strcmp(current, "delivered") == 0 && strcmp(next, "failed") == 0);
}
