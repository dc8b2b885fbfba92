/*
 * review_settings.c - see review_settings.h.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "num.h"
#include "review_settings.h"
#include "banned.h"

int review_settings_int(const char *name, long def, long min, long max, int *out, char *err,
			size_t errlen)
{
	const char *v = config_str(name, NULL);
	long n = def;

	if (v && num_parse_long(v, min, max, &n)) {
		snprintf(err, errlen, "%s must be a whole number %ld..%ld", name, min, max);
		return -1;
	}
	*out = (int)n;
	return 0;
}

static int reminders(struct review_settings *s, char *err, size_t errlen)
{
	const char *v = config_str("TARJOTIN_REVIEW_REMINDER_DAYS", "14,30");
	char buf[64], *save = NULL, *tok;

	s->n_reminders = 0;
	if (strlen(v) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long d;

		if (s->n_reminders == REVIEW_REMINDERS_MAX || num_parse_long(tok, 1, 365, &d) ||
		    (s->n_reminders > 0 && d <= s->reminder_days[s->n_reminders - 1]))
			goto bad;
		s->reminder_days[s->n_reminders++] = (int)d;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "TARJOTIN_REVIEW_REMINDER_DAYS must list 0..%d ascending days 1..365, comma "
		 "separated",
		 REVIEW_REMINDERS_MAX);
	return -1;
}

int review_settings_load(struct review_settings *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (review_settings_int("TARJOTIN_REVIEW_MONTHS", 6, 1, 24, &s->months, err, errlen) ||
	    reminders(s, err, errlen) ||
	    review_settings_int("TARJOTIN_REVIEW_UNVERIFIED_DAYS", 30, 1, 365, &s->unverified_days,
				err, errlen) ||
	    review_settings_int("TARJOTIN_REVIEW_HIDDEN_DAYS", 90, 2, 730, &s->hidden_days, err,
				errlen) ||
	    review_settings_int("TARJOTIN_REVIEW_LINK_DAYS", 60, 1, 365, &s->link_days, err,
				errlen) ||
	    review_settings_int("TARJOTIN_REVIEW_EVERY_S", 3600, 10, 86400, &s->every_s, err,
				errlen))
		return -1;
	if (s->hidden_days <= s->unverified_days) {
		snprintf(err, errlen,
			 "TARJOTIN_REVIEW_HIDDEN_DAYS must be more than "
			 "TARJOTIN_REVIEW_UNVERIFIED_DAYS (%d)",
			 s->unverified_days);
		return -1;
	}
	return 0;
}
