/*
 * reply.c - filling in and releasing the reply envelope of a request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "reply.h"
#include "utf8.h"
#include "xalloc.h"
#include "banned.h"

static void set_error(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *field,
		      const char *fmt, va_list ap)
{
	char full[2048], msg[512];

	vsnprintf(full, sizeof(full), fmt, ap);
	/* Shortened at a character boundary: the text goes on into JSON. */
	utf8_clip(msg, sizeof(msg), full);
	reply->status = status;
	reply->error = xstrdup(msg);
	reply->error_field = xstrdup(field ? field : "");
}

void reply_set_error(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *field,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(reply, status, field, fmt, ap);
	va_end(ap);
}

void reply_set_code(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *code,
		    const char *field, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_error(reply, status, field, fmt, ap);
	va_end(ap);
	if (reply->error_code && reply->error_code != protobuf_c_empty_string)
		free(reply->error_code);
	reply->error_code = xstrdup(code);
}

void reply_release(Tarjotin__Envelope *reply)
{
	if (reply->error != protobuf_c_empty_string)
		free(reply->error);
	if (reply->error_field != protobuf_c_empty_string)
		free(reply->error_field);
	if (reply->error_code && reply->error_code != protobuf_c_empty_string)
		free(reply->error_code);
	free(reply->payload.data);
}
