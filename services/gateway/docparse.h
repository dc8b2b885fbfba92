/*
 * docparse.h - the self-service routes' header and path rules
 * (docs/selfservice.md "Errors"): If-Match, the call's language from
 * Accept-Language, and the ids a path carries.  Pure functions, no I/O.
 */
#ifndef TJ_DOCPARSE_H
#define TJ_DOCPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uuid.h"

#define DOCPARSE_TERM_ID_MAX 40 /* characters of a taxonomy term id */

/*
 * Parses an If-Match header: "7" (as the ETag is sent), W/"7" or a bare 7,
 * the version a positive decimal number without sign or blanks (leading and
 * trailing blanks around the whole value are allowed).  Returns 1 when the
 * header is absent (NULL or only blanks; *version = 0), 0 with *version set,
 * or -1 when it is anything else (*version left alone).
 */
int docparse_if_match(const char *header, int64_t *version);

/*
 * The language of an Accept-Language header: its first tag's primary subtag
 * when that is fi, sv or en (any case; "sv-FI;q=0.9" is sv), else "fi".
 * NULL is "fi".  Returns a static string.
 */
const char *docparse_lang(const char *header);

/* True when s is a taxonomy term id: [a-z][a-z0-9-]{0,39}. */
bool docparse_term_id_ok(const char *s);

/*
 * True when s is min..max characters of base64url's alphabet [A-Za-z0-9_-]
 * (an Idempotency-Key: 16..64; an inbox link's sig: 22).  NULL is false.
 */
bool docparse_b64url_ok(const char *s, size_t min, size_t max);

/*
 * Splits a path's tail "<uuid><rest>": true when s starts with a canonical
 * uuid (either case; its lower-case form goes to id) followed by exactly
 * 'rest' ("" for none).  id is left alone when the answer is false.
 */
bool docparse_path_uuid(const char *s, const char *rest, char id[UUID_STR_SIZE]);

#endif
