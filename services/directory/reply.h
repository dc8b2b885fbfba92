/*
 * reply.h - filling in and releasing the reply envelope of a request.
 */
#ifndef TJ_REPLY_H
#define TJ_REPLY_H

#include "envelope.pb-c.h"

/* Sets a reply's status and error; the message (printf-style; past 511
 * bytes shortened at a character boundary, ending in "…") and 'field'
 * (NULL: none) are copied into malloc'ed strings that reply_release frees. */
void reply_set_error(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *field,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same, and the machine-readable reason 'code' (Envelope.error_code,
 * e.g. "forbidden", "link_used"; copied), which the gateway puts into the
 * error body's "code". */
void reply_set_code(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *code,
		    const char *field, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Frees what a handler or reply_set_error malloc'ed in 'reply' (error,
 * error_field, error_code, payload); the envelope itself stays the caller's. */
void reply_release(Tarjotin__Envelope *reply);

#endif
