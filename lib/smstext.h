/*
 * smstext.h - SMS character set choice and segmentation.
 *
 * A text is sent in GSM-7 (3GPP TS 23.038 default alphabet plus the
 * extension table) when every character is in those tables, else in UCS-2.
 *  - GSM-7: a default-alphabet character (å ä ö Å Ä Ö é ü Ü ...) is one
 *    septet; an extension character (€ [ ] { } \ ^ ~ | and form feed) is
 *    two septets (ESC + code).  One message holds 160 septets; a
 *    concatenated message 153 per part (the UDH takes 7).
 *  - UCS-2 (really UTF-16): a BMP character is one unit, a character
 *    beyond the BMP (most emoji) two units (a surrogate pair).  One
 *    message holds 70 units; a concatenated message 67 per part.
 * A part never ends in the middle of an escape pair or a surrogate pair,
 * so a character that does not fit whole moves to the next part; the part
 * count is computed the same way (not as ceil(units / 153)).
 * No transliteration is done: an en dash or a curly quote makes the whole
 * text UCS-2, so templates should avoid them.
 */
#ifndef TJ_SMSTEXT_H
#define TJ_SMSTEXT_H

#include <stddef.h>

/* The longest message our API accepts (an oversized one is a 400):
 * 6 parts = 918 GSM-7 septets or 402 UCS-2 units. */
#define SMSTEXT_MAX_PARTS 6

#define SMSTEXT_GSM7_SINGLE 160
#define SMSTEXT_GSM7_PART 153
#define SMSTEXT_UCS2_SINGLE 70
#define SMSTEXT_UCS2_PART 67

enum smstext_encoding {
	SMSTEXT_GSM7,
	SMSTEXT_UCS2,
};

struct smstext_info {
	enum smstext_encoding encoding;
	size_t chars; /* Unicode code points */
	size_t units; /* GSM-7 septets or UTF-16 code units */
	size_t parts; /* SMS messages needed; 0 for an empty text */
};

/* Analyses NUL-terminated UTF-8 'utf8'.  Returns 0 and fills 'out', or -1
 * when 'utf8' is NULL or not valid UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF are invalid). */
int smstext_analyze(const char *utf8, struct smstext_info *out);

/* Checks that 'utf8' is valid, not empty and at most SMSTEXT_MAX_PARTS
 * parts.  Returns 0, or -1 with a lower-case reason in 'err'. */
int smstext_check(const char *utf8, char *err, size_t errlen);

/* Splits 'utf8' into the parts it will be sent as, each a UTF-8 string
 * (the concatenation of the parts equals the input).  On success returns
 * 0, sets *parts to a NULL-terminated array (free it with
 * smstext_parts_free) and *nparts to its length (0 for an empty text).
 * Returns -1 with *parts NULL when 'utf8' is invalid UTF-8 or needs more
 * than 'max_parts' parts (0 means no limit). */
int smstext_split(const char *utf8, size_t max_parts, char ***parts, size_t *nparts);

/* Frees an array from smstext_split and NULLs *parts.  Accepts NULL. */
void smstext_parts_free(char ***parts);

#endif
