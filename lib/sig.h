/*
 * sig.h - graceful shutdown.
 *
 * sig_install() routes SIGTERM and SIGINT to a flag and an eventfd, so a
 * service's poll loop wakes at once and finishes its in-flight work before
 * exiting 0.  SIGPIPE is ignored (a peer that hangs up is an error return,
 * not a death).
 */
#ifndef TJ_SIG_H
#define TJ_SIG_H

#include <stdbool.h>

/* Returns 0, or -1 when the eventfd cannot be made. */
int sig_install(void);
/* True once SIGTERM or SIGINT arrived. */
bool sig_stopping(void);
/* A descriptor that becomes readable when stopping; include it in polls. */
int sig_fd(void);
/* Asks the process to stop, as a signal would (for fatal internal errors). */
void sig_request_stop(void);

#endif
