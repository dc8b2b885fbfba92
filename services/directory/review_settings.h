/*
 * review_settings.h - the review's settings (docs/selfservice.md "The
 * review"): TARJOTIN_REVIEW_* read and checked at start into struct
 * review_settings (directory.h).
 */
#ifndef TJ_REVIEW_SETTINGS_H
#define TJ_REVIEW_SETTINGS_H

#include <stddef.h>

#include "directory.h"

/*
 * Reads TARJOTIN_REVIEW_* (docs/selfservice.md's table) into s, defaults
 * for unset ones.  Returns 0, or -1 with err naming the variable and the
 * rule it broke (the directory then refuses to start).
 */
int review_settings_load(struct review_settings *s, char *err, size_t errlen);

/* One whole-number setting 'name' (default 'def' when unset) in min..max
 * into *out.  Returns 0, or -1 with err "<name> must be a whole number
 * min..max".  (cr_settings.c reads its settings with it too.) */
int review_settings_int(const char *name, long def, long min, long max, int *out, char *err,
			size_t errlen);

#endif
