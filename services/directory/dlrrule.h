/*
 * dlrrule.h - which SMS delivery reports change anything (docs/security.md
 * "Messaging", docs/sms-provider.md "Delivery status notifications"): the
 * pure rules dlr.c applies, kept apart so that they are unit-tested.
 *
 *   - the report's own time (Unix seconds, signed by the provider) is at most
 *     max_age_s old and at most max_future_s ahead of our clock;
 *   - the message it is about was sent (or, not yet recorded as sent,
 *     queued) at most max_age_s ago;
 *   - a report changes a notification only when its status differs from the
 *     one stored and does not undo "delivered": so the same report twice (or
 *     a provider retry) changes nothing the second time.
 */
#ifndef TJ_DLRRULE_H
#define TJ_DLRRULE_H

#include <stdbool.h>
#include <stdint.h>

#define DLRRULE_MAX_AGE_S 259200 /* 72 h: the provider retries for about 15 h */
#define DLRRULE_MAX_FUTURE_S 300 /* clock skew */

/* The window, from TARJOTIN_DLR_MAX_AGE_S and TARJOTIN_DLR_MAX_FUTURE_S. */
struct dlrrule_window {
	int64_t max_age_s, max_future_s;
};

/* Reads the window from the environment (the defaults above; bounded:
 * 60 s .. 30 days, 0 .. 1 h). */
void dlrrule_window_init(struct dlrrule_window *w);

/* NULL when a report timed 'report_s' is inside the window at 'now_s'; else
 * why not, one word for the reply: "no_time" (0 or negative), "stale",
 * "future". */
const char *dlrrule_time_refusal(const struct dlrrule_window *w, int64_t now_s, int64_t report_s);

/* True when a message sent 'age_s' seconds ago may still get reports. */
bool dlrrule_message_in_window(const struct dlrrule_window *w, int64_t age_s);

/* True when a final status 'next' ("delivered" or "failed") changes a
 * notification whose status is 'current'; false for the same status again,
 * "failed" after "delivered", and a notification that is "dead" or unknown. */
bool dlrrule_changes(const char *current, const char *next);

#endif
