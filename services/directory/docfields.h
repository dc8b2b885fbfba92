/*
 * docfields.h - the field rules every self-service document shares
 * (docs/selfservice.md): texts, web addresses, e-mail addresses, phone
 * numbers, booleans, integers, lists of codes, contact people, and the
 * database checks that codes and ids name something that exists.
 *
 * Each check reads member 'key' of the input object 'in', notes what is
 * wrong into a struct docerr under the dotted name 'field' (NULL: 'key')
 * with the contract's codes, and on success stores the canonical value as
 * member 'key' of 'out' (a missing member takes its empty value).  They
 * return 0 when the value was good, -1 when an error was noted.
 */
#ifndef TJ_DOCFIELDS_H
#define TJ_DOCFIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "directory.h"
#include "doccall.h"

#define DOCF_MULTILINE 1   /* text: line breaks and tabs allowed */
#define DOCF_NULLABLE 2    /* empty is stored as null rather than "" */
#define DOCF_LOWER 4       /* codes: lower-cased before the check */
#define DOCF_LEN_INVALID 8 /* text: a wrong length is "invalid" (nested fields) */

/* The longest web address (characters). */
#define DOCF_URL_MAX 500

/*
 * A text of min..max characters: valid UTF-8 without control characters
 * (except \n \r \t with DOCF_MULTILINE; "invalid"); a single-line text is
 * stored without surrounding white space.  Absent, null or empty: "" (null
 * with DOCF_NULLABLE), or "required" when min > 0.  "too_short",
 * "too_long" ("invalid" with DOCF_LEN_INVALID); not a string: "invalid".
 */
int docfields_text(struct docerr *e, const json_t *in, json_t *out, const char *key,
		   const char *field, long min, long max, int flags);

/* A web address: null, or http:// or https:// and more, at most
 * DOCF_URL_MAX characters, no white space or control characters
 * ("invalid").  Absent or "": null. */
int docfields_url(struct docerr *e, const json_t *in, json_t *out, const char *key,
		  const char *field);

/* An e-mail address (lib/email.h), stored in lower case.  Absent, null or
 * "": null, or "required" when 'required'.  Else "invalid". */
int docfields_email(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, bool required);

/* A phone number as people write it (the phone_number domain of 0002 and
 * lib/phone.h's rules), stored as written without surrounding white space.
 * Absent, null or "": null, or "required" when 'required'.  Else
 * "invalid". */
int docfields_phone(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, bool required);

/* A boolean; absent: 'def'.  Anything else (null too) is "invalid". */
int docfields_bool(struct docerr *e, const json_t *in, json_t *out, const char *key,
		   const char *field, bool def);

/* An integer in min..max ("invalid"); absent or null: null, or "required"
 * when 'required'. */
int docfields_int(struct docerr *e, const json_t *in, json_t *out, const char *key,
		  const char *field, long min, long max, bool required);

/* Whether a code has the right form: predicates for docfields_codes. */
bool docfields_is_municipality(const char *s); /* [0-9]{3} */
bool docfields_is_term_id(const char *s);      /* [a-z][a-z0-9-]{0,39} */
bool docfields_is_language(const char *s);     /* [a-z]{2,3} */
bool docfields_is_email(const char *s);        /* lib/email.h */

/*
 * A list of at most 'max' strings (at least 'min': else "required") each
 * of which 'ok' accepts ("invalid", the message names the position and the
 * value), without duplicates ("invalid"); more than max: "too_many".
 * Absent or null: [].  With DOCF_LOWER each is lower-cased first.  The
 * stored list is sorted (its order carries no meaning).
 */
int docfields_codes(struct docerr *e, const json_t *in, json_t *out, const char *key,
		    const char *field, size_t min, size_t max, bool (*ok)(const char *), int flags);

/* The most contact people of a document. */
#define DOCF_CONTACTS_MAX 10

/*
 * The contact people: at most DOCF_CONTACTS_MAX ("too_many") objects
 * {"name" 1..200, "role" ≤ 200, "email"?, "phone"?}, each with an e-mail
 * or a phone ("required" on contacts.<i>.email); errors on
 * contacts.<i>.name etc. (with 'key' as the prefix), a wrong length
 * "invalid".  Stored in order as
 * {"name","role","email"|null,"phone"|null}; absent or null: [].
 */
int docfields_contacts(struct docerr *e, const json_t *in, json_t *out, const char *key);

/* --- database checks (in the caller's transaction, if any) ---------------- */

/*
 * Notes "unknown" on 'field' (the message names the first unknown code)
 * when a municipality code of 'codes' (an array of strings, or one
 * string; other values are skipped) does not exist.  Returns 0 (whether
 * or not one was unknown), or -1 with reply filled when the query failed.
 */
int docfields_check_municipalities(struct worker *w, struct docerr *e, const json_t *codes,
				   const char *field, Tarjotin__Envelope *reply);

/* The same for term ids that are not active terms of 'taxonomy' ("need",
 * "kind", "target_group"). */
int docfields_check_terms(struct worker *w, struct docerr *e, const json_t *ids,
			  const char *taxonomy, const char *field, Tarjotin__Envelope *reply);

/* The same for a county key (a string; anything else is skipped). */
int docfields_check_county(struct worker *w, struct docerr *e, const json_t *key, const char *field,
			   Tarjotin__Envelope *reply);

#endif
