/*
 * cr_settings.c - see cr_settings.h.
 */
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "cr_settings.h"
#include "num.h"
#include "review_settings.h"
#include "banned.h"

/* "1,2,3": three ascending multiples 1..10 of the promise. */
static int escalate(struct cr_settings *s, char *err, size_t errlen)
{
	const char *v = config_str("TARJOTIN_CR_ESCALATE", "1,2,3");
	char buf[32], *save = NULL, *tok;
	int n = 0;

	if (strlen(v) >= sizeof(buf))
		goto bad;
	snprintf(buf, sizeof(buf), "%s", v);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		long m;

		if (n == 3 || num_parse_long(tok, 1, 10, &m) || (n > 0 && m <= s->escalate[n - 1]))
			goto bad;
		s->escalate[n++] = (int)m;
	}
	if (n == 3)
		return 0;
bad:
	snprintf(err, errlen,
		 "TARJOTIN_CR_ESCALATE must be three ascending whole numbers 1..10, comma "
		 "separated (the reminder, the maintainers, the admin)");
	return -1;
}

int cr_settings_load(struct cr_settings *s, char *err, size_t errlen)
{
	const char *v;

	memset(s, 0, sizeof(*s));
	if (escalate(s, err, errlen) ||
	    review_settings_int("TARJOTIN_CR_RETENTION_DAYS", 30, 1, 365, &s->retention_days, err,
				errlen) ||
	    review_settings_int("TARJOTIN_CR_EXPIRY_DAYS", 60, 1, 365, &s->expiry_days, err,
				errlen) ||
	    review_settings_int("TARJOTIN_CR_EVERY_S", 300, 10, 86400, &s->every_s, err, errlen) ||
	    review_settings_int("TARJOTIN_CR_MAX_ACTIVITIES", 10, 1, 50, &s->max_activities, err,
				errlen))
		return -1;
	v = config_str("TARJOTIN_CR_CONTACT_IN_EMAIL", "false");
	if (!strcmp(v, "true") || !strcmp(v, "1")) {
		s->contact_in_email = true;
	} else if (strcmp(v, "false") && strcmp(v, "0")) {
		snprintf(err, errlen, "TARJOTIN_CR_CONTACT_IN_EMAIL must be true or false");
		return -1;
	}
	return 0;
}
