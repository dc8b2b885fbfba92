/*
 * conntime.h - the whole-request time limit (docs/security.md "Abuse
 * limits").
 *
 * libmicrohttpd 0.9.75 has only an idle timeout, which every byte resets:
 * a client dripping a header byte now and then holds its connection for
 * ever.  This module keeps every connection's deadline (from its start, and
 * again from the end of each answer on a kept-alive connection) and, from a
 * thread of its own that looks once a second, answers a connection whose
 * request has not fully arrived by then 408 and shuts its socket down;
 * libmicrohttpd then sees the end and closes it.  The clock stops when a
 * request has arrived (headers and body), so a call waiting on the
 * directory is never cut.
 *
 * Wiring: conntime_notify is the daemon's MHD_OPTION_NOTIFY_CONNECTION
 * callback (with the table as its closure); the access handler calls
 * conntime_arrived, the completion callback conntime_done.
 */
#ifndef TJ_CONNTIME_H
#define TJ_CONNTIME_H

#include <stdbool.h>
#include <stdint.h>

#include <microhttpd.h>

struct conntime;

/*
 * Starts the watch for a limit of limit_s seconds.  Returns NULL with the
 * reason in err when the lock or the thread cannot be made.  Free with
 * conntime_destroy, after the daemon stopped (which reports every
 * connection closed).
 */
struct conntime *conntime_new(unsigned limit_s, char *err, size_t errlen);

/* Stops the thread and frees the table; accepts NULL and NULLs the pointer. */
void conntime_destroy(struct conntime **tp);

/* libmicrohttpd's connection notification: STARTED adds the connection
 * (its deadline now + limit), CLOSED removes it.  cls is the table. */
void conntime_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe);

/* The connection's request has arrived (headers and body): its clock stops. */
void conntime_arrived(struct MHD_Connection *conn);

/* The connection's answer is done: the next request's clock starts. */
void conntime_done(struct MHD_Connection *conn);

/* True when the connection's request is past its deadline (for the upload
 * path: a body still dripping in is cut there). */
bool conntime_overdue(struct MHD_Connection *conn);

#endif
