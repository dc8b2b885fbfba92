/*
 * mask.h - the masked form of a recipient, the only form that may appear
 * in logs, admin lists and statistics.
 *
 *   e-mail  "matti.meikalainen@example.org" -> "m***@example.org"
 *   phone   "+358401234567"                -> "+35840*****67"
 */
#ifndef TJ_MASK_H
#define TJ_MASK_H

#include <stddef.h>

/* Masks 'recipient' of 'channel' ("email" or "sms") into 'out'.  Returns 0,
 * or -1 (out "") when the input does not look like either; out must have
 * room for the input's length + 4 bytes. */
int mask_recipient(const char *channel, const char *recipient, char *out, size_t outlen);

#endif
