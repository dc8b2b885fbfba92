/*
 * cr_settings.h - contact requests' settings (docs/contactrequests.md
 * "Configuration"): TARJOTIN_CR_* read and checked at start into struct
 * cr_settings (directory.h).
 */
#ifndef TJ_CR_SETTINGS_H
#define TJ_CR_SETTINGS_H

#include <stddef.h>

#include "directory.h"

/* Reads TARJOTIN_CR_* into s, defaults for unset ones.  Returns 0, or -1
 * with err naming the variable and its rule (the directory then refuses
 * to start). */
int cr_settings_load(struct cr_settings *s, char *err, size_t errlen);

#endif
