/*
 * uuid.h - the one check of a uuid's text form.
 *
 * Every uuid that crosses a boundary (a URL, a protobuf field, a stream
 * entry, a LISTEN payload) is checked here, in its canonical 8-4-4-4-12 hex
 * form of 36 characters; nothing else is a uuid to us.
 */
#ifndef TJ_UUID_H
#define TJ_UUID_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_STR_LEN 36  /* characters, without the NUL */
#define UUID_STR_SIZE 37 /* bytes, with the NUL */

/* True when the n bytes at s are a uuid in canonical form, in either case.
 * When out is not NULL the lower-case form and a NUL are written to it
 * (UUID_STR_SIZE bytes); out is left alone when the answer is false. */
bool uuid_parse(const char *s, size_t n, char *out);

/* True when the string s is exactly one canonical lower-case uuid, the form
 * our own services write (and PostgreSQL prints).  NULL is false. */
bool uuid_valid(const char *s);

#endif
