/*
 * phone.h - telephone numbers to E.164, Finnish rules first.
 *
 * phone_normalize_fi() accepts what people type:
 *  - separators: spaces, '-', '.', '(' and ')' anywhere; they are dropped
 *    ("(09) 123 4567", "040-123 45 67", "+358 (0)40 123 4567");
 *  - Finnish national form with the trunk prefix 0: "0401234567";
 *  - Finnish international form: "+358401234567" or "00358401234567";
 *    a trunk 0 written after the country code ("+358 (0)40...") is dropped,
 *    since no Finnish national significant number (NSN) starts with 0;
 *  - any other country already in international form, "+CC..." or
 *    "00CC...": kept as written, 7..15 digits in all, the first not 0
 *    (E.164 itself allows 15; no per-country plan is checked).
 * A Finnish NSN must have 5..12 digits (Traficom numbering plan: the
 * shortest are service numbers, the longest 12; E.164 caps +358 at 12).
 * Refused: letters, any other character, '+' anywhere but first, a number
 * without a leading 0 or country code ("401234567", "358401234567"),
 * too short or too long numbers.
 *
 * The output is "+" and digits only, at most PHONE_E164_MAX chars.
 */
#ifndef TJ_PHONE_H
#define TJ_PHONE_H

#include <stddef.h>

#define PHONE_E164_MAX 16 /* "+" and up to 15 digits */
#define PHONE_INPUT_MAX 64

/* Normalises 'in' to E.164 into 'out' (NUL-terminated; outlen must be at
 * least PHONE_E164_MAX + 1).  Returns 0, or -1 with a lower-case reason
 * in 'err' (may be NULL) and 'out' set to "". */
int phone_normalize_fi(const char *in, char *out, size_t outlen, char *err, size_t errlen);

/* 1 when 'e164' (as produced above) is a Finnish mobile number that can
 * receive SMS: +358 4x... (prefix 04x) or +358 50... (prefix 050), with
 * an NSN of 7..10 digits; 0 otherwise (landlines, service numbers,
 * foreign numbers, NULL, anything not in E.164 form). */
int phone_is_mobile_fi(const char *e164);

#endif
