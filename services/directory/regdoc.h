/*
 * regdoc.h - the rules of an organisation's document (docs/selfservice.md
 * "Registration and approval", "Editing"): the fields a registration and
 * the organisation profile share, the registration's own (contact
 * person, maintainers, terms, language), the Y-tunnus check digit, and the
 * database checks (parent, municipalities).  The form checks need no
 * database; errors are noted into a struct docerr, all of them.
 */
#ifndef TJ_REGDOC_H
#define TJ_REGDOC_H

#include <stdbool.h>

#include <jansson.h>

#include "directory.h"
#include "doccall.h"

/* The terms of use a registration accepts. */
#define REGDOC_TERMS_VERSION "2026-12"

/* Whether 's' is a Y-tunnus 'NNNNNNN-C' (form only). */
bool regdoc_business_id_form(const char *s);

/* Whether the Y-tunnus 's' (right form) has the right check digit: weights
 * 7,9,10,5,8,4,2; remainder 0 gives 0, 1 is never issued, else 11 - r
 * (as 0002's business_id_valid). */
bool regdoc_business_id_check(const char *s);

/*
 * The fields registration and profile share, from 'in' into 'out' in
 * canonical form: name, frame, parent_id, business_id (null when absent),
 * seat_municipality, municipalities (sorted), description, website.
 */
void regdoc_org(struct docerr *e, const json_t *in, json_t *out);

/*
 * The registration document: regdoc_org, then contact {"name","email",
 * "phone"}, maintainers (lower case, sorted), terms_accepted (must be
 * true) and lang (default "fi").
 */
void regdoc_registration(struct docerr *e, const json_t *in, json_t *out);

/*
 * The database checks of a checked document 'out' (members that failed
 * their form check are skipped): parent_id an approved organisation other
 * than 'self' (NULL: a new one) and not below it, seat_municipality and
 * municipalities existing codes.  0 (errors noted), or -1 with reply filled
 * when a query failed.
 */
int regdoc_check_db(struct worker *w, struct docerr *e, const json_t *out, const char *self,
		    Tarjotin__Envelope *reply);

#endif
