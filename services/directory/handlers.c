/*
 * handlers.c - the table from message type to worker handler.  Each feature
 * adds its handlers here; ping and health are answered by the main thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "directory.h"
#include "xalloc.h"
#include "banned.h"

static const struct {
	Tarjotin__MsgType type;
	handler_fn fn;
} table[] = {
	{ TARJOTIN__MSG_TYPE__MSG_UNKNOWN, NULL },
};

handler_fn handlers_find(Tarjotin__MsgType type)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].type == type)
			return table[i].fn;
	return NULL;
}

void reply_set_error(Tarjotin__Envelope *reply, Tarjotin__Status status, const char *field,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	reply->status = status;
	reply->error = xstrdup(msg);
	reply->error_field = xstrdup(field ? field : "");
}
