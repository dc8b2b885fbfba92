/*
 * fields.h - the field rules of the identity API, checked at the boundary
 * (docs/identity.md "Field rules").  Pure functions, no I/O.
 */
#ifndef TJ_FIELDS_H
#define TJ_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "email.h"

#define FIELDS_NAME_MAX 200   /* characters of a name or group */
#define FIELDS_DOMAINS_MAX 20 /* e-mail domains of a user site */
#define FIELDS_ORGS_MAX 50    /* organisations of an account */

/* Lower-cases 'in' into out and checks it with lib/email.  Returns 0, or
 * -1 when it is too long or not an acceptable address. */
int fields_email(const char *in, char out[EMAIL_MAX_LEN + 1]);

/* At most FIELDS_NAME_MAX characters of valid UTF-8 without control
 * characters; 'nonempty' also refuses "" and blanks only. */
bool fields_name_ok(const char *s, bool nonempty);

/* Two capital letters A-Z. */
bool fields_county_ok(const char *s);

/* [a-z0-9.-] with a dot, not starting or ending with '.' or '-', no "..",
 * at most 253 bytes. */
bool fields_domain_ok(const char *s);

/* "professional", "editor" or "admin". */
bool fields_role_ok(const char *s);

/* "fi", "sv" or "en". */
bool fields_lang_ok(const char *s);

/* An audit action: [a-z_.]{1,64}. */
bool fields_action_ok(const char *s);

/* A timestamp as ISO 8601 text: [0-9T:.+-Z ]{4,40} (PostgreSQL parses it). */
bool fields_time_ok(const char *s);

#endif
